/** Synthesises the stacks a release step works on, and runs their offline plan for dry runs. */
import { rmSync } from "node:fs";
import { join } from "node:path";
import { type BuildAppOptions, buildApp } from "../app.js";
import { OVERRIDE_FILE, planStackOffline, type StackPlan } from "../terraform/offline-plan.js";
import { prepareToolchain } from "../terraform/toolchain.js";
import type { Runner } from "./runner.js";

/** Synthesises `options` into `outdir` and returns the folder of `stack`. */
export function synthesiseStack(
  runner: Runner,
  outdir: string,
  stack: string,
  options: BuildAppOptions,
): string {
  runner.step(`synthesise ${stack}`);
  const app = buildApp({ ...options, outdir });
  if (!app.node.tryFindChild(stack)) throw new Error(`synthesise: the app has no stack "${stack}"`);
  app.synth();
  const dir = join(outdir, "stacks", stack);
  // A plan:offline of this folder earlier (npm run verify) leaves an override beside cdk.tf.json: a
  // local backend and fake credentials. Terraform would read it here too; the offline plan of a dry
  // run writes it again when it needs it.
  rmSync(join(dir, OVERRIDE_FILE), { force: true });
  runner.note(`wrote ${join(dir, "cdk.tf.json")}`);
  return dir;
}

/** Dry runs: validate and plan the stack offline with the real provider, and fail if that fails. */
export async function planOffline(runner: Runner, outdir: string, stack: string): Promise<StackPlan> {
  runner.step(`dry run: terraform validate + plan ${stack} offline (local backend, fake credentials)`);
  const toolchain = await prepareToolchain(join(outdir, "terraform.offline.rc"));
  const plan = await planStackOffline(outdir, stack, toolchain);
  if (!plan.ok) throw new Error(`offline plan of ${stack} failed:\n${plan.errors.join("\n")}`);
  runner.note(
    `plan: ${plan.add} to add, ${plan.change} to change, ${plan.destroy} to destroy (${plan.seconds.toFixed(1)} s)`,
  );
  return plan;
}
