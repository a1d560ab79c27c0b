import { list, type PlannedResource } from "../../plan/plan-model.js";
import { IDENTITY_POLICY_TYPES, identityPolicies, parsePolicy, statementName } from "../iam-document.js";
import { defineRule, fail, pass, unverified, type Verdict, worst } from "../rule.js";

const ADMINISTRATOR_ACCESS = /^arn:aws[a-z-]*:iam::aws:policy\/AdministratorAccess$/;
const ATTACHMENTS = [
  "aws_iam_role_policy_attachment",
  "aws_iam_user_policy_attachment",
  "aws_iam_group_policy_attachment",
  "aws_iam_policy_attachment",
];

function managedArns(resource: PlannedResource): unknown[] {
  if (resource.type === "aws_iam_role") return list(resource.values.managed_policy_arns);
  return ATTACHMENTS.includes(resource.type) ? [resource.values.policy_arn] : [];
}

export const iamNoAdmin = defineRule({
  id: "CKV_AWS_62",
  checkov: ["CKV_AWS_62", "CKV_AWS_274"],
  title: 'No full administrator access ("*" on "*", or AdministratorAccess)',
  severity: "high",
  resourceTypes: [...IDENTITY_POLICY_TYPES, ...ATTACHMENTS],
  check(resource) {
    const verdicts: Verdict[] = managedArns(resource)
      .filter((arn) => typeof arn === "string" && ADMINISTRATOR_ACCESS.test(arn))
      .map(() => fail("attaches the AWS managed AdministratorAccess policy"));
    for (const { label, value } of identityPolicies(resource)) {
      const parsed = parsePolicy(value);
      if (!parsed.ok) {
        verdicts.push(unverified(`${label}: ${parsed.reason}`));
        continue;
      }
      parsed.statements.forEach((s, i) => {
        const everything = s.actions.some((a) => a === "*" || a === "*:*");
        if (s.effect === "Allow" && everything && s.resources.includes("*"))
          verdicts.push(fail(`${label} ${statementName(s, i)} allows "*" on "*"`));
      });
    }
    return verdicts.length ? worst(verdicts) : pass();
  },
  fix: "Grant the specific actions on the specific resources the principal needs (modules/iam/policy.ts attachPolicy).",
});
