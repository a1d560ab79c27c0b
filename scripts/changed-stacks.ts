/**
 * npx tsx scripts/changed-stacks.ts --base <outdir> [--head <outdir>]
 * Compares two synthesised apps (the base branch's and the pull request's) and prints, as one JSON
 * object, which stacks changed, were added or removed, and which to plan (see
 * infra/delivery/changed-stacks.ts). Used by .github/workflows/plan.yml.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { compareSynthesised } from "../infra/delivery/changed-stacks.js";

const { values } = parseArgs({
  options: {
    base: { type: "string" },
    head: { type: "string", default: "cdktf.out" },
    help: { type: "boolean", short: "h" },
  },
});
if (values.help || !values.base) {
  console.log("usage: npx tsx scripts/changed-stacks.ts --base <outdir> [--head <outdir>]");
  process.exit(values.help ? 0 : 1);
}
if (!existsSync(join(values.head, "stacks"))) {
  console.error(
    `changed-stacks: no synthesised stacks in ${values.head}/stacks — run \`npm run synth\` first`,
  );
  process.exit(1);
}
// A base without stacks (the pull request adds the app) is fine: every stack counts as added.
console.log(JSON.stringify(compareSynthesised(values.base, values.head)));
