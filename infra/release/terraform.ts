/** The Terraform commands of a real (not offline) release, run in `cdktf.out/stacks/<stack>`. */
import { type OutputSpecs, type OutputValues, parseOutputs } from "../stacks/stack-outputs.js";
import type { Runner } from "./runner.js";

const base = ["-input=false", "-no-color"];

export async function init(runner: Runner, dir: string): Promise<void> {
  await runner.run(["terraform", "init", ...base], { cwd: dir });
}

/**
 * Plans into `planFile`; returns the plan as `terraform show -json` (undefined in a dry run).
 * Without a lock (`-lock=false`): the read-only plan role may write no lock, and applying a saved
 * plan takes the lock and refuses a plan whose state has changed since.
 */
export async function plan(
  runner: Runner,
  dir: string,
  planFile: string,
  destroy = false,
): Promise<PlanSummary | undefined> {
  const command = ["terraform", "plan", ...base, "-lock=false", ...(destroy ? ["-destroy"] : [])];
  await runner.run([...command, `-out=${planFile}`], { cwd: dir });
  const shown = await runner.run(["terraform", "show", "-json", planFile], { cwd: dir, capture: true });
  return shown.stdout ? summarisePlan(JSON.parse(shown.stdout) as PlanJsonChanges) : undefined;
}

/** Applies exactly the saved plan: nothing that was not in it. */
export async function applySaved(runner: Runner, dir: string, planFile: string): Promise<void> {
  await runner.run(["terraform", "apply", ...base, planFile], { cwd: dir });
}

/** The stack's current outputs (from its state), or {} when it has none yet. */
export async function outputs(
  runner: Runner,
  dir: string,
  dryRunOutputs: Record<string, unknown> = {},
): Promise<Record<string, unknown>> {
  const result = await runner.run(["terraform", "output", "-json"], {
    cwd: dir,
    capture: true,
    allowFailure: true,
    dryRunOutput: JSON.stringify(
      Object.fromEntries(Object.entries(dryRunOutputs).map(([k, v]) => [k, { value: v }])),
    ),
  });
  if (result.code !== 0 || !result.stdout.trim()) return {};
  const parsed = JSON.parse(result.stdout) as Record<string, { value: unknown }>;
  return Object.fromEntries(Object.entries(parsed).map(([name, output]) => [name, output.value]));
}

/**
 * The outputs `specs` describes, read from the stack's state in `dir`, or undefined when the stack
 * has none (never applied, or destroyed). Throws, naming each output that is missing or of another
 * type. A dry run reads `dryRunOutputs`.
 */
export async function readOutputs<S extends OutputSpecs>(
  runner: Runner,
  dir: string,
  stack: string,
  specs: S,
  dryRunOutputs: OutputValues<S>,
): Promise<OutputValues<S> | undefined> {
  const values = await outputs(runner, dir, dryRunOutputs);
  return Object.keys(values).length > 0 ? parseOutputs(stack, specs, values) : undefined;
}

/** `readOutputs` of a stack that must have them (just applied): throws when it has none. */
export async function requireOutputs<S extends OutputSpecs>(
  runner: Runner,
  dir: string,
  stack: string,
  specs: S,
  dryRunOutputs: OutputValues<S>,
): Promise<OutputValues<S>> {
  const values = await readOutputs(runner, dir, stack, specs, dryRunOutputs);
  if (!values) throw new Error(`outputs of stack ${stack}: none (terraform output -json in ${dir} is empty)`);
  return values;
}

export interface PlanJsonChanges {
  resource_changes?: Array<{ address: string; mode: string; change: { actions: string[] } }>;
}

export interface PlanSummary {
  readonly add: number;
  readonly change: number;
  readonly destroy: number;
  /** Addresses deleted or replaced: what reviewers must look at. */
  readonly destroyed: readonly string[];
}

export function summarisePlan(plan: PlanJsonChanges): PlanSummary {
  let add = 0;
  let change = 0;
  const destroyed: string[] = [];
  for (const rc of plan.resource_changes ?? []) {
    if (rc.mode !== "managed") continue;
    const actions = rc.change.actions;
    if (actions.includes("create")) add++;
    if (actions.includes("update")) change++;
    if (actions.includes("delete"))
      destroyed.push(`${rc.address}${actions.includes("create") ? " (replaced)" : ""}`);
  }
  return { add, change, destroy: destroyed.length, destroyed };
}

/** Markdown for a PR comment or a job summary: counts, and every destroy spelled out. */
export function planMarkdown(stack: string, summary: PlanSummary): string {
  const lines = [
    `### \`${stack}\`: ${summary.add} to add, ${summary.change} to change, ${summary.destroy} to destroy`,
  ];
  if (summary.destroyed.length) {
    lines.push("", `> [!WARNING]`, `> This plan destroys ${summary.destroy} resource(s):`);
    for (const address of summary.destroyed) lines.push(`> - \`${address}\``);
  }
  return `${lines.join("\n")}\n`;
}
