/**
 * pr: what a pull request's check runs for a one-file change to one environment's config (staging's
 * desired task count): synth of the changed app, the changed-stacks comparison CI uses, the offline
 * plan of the stacks it names, policy check and cost — against the full `npm run verify` (synth with
 * the sample preview, plan:offline of every stack, check, cost), alternately in the same run. Each run
 * writes into a fresh directory of its own, so nothing (.terraform, plans) is reused.
 */
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import {
  alternate,
  type Measurement,
  measurement,
  median,
  type SuiteOptions,
  type SuiteResult,
  tail,
  timedRun,
} from "./harness.js";

const repoRoot = path.resolve(import.meta.dirname, "..");
const runTs = path.join("scripts", "run-ts.mjs");
const TARGET_SHARE = 0.45;
const CHANGED_ENVIRONMENT = "staging";

interface Steps {
  synth: number;
  changedStacks?: number;
  plan: number;
  check: number;
  cost: number;
}

interface PrRun {
  seconds: number;
  steps: Steps;
  /** The stacks planned. */
  stacks: string[];
}

/**
 * Runs `node scripts/run-ts.mjs <args>` from the repository root, as the npm scripts and plan.yml do;
 * a non-zero exit fails the run with the output's tail.
 */
async function step(label: string, args: string[], env: NodeJS.ProcessEnv = process.env) {
  const run = await timedRun(process.execPath, [runTs, ...args], { cwd: repoRoot, env });
  if (run.code !== 0) throw new Error(`${label} exited ${run.code}: ${tail(run.stderr || run.stdout)}`);
  return run;
}

