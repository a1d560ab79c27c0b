import { expect, test } from "vitest";
import { outcome } from "../rule-fixture.js";
import { iamNoWildcardAction } from "./iam-no-wildcard-action.js";
import { rolePolicy } from "./iam-policy-fixture.js";

test("passes listed actions, and a wildcard in a Deny", () => {
  const policy = rolePolicy([
    { Action: ["s3:GetObject", "s3:PutObject"], Resource: `\${aws_s3_bucket.b.arn}/*` },
    { Effect: "Deny", Action: "*", Resource: "*", Condition: { Bool: { "aws:SecureTransport": "false" } } },
  ]);
  expect(outcome(iamNoWildcardAction, [policy])).toEqual({ plan: "pass", synth: "pass" });
});

test('fails "*" and service-wide "s3:*"', () => {
  const result = outcome(iamNoWildcardAction, [
    rolePolicy([{ Sid: "All", Action: ["s3:*"], Resource: `\${aws_s3_bucket.b.arn}` }]),
  ]);
  expect(result).toMatchObject({
    plan: "violation",
    synth: "violation",
    message: 'policy statement "All" allows "s3:*"',
  });
});
