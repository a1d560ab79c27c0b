/**
 * synth: the project's in-process synth (bench/synth-app.ts run by scripts/run-ts.mjs, as `npm run
 * synth` runs scripts/synth.ts) against `npx cdktf synth` of the same app run the same way (as
 * cdktf.json's `app` runs infra/main.ts), each in a fresh child process: process start and module
 * loading are most of what users wait for. Also the first run after an edit (the bundle rebuilt) and
 * the app under tsx. Then the growth curve of the in-process synth over 0, 5, 20 and 50 previews.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import {
  alternate,
  formatValue,
  type Measurement,
  measurement,
  median,
  type SuiteOptions,
  type SuiteResult,
  slope,
  type Target,
  tail,
  timedRun,
} from "./harness.js";

const repoRoot = path.resolve(import.meta.dirname, "..");
const tsx = path.join(repoRoot, "node_modules", ".bin", "tsx");
const app = path.join("bench", "synth-app.ts");
const runTs = path.join("scripts", "run-ts.mjs");

/** Preview counts of the growth curve; 20 previews is the 24-stack app of the targets. */
export const GROWTH_PREVIEWS = [0, 5, 20, 50] as const;
const TARGET_PREVIEWS = 20;
const ENVIRONMENT_STACKS = 4; // bootstrap, dev, staging, prod

interface SynthRun {
  seconds: number;
  peakRssMb: number;
  /** CPU time of the synthesising process (all its threads): less disturbed by other jobs than wall time. */
  cpuSeconds: number;
}

type Runner = "in-process" | "in-process, bundle rebuilt" | "in-process under tsx" | "cdktf CLI";

