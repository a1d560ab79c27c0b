import type { StackModel } from "../../plan/plan-model.js";
import { isRecord, lookup, referencesIn, writtenText } from "../../plan/plan-model.js";
import { parsePolicy, type Statement, statementName } from "../iam-document.js";
import { defineRule, fail, pass, unverified, type Verdict, worst } from "../rule.js";

const GITHUB = "token.actions.githubusercontent.com";
const SUB_KEY = /^token\.actions\.githubusercontent\.com(\/[A-Za-z0-9_-]+)?:sub$/;
/** `repo:<owner>/<name>:…` with no wildcard in owner or name. */
const PINNED = /^repo:[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+(:|$)/;

/** Whether a trust statement's federated principal is GitHub's OIDC provider. */
function trustsGitHub(s: Statement, stack: StackModel): boolean {
  const federated = isRecord(s.principal) ? s.principal.Federated : undefined;
  const text = writtenText(federated) ?? "";
  if (text.includes(GITHUB)) return true;
  // `${aws_iam_openid_connect_provider.github.arn}`: look at the provider's URL.
  const viaProvider = referencesIn(text).some((ref) => {
    const provider = lookup(stack, ref);
    return provider !== undefined && (writtenText(provider.values.url) ?? "").includes(GITHUB);
  });
  const githubConditions = Object.values(s.conditions).some((byKey) =>
    Object.keys(byKey).some((k) => k.startsWith(`${GITHUB}`)),
  );
  return viaProvider || githubConditions;
}

export const iamGithubOidcSub = defineRule({
  id: "CKV_AWS_358",
  title: "GitHub OIDC trust pins the token's sub to one repository",
  severity: "high",
  resourceTypes: ["aws_iam_role"],
  check(role, stack) {
    const parsed = parsePolicy(role.values.assume_role_policy);
    if (!parsed.ok) return unverified(`assume_role_policy: ${parsed.reason}`);
    const verdicts = parsed.statements.map((s, i): Verdict => {
      if (s.effect !== "Allow" || !trustsGitHub(s, stack)) return pass();
      const name = statementName(s, i);
      const subs = Object.values(s.conditions).flatMap((byKey) =>
        Object.entries(byKey)
          .filter(([k]) => SUB_KEY.test(k))
          .flatMap(([, values]) => values),
      );
      if (!subs.length)
        return fail(
          `${name} trusts GitHub Actions with no condition on ${GITHUB}:sub: any repository can assume the role`,
        );
      const loose = subs.filter((v) => !PINNED.test(v));
      if (loose.length)
        return fail(`${name}: sub ${loose.map((v) => `"${v}"`).join(", ")} is not pinned to one repository`);
      return pass();
    });
    return worst(verdicts);
  },
  fix: 'Add Condition StringEquals/StringLike "token.actions.githubusercontent.com:sub" = "repo:<owner>/<repo>:<ref or environment>" (the ci-access module does).',
});
