import { expect, test } from "vitest";
import { outcome } from "../plan-fixture.js";
import { iamNoWildcardResource } from "./iam-no-wildcard-resource.js";
import { rolePolicy } from "./iam-policy-fixture.js";

test('passes read-only actions and metric publishing on "*"', () => {
  const policy = rolePolicy([
    { Action: ["ec2:DescribeNetworkInterfaces", "ecr:GetAuthorizationToken"], Resource: "*" },
    {
      Action: "cloudwatch:PutMetricData",
      Resource: "*",
      Condition: { StringEquals: { "cloudwatch:namespace": "App" } },
    },
  ]);
  expect(outcome(iamNoWildcardResource, [policy])).toEqual({ plan: "pass", synth: "pass" });
});

test('fails a write action on "*"', () => {
  expect(
    outcome(iamNoWildcardResource, [
      rolePolicy([{ Action: ["s3:PutObject", "s3:GetObject"], Resource: "*" }]),
    ]),
  ).toMatchObject({
    plan: "violation",
    synth: "violation",
    message: 'policy statement 1 allows s3:PutObject on "*"',
  });
});
