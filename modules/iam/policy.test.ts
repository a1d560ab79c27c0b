import { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy/index.js";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role/index.js";
import { describe, expect, test } from "vitest";
import { policy, synthesise } from "../testing/synthesised.js";
import {
  type AttachPolicyOptions,
  assertManagedPolicyArn,
  attachPolicy,
  type PolicyStatement,
} from "./policy.js";

const trust = JSON.stringify({ Version: "2012-10-17", Statement: [] });
const attach = (statements: PolicyStatement[], options?: AttachPolicyOptions) =>
  synthesise((scope) => {
    const role = new IamRole(scope, "role", { name: "role", assumeRolePolicy: trust });
    attachPolicy(scope, "policy", role, "deploy", statements, options);
  });
const reason = { serviceWildcards: "deployment role creates whole stacks" };

describe("attachPolicy wildcard actions", () => {
  test("a service-wide action is refused by default", () => {
    expect(() => attach([{ actions: ["ec2:*"], resources: ["arn:aws:ec2:*:123456789012:*"] }])).toThrow(
      'wildcard action "ec2:*" is not allowed',
    );
  });

  test("a service-wide action scoped to ARNs is written when the reasoned opt-in is given", () => {
    const s = attach([{ actions: ["ec2:*"], resources: ["arn:aws:ec2:*:123456789012:*"] }], reason);
    expect(policy(s.only("aws_iam_role_policy").policy).Statement).toEqual([
      { Effect: "Allow", Action: "ec2:*", Resource: "arn:aws:ec2:*:123456789012:*" },
    ]);
  });

  test("an empty reason is no opt-in", () => {
    expect(() =>
      attach([{ actions: ["ec2:*"], resources: ["arn:aws:ec2:*:123456789012:*"] }], {
        serviceWildcards: " ",
      }),
    ).toThrow("is not allowed");
  });

  test("even with the opt-in, a service-wide action on resource '*' is refused", () => {
    expect(() => attach([{ actions: ["rds:*"], resources: ["*"] }], reason)).toThrow(
      '"rds:*" on resource "*" is not allowed',
    );
  });

  test("even with the opt-in, the action '*' is refused", () => {
    expect(() => attach([{ actions: ["*"], resources: ["arn:aws:s3:::bucket"] }], reason)).toThrow(
      'the action "*" is never allowed',
    );
  });
});

describe("assertManagedPolicyArn", () => {
  test.each([
    "arn:aws:iam::123456789012:policy/acme-bootstrap-workload-boundary",
    "arn:aws:iam::123456789012:policy/boundaries/acme-workload",
    "arn:aws:iam::aws:policy/ReadOnlyAccess",
    "arn:aws-us-gov:iam::123456789012:policy/acme-boundary",
  ])("accepts %s", (arn) => {
    expect(() => assertManagedPolicyArn(arn, "thing.permissionsBoundaryArn")).not.toThrow();
  });

  test("accepts a reference, known only at apply (a policy's arn)", () => {
    expect.assertions(1);
    synthesise((scope) => {
      const boundary = new IamPolicy(scope, "boundary", { name: "boundary", policy: trust });
      expect(() => assertManagedPolicyArn(boundary.arn, "thing.permissionsBoundaryArn")).not.toThrow();
    });
  });

  test.each([
    "acme-bootstrap-workload-boundary",
    "arn:aws:iam::123456789012:role/acme-dev-app-task",
    "arn:aws:iam::123456789012:policy/*",
    "arn:aws:iam::1234:policy/acme-boundary",
    "",
  ])("refuses %s, naming the field", (arn) => {
    expect(() => assertManagedPolicyArn(arn, "thing.permissionsBoundaryArn")).toThrow(
      /^thing\.permissionsBoundaryArn: .* must be a managed policy ARN/,
    );
  });
});
