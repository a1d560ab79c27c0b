/**
 * `npm run bootstrap`: the two bootstrap steps of the README as one command, run once per project
 * with administrator credentials for the state account.
 *
 * 1. Synthesise bootstrap on local state, plan it, and (with `yes`) apply exactly that plan: the
 *    state bucket, lock table and CI roles exist.
 * 2. Synthesise it on the S3 backend it just created, move its state there (`init -migrate-state`),
 *    check that Terraform reads it back, and delete the local state files.
 *
 * Safe to run again: when the bucket already holds bootstrap's state it says so and stops, and when
 * a local state file is left from an interrupted run, step 1 continues from it.
 */
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Runner } from "./runner.js";
import { planOffline, synthesiseStack } from "./stack-dir.js";
import * as terraform from "./terraform.js";

export const BOOTSTRAP_STACK = "bootstrap";
export const BOOTSTRAP_PLAN = "bootstrap.tfplan";

export interface BootstrapOptions {
  readonly outdir: string;
  /** Apply the plan of step 1. Without it the command stops after printing the plan. @default false */
  readonly yes?: boolean;
  /** In a dry run, also plan the stack offline. @default true */
  readonly offlinePlan?: boolean;
}

export type BootstrapOutcome = "bootstrapped" | "already-bootstrapped" | "planned-only";

interface S3Backend {
  readonly bucket: string;
  readonly key: string;
  readonly region: string;
}

/** The S3 backend the synthesised bootstrap stack in `dir` names. */
function s3BackendOf(dir: string): S3Backend {
  const json = JSON.parse(readFileSync(join(dir, "cdk.tf.json"), "utf8")) as {
    terraform?: { backend?: { s3?: Partial<S3Backend> } };
  };
  const s3 = json.terraform?.backend?.s3;
  if (!s3?.bucket || !s3.key || !s3.region) throw new Error(`bootstrap: ${dir} has no S3 backend`);
  return { bucket: s3.bucket, key: s3.key, region: s3.region };
}

/** The local state file the bootstrap stack starts on (`path` of its local backend), resolved. */
function localStateOf(dir: string): string {
  const json = JSON.parse(readFileSync(join(dir, "cdk.tf.json"), "utf8")) as {
    terraform?: { backend?: { local?: { path?: string } } };
  };
  const path = json.terraform?.backend?.local?.path;
  if (!path) throw new Error(`bootstrap: ${dir} has no local backend`);
  return resolve(dir, path);
}

export async function bootstrap(runner: Runner, options: BootstrapOptions): Promise<BootstrapOutcome> {
  // Where step 2 puts the state: if it is there already, bootstrap is done.
  const s3Dir = synthesiseStack(runner, options.outdir, BOOTSTRAP_STACK, {
    environments: [],
    bootstrapState: "s3",
  });
  const backend = s3BackendOf(s3Dir);
  runner.step(`is bootstrap's state already in s3://${backend.bucket}/${backend.key}?`);
  const found = await runner.run(
    [
      "aws",
      "s3api",
      "head-object",
      "--bucket",
      backend.bucket,
      "--key",
      backend.key,
      "--region",
      backend.region,
    ],
    { capture: true, allowFailure: true, dryRunOutput: "" },
  );
  const localDir = synthesiseStack(runner, options.outdir, BOOTSTRAP_STACK, {
    environments: [],
    bootstrapState: "local",
  });
  const localState = localStateOf(localDir);
  const inS3 = !runner.dryRun && found.code === 0;
  if (inS3 && !existsSync(localState)) {
    runner.note("bootstrap's state is in the bucket already: nothing to do.");
    runner.note("From now on synthesise with BOOTSTRAP_STATE=s3 for bootstrap changes (README, State).");
    return "already-bootstrapped";
  }

  runner.step(`step 1: plan bootstrap on local state (${localState})`);
  await terraform.init(runner, localDir);
  if (runner.dryRun && options.offlinePlan !== false)
    await planOffline(runner, options.outdir, BOOTSTRAP_STACK);
  const summary = await terraform.plan(runner, localDir, BOOTSTRAP_PLAN);
  if (summary)
    runner.note(`plan: ${summary.add} to add, ${summary.change} to change, ${summary.destroy} to destroy`);
  if (!options.yes && !runner.dryRun) {
    runner.note(`nothing applied: read the plan above, then run npm run bootstrap -- --yes to apply it`);
    return "planned-only";
  }
  runner.step("step 1: apply exactly that plan (state bucket, lock table, CI roles)");
  await terraform.applySaved(runner, localDir, BOOTSTRAP_PLAN);

  // Step 2 needs the S3 variant in the stack folder again (step 1 wrote the local one over it).
  const movedDir = synthesiseStack(runner, options.outdir, BOOTSTRAP_STACK, {
    environments: [],
    bootstrapState: "s3",
  });
  runner.step(`step 2: move bootstrap's state into s3://${backend.bucket}/${backend.key}`);
  await runner.run(["terraform", "init", "-input=false", "-no-color", "-migrate-state", "-force-copy"], {
    cwd: movedDir,
  });
  runner.step("step 2: check that Terraform reads the moved state, then delete the local copy");
  await runner.run(["terraform", "state", "list", "-no-color"], { cwd: movedDir, capture: true });
  await runner.run(["rm", "-f", localState, `${localState}.backup`]);
  runner.note("From now on synthesise with BOOTSTRAP_STATE=s3 for bootstrap changes (README, State).");
  return "bootstrapped";
}
