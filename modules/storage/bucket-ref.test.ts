import { IamRole } from "@cdktf/provider-aws/lib/iam-role/index.js";
import { TerraformStack, Testing } from "cdktf";
import { describe, expect, test } from "vitest";
import { policy, type ResourceConfig, synthesise, testNaming, testOutdir } from "../testing/synthesised.js";
import { PropError } from "../validation/prop-error.js";
import { Bucket } from "./bucket.js";
import type { BucketAttributes } from "./bucket-ref.js";

const trust = JSON.stringify({ Version: "2012-10-17", Statement: [] });
const key = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
/** A bucket created outside this stack, by its name and ARN. */
const published: BucketAttributes = {
  bucketName: "acme-dev-uploads-123456789012-us-east-1",
  bucketArn: "arn:aws:s3:::acme-dev-uploads-123456789012-us-east-1",
};

// The same grants, once on a Bucket of this stack (`owned`) and once on a reference built from its
// attributes (`referenced`); and once on a bucket created elsewhere.
const s = synthesise((scope) => {
  const owned = new Bucket(scope, "owned", { naming: testNaming, purpose: "uploads", kmsKeyArn: key });
  const referenced = Bucket.fromAttributes(scope, "referenced", {
    bucketName: owned.bucketName,
    bucketArn: owned.bucketArn,
    kmsKeyArn: owned.kmsKeyArn,
    purpose: "uploads",
  });
  const reader = new IamRole(scope, "reader", { name: "reader", assumeRolePolicy: trust });
  const writer = new IamRole(scope, "writer", { name: "writer", assumeRolePolicy: trust });
  for (const bucket of [owned, referenced]) {
    bucket.grantRead(reader);
    bucket.grantReadWrite(writer, { prefix: "users/" });
  }

  Bucket.fromAttributes(scope, "shared-uploads", published).grantRead(reader, { prefix: "public/" });
  Bucket.fromAttributes(scope, "unused", published);
});

/** The resources of `type` written under construct `id`, by the rest of their name (hash dropped). */
const under = (type: string, id: string): Record<string, ResourceConfig> =>
  Object.fromEntries(
    Object.entries(s.resources(type))
      .filter(([name]) => name.startsWith(`${id}_`))
      .map(([name, config]) => [name.slice(id.length + 1).replace(/_[0-9A-F]{8}$/, ""), config]),
  );

describe("a referenced bucket grants exactly what its owner would", () => {
  test("the same policies, with the same statements, names and roles", () => {
    const owned = under("aws_iam_role_policy", "owned");
    expect(Object.keys(owned)).toHaveLength(2);
    expect(under("aws_iam_role_policy", "referenced")).toEqual(owned);
  });

  test("with a KMS key, writers may also generate data keys", () => {
    const grants = Object.values(under("aws_iam_role_policy", "referenced"));
    const keyUse = grants.map(
      (g) => policy(g.policy).Statement.find((st) => st.Sid === "UseBucketKey")?.Action,
    );
    expect(keyUse.sort()).toEqual([["kms:Decrypt", "kms:GenerateDataKey"], "kms:Decrypt"].sort());
  });
});

describe("a bucket created elsewhere, by its name and ARN", () => {
  test("grantRead lists and reads under the prefix only; the policy is named after the construct id", () => {
    const [grant] = Object.values(under("aws_iam_role_policy", "shared-uploads"));
    expect(grant?.name).toBe("s3-shared-uploads-read");
    expect(policy(grant?.policy).Statement).toEqual([
      {
        Sid: "ListBucket",
        Effect: "Allow",
        Action: "s3:ListBucket",
        Resource: published.bucketArn,
        Condition: { StringLike: { "s3:prefix": ["public/*"] } },
      },
      {
        Sid: "Objects",
        Effect: "Allow",
        Action: "s3:GetObject",
        Resource: `${published.bucketArn}/public/*`,
      },
    ]);
  });

  test("a reference creates nothing until a grant is made", () => {
    expect(s.addresses().filter((address) => address.includes(".unused_"))).toEqual([]);
  });
});

describe("attributes that would widen a grant are refused", () => {
  // Refused while the construct is built: nothing to synthesise.
  const scope = () => new TerraformStack(Testing.app({ outdir: testOutdir() }), "refused");

  test.each<[string, Partial<BucketAttributes>, string]>([
    ["every bucket", { bucketArn: "arn:aws:s3:::*" }, "storage.bucketArn"],
    ["objects instead of the bucket", { bucketArn: "arn:aws:s3:::acme-uploads/*" }, "storage.bucketArn"],
    ["a name instead of an ARN", { bucketArn: "acme-uploads" }, "storage.bucketArn"],
    ["a KMS alias", { kmsKeyArn: "arn:aws:kms:us-east-1:123456789012:alias/s3" }, "storage.kmsKeyArn"],
    ["a purpose no policy name can hold", { purpose: "uploads bucket" }, "storage.purpose"],
  ])("%s", (_, change, field) => {
    let error: unknown;
    try {
      Bucket.fromAttributes(scope(), "bucket", { ...published, ...change });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PropError);
    expect((error as PropError).field).toBe(field);
  });
});
