/**
 * plan: `npm run plan:offline` of every environment stack (terraform init, plan -json, show -json per
 * stack, stacks in parallel up to the core count) against the same stacks planned one after another,
 * and each stack's offline plan against a bare `terraform init` + `terraform plan` of the same
 * folder (the same override files, no show). Each run starts from a fresh copy of one synth, so
 * nothing (.terraform, plans) is reused.
 */
import { cpSync, lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import {
  OVERRIDE_FILE,
  offlineOverride,
  placeholderVariables,
  type SynthesisedStack,
  terraform,
} from "../infra/terraform/offline-plan.js";
import { prepareToolchain, type Toolchain } from "../infra/terraform/toolchain.js";
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
const tsx = path.join(repoRoot, "node_modules", ".bin", "tsx");

interface PlanRun {
  seconds: number;
  /** Seconds per stack as plan:offline reports them (init to show -json). */
  stacks: Record<string, number>;
  providerLinked: boolean;
}

/** `  ok   dev (12.3 s)`: one line per stack as plan:offline finishes it. */
const stackLine = /^\s+(ok|FAIL)\s+(\S+) \(([\d.]+) s\)$/;

export async function planSuite(options: SuiteOptions): Promise<SuiteResult> {
  const started = performance.now();
  const root = mkdtempSync(path.join(os.tmpdir(), "bench-plan-"));
  const synthesised = path.join(root, "synth");
  const concurrency = os.availableParallelism();
  try {
    const synth = await timedRun(tsx, [path.join("bench", "synth-app.ts")], {
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
        return { seconds: (performance.now() - begun) / 1000, stacks, providerLinked: true };
      } finally {
        rmSync(outdir, { recursive: true, force: true });
      }
    };

    const planOnce = async (extraArgs: string[]): Promise<PlanRun> => {
      const outdir = path.join(root, `run-${counter++}`);
      cpSync(synthesised, outdir, { recursive: true });
      try {
        const run = await timedRun(tsx, ["scripts/plan-offline.ts", "--outdir", outdir, ...extraArgs], {
          cwd: repoRoot,
          env: process.env,
        });
        if (run.code !== 0)
          throw new Error(`plan:offline exited ${run.code}: ${tail(run.stderr || run.stdout)}`);
        const stacks: Record<string, number> = {};
        for (const line of run.stdout.split("\n")) {
          const match = stackLine.exec(line);
          if (match) stacks[match[2]!] = Number(match[3]);
        }
        const missing = stackNames.filter((name) => stacks[name] === undefined);
        if (missing.length) throw new Error(`plan:offline did not report ${missing.join(", ")}`);
        const providerDir = path.join(
          outdir,
          "stacks",
          stackNames[0]!,
          ".terraform/providers/registry.terraform.io/hashicorp/aws",
        );
        const version = readdirSync(providerDir)[0]!;
        const platformDir = readdirSync(path.join(providerDir, version))[0]!;
        const providerLinked = lstatSync(path.join(providerDir, version, platformDir)).isSymbolicLink();
        return { seconds: run.seconds, stacks, providerLinked };
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
      ],
      { ...options, describe: (_, r) => `${r.seconds.toFixed(1)} s` },
    );
    const subject = runs.get("plan:offline")!;
    const baseline = runs.get("sequential")!;
    const bare = runs.get("bare terraform")!;
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
    ];
    const sumOfStacks = (r: PlanRun) => Object.values(r.stacks).reduce((a, b) => a + b, 0);
    const linked = [...subject, ...baseline].every((r) => r.providerLinked);
    return {
      suite: "plan",
      date: new Date().toISOString(),
      rounds: options.rounds,
      warmup: options.warmup,
      seconds: (performance.now() - started) / 1000,
      method: [
        `Subject: \`tsx scripts/plan-offline.ts\` (= \`npm run plan:offline\`, default concurrency = ${concurrency} cores) in a child process; baseline: the same with \`--concurrency 1\`, i.e. the stacks one after another. Both: terraform init + plan -json + show -json per stack, real AWS provider from the local mirror.`,
        "Bare terraform: per stack, one after another, the same folder with the same override file and placeholder variables, `terraform init` + `terraform plan -lock=false -refresh=false -out` and nothing else; its per-stack time is compared with the offline plan's one-after-another per-stack time (init to show -json), so neither shares the CPU.",
        "Each run gets a fresh copy of one synth (no .terraform directory, no plan) and is deleted afterwards, so neither side reuses the other's work. Wall time: spawn to exit.",
        `Per-stack time: as plan:offline reports it (init to show -json). In parallel each stack shares the CPU with another, so its own time grows while the total shrinks. Sum of per-stack times: ${median(subject.map(sumOfStacks)).toFixed(0)} s in parallel vs ${median(baseline.map(sumOfStacks)).toFixed(0)} s one after another.`,
        linked
          ? "Provider plugin: terraform init symlinks the provider from the unpacked filesystem mirror into each stack's .terraform (checked every run), so nothing is copied per stack and a shared plugin cache directory has nothing left to save."
          : "Provider plugin: at least one run copied the provider into .terraform instead of linking it from the mirror (a packed mirror?): a shared plugin cache would save that copy.",
      ],
      measurements,
      targets: [
        {
          target: "offline plan of a stack ≤ 1.3× bare terraform plan of the same folder",
          figure: `${worst.ratio.toFixed(2)}× (${worst.name}, the worst of ${stackNames.length})`,
          met: worst.ratio <= 1.3,
        },
      ],
      details: { stacks: stackNames, concurrency, providerLinkedFromMirror: linked },
    };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
