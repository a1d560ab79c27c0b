/**
 * What a policy rule is. One rule = one file in `rules/`: an id (the equivalent Checkov id where
 * one exists, so findings map onto Checkov's catalogue), a title, a severity, the resource types it
 * applies to, a pure check and the fix in one sentence.
 */
import type { PlannedResource, StackModel } from "../plan/plan-model.js";

/** `high` fails `npm run check` and synth (with the Aspect); `medium` and `low` are reported. */
export type Severity = "high" | "medium" | "low";
export const SEVERITIES: readonly Severity[] = ["high", "medium", "low"];

/** The outcome of one rule on one resource. */
export type Verdict =
  | { readonly status: "pass" }
  | { readonly status: "fail"; readonly message: string }
  /**
   * The answer depends on a value Terraform only knows at apply time and the configuration does not
   * show it either. Reported (never silently passed), but it does not fail the build.
   */
  | { readonly status: "unverified"; readonly message: string };

export const pass = (): Verdict => ({ status: "pass" });
export const fail = (message: string): Verdict => ({ status: "fail", message });
export const unverified = (message: string): Verdict => ({ status: "unverified", message });

/** Combines several problems found on one resource into one verdict: any failure wins. */
export function worst(verdicts: readonly Verdict[]): Verdict {
  const failures = verdicts.filter((v) => v.status === "fail");
  if (failures.length) return fail(failures.map((v) => (v.status === "fail" ? v.message : "")).join("; "));
  const unknowns = verdicts.filter((v) => v.status === "unverified");
  if (unknowns.length)
    return unverified(unknowns.map((v) => (v.status === "unverified" ? v.message : "")).join("; "));
  return pass();
}

export interface Rule {
  /** The primary Checkov id (`CKV_AWS_19`), or a `KIT_*` id when Checkov has no equivalent. */
  readonly id: string;
  /** Every Checkov id this rule covers; suppressions may name any of them. */
  readonly checkov: readonly string[];
  readonly title: string;
  readonly severity: Severity;
  /** Terraform resource types the check runs on. */
  readonly resourceTypes: readonly string[];
  /**
   * Pure: reads only the resource and the stack it is in (for context such as "is this prod?",
   * "does this VPC have a NAT gateway?", "which security groups belong to a load balancer?").
   */
  readonly check: (resource: PlannedResource, stack: StackModel) => Verdict;
  /** What to change, in one sentence. */
  readonly fix: string;
}

/** Declares a rule; `checkov` defaults to the id when the id is a Checkov id. */
export function defineRule(rule: Omit<Rule, "checkov"> & { checkov?: readonly string[] }): Rule {
  const checkov = rule.checkov ?? (rule.id.startsWith("CKV") ? [rule.id] : []);
  return { ...rule, checkov };
}
