/**
 * npm run preview:up   -- --pr <N> --image-tag <sha> [--dry-run]
 * npm run preview:down -- --pr <N> [--dry-run]
 *
 * Creates/updates or destroys the preview environment of one pull request (see README, "Preview
 * environments"). Each step is printed before it runs; re-running after a failure finishes the job.
 * --dry-run synthesises and plans the preview offline and prints the commands it would run.
 */
import { parseArgs } from "node:util";
import { parsePrNumber } from "../infra/environments/preview.js";
import { parseImageTag } from "../infra/environments/release.js";
import { previewDown, previewUp } from "../infra/release/preview.js";
import { Runner } from "../infra/release/runner.js";
import { runMain } from "./cli/main.js";

const usage = `usage: npm run preview:up -- --pr <N> --image-tag <sha> [--dry-run]
       npm run preview:down -- --pr <N> [--dry-run]`;

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    pr: { type: "string" },
    "image-tag": { type: "string" },
    "dry-run": { type: "boolean", default: false },
    outdir: { type: "string", default: "cdktf.out" },
    help: { type: "boolean", short: "h" },
  },
});
const [action] = positionals;
if (values.help || (action !== "up" && action !== "down")) {
  console.log(usage);
  process.exit(values.help ? 0 : 1);
}

await runMain(`preview:${action}`, async () => {
  if (values.pr === undefined) throw new Error(`--pr is required\n${usage}`);
  const prNumber = parsePrNumber(values.pr, "--pr");
  const runner = new Runner(values["dry-run"]);
  if (runner.dryRun)
    console.log("dry run: nothing is created or destroyed in AWS; commands are printed instead");
  if (action === "up") {
    const imageTag = parseImageTag(values["image-tag"], "--image-tag");
    if (!imageTag)
      throw new Error("--image-tag is required (the image the preview runs, e.g. the commit sha)");
    const url = await previewUp(runner, { prNumber, imageTag, outdir: values.outdir });
    console.log(`\npreview of pull request #${prNumber} ${runner.dryRun ? "would be" : "is"} up`);
    console.log(`url=${url}`);
  } else {
    await previewDown(runner, { prNumber, outdir: values.outdir });
    console.log(`\npreview of pull request #${prNumber} ${runner.dryRun ? "would be" : "is"} gone`);
  }
});
