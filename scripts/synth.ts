/**
 * npm run synth [-- <environment> ...]
 * Synthesises the CDKTF app in-process (no cdktf CLI: ~5 s faster) into cdktf.out/ and prints one
 * line per stack. With environment names, builds only those (plus bootstrap). Reads the same
 * environment variables as infra/main.ts (ENVIRONMENTS, BOOTSTRAP_STATE).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { optionsFromEnv, synthOrExit } from "../infra/app.js";
import { parsePrNumber } from "../infra/environments/preview.js";
import { PLACEHOLDER_IMAGE_TAG } from "../infra/environments/release.js";
import { formatTable } from "./cli/table.js";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    outdir: { type: "string", default: "cdktf.out" },
    preview: { type: "string", multiple: true },
    help: { type: "boolean", short: "h" },
  },
});
if (values.help) {
  console.log(
    "usage: npm run synth [-- [--outdir DIR] [--preview <PR number> ...] [environment ...]]\n" +
      "Environments: dev, staging, prod (default: all). --preview adds the preview stack of that pull request\n" +
      "(image IMAGE_TAG, or a placeholder), as PR_NUMBER does.",
  );
  process.exit(0);
}

synthOrExit(() => {
  const fromEnv = optionsFromEnv();
  const imageTag = fromEnv.imageTag ?? PLACEHOLDER_IMAGE_TAG;
  const previews = [
    ...(fromEnv.previews ?? []),
    ...(values.preview ?? []).map((n) => ({ prNumber: parsePrNumber(n, "--preview"), imageTag })),
  ];
  return {
    ...fromEnv,
    outdir: values.outdir,
    ...(positionals.length ? { environments: positionals } : {}),
    ...(previews.length ? { previews } : {}),
  };
});
// Since process start: loading the provider bindings is most of the time, and users wait for it too.
const seconds = performance.now() / 1000;

const manifest = JSON.parse(readFileSync(join(values.outdir, "manifest.json"), "utf8")) as {
  stacks: Record<string, { synthesizedStackPath: string }>;
};
const rows = Object.entries(manifest.stacks).map(([name, stack]) => {
  const config = JSON.parse(readFileSync(join(values.outdir, stack.synthesizedStackPath), "utf8")) as {
    resource?: Record<string, Record<string, unknown>>;
  };
  const resources = Object.values(config.resource ?? {}).reduce(
    (n, byName) => n + Object.keys(byName).length,
    0,
  );
  return [name, resources, stack.synthesizedStackPath] as const;
});
console.log(formatTable(["stack", "resources", "file"], rows));
console.log(`\nsynthesised ${rows.length} stacks into ${values.outdir}/ in ${seconds.toFixed(1)} s`);
