/**
 * npm run plan:offline [-- <stack> ...] [--validate-only] [--concurrency N]
 * plan (which validates) + show -json for every synthesised stack, offline, with the real AWS
 * provider: run in place once verified against HashiCorp's checksum, else installed by terraform
 * init from the local mirror or the registry. Plans land in cdktf.out/plans/<stack>.json.
 */
import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { listStacks, planStacksOffline } from "../infra/terraform/offline-plan.js";
import { prepareToolchain, ToolchainError } from "../infra/terraform/toolchain.js";
import { formatTable } from "./cli/table.js";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    outdir: { type: "string", default: "cdktf.out" },
    "validate-only": { type: "boolean", default: false },
    concurrency: { type: "string", default: String(availableParallelism()) },
    help: { type: "boolean", short: "h" },
  },
});
if (values.help) {
  console.log(
    "usage: npm run plan:offline [-- [--validate-only] [--concurrency N] [--outdir DIR] [stack ...]]\n" +
      "Needs terraform ≥ 1.10 on PATH (or TERRAFORM_BIN). The AWS provider comes from a local mirror\n" +
      "(TF_PROVIDER_MIRROR, else discovered) or, without one, from the registry into one shared cache;\n" +
      "a package matching HashiCorp's published checksum runs in place, with no terraform init per stack.",
  );
  process.exit(0);
}

const outdir = values.outdir;
if (!existsSync(join(outdir, "stacks"))) {
  console.error(`plan:offline: no synthesised stacks in ${outdir}/stacks — run \`npm run synth\` first`);
  process.exit(1);
}
const known = listStacks(outdir);
const unknown = positionals.filter((s) => !known.includes(s));
if (unknown.length) {
  console.error(`plan:offline: unknown stack ${unknown.join(", ")} (synthesised: ${known.join(", ")})`);
  process.exit(1);
}
const stacks = positionals.length ? positionals : known;

let toolchain: Awaited<ReturnType<typeof prepareToolchain>>;
try {
  toolchain = await prepareToolchain(join(outdir, "terraform.offline.rc"));
} catch (error) {
  if (error instanceof ToolchainError) {
    console.error(`plan:offline: ${error.message}`);
    process.exit(1);
  }
  throw error;
}
const concurrency = Number(values.concurrency);
console.log(
  `terraform ${toolchain.terraformVersion}, ${toolchain.providerSource.kind === "mirror" ? `provider mirror ${toolchain.providerSource.path}` : `providers from the registry, cached in ${toolchain.providerSource.cacheDir}`}; ${stacks.length} stacks, ${concurrency} at a time`,
);

const started = performance.now();
const plans = await planStacksOffline(
  outdir,
  stacks,
  toolchain,
  { validateOnly: values["validate-only"], concurrency },
  (plan) => console.log(`  ${plan.ok ? "ok  " : "FAIL"} ${plan.stack} (${plan.seconds.toFixed(1)} s)`),
);
const total = (performance.now() - started) / 1000;

console.log();
console.log(
  formatTable(
    ["stack", "result", "add", "change", "destroy", "warnings", "seconds"],
    plans.map((p) => [
      p.stack,
      p.ok ? (values["validate-only"] ? "valid" : "planned") : "FAILED",
      p.add,
      p.change,
      p.destroy,
      p.warnings.length,
      Number(p.seconds.toFixed(1)),
    ]),
  ),
);
for (const plan of plans) {
  for (const warning of plan.warnings) console.log(`warning ${plan.stack}: ${warning}`);
  for (const error of plan.errors) console.error(`error ${plan.stack}: ${error}`);
}
const failed = plans.filter((p) => !p.ok);
console.log(
  `\n${plans.length - failed.length}/${plans.length} stacks ${values["validate-only"] ? "valid" : "planned"} in ${total.toFixed(1)} s` +
    (values["validate-only"] ? "" : `; plan JSON in ${outdir}/plans/`),
);
process.exit(failed.length ? 1 : 0);
