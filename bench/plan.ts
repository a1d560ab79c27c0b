/**
 * plan: `npm run plan:offline` of every environment stack (terraform init, plan -json, show -json per
 * stack, stacks in parallel up to the core count) against the same stacks planned one after another,
 * and each stack's offline plan against a bare `terraform init` + `terraform plan` of the same
 * folder (the same override files, no show). Each run starts from a fresh copy of one synth, so
 * nothing (.terraform, plans) is reused.
 */
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import {
  OVERRIDE_FILE,
  offlineOverride,
  placeholderVariables,
  type SynthesisedStack,
  terraform,
} from "../infra/terraform/offline-plan.js";
import { packageChecksum, prepareToolchain, type Toolchain } from "../infra/terraform/toolchain.js";
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

/** The stack also planned alone through the whole command (process start, toolchain, plan). */
const ONE_STACK = "bootstrap";

interface PlanRun {
  seconds: number;
  /** Seconds per stack as plan:offline reports them (init, or the direct provider's setup, to show -json). */
  stacks: Record<string, number>;
  /** Whether the stacks ran the verified provider in place (no terraform init, no lock file). */
  direct: boolean;
}

/** `  ok   dev (12.3 s)`: one line per stack as plan:offline finishes it. */
const stackLine = /^\s+(ok|FAIL)\s+(\S+) \(([\d.]+) s\)$/;

