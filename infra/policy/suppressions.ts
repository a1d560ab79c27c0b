/**
 * Explicit, local suppressions: `suppress(construct, "CKV_AWS_91", "why")` exempts the resources in
 * that construct's subtree from one rule. The suppression is written into each synthesised
 * resource's `//` metadata (Terraform ignores `//` keys in JSON configuration), so it travels with
 * `cdk.tf.json` and the plan-time checker finds it by resource address:
 *
 *   "//": { "metadata": { ... }, "policy": { "suppressions": [{ "rule": "CKV_AWS_91", "reason": "..." }] } }
 */
import { Aspects, type IAspect, TerraformResource } from "cdktf";
import type { IConstruct } from "constructs";
import { findRule, RULES } from "./rules/index.js";

export interface Suppression {
  /** The rule's id (a Checkov id it covers is accepted and stored as the rule's id). */
  readonly rule: string;
  /** Why the rule does not apply here; shown in every report. */
  readonly reason: string;
}

const declared = new WeakMap<IConstruct, Suppression[]>();

/**
 * Exempts every resource in `scope` (the construct itself, or everything under an L2 such as a
 * `Bucket`) from `ruleId`. Throws at once for an unknown rule or an empty reason.
 */
export function suppress(scope: IConstruct, ruleId: string, reason: string): void {
  const rule = findRule(ruleId);
  const where = `suppress(${scope.node.path}, "${ruleId}")`;
  if (!rule) {
    throw new Error(`${where}: unknown rule; known rules: ${RULES.map((r) => r.id).join(", ")}`);
  }
  if (typeof reason !== "string" || reason.trim() === "") {
    throw new Error(
      `${where}: a suppression needs a reason; say why ${rule.id} ("${rule.title}") does not apply here`,
    );
  }
  const list = declared.get(scope) ?? [];
  if (list.some((s) => s.rule === rule.id)) return;
  list.push({ rule: rule.id, reason: reason.trim() });
  declared.set(scope, list);
  if (!Aspects.of(scope).all.includes(WRITE_SUPPRESSIONS)) Aspects.of(scope).add(WRITE_SUPPRESSIONS);
  // A suppression that matches nothing the rule checks is a mistake (wrong construct or rule).
  scope.node.addValidation({
    validate: () =>
      scope.node
        .findAll()
        .some(
          (n) =>
            TerraformResource.isTerraformResource(n) && rule.resourceTypes.includes(n.terraformResourceType),
        )
        ? []
        : [
            `${where}: nothing under this construct is of a type ${rule.id} checks (${rule.resourceTypes.join(", ")})`,
          ],
  });
}

/** Suppressions that apply to `node`: its own and its ancestors', the nearest one winning per rule. */
export function suppressionsFor(node: IConstruct): Suppression[] {
  const byRule = new Map<string, Suppression>();
  for (const scope of [...node.node.scopes].reverse()) {
    for (const s of declared.get(scope) ?? []) if (!byRule.has(s.rule)) byRule.set(s.rule, s);
  }
  return [...byRule.values()];
}

/**
 * Writes each resource's suppressions into its `//` metadata when the stack is synthesised; only
 * those of rules that check the resource's type, so every recorded suppression can be matched.
 */
const WRITE_SUPPRESSIONS: IAspect = {
  visit(node: IConstruct): void {
    if (!TerraformResource.isTerraformResource(node)) return;
    const type = node.terraformResourceType;
    const suppressions = suppressionsFor(node).filter((s) => findRule(s.rule)?.resourceTypes.includes(type));
    if (suppressions.length) node.addOverride("//.policy.suppressions", suppressions);
  },
};
