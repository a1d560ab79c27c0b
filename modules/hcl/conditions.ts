/**
 * The package's synth-time checks as Terraform validation rules: each takes the variable's
 * reference (`var.cidr`) and returns the HCL condition and the same rule text as the check's
 * `PropError`. Conditions may fail with an error on bad input; the module stack wraps each in
 * `try(…, false)` (Terraform evaluates both sides of `&&`).
 */
import { SEGMENT, SEGMENT_RULE } from "../naming/naming.js";
import {
  type IntegerRange,
  integerRangeRule,
  LOG_RETENTION_DAYS,
  LOG_RETENTION_RULE,
  oneOfRule,
} from "../validation/validators.js";
import type { Rule } from "./module-stack.js";

/** An HCL string literal: quotes and backslashes escaped, template sequences kept literal. */
export function hclString(text: string): string {
  return JSON.stringify(text).replace(/\$\{/g, "$${").replace(/%\{/g, "%%{");
}

/** An HCL list of string literals. */
export function hclList(values: readonly string[]): string {
  return `[${values.map(hclString).join(", ")}]`;
}

/** RE2 (Terraform's `regex`) reads the package's patterns as JavaScript does; only the source is kept. */
export function matches(ref: string, pattern: RegExp): string {
  return `can(regex(${hclString(pattern.source)}, ${ref}))`;
}

/** `ref` is null, or satisfies `rule`. */
export function optional(ref: string, rule: Rule): Rule {
  // A conditional, not `||`: Terraform evaluates both sides of `||`, and the rule errs on null.
  return { condition: `${ref} == null ? true : (${rule.condition})`, message: rule.message };
}

/** One of a closed set of values. */
export function oneOf(ref: string, values: readonly string[]): Rule {
  return { condition: `contains(${hclList(values)}, ${ref})`, message: oneOfRule(values) };
}

/** A name prefix the package's `Naming` accepts (at most `maxLength` characters when given). */
export function namePrefix(ref: string): Rule {
  return { condition: `${matches(ref, SEGMENT)} && !strcontains(${ref}, "--")`, message: SEGMENT_RULE };
}

/** A whole number from `min` to `max`, in the words of `assertIntegerInRange`. */
export function integerInRange(ref: string, range: IntegerRange): Rule {
  const upper = range.max === undefined ? "" : ` && ${ref} <= ${range.max}`;
  return {
    condition: `floor(${ref}) == ${ref} && ${ref} >= ${range.min}${upper}`,
    message: integerRangeRule(range),
  };
}

/** A retention period CloudWatch Logs accepts, in the words of `assertLogRetentionDays`. */
export function logRetentionDays(ref: string): Rule {
  return {
    condition: `contains([${LOG_RETENTION_DAYS.join(", ")}], ${ref})`,
    message: LOG_RETENTION_RULE,
  };
}

/** `length(ref) <= max`, with the reason. */
export function maxLength(ref: string, max: number, why: string): Rule {
  return { condition: `length(${ref}) <= ${max}`, message: `must be at most ${max} characters (${why})` };
}
