/**
 * IMAGE_TAG=<sha> npm run release:plan  -- <stack> [--dry-run [--first-release]]
 * IMAGE_TAG=<sha> npm run release:apply -- <stack> [--dry-run]
 *
 * Releases an environment stack in two steps (they may run in different CI jobs, with an approval
 * in between): plan saves cdktf.out/stacks/<stack>/release.tfplan, plan-summary.md and release.json;
 * apply runs the database migration with the new image, applies exactly that plan, and waits for
 * the service to be stable and /readyz to answer. A stack's first release (no outputs yet) is
 * planned with the service at 0 tasks; apply then applies, migrates and scales the service up.
 * `--dry-run --first-release` prints that order. Needs TF_VAR_app_signing_key (any fresh random value).
 */
import { parseArgs } from "node:util";
import { parseImageTag } from "../infra/environments/release.js";
import { releaseApply, releasePlan } from "../infra/release/release.js";
import { Runner } from "../infra/release/runner.js";
import { runMain } from "./cli/main.js";

const usage =
  "usage: IMAGE_TAG=<sha> npm run release:plan|release:apply -- <stack> [--dry-run]\n" +
  "       release:plan -- <stack> --dry-run --first-release: as if the stack had never been applied";
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    "dry-run": { type: "boolean", default: false },
    "first-release": { type: "boolean", default: false },
    outdir: { type: "string", default: "cdktf.out" },
    help: { type: "boolean", short: "h" },
  },
});
const [action, stack] = positionals;
if (values.help || (action !== "plan" && action !== "apply") || !stack) {
  console.log(usage);
  process.exit(values.help ? 0 : 1);
}

await runMain(`release:${action}`, async () => {
  const imageTag = parseImageTag(process.env.IMAGE_TAG);
  if (!imageTag) throw new Error("IMAGE_TAG is required: the commit sha of the image to release");
  if (!values["dry-run"] && !process.env.TF_VAR_app_signing_key) {
    throw new Error(
      "TF_VAR_app_signing_key is required (any fresh random value, e.g. $(openssl rand -base64 48))",
    );
  }
  if (values["first-release"] && !(values["dry-run"] && action === "plan")) {
    throw new Error(
      "--first-release is for release:plan --dry-run only: a real plan reads the stack's state to know",
    );
  }
  const runner = new Runner(values["dry-run"]);
  const options = {
    stack,
    imageTag,
    outdir: values.outdir,
    dryRunFirstRelease: values["first-release"],
  };
  if (action === "plan") console.log(`\n${await releasePlan(runner, options)}`);
  else await releaseApply(runner, options);
});
