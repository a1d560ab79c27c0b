import { expect, test } from "vitest";
import { ref } from "../../plan/plan-fixture.js";
import { outcome } from "../rule-fixture.js";
import { iamNoWildcardResource } from "./iam-no-wildcard-resource.js";
import { rolePolicy } from "./iam-policy-fixture.js";

test('passes actions without resource types on "*", and actions with resource types on ARNs', () => {
  const policy = rolePolicy([
    {
      Sid: "OnlyStar",
      Action: [
        "ecr:GetAuthorizationToken",
        "ssmmessages:CreateControlChannel",
        "xray:PutTraceSegments",
        // A wildcard whose every action has no resource types.
        "elasticloadbalancing:Describe*",
      ],
      Resource: "*",
    },
    { Action: ["acm:GetCertificate", "ec2:Describe*"], Resource: "arn:aws:*:*:123456789012:*" },
    // Denies narrow; "*" is fine there.
    { Effect: "Deny", Action: ["s3:PutObject", "iam:*"], Resource: "*" },
  ]);
  expect(outcome(iamNoWildcardResource, [policy])).toEqual({ plan: "pass", synth: "pass" });
});

test('fails a read that accepts resource ARNs on "*", naming the statement and the resource types', () => {
  const policy = rolePolicy([{ Sid: "Certificates", Action: "acm:GetCertificate", Resource: "*" }]);
  expect(outcome(iamNoWildcardResource, [policy])).toEqual({
    plan: "violation",
    synth: "violation",
    message: 'policy statement "Certificates": acm:GetCertificate accepts certificate ARNs; granted on "*"',
  });
});

test('fails a write on "*", as the hand-kept list did', () => {
  expect(
    outcome(iamNoWildcardResource, [
      rolePolicy([{ Action: ["dynamodb:PutItem", "ecr:GetAuthorizationToken"], Resource: "*" }]),
    ]),
  ).toMatchObject({
    plan: "violation",
    message: 'policy statement 1: dynamodb:PutItem accepts table ARNs; granted on "*"',
  });
});

test('fails a wildcard on "*" that matches actions with resource types, listing them', () => {
  const result = outcome(iamNoWildcardResource, [
    rolePolicy([{ Sid: "Read", Action: "ec2:Describe*", Resource: "*" }]),
  ]);
  expect(result).toMatchObject({ plan: "violation", synth: "violation" });
  expect(result.message).toMatch(
    /^policy statement "Read": ec2:Describe\* matches \d+ actions that accept resource ARNs: ec2:/,
  );
  expect(result.message).toContain("ec2:DescribeVpcAttribute (vpc)");
  // The resource-less Describe calls are not listed.
  expect(result.message).not.toContain("ec2:DescribeVpcs");
});

test("says when none of an action's resource types is required: its resource-less form may need *", () => {
  const policy = rolePolicy([{ Action: "cloudwatch:ListTagsForResource", Resource: "*" }]);
  expect(outcome(iamNoWildcardResource, [policy]).message).toMatch(
    /^policy statement 1: cloudwatch:ListTagsForResource accepts alarm, .*dashboard, .* ARNs \(none required\); granted on "\*"$/,
  );
});

test("fails an action the reference does not have, wherever it is granted or denied", () => {
  const misspelt = outcome(iamNoWildcardResource, [
    rolePolicy([
      {
        Sid: "Typo",
        Action: "acm:GetCertificat",
        Resource: "arn:aws:acm:us-east-1:123456789012:certificate/x",
      },
    ]),
  ]);
  expect(misspelt).toMatchObject({ plan: "violation", synth: "violation" });
  expect(misspelt.message).toMatch(
    /^policy statement "Typo" names acm:GetCertificat, which the Service Authorization Reference \(iam-data \d+\.\d+\.\d+\) does not have/,
  );
  // A misspelt Deny denies nothing.
  expect(
    outcome(iamNoWildcardResource, [
      rolePolicy([{ Effect: "Deny", Action: ["s3:DeleteBuckett", "nosuchservice:Get*"], Resource: "*" }]),
    ]).message,
  ).toContain("names s3:DeleteBuckett, nosuchservice:Get*, which");
});

test('fails "*", and an Allow with NotAction, on "*"', () => {
  expect(outcome(iamNoWildcardResource, [rolePolicy([{ Action: "*", Resource: "*" }])]).message).toBe(
    'policy statement 1: "*" matches every service\'s actions; granted on "*"',
  );
  expect(outcome(iamNoWildcardResource, [rolePolicy([{ NotAction: "iam:*", Resource: "*" }])]).message).toBe(
    'policy statement 1 allows every action but iam:* on "*" (NotAction)',
  );
});

test("a policy computed from another resource is unverified, not passed", () => {
  const policy = {
    address: "aws_iam_role_policy.p",
    values: { role: ref("aws_iam_role.task.name"), name: "p", policy: ref("aws_iam_policy.x.policy") },
  };
  expect(outcome(iamNoWildcardResource, [policy])).toMatchObject({
    plan: "unverified",
    synth: "unverified",
  });
});
