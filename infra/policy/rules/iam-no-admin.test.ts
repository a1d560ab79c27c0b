import { expect, test } from "vitest";
import { ref } from "../../plan/plan-fixture.js";
import { outcome } from "../rule-fixture.js";
import { iamNoAdmin } from "./iam-no-admin.js";
import { rolePolicy } from "./iam-policy-fixture.js";

test("passes a scoped policy", () => {
  expect(
    outcome(iamNoAdmin, [rolePolicy([{ Action: "s3:GetObject", Resource: `\${aws_s3_bucket.b.arn}/*` }])]),
  ).toEqual({
    plan: "pass",
    synth: "pass",
  });
});

test('fails "*" on "*"', () => {
  expect(outcome(iamNoAdmin, [rolePolicy([{ Action: "*", Resource: "*" }])])).toMatchObject({
    plan: "violation",
    synth: "violation",
    message: 'policy statement 1 allows "*" on "*"',
  });
});

test("fails attaching AdministratorAccess", () => {
  const attachment = {
    address: "aws_iam_role_policy_attachment.admin",
    values: { role: ref("aws_iam_role.ci.name"), policy_arn: "arn:aws:iam::aws:policy/AdministratorAccess" },
  };
  expect(outcome(iamNoAdmin, [attachment])).toMatchObject({ plan: "violation", synth: "violation" });
});
