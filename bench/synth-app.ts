/**
 * One synthesis for the synth benchmark: bootstrap, every environment and BENCH_PREVIEWS preview
 * stacks into CDKTF_OUTDIR, through `synthOrExit` as `npm run synth` and infra/main.ts do. Then this
 * process's peak RSS and CPU time go to BENCH_RESULT_FILE. The subject runs it with tsx (as
 * `npm run synth` runs scripts/synth.ts); the baseline runs the very same file as the app of
 * `npx cdktf synth --app`, so the CLI is the only difference.
 */
import { writeFileSync } from "node:fs";
import { synthOrExit } from "../infra/app.js";
import { PLACEHOLDER_IMAGE_TAG } from "../infra/environments/release.js";

const previews = Number(process.env.BENCH_PREVIEWS ?? "0");
const outdir = process.env.CDKTF_OUTDIR;
if (!outdir) throw new Error("CDKTF_OUTDIR must name the output directory");

synthOrExit(() => ({
  outdir,
  previews: Array.from({ length: previews }, (_, i) => ({
    prNumber: i + 1,
    imageTag: PLACEHOLDER_IMAGE_TAG,
  })),
}));

const resultFile = process.env.BENCH_RESULT_FILE;
if (resultFile) {
  // maxRSS is the kernel's high-water mark of this process (KiB on Linux): nothing falls between samples.
  const usage = process.resourceUsage();
  writeFileSync(
    resultFile,
    JSON.stringify({ maxRssKiB: usage.maxRSS, cpuMicroseconds: usage.userCPUTime + usage.systemCPUTime }),
  );
}
