/**
 * Plan-time checking: every `<stack>.json` in a plan directory, with suppressions read from the
 * stack's synthesised `cdk.tf.json` (the plan address equals the key there: `<type>.<name>`).
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { modelFromPlan, type PlanJson, type SynthesisedJson } from "../plan/plan-model.js";
import { evaluate, type StackResult } from "./engine.js";
import type { Rule } from "./rule.js";
import { RULES } from "./rules/index.js";

export interface CheckOptions {
  /** Where `<stack>/cdk.tf.json` files are. @default "<plan dir>/../stacks" */
  readonly stacksDir?: string;
  readonly rules?: readonly Rule[];
}

export interface PlanCheck extends StackResult {
  readonly planFile: string;
  /** The synthesised file suppressions were read from, when there is one. */
  readonly synthesisedFile?: string;
  readonly warnings: readonly string[];
}

/** Plan JSON files in `planDir`, sorted by stack name. */
export function planFiles(planDir: string): string[] {
  if (!existsSync(planDir)) return [];
  return readdirSync(planDir)
    .filter((f) => f.endsWith(".json"))
    .sort()
    .map((f) => join(planDir, f));
}

/** Checks one plan; the stack name is the file name (`cdktf.out/plans/dev.json` → `dev`). */
export function checkPlanFile(planFile: string, options: CheckOptions = {}): PlanCheck {
  const stack = basename(planFile, ".json");
  const stacksDir = options.stacksDir ?? join(dirname(planFile), "..", "stacks");
  const synthesisedFile = join(stacksDir, stack, "cdk.tf.json");
  const plan = JSON.parse(readFileSync(planFile, "utf8")) as PlanJson;
  const warnings: string[] = [];
  let synthesised: SynthesisedJson | undefined;
  if (existsSync(synthesisedFile)) {
    synthesised = JSON.parse(readFileSync(synthesisedFile, "utf8")) as SynthesisedJson;
  } else {
    warnings.push(`${stack}: no ${synthesisedFile}; suppressions recorded at synth cannot be read`);
  }
  const result = evaluate(modelFromPlan(stack, plan, synthesised), options.rules ?? RULES);
  return { ...result, planFile, ...(synthesised ? { synthesisedFile } : {}), warnings };
}

/** Checks every plan in `planDir`. */
export function checkPlanDir(planDir: string, options: CheckOptions = {}): PlanCheck[] {
  return planFiles(planDir).map((file) => checkPlanFile(file, options));
}
