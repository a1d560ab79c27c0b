import { expect, test } from "vitest";
import { later } from "../../plan/plan-fixture.js";
import { outcome } from "../rule-fixture.js";
import { iamGithubOidcSub } from "./iam-github-oidc-sub.js";

const provider = {
  address: "aws_iam_openid_connect_provider.github",
  values: { url: "https://token.actions.githubusercontent.com", client_id_list: ["sts.amazonaws.com"] },
};
const role = (condition: Record<string, unknown>) => ({
  address: "aws_iam_role.ci",
  values: {
    name: "acme-ci-plan",
    assume_role_policy: later(
      JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Principal: { Federated: `\${aws_iam_openid_connect_provider.github.arn}` },
            Action: "sts:AssumeRoleWithWebIdentity",
            Condition: condition,
          },
        ],
      }),
    ),
  },
});
const aud = { "token.actions.githubusercontent.com:aud": "sts.amazonaws.com" };

test("passes a trust pinned to one repository (provider known only by reference)", () => {
  const pinned = role({
    StringEquals: aud,
    StringLike: { "token.actions.githubusercontent.com:sub": "repo:acme/platform:pull_request" },
  });
  expect(outcome(iamGithubOidcSub, [pinned, provider])).toEqual({ plan: "pass", synth: "pass" });
});

test("fails a trust without a sub condition", () => {
  expect(outcome(iamGithubOidcSub, [role({ StringEquals: aud }), provider])).toMatchObject({
    plan: "violation",
    synth: "violation",
  });
});

test("fails a sub that matches a whole organisation", () => {
  const loose = role({
    StringEquals: aud,
    StringLike: { "token.actions.githubusercontent.com:sub": "repo:acme/*" },
  });
  expect(outcome(iamGithubOidcSub, [loose, provider]).message).toContain(
    'sub "repo:acme/*" is not pinned to one repository',
  );
});
