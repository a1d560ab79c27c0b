import { IDENTITY_POLICY_TYPES, identityPolicies, parsePolicy, statementName } from "../iam-document.js";
import { defineRule, fail, pass, unverified, type Verdict, worst } from "../rule.js";

/** Read-only action names (by verb); these may use "*" (many list/describe calls must). */
const READ_ONLY = /^[a-z0-9-]+:(Describe|Get|List|Head|BatchGet|Query|Scan|Search|Lookup|View)/i;

/**
 * Write actions that have no resource types in the Service Authorization Reference, so "*" is the
 * only resource they can be granted on (metrics, traces, ECS Exec's session channels, creating a
 * KMS key or requesting a certificate, vended-log delivery). Kept short on purpose: an action that
 * can be scoped does not belong here.
 */
const NOT_RESTRICTABLE = new Set([
  "acm:RequestCertificate",
  "ecs:DeregisterTaskDefinition",
  "kms:CreateKey",
  "logs:CreateLogDelivery",
  "logs:DeleteLogDelivery",
  "logs:PutResourcePolicy",
  "logs:DeleteResourcePolicy",
  "cloudwatch:PutMetricData",
  "xray:PutTraceSegments",
  "xray:PutTelemetryRecords",
  "ssmmessages:CreateControlChannel",
  "ssmmessages:CreateDataChannel",
  "ssmmessages:OpenControlChannel",
  "ssmmessages:OpenDataChannel",
]);

export const iamNoWildcardResource = defineRule({
  id: "CKV_AWS_355",
  title: 'No "*" resource on write actions',
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
        if (s.effect !== "Allow" || !s.resources.includes("*")) return;
        const writes = s.actions.filter((a) => !READ_ONLY.test(a) && !NOT_RESTRICTABLE.has(a));
        if (writes.length)
          verdicts.push(fail(`${label} ${statementName(s, i)} allows ${writes.join(", ")} on "*"`));
      });
    }
    return verdicts.length ? worst(verdicts) : pass();
  },
  fix: 'Scope write actions to the ARNs they act on (a bucket, a table, a log group), never "*".',
});
