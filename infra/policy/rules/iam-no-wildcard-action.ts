import { IDENTITY_POLICY_TYPES, identityPolicies, parsePolicy, statementName } from "../iam-document.js";
import { defineRule, fail, pass, unverified, type Verdict, worst } from "../rule.js";

/** `*`, `*:*` and service-wide `s3:*`: the kit's iam/policy.ts refuses all three. */
const WILDCARD = /^(\*|\*:\*|[a-z0-9-]+:\*)$/i;

export const iamNoWildcardAction = defineRule({
  id: "CKV_AWS_63",
  title: 'No "*" (or service-wide "svc:*") actions in identity policies',
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
        const wildcards = s.actions.filter((a) => WILDCARD.test(a));
        if (s.effect === "Allow" && wildcards.length)
          verdicts.push(
            fail(`${label} ${statementName(s, i)} allows ${wildcards.map((a) => `"${a}"`).join(", ")}`),
          );
      });
    }
    return verdicts.length ? worst(verdicts) : pass();
  },
  fix: "List the actions the principal needs instead of a wildcard (attachPolicy in modules/iam/policy.ts refuses wildcards).",
});