export async function prSuite(options: SuiteOptions): Promise<SuiteResult> {
  const started = performance.now();
  const root = mkdtempSync(path.join(os.tmpdir(), "bench-pr-"));
  let counter = 0;
  try {
    // The base branch's synth: CI has it before the pull request's side starts, so it is not timed.
    const base = path.join(root, "base");
    await step("base synth", [path.join("bench", "synth-app.ts")], {
      ...process.env,
      BENCH_PREVIEWS: "0",
      CDKTF_OUTDIR: base,
    });

    const prCheck = async (): Promise<PrRun> => {
      const outdir = path.join(root, `pr-${counter++}`);
      try {
        const synth = await step("changed synth", [path.join("bench", "synth-changed.ts")], {
          ...process.env,
          CDKTF_OUTDIR: outdir,
        });
        const changes = await step("changed-stacks", [
          "scripts/changed-stacks.ts",
          "--base",
          base,
          "--head",
          outdir,
        ]);
        const { plan: stacks } = JSON.parse(changes.stdout.trim().split("\n").at(-1)!) as { plan: string[] };
        if (stacks.length !== 1 || stacks[0] !== CHANGED_ENVIRONMENT) {
          throw new Error(
            `changed-stacks named ${JSON.stringify(stacks)}, expected ["${CHANGED_ENVIRONMENT}"]`,
          );
        }
        const plan = await step("plan:offline", ["scripts/plan-offline.ts", "--outdir", outdir, ...stacks]);
        const plans = path.join(outdir, "plans");
        const reports = path.join(outdir, "reports");
        const check = await step("check", ["scripts/check.ts", "--plans", plans, "--reports", reports]);
        const cost = await step("cost", ["scripts/cost.ts", "--plans", plans, "--reports", reports]);
        const steps = {
          synth: synth.seconds,
          changedStacks: changes.seconds,
          plan: plan.seconds,
          check: check.seconds,
          cost: cost.seconds,
        };
        return { seconds: Object.values(steps).reduce((a, b) => a + b, 0), steps, stacks };
      } finally {
        rmSync(outdir, { recursive: true, force: true });
      }
    };

    const fullVerify = async (): Promise<PrRun> => {
      const outdir = path.join(root, `verify-${counter++}`);
      try {
        const synth = await step("synth", ["scripts/synth.ts", "--preview", "123", "--outdir", outdir]);
        const plan = await step("plan:offline", ["scripts/plan-offline.ts", "--outdir", outdir]);
        const plans = path.join(outdir, "plans");
        const reports = path.join(outdir, "reports");
        const check = await step("check", ["scripts/check.ts", "--plans", plans, "--reports", reports]);
        const cost = await step("cost", ["scripts/cost.ts", "--plans", plans, "--reports", reports]);
        const steps = { synth: synth.seconds, plan: plan.seconds, check: check.seconds, cost: cost.seconds };
        const stacks = readdirSync(plans)
          .filter((f) => f.endsWith(".json"))
          .map((f) => f.slice(0, -".json".length))
          .sort();
        return { seconds: Object.values(steps).reduce((a, b) => a + b, 0), steps, stacks };
      } finally {
        rmSync(outdir, { recursive: true, force: true });
      }
    };

    options.log(`pr: check of a change to ${CHANGED_ENVIRONMENT}'s config vs the full verify`);
    const runs = await alternate<PrRun>(
      [
        { name: "pr check", run: () => prCheck() },
        { name: "full verify", run: () => fullVerify() },
      ],
      { ...options, describe: (_, r) => `${r.seconds.toFixed(1)} s (${r.stacks.length} stacks planned)` },
    );
    const subject = runs.get("pr check")!;
    const baseline = runs.get("full verify")!;
    const stepNames: [keyof Steps, string][] = [
      ["synth", "synth"],
      ["plan", "plan:offline"],
      ["check", "policy check"],
      ["cost", "cost"],
    ];
    const measurements: Measurement[] = [
      measurement(
        "wall time",
        "s",
        "lower",
        subject.map((r) => r.seconds),
        baseline.map((r) => r.seconds),
      ),
      ...stepNames.map(([key, label]) =>
        measurement(
          `step: ${label}`,
          "s",
          "lower",
          subject.map((r) => r.steps[key]!),
          baseline.map((r) => r.steps[key]!),
        ),
      ),
      measurement(
        "step: changed-stacks (pr check only)",
        "s",
        "lower",
        subject.map((r) => r.steps.changedStacks!),
      ),
    ];
    const share = median(subject.map((r) => r.seconds)) / median(baseline.map((r) => r.seconds));
    const verifyStacks = baseline[0]!.stacks;
    return {
      suite: "pr",
      date: new Date().toISOString(),
      rounds: options.rounds,
      warmup: options.warmup,
      seconds: (performance.now() - started) / 1000,
      method: [
        `Subject ("pr check"), for a change of ${CHANGED_ENVIRONMENT}.service.desiredCount by one: \`bench/synth-changed.ts\` (synthOrExit/buildApp with the shipped staging config altered in memory, no previews), \`scripts/changed-stacks.ts --base --head\` as .github/workflows/plan.yml runs it (asserted to plan exactly ["${CHANGED_ENVIRONMENT}"]), \`scripts/plan-offline.ts --outdir <dir> ${CHANGED_ENVIRONMENT}\`, then \`scripts/check.ts\` and \`scripts/cost.ts\` over that directory's plans.`,
        "The base side (the unchanged app synthesised by `bench/synth-app.ts`, no previews) is synthesised once before the rounds and not timed: CI has it from the base branch. Neither is the base branch's plan of the changed stacks that CI adds for a cost difference: the subject runs `cost` over the head plans only, as `verify` does.",
        `Baseline ("full verify"): the steps of \`npm run verify\` — \`scripts/synth.ts --preview 123\`, \`scripts/plan-offline.ts\` of every stack (${verifyStacks.length}: ${verifyStacks.join(", ")}), \`scripts/check.ts\`, \`scripts/cost.ts\` — each a child process. Every step on both sides runs as the npm scripts and plan.yml run it, \`node scripts/run-ts.mjs <entry>\` (npm's own start-up, on both sides alike, is left out), with the bundles already built: the first run after an edit rebuilds each entry's bundle once (see the synth suite's rebuilt figure).`,
        "Every run writes into a fresh temporary directory (no .terraform, no plans reused) that is deleted afterwards. Wall time: the sum of each step's time from spawn to exit; any step exiting non-zero fails the suite.",
      ],
      measurements,
      targets: [
        {
          target: "pr suite ≤ 45 % of the full verify time",
          figure: `${(share * 100).toFixed(0)} % (${share.toFixed(2)}×)`,
          met: share <= TARGET_SHARE,
        },
      ],
      details: { changedEnvironment: CHANGED_ENVIRONMENT, verifyStacks },
    };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
