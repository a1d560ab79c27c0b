/**
 * What `npm run check` reports: rows for the terminal tables, the JSON report
 * (`cdktf.out/reports/policy.json`) and the summary line. SARIF is in sarif.ts.
 */
import type { PlanCheck } from "./check-plans.js";
import { atLeast, type Finding } from "./engine.js";
import type { Rule, Severity } from "./rule.js";
import { RULES } from "./rules/index.js";

export interface PolicySummary {
  readonly stacks: number;
  readonly resources: number;
  readonly rules: number;
  readonly violations: Readonly<Record<Severity, number>>;
  readonly unverified: number;
  readonly suppressed: number;
  readonly errors: number;
}

const byStatus = (results: readonly PlanCheck[], status: Finding["status"]) =>
  results.flatMap((r) => r.findings.filter((f) => f.status === status));

export function summarise(results: readonly PlanCheck[], rules: readonly Rule[] = RULES): PolicySummary {
  const violations = byStatus(results, "violation");
  const count = (s: Severity) => violations.filter((f) => f.severity === s).length;
  return {
    stacks: results.length,
    resources: results.reduce((n, r) => n + r.resources, 0),
    rules: rules.length,
    violations: { high: count("high"), medium: count("medium"), low: count("low") },
    unverified: byStatus(results, "unverified").length,
    suppressed: byStatus(results, "suppressed").length,
    errors: results.reduce((n, r) => n + r.errors.length, 0),
  };
}

/** Whether the check fails: an unsuppressed violation at or above `failOn`, or an invalid suppression. */
export function failed(results: readonly PlanCheck[], failOn: Severity = "high"): boolean {
  return results.some(
    (r) =>
      r.errors.length > 0 || r.findings.some((f) => f.status === "violation" && atLeast(f.severity, failOn)),
  );
}

export function summaryLine(summary: PolicySummary): string {
  const v = summary.violations;
  const total = v.high + v.medium + v.low;
  return (
    `${summary.rules} rules on ${summary.resources} resources in ${summary.stacks} stacks: ` +
    `${total} violations (${v.high} high, ${v.medium} medium, ${v.low} low), ` +
    `${summary.unverified} unverified, ${summary.suppressed} suppressed, ${summary.errors} invalid suppressions`
  );
}

export const VIOLATION_HEADERS = ["stack", "severity", "rule", "resource address", "message", "fix"] as const;
export function violationRows(results: readonly PlanCheck[]): string[][] {
  return byStatus(results, "violation").map((f) => [
    f.stack,
    f.severity,
    f.rule,
    f.address,
    f.message,
    f.fix,
  ]);
}

export const UNVERIFIED_HEADERS = [
  "stack",
  "rule",
  "resource address",
  "why it could not be checked",
] as const;
export function unverifiedRows(results: readonly PlanCheck[]): string[][] {
  return byStatus(results, "unverified").map((f) => [f.stack, f.rule, f.address, f.message]);
}

export const SUPPRESSION_HEADERS = ["stack", "rule", "resource address", "reason", "matched"] as const;
/** Every suppression with its reason; `matched: no` means nothing needed it (remove it). */
export function suppressionRows(results: readonly PlanCheck[]): string[][] {
  return results.flatMap((r) =>
    r.suppressions.map((s) => [s.stack, s.rule, s.address, s.reason, s.used ? "yes" : "no (stale)"]),
  );
}

/** `cdktf.out/reports/policy.json`. */
export function policyJson(results: readonly PlanCheck[], rules: readonly Rule[] = RULES) {
  return {
    summary: summarise(results, rules),
    failed: failed(results),
    rules: rules.map((r) => ({
      id: r.id,
      checkov: r.checkov,
      title: r.title,
      severity: r.severity,
      resourceTypes: r.resourceTypes,
      fix: r.fix,
    })),
    stacks: results.map((r) => ({
      stack: r.stack,
      environment: r.environment,
      planFile: r.planFile,
      synthesisedFile: r.synthesisedFile,
      resources: r.resources,
      findings: r.findings,
      suppressions: r.suppressions,
      errors: r.errors,
      warnings: r.warnings,
    })),
  };
}
