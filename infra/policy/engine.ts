/**
 * Runs rules over a stack model and applies the suppressions recorded on its resources. The same
 * function serves `npm run check` (plan JSON) and the synth-time Aspect (synthesised JSON).
 */
import { environmentOf, type PlannedResource, type StackModel } from "../plan/plan-model.js";
import type { Rule, Severity } from "./rule.js";
import { findRule, RULES } from "./rules/index.js";

export type FindingStatus = "violation" | "unverified" | "suppressed";

export interface Finding {
  readonly stack: string;
  readonly rule: string;
  readonly checkov: readonly string[];
  readonly title: string;
  readonly severity: Severity;
  readonly address: string;
  /** Construct path, when the synthesised metadata is available. */
  readonly path?: string;
  readonly status: FindingStatus;
  readonly message: string;
  readonly fix: string;
  /** Why it is suppressed (status `suppressed`). */
  readonly reason?: string;
}

export interface SuppressionRecord {
  readonly stack: string;
  readonly address: string;
  readonly path?: string;
  readonly rule: string;
  readonly reason: string;
  /** Whether a finding matched it; an unused suppression is stale and should be removed. */
  readonly used: boolean;
}

export interface StackResult {
  readonly stack: string;
  readonly environment: string;
  readonly source: StackModel["source"];
  readonly resources: number;
  readonly rules: number;
  /** Every failed or unverifiable check, suppressed ones included. Passing checks are not listed. */
  readonly findings: readonly Finding[];
  readonly suppressions: readonly SuppressionRecord[];
  /** Invalid suppressions (no reason, unknown rule): always fail the check. */
  readonly errors: readonly string[];
}

const SEVERITY_RANK: Record<Severity, number> = { high: 3, medium: 2, low: 1 };

/** Whether a finding's severity is at or above `threshold`. */
export function atLeast(severity: Severity, threshold: Severity): boolean {
  return SEVERITY_RANK[severity] >= SEVERITY_RANK[threshold];
}

/** Unsuppressed violations at or above `failOn`, plus invalid suppressions: what fails a build. */
export function blocking(result: StackResult, failOn: Severity = "high"): Finding[] {
  return result.findings.filter((f) => f.status === "violation" && atLeast(f.severity, failOn));
}

interface ValidSuppression {
  readonly rule: string;
  readonly reason: string;
}

function suppressionsOf(
  resource: PlannedResource,
  rules: readonly Rule[],
  errors: string[],
): ValidSuppression[] {
  const valid: ValidSuppression[] = [];
  for (const recorded of resource.suppressions) {
    const id = typeof recorded.rule === "string" ? recorded.rule : "";
    const rule = findRule(id, rules) ?? findRule(id);
    const where = resource.path ? `${resource.address} (${resource.path})` : resource.address;
    if (!rule) {
      errors.push(`${where}: suppression names unknown rule "${id}"`);
      continue;
    }
    if (typeof recorded.reason !== "string" || recorded.reason.trim() === "") {
      errors.push(`${where}: suppression of ${rule.id} has no reason; say why the rule does not apply here`);
      continue;
    }
    valid.push({ rule: rule.id, reason: recorded.reason.trim() });
  }
  return valid;
}

/** Evaluates `rules` on every resource of `stack`. */
export function evaluate(stack: StackModel, rules: readonly Rule[] = RULES): StackResult {
  const findings: Finding[] = [];
  const suppressions: SuppressionRecord[] = [];
  const errors: string[] = [];
  for (const resource of stack.resources) {
    const suppressed = suppressionsOf(resource, rules, errors);
    const used = new Set<string>();
    for (const rule of rules) {
      if (!rule.resourceTypes.includes(resource.type)) continue;
      const verdict = rule.check(resource, stack);
      if (verdict.status === "pass") continue;
      const suppression = suppressed.find((s) => s.rule === rule.id);
      if (suppression) used.add(rule.id);
      findings.push({
        stack: stack.stack,
        rule: rule.id,
        checkov: rule.checkov,
        title: rule.title,
        severity: rule.severity,
        address: resource.address,
        ...(resource.path ? { path: resource.path } : {}),
        status: suppression ? "suppressed" : verdict.status === "fail" ? "violation" : "unverified",
        message: verdict.message,
        fix: rule.fix,
        ...(suppression ? { reason: suppression.reason } : {}),
      });
    }
    for (const s of suppressed) {
      suppressions.push({
        stack: stack.stack,
        address: resource.address,
        ...(resource.path ? { path: resource.path } : {}),
        rule: s.rule,
        reason: s.reason,
        used: used.has(s.rule),
      });
    }
  }
  return {
    stack: stack.stack,
    environment: environmentOf(stack),
    source: stack.source,
    resources: stack.resources.length,
    rules: rules.length,
    findings,
    suppressions,
    errors,
  };
}