export async function synthSuite(options: SuiteOptions): Promise<SuiteResult> {
  const started = performance.now();
  const root = mkdtempSync(path.join(os.tmpdir(), "bench-synth-"));
  let counter = 0;

  // Others may be editing infra/ or modules/ while this runs: a run that fails is tried once more
  // (and says so) before the suite gives up.
  const synthOnce = async (runner: Runner, previews: number): Promise<SynthRun> => {
    try {
      return await synthAttempt(runner, previews);
    } catch (error) {
      options.log(`  ${runner} synth failed, trying once more: ${(error as Error).message.split("\n")[0]}`);
      return synthAttempt(runner, previews);
    }
  };
  const synthAttempt = async (runner: Runner, previews: number): Promise<SynthRun> => {
    const outdir = path.join(root, `out-${counter++}`);
    const resultFile = path.join(root, `result-${counter}.json`);
    const env = {
      ...process.env,
      BENCH_PREVIEWS: String(previews),
      BENCH_RESULT_FILE: resultFile,
      CHECKPOINT_DISABLE: "1",
      CDKTF_OUTDIR: outdir,
    };
    // The CLI runs the app the way cdktf.json does (`node scripts/run-ts.mjs …`) and sets
    // CDKTF_OUTDIR from --output.
    const run =
      runner === "in-process"
        ? await timedRun(process.execPath, [runTs, app], { cwd: repoRoot, env })
        : runner === "in-process, bundle rebuilt"
          ? await timedRun(process.execPath, [runTs, app], {
              cwd: repoRoot,
              env: { ...env, RUN_TS_NO_CACHE: "1" },
            })
          : runner === "in-process under tsx"
            ? await timedRun(tsx, [app], { cwd: repoRoot, env })
            : await timedRun("npx", ["cdktf", "synth", "--app", `node ${runTs} ${app}`, "--output", outdir], {
                cwd: repoRoot,
                env,
              });
    try {
      if (run.code !== 0)
        throw new Error(`${runner} synth exited ${run.code}: ${tail(run.stderr || run.stdout)}`);
      const manifest = JSON.parse(readFileSync(path.join(outdir, "manifest.json"), "utf8")) as {
        stacks: Record<string, unknown>;
      };
      const stacks = Object.keys(manifest.stacks).length;
      if (stacks !== ENVIRONMENT_STACKS + previews) {
        throw new Error(`${runner} synth wrote ${stacks} stacks, expected ${ENVIRONMENT_STACKS + previews}`);
      }
      if (!existsSync(resultFile)) throw new Error(`${runner} synth did not report its memory`);
      const usage = JSON.parse(readFileSync(resultFile, "utf8")) as {
        maxRssKiB: number;
        cpuMicroseconds: number;
      };
      return {
        seconds: run.seconds,
        peakRssMb: (usage.maxRssKiB * 1024) / 1e6,
        cpuSeconds: usage.cpuMicroseconds / 1e6,
      };
    } finally {
      rmSync(outdir, { recursive: true, force: true });
      rmSync(resultFile, { force: true });
    }
  };
  const describe = (_: string, r: SynthRun) =>
    `${r.seconds.toFixed(2)} s, ${r.peakRssMb.toFixed(0)} MB, ${r.cpuSeconds.toFixed(2)} s CPU`;

  try {
    options.log(`synth: ${ENVIRONMENT_STACKS + TARGET_PREVIEWS} stacks, in-process vs npx cdktf synth`);
    const versus = await alternate<SynthRun>(
      [
        { name: "in-process", run: () => synthOnce("in-process", TARGET_PREVIEWS) },
        { name: "cdktf CLI", run: () => synthOnce("cdktf CLI", TARGET_PREVIEWS) },
        {
          name: "in-process, bundle rebuilt",
          run: () => synthOnce("in-process, bundle rebuilt", TARGET_PREVIEWS),
        },
        { name: "in-process under tsx", run: () => synthOnce("in-process under tsx", TARGET_PREVIEWS) },
      ],
      { ...options, describe },
    );
    const subject = versus.get("in-process")!;
    const baseline = versus.get("cdktf CLI")!;
    const rebuilt = versus.get("in-process, bundle rebuilt")!;
    const underTsx = versus.get("in-process under tsx")!;

    options.log(`synth: growth over ${GROWTH_PREVIEWS.join(", ")} previews (in-process)`);
    const growth = await alternate<SynthRun>(
      GROWTH_PREVIEWS.map((previews) => ({
        name: `${previews} previews`,
        run: () => synthOnce("in-process", previews),
      })),
      { ...options, describe },
    );
    const curve = GROWTH_PREVIEWS.map((previews) => ({
      previews,
      runs: growth.get(`${previews} previews`)!,
    }));
    // One slope per round (every round has each size once), so the per-stack cost has a spread too.
    const perRound = (pick: (r: SynthRun) => number) =>
      Array.from({ length: options.rounds }, (_, round) =>
        slope(curve.map(({ previews, runs }) => [previews, pick(runs[round]!)] as const)),
      );
    const msPerPreview = perRound((r) => r.seconds * 1000);
    const cpuMsPerPreview = perRound((r) => r.cpuSeconds * 1000);
    const mbPerPreview = perRound((r) => r.peakRssMb);

    const stacks = ENVIRONMENT_STACKS + TARGET_PREVIEWS;
    const measurements: Measurement[] = [
      measurement(
        `${stacks} stacks: wall time`,
        "s",
        "lower",
        subject.map((r) => r.seconds),
        baseline.map((r) => r.seconds),
      ),
      measurement(
        `${stacks} stacks: CPU time of the synthesising process`,
        "s",
        "lower",
        subject.map((r) => r.cpuSeconds),
        baseline.map((r) => r.cpuSeconds),
      ),
      measurement(
        `${stacks} stacks: peak RSS of the synthesising process`,
        "MB",
        "lower",
        subject.map((r) => r.peakRssMb),
        baseline.map((r) => r.peakRssMb),
      ),
      measurement(
        `${stacks} stacks, first run after an edit (bundle rebuilt): wall time`,
        "s",
        "lower",
        rebuilt.map((r) => r.seconds),
        baseline.map((r) => r.seconds),
      ),
      measurement(
        `${stacks} stacks, the same app under tsx (reference: before run-ts): wall time`,
        "s",
        "lower",
        underTsx.map((r) => r.seconds),
        baseline.map((r) => r.seconds),
      ),
      ...curve.map(({ previews, runs }) =>
        measurement(
          `growth: ${ENVIRONMENT_STACKS + previews} stacks (${previews} previews), wall time`,
          "s",
          "lower",
          runs.map((r) => r.seconds),
        ),
      ),
      ...curve.map(({ previews, runs }) =>
        measurement(
          `growth: ${ENVIRONMENT_STACKS + previews} stacks (${previews} previews), CPU time`,
          "s",
          "lower",
          runs.map((r) => r.cpuSeconds),
        ),
      ),
      ...curve.map(({ previews, runs }) =>
        measurement(
          `growth: ${ENVIRONMENT_STACKS + previews} stacks (${previews} previews), peak RSS`,
          "MB",
          "lower",
          runs.map((r) => r.peakRssMb),
        ),
      ),
      measurement("growth: time per extra preview stack (slope)", "ms", "lower", msPerPreview),
      measurement("growth: CPU time per extra preview stack (slope)", "ms", "lower", cpuMsPerPreview),
      measurement("growth: memory per extra preview stack (slope)", "MB", "lower", mbPerPreview),
    ];
    const wall = median(subject.map((r) => r.seconds));
    const rss = median(subject.map((r) => r.peakRssMb));
    const share = wall / median(baseline.map((r) => r.seconds));
    const perStack = median(msPerPreview);
    const targets: Target[] = [
      { target: `${stacks}-stack synth ≤ 3 s wall`, figure: formatValue(wall, "s"), met: wall <= 3 },
      { target: `${stacks}-stack synth ≤ 250 MB peak RSS`, figure: formatValue(rss, "MB"), met: rss <= 250 },
      {
        target: "≤ 40 % of the cdktf CLI's time",
        figure: `${(share * 100).toFixed(0)} %`,
        met: share <= 0.4,
      },
      {
        target: "≤ 60 ms per extra preview stack",
        figure: `${formatValue(perStack, "ms")} wall (${formatValue(median(cpuMsPerPreview), "ms")} CPU)`,
        met: perStack <= 60,
      },
    ];
    return {
      suite: "synth",
      date: new Date().toISOString(),
      rounds: options.rounds,
      warmup: options.warmup,
      seconds: (performance.now() - started) / 1000,
      method: [
        `Subject: \`node scripts/run-ts.mjs bench/synth-app.ts\` (synthOrExit: buildApp + synth, what \`npm run synth\` and infra/main.ts run; run-ts.mjs runs the entry as one cached esbuild bundle of the repository's sources) in a fresh child process per run; baseline: \`npx cdktf synth --app "node scripts/run-ts.mjs bench/synth-app.ts"\` — the same app run the same way, as cdktf.json's \`app\` runs infra/main.ts, so the CLI is the only difference. Each run writes to a fresh temporary directory.`,
        "Also measured in the same alternation: the first run after an edit (`RUN_TS_NO_CACHE=1`: the bundle is rebuilt, as on a fresh clone or after changing a source file) and the same app under tsx (every module through tsx's loader: how `npm run synth` ran before run-ts.mjs).",
        "Wall time: from spawn to exit, measured by the parent (process start and module loading included: users wait for them). CPU time: user + system time of the process that runs the synth (all its threads, from `process.resourceUsage()`), which other jobs on the machine disturb less than wall time.",
        "Peak RSS: `process.resourceUsage().maxRSS` (the kernel's high-water mark) reported by the process that runs buildApp + synth. For the CLI that is its app process; the CLI's own processes (npx, cdktf) are not in that figure.",
        `Growth: the in-process synth with ${GROWTH_PREVIEWS.join(", ")} previews, alternating sizes each round; the slope is a least-squares fit per round, reported as the median over rounds.`,
      ],
      measurements,
      targets,
    };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