export async function planSuite(options: SuiteOptions): Promise<SuiteResult> {
  const started = performance.now();
  const root = mkdtempSync(path.join(os.tmpdir(), "bench-plan-"));
  const synthesised = path.join(root, "synth");
  const concurrency = os.availableParallelism();
  try {
    const synth = await timedRun(process.execPath, [runTs, path.join("bench", "synth-app.ts")], {
      cwd: repoRoot,
      env: { ...process.env, BENCH_PREVIEWS: "0", CDKTF_OUTDIR: synthesised },
    });
    if (synth.code !== 0) throw new Error(`synth failed: ${tail(synth.stderr)}`);
    const stackNames = readdirSync(path.join(synthesised, "stacks")).sort();

    const toolchain: Toolchain = await prepareToolchain(path.join(root, "terraform.rc"));
    let counter = 0;
    /** Bare Terraform, one stack after another: init + plan of the folder, timed per stack. */
    const bareOnce = async (): Promise<PlanRun> => {
      const outdir = path.join(root, `run-${counter++}`);
      cpSync(synthesised, outdir, { recursive: true });
      const begun = performance.now();
      try {
        const stacks: Record<string, number> = {};
        for (const name of stackNames) {
          const dir = path.join(outdir, "stacks", name);
          const config = JSON.parse(readFileSync(path.join(dir, "cdk.tf.json"), "utf8")) as SynthesisedStack;
          writeFileSync(path.join(dir, OVERRIDE_FILE), JSON.stringify(offlineOverride(config)));
          const stackBegun = performance.now();
          const init = await terraform(toolchain, dir, ["init", "-input=false", "-no-color"]);
          if (init.code !== 0) throw new Error(`bare terraform init of ${name} failed: ${tail(init.stderr)}`);
          const plan = await terraform(
            toolchain,
            dir,
            ["plan", "-input=false", "-no-color", "-lock=false", "-refresh=false", "-out=bare.tfplan"],
            placeholderVariables(config),
          );
          if (plan.code !== 0) throw new Error(`bare terraform plan of ${name} failed: ${tail(plan.stderr)}`);
          stacks[name] = (performance.now() - stackBegun) / 1000;
        }
        return { seconds: (performance.now() - begun) / 1000, stacks, direct: false };
      } finally {
        rmSync(outdir, { recursive: true, force: true });
      }
    };

    const planOnce = async (extraArgs: string[], only?: string): Promise<PlanRun> => {
      const outdir = path.join(root, `run-${counter++}`);
      cpSync(synthesised, outdir, { recursive: true });
      const planned = only ? [only] : stackNames;
      try {
        const run = await timedRun(
          process.execPath,
          [runTs, "scripts/plan-offline.ts", "--outdir", outdir, ...extraArgs, ...(only ? [only] : [])],
          { cwd: repoRoot, env: process.env },
        );
        if (run.code !== 0)
          throw new Error(`plan:offline exited ${run.code}: ${tail(run.stderr || run.stdout)}`);
        const stacks: Record<string, number> = {};
        for (const line of run.stdout.split("\n")) {
          const match = stackLine.exec(line);
          if (match) stacks[match[2]!] = Number(match[3]);
        }
        const missing = planned.filter((name) => stacks[name] === undefined);
        if (missing.length) throw new Error(`plan:offline did not report ${missing.join(", ")}`);
        const folder = path.join(outdir, "stacks", planned[0]!);
        const direct =
          !existsSync(path.join(folder, ".terraform.lock.hcl")) &&
          !existsSync(path.join(folder, ".terraform", "providers"));
        return { seconds: run.seconds, stacks, direct };
      } finally {
        rmSync(outdir, { recursive: true, force: true });
      }
    };

    options.log(
      `plan: ${stackNames.length} stacks (${stackNames.join(", ")}), plan:offline (${concurrency} at a time) vs one after another`,
    );
    const runs = await alternate<PlanRun>(
      [
        { name: "plan:offline", run: () => planOnce([]) },
        { name: "sequential", run: () => planOnce(["--concurrency", "1"]) },
        { name: "bare terraform", run: () => bareOnce() },
        { name: "one stack", run: () => planOnce([], ONE_STACK) },
      ],
      { ...options, describe: (_, r) => `${r.seconds.toFixed(1)} s` },
    );
    const subject = runs.get("plan:offline")!;
    const baseline = runs.get("sequential")!;
    const bare = runs.get("bare terraform")!;
    const oneStack = runs.get("one stack")!;
    // What a run that finds the package changed (or a machine's first run) pays once: hashing it.
    const toolchainDir = toolchain.direct?.providerDir;
    const hashStarted = performance.now();
    if (toolchainDir) await packageChecksum(toolchainDir);
    const hashSeconds = (performance.now() - hashStarted) / 1000;
    // Per stack: the offline plan (one after another, so no stack shares the CPU) against bare init + plan.
    const ratios = stackNames.map((name) => ({
      name,
      ratio: median(baseline.map((r) => r.stacks[name]!)) / median(bare.map((r) => r.stacks[name]!)),
    }));
    const worst = ratios.reduce((a, b) => (b.ratio > a.ratio ? b : a));
    const measurements: Measurement[] = [
      measurement(
        `${stackNames.length} stacks: wall time`,
        "s",
        "lower",
        subject.map((r) => r.seconds),
        baseline.map((r) => r.seconds),
      ),
      ...stackNames.map((name) =>
        measurement(
          `stack ${name}: init → show -json`,
          "s",
          "lower",
          subject.map((r) => r.stacks[name]!),
          baseline.map((r) => r.stacks[name]!),
        ),
      ),
      ...stackNames.map((name) =>
        measurement(
          `stack ${name}: offline plan (alone) vs bare init + plan`,
          "s",
          "lower",
          baseline.map((r) => r.stacks[name]!),
          bare.map((r) => r.stacks[name]!),
        ),
      ),
      measurement(
        `stack ${ONE_STACK}: \`npm run plan:offline -- ${ONE_STACK}\`, spawn to exit, vs bare init + plan`,
        "s",
        "lower",
        oneStack.map((r) => r.seconds),
        bare.map((r) => r.stacks[ONE_STACK]!),
      ),
    ];
    const sumOfStacks = (r: PlanRun) => Object.values(r.stacks).reduce((a, b) => a + b, 0);
    const direct = [...subject, ...baseline, ...oneStack].every((r) => r.direct);
    return {
      suite: "plan",
      date: new Date().toISOString(),
      rounds: options.rounds,
      warmup: options.warmup,
      seconds: (performance.now() - started) / 1000,
      method: [
        `Subject: \`node scripts/run-ts.mjs scripts/plan-offline.ts\` (= \`npm run plan:offline\`, default concurrency = ${concurrency} cores) in a child process; baseline: the same with \`--concurrency 1\`, i.e. the stacks one after another. Both: plan -json + show -json per stack (terraform init only where the direct provider cannot be used), real AWS provider from the local mirror. Also, per round: \`plan:offline\` of ${ONE_STACK} alone, spawn to exit (Node start, toolchain checks, the backend template, plan, show), against bare init + plan of that folder.`,
        "Bare terraform: per stack, one after another, the same folder with the same override file and placeholder variables, `terraform init` + `terraform plan -lock=false -refresh=false -out` and nothing else; its per-stack time is compared with the offline plan's one-after-another per-stack time (init to show -json), so neither shares the CPU.",
        "Each run gets a fresh copy of one synth (no .terraform directory, no plan) and is deleted afterwards, so neither side reuses the other's work. Wall time: spawn to exit.",
        `Per-stack time: as plan:offline reports it (init to show -json). In parallel each stack shares the CPU with another, so its own time grows while the total shrinks. Sum of per-stack times: ${median(subject.map(sumOfStacks)).toFixed(0)} s in parallel vs ${median(baseline.map(sumOfStacks)).toFixed(0)} s one after another.`,
        direct
          ? `Provider: every offline plan ran the mirror's provider package in place (\`dev_overrides\`) after checking it against HashiCorp's published h1 checksum, so no stack folder ran \`terraform init\` or wrote a lock file, and plan and show did not re-hash the 700 MB package against one (checked every run). The checksum is computed once per machine and re-computed when any file of the package changes size, times or inode; computing it took ${hashSeconds.toFixed(2)} s in this run, outside the timed runs. Bare terraform installs from the same mirror the usual way: \`terraform init\` links the package and writes a lock file, and every command re-hashes it.`
          : "Provider: at least one run took the usual path (terraform init per stack): no published checksum for this platform, or a packed mirror.",
      ],
      measurements,
      targets: [
        {
          target: "offline plan of a stack ≤ 1.3× bare terraform plan of the same folder",
          figure: `${worst.ratio.toFixed(2)}× (${worst.name}, the worst of ${stackNames.length})`,
          met: worst.ratio <= 1.3,
        },
      ],
      details: { stacks: stackNames, concurrency, directProvider: direct, checksumSeconds: hashSeconds },
    };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
