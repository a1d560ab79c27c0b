/**
 * The rules at synth time: a cdktf Aspect that evaluates each stack's synthesised configuration
 * before anything is written, so a violation shows up before any plan. References (tokens) are not
 * known at synth; the rules treat them like a plan's unknown values (see infra/plan/plan-model.ts).
 *
 *   Aspects.of(stack).add(new PolicyAspect());      // one stack
 *   enablePolicyChecks(app);                        // every stack of an app (after they exist)
 */
import { Annotations, Aspects, type IAspect, TerraformStack } from "cdktf";
import type { IConstruct } from "constructs";
import { modelFromSynth, type SynthesisedJson } from "../plan/plan-model.js";
import { atLeast, evaluate, type Finding, type StackResult } from "./engine.js";
import type { Rule, Severity } from "./rule.js";
import { RULES } from "./rules/index.js";

export interface PolicyAspectOptions {
  /** @default every rule the kit ships */
  readonly rules?: readonly Rule[];
  /** Unsuppressed violations at or above this severity fail synth. @default "high" */
  readonly failOn?: Severity;
  /** Receives each stack's result (every finding, suppressions included), e.g. to print or collect it. */
  readonly onResult?: (result: StackResult) => void;
}

/** One line per finding: rule id, severity, address, construct path, message and fix. */
export function describeFinding(f: Finding): string {
  const where = f.path ? `${f.address} (${f.path})` : f.address;
  return `${f.rule} [${f.severity}] ${where}: ${f.message}. Fix: ${f.fix}`;
}

/**
 * Evaluates the policy rules on every stack it visits. Violations at or above `failOn` (and invalid
 * suppressions) fail synth through a construct validation; lower ones become warning annotations
 * on the stack (in the manifest).
 */
export class PolicyAspect implements IAspect {
  private readonly stacks = new WeakSet<TerraformStack>();
  private readonly rules: readonly Rule[];
  private readonly failOn: Severity;

  constructor(private readonly options: PolicyAspectOptions = {}) {
    this.rules = options.rules ?? RULES;
    this.failOn = options.failOn ?? "high";
  }

  visit(node: IConstruct): void {
    if (!TerraformStack.isStack(node) || this.stacks.has(node)) return;
    this.stacks.add(node);
    // Validations run after every aspect has run, so the stack is final when it is evaluated.
    node.node.addValidation({ validate: () => this.validate(node) });
  }

  private validate(stack: TerraformStack): string[] {
    const json = stack.toTerraform() as SynthesisedJson;
    const result = evaluate(modelFromSynth(stack.node.id, json), this.rules);
    this.options.onResult?.(result);
    const failing = result.findings.filter(
      (f) => f.status === "violation" && atLeast(f.severity, this.failOn),
    );
    for (const f of result.findings.filter((f) => f.status !== "suppressed" && !failing.includes(f))) {
      Annotations.of(stack).addWarning(
        `${f.status === "unverified" ? "unverified: " : ""}${describeFinding(f)}`,
      );
    }
    return [
      ...result.errors.map((e) => `policy: ${e}`),
      ...failing.map((f) => `policy violation: ${describeFinding(f)}`),
    ];
  }
}

/** Adds one {@link PolicyAspect} to every stack under `scope` (call it after the stacks are built). */
export function enablePolicyChecks(scope: IConstruct, options: PolicyAspectOptions = {}): PolicyAspect {
  const aspect = new PolicyAspect(options);
  for (const node of scope.node.findAll()) if (TerraformStack.isStack(node)) Aspects.of(node).add(aspect);
  return aspect;
}
