import { IamRole } from "@cdktf/provider-aws/lib/iam-role/index.js";
import { TerraformVariable, Token } from "cdktf";
import { describe, expect, test } from "vitest";
import { policy, synthesise, testNaming } from "../testing/synthesised.js";
import {
  BUCKET_KMS_KEY_ARN_RULE,
  BUCKET_NAME_RULE,
  Bucket,
  type BucketCorsRule,
  type BucketLifecycleRule,
  type BucketObjectLock,
  type BucketProps,
  CORS_METHODS_RULE,
  isBucketName,
  LIFECYCLE_RULE_ID_RULE,
  PREVENT_DESTROY_RULE,
} from "./bucket.js";

const trust = JSON.stringify({ Version: "2012-10-17", Statement: [] });

const defaults = synthesise((scope) => {
  const bucket = new Bucket(scope, "uploads", { naming: testNaming, purpose: "uploads" });
  bucket.grantRead(new IamRole(scope, "reader", { name: "reader", assumeRolePolicy: trust }));
  bucket.grantReadWrite(new IamRole(scope, "writer", { name: "writer", assumeRolePolicy: trust }));
});

const options = synthesise((scope) => {
  const bucket = new Bucket(scope, "assets", {
    naming: testNaming,
    purpose: "assets",
    kmsKeyArn: "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
    versioned: false,
    noncurrentVersionExpirationDays: 7,
    keepNoncurrentVersions: 3,
    lifecycleRules: [{ id: "expire-logs", prefix: "logs/", expirationDays: 90 }],
    cors: [{ allowedOrigins: ["https://app.example.com"], allowedMethods: ["GET", "PUT"] }],
    forceDestroy: true,
  });
  bucket.grantReadWrite(new IamRole(scope, "writer", { name: "writer", assumeRolePolicy: trust }), {
    prefix: "users/",
  });
  bucket.grantRead(new IamRole(scope, "reader", { name: "reader", assumeRolePolicy: trust }));
});

const locked = synthesise((scope) => {
  new Bucket(scope, "audit", {
    naming: testNaming,
    purpose: "audit",
    objectLock: { mode: "GOVERNANCE", retentionDays: 365 },
  });
});

function grantTo(s: typeof defaults, role: string) {
  const grant = s.list("aws_iam_role_policy").find((p) => String(p.role).includes(`aws_iam_role.${role}.`));
  if (!grant) throw new Error(`no grant for ${role}`);
  return policy(grant.policy).Statement;
}

describe("secure defaults", () => {
  test("the bucket is named <project>-<env>-<purpose>-<account>-<region> and kept on destroy", () => {
    const bucket = defaults.only("aws_s3_bucket");
    expect(bucket.bucket).toBe("acme-test-uploads-123456789012-us-east-1");
    expect(bucket.force_destroy).toBe(false);
  });

  test("all four public access block settings are on", () => {
    expect(defaults.only("aws_s3_bucket_public_access_block")).toMatchObject({
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
  });

  test("ACLs are disabled: the bucket owner owns every object", () => {
    expect(defaults.only("aws_s3_bucket_ownership_controls").rule).toEqual({
      object_ownership: "BucketOwnerEnforced",
    });
  });

  test("versioning is on", () => {
    expect(defaults.only("aws_s3_bucket_versioning").versioning_configuration).toEqual({ status: "Enabled" });
  });

  test("objects are encrypted with an S3-managed key", () => {
    expect(defaults.only("aws_s3_bucket_server_side_encryption_configuration").rule).toEqual([
      { apply_server_side_encryption_by_default: { sse_algorithm: "AES256" } },
    ]);
  });

  test("the bucket policy denies every request without TLS, or with TLS older than 1.2", () => {
    const statements = policy(defaults.only("aws_s3_bucket_policy").policy).Statement;
    expect(statements).toContainEqual(
      expect.objectContaining({
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      }),
    );
    expect(statements).toContainEqual(
      expect.objectContaining({ Effect: "Deny", Condition: { NumericLessThan: { "s3:TlsVersion": "1.2" } } }),
    );
    expect(statements.every((s) => s.Effect === "Deny")).toBe(true);
  });

  test("incomplete multipart uploads are aborted after a day and old versions expire after 30 days", () => {
    const rules = defaults.only("aws_s3_bucket_lifecycle_configuration").rule as Array<
      Record<string, unknown>
    >;
    expect(rules).toContainEqual(
      expect.objectContaining({
        status: "Enabled",
        abort_incomplete_multipart_upload: [{ days_after_initiation: 1 }],
      }),
    );
    expect(rules).toContainEqual(
      expect.objectContaining({
        status: "Enabled",
        noncurrent_version_expiration: [{ noncurrent_days: 30 }],
      }),
    );
  });

  test("no CORS configuration unless asked for", () => {
    expect(defaults.list("aws_s3_bucket_cors_configuration")).toHaveLength(0);
  });

  test("no Object Lock unless asked for", () => {
    expect(defaults.only("aws_s3_bucket").object_lock_enabled).toBeUndefined();
    expect(defaults.list("aws_s3_bucket_object_lock_configuration")).toHaveLength(0);
  });
});

describe("object lock", () => {
  test("is enabled when the bucket is created, with a default retention in the mode given", () => {
    expect(locked.only("aws_s3_bucket").object_lock_enabled).toBe(true);
    expect(locked.only("aws_s3_bucket_object_lock_configuration")).toMatchObject({
      bucket: expect.stringMatching(/^\$\{aws_s3_bucket\.\w+\.id\}$/),
      rule: { default_retention: { mode: "GOVERNANCE", days: 365 } },
    });
  });

  test("keeps versioning on: S3 locks object versions", () => {
    expect(locked.only("aws_s3_bucket_versioning").versioning_configuration).toEqual({ status: "Enabled" });
  });

  test.each([
    [{ retentionDays: 0 }, "storage.objectLock.retentionDays"],
    [{ retentionDays: 1.5 }, "storage.objectLock.retentionDays"],
    [{ versioned: false }, "storage.objectLock"],
  ])("%o is refused with %s", (change, field) => {
    const { versioned, retentionDays = 30 } = change as { versioned?: boolean; retentionDays?: number };
    expect(() =>
      synthesise((scope) => {
        new Bucket(scope, "b", {
          naming: testNaming,
          purpose: "b",
          ...(versioned === undefined ? {} : { versioned }),
          objectLock: { mode: "GOVERNANCE", retentionDays },
        });
      }),
    ).toThrow(field);
  });
});

describe("options", () => {
  test("a KMS key switches encryption to SSE-KMS with a bucket key", () => {
    expect(options.only("aws_s3_bucket_server_side_encryption_configuration").rule).toEqual([
      {
        apply_server_side_encryption_by_default: {
          sse_algorithm: "aws:kms",
          kms_master_key_id: "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
        },
        bucket_key_enabled: true,
      },
    ]);
  });

  test("versioning can be suspended, and force_destroy set for throwaway environments", () => {
    expect(options.only("aws_s3_bucket_versioning").versioning_configuration).toEqual({
      status: "Suspended",
    });
    expect(options.only("aws_s3_bucket").force_destroy).toBe(true);
  });

  test("noncurrent expiry, kept versions and extra expiration rules are configurable", () => {
    const rules = options.only("aws_s3_bucket_lifecycle_configuration").rule as Array<
      Record<string, unknown>
    >;
    expect(rules).toContainEqual(
      expect.objectContaining({
        noncurrent_version_expiration: [{ noncurrent_days: 7, newer_noncurrent_versions: 3 }],
      }),
    );
    expect(rules).toContainEqual(
      expect.objectContaining({
        id: "expire-logs",
        filter: [{ prefix: "logs/" }],
        expiration: [{ days: 90 }],
      }),
    );
  });

  test("CORS rules are written as given", () => {
    expect(options.only("aws_s3_bucket_cors_configuration").cors_rule).toEqual([
      {
        allowed_origins: ["https://app.example.com"],
        allowed_methods: ["GET", "PUT"],
        allowed_headers: ["*"],
        expose_headers: ["ETag"],
        max_age_seconds: 3000,
      },
    ]);
  });

  test("CORS for any origin is refused", () => {
    expect(() =>
      synthesise((scope) => {
        new Bucket(scope, "b", {
          naming: testNaming,
          purpose: "b",
          cors: [{ allowedOrigins: ["*"], allowedMethods: ["GET"] }],
        });
      }),
    ).toThrow("storage.cors.allowedOrigins");
  });
});

describe("grants", () => {
  test("grantRead: list on the bucket and GetObject on its objects, nothing else", () => {
    expect(grantTo(defaults, "reader")).toEqual([
      {
        Sid: "ListBucket",
        Effect: "Allow",
        Action: "s3:ListBucket",
        Resource: expect.stringMatching(/^\$\{aws_s3_bucket\.\w+\.arn\}$/),
      },
      {
        Sid: "Objects",
        Effect: "Allow",
        Action: "s3:GetObject",
        Resource: expect.stringMatching(/^\$\{aws_s3_bucket\.\w+\.arn\}\/\*$/),
      },
    ]);
  });

  test("grantReadWrite: read, put, delete and abort multipart on objects; list on the bucket", () => {
    const statements = grantTo(defaults, "writer");
    expect(statements.map((s) => s.Action)).toEqual([
      "s3:ListBucket",
      ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"],
    ]);
  });

  test("no grant uses a wildcard action or a '*' resource", () => {
    for (const s of [
      ...grantTo(defaults, "reader"),
      ...grantTo(defaults, "writer"),
      ...grantTo(options, "writer"),
    ]) {
      for (const action of [s.Action].flat()) expect(String(action)).not.toMatch(/\*/);
      for (const resource of [s.Resource].flat()) expect(resource).not.toBe("*");
    }
  });

  test("a prefix narrows the object ARNs and the listable keys", () => {
    const statements = grantTo(options, "writer");
    expect(statements[0]?.Condition).toEqual({ StringLike: { "s3:prefix": ["users/*"] } });
    expect(statements[1]?.Resource).toMatch(/\/users\/\*$/);
  });

  test("with a KMS key, readers may decrypt and writers may also generate data keys, on that key only", () => {
    const key = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    expect(grantTo(options, "reader")).toContainEqual({
      Sid: "UseBucketKey",
      Effect: "Allow",
      Action: "kms:Decrypt",
      Resource: key,
    });
    expect(grantTo(options, "writer")).toContainEqual({
      Sid: "UseBucketKey",
      Effect: "Allow",
      Action: ["kms:Decrypt", "kms:GenerateDataKey"],
      Resource: key,
    });
  });
});

describe("an exact name", () => {
  test("bucketName names the bucket as given, instead of the naming's computed name", () => {
    const s = synthesise((scope) => {
      new Bucket(scope, "b", { naming: testNaming, purpose: "b", bucketName: "acme.reports-2024" });
    });
    expect(s.only("aws_s3_bucket").bucket).toBe("acme.reports-2024");
  });

  test.each(["Bad_Name", "ab", "a".repeat(64), "-acme", "acme-", "acme..reports", "192.168.5.4"])(
    "%s is refused with S3's naming rules",
    (bucketName) => {
      expect(isBucketName(bucketName)).toBe(false);
      expect(() =>
        synthesise((scope) => {
          new Bucket(scope, "b", { naming: testNaming, purpose: "b", bucketName });
        }),
      ).toThrow(`storage.bucketName: "${bucketName}" ${BUCKET_NAME_RULE}`);
    },
  );
});

describe("bad props are refused naming the field", () => {
  const bucket = (props: Partial<BucketProps>) => () =>
    synthesise((scope) => {
      new Bucket(scope, "b", { naming: testNaming, purpose: "b", ...props });
    });

  test.each([
    [
      { kmsKeyArn: "arn:aws:kms:us-east-1:123456789012:alias/s3" },
      `storage.kmsKeyArn: "arn:aws:kms:us-east-1:123456789012:alias/s3" ${BUCKET_KMS_KEY_ARN_RULE}`,
    ],
    [{ noncurrentVersionExpirationDays: 0 }, "storage.noncurrentVersionExpirationDays"],
    [{ keepNoncurrentVersions: 0 }, "storage.keepNoncurrentVersions"],
    [{ keepNoncurrentVersions: 101 }, "storage.keepNoncurrentVersions"],
    [{ lifecycleRules: [{ id: "old", expirationDays: 0 }] }, "storage.lifecycleRules[0].expirationDays"],
    [
      { lifecycleRules: [{ id: "expire-noncurrent-versions", expirationDays: 1 }] },
      `storage.lifecycleRules[0].id: "expire-noncurrent-versions": ${LIFECYCLE_RULE_ID_RULE}`,
    ],
    [
      {
        lifecycleRules: [
          { id: "old", expirationDays: 1 },
          { id: "old", expirationDays: 2 },
        ],
      },
      "storage.lifecycleRules[1].id",
    ],
    [
      { cors: [{ allowedOrigins: ["https://app.example.com"], allowedMethods: [] }] },
      `storage.cors.allowedMethods: ${CORS_METHODS_RULE}`,
    ],
    [{ objectLock: { mode: "LEGAL" as "GOVERNANCE", retentionDays: 1 } }, "storage.objectLock.mode"],
  ] as const)("%j", (props, message) => {
    expect(bucket(props as Partial<BucketProps>)).toThrow(message);
  });
});

describe("props given as Terraform references (a module's variables)", () => {
  const tokens = synthesise((scope) => {
    const variable = (name: string, type: string) => new TerraformVariable(scope, name, { type });
    new Bucket(scope, "b", {
      naming: testNaming,
      purpose: "b",
      bucketName: variable("name", "string").stringValue,
      versioned: variable("versioning", "bool").booleanValue as unknown as boolean,
      noncurrentVersionExpirationDays: variable("days", "number").numberValue,
      keepNoncurrentVersions: variable("keep", "number").numberValue,
      lifecycleRules: Token.asAny(variable("rules", "any").value) as unknown as BucketLifecycleRule[],
      cors: Token.asAny(variable("cors", "any").value) as unknown as BucketCorsRule[],
      objectLock: Token.asAny(variable("lock", "any").value) as unknown as BucketObjectLock,
    });
  });

  test("name, noncurrent expiry and kept versions are the references", () => {
    expect(tokens.only("aws_s3_bucket").bucket).toBe(`\${var.name}`);
    const rules = tokens.only("aws_s3_bucket_lifecycle_configuration").rule as Array<Record<string, unknown>>;
    expect(rules).toContainEqual(
      expect.objectContaining({
        noncurrent_version_expiration: [
          { noncurrent_days: `\${var.days}`, newer_noncurrent_versions: `\${var.keep}` },
        ],
      }),
    );
  });

  test("versioning follows the flag at plan: Enabled or Suspended", () => {
    expect(tokens.only("aws_s3_bucket_versioning").versioning_configuration).toEqual({
      status: `\${var.versioning ? "Enabled" : "Suspended"}`,
    });
  });

  test("extra lifecycle rules are a dynamic block beside the bucket's own two", () => {
    const lifecycle = tokens.only("aws_s3_bucket_lifecycle_configuration");
    expect((lifecycle.rule as Array<Record<string, unknown>>).map((r) => r.id)).toEqual([
      "abort-incomplete-multipart-uploads",
      "expire-noncurrent-versions",
    ]);
    expect(lifecycle.dynamic).toEqual({
      rule: {
        for_each: `\${var.rules}`,
        iterator: "each",
        content: {
          id: `\${each.value.id}`,
          status: "Enabled",
          filter: [{ prefix: `\${each.value.prefix}` }],
          dynamic: {
            expiration: {
              for_each: `\${each.value.expirationDays == null ? [] : [each.value.expirationDays]}`,
              iterator: "expiration",
              content: { days: `\${expiration.value}` },
            },
            transition: {
              for_each: `\${each.value.transitions}`,
              iterator: "transition",
              content: {
                days: `\${transition.value.days}`,
                storage_class: `\${transition.value.storageClass}`,
              },
            },
            noncurrent_version_transition: {
              for_each: `\${each.value.noncurrentVersionTransitions}`,
              iterator: "transition",
              content: {
                noncurrent_days: `\${transition.value.days}`,
                storage_class: `\${transition.value.storageClass}`,
              },
            },
          },
        },
      },
    });
  });

  test("CORS is configured only when the list has rules, one block per rule", () => {
    const cors = tokens.only("aws_s3_bucket_cors_configuration");
    expect(cors.count).toBe(`\${(length(var.cors) >= 1) ? 1 : 0}`);
    expect(cors.dynamic).toMatchObject({
      cors_rule: {
        content: expect.objectContaining({
          allowed_origins: `\${each.value.allowedOrigins}`,
          max_age_seconds: `\${each.value.maxAgeSeconds}`,
        }),
      },
    });
  });

  test("Object Lock is switched on, and configured, only when the object is not null", () => {
    expect(tokens.only("aws_s3_bucket").object_lock_enabled).toBe(`\${(var.lock != null)}`);
    expect(tokens.only("aws_s3_bucket_object_lock_configuration")).toMatchObject({
      count: `\${(var.lock != null) ? 1 : 0}`,
      rule: { default_retention: { mode: `\${var.lock.mode}`, days: `\${var.lock.retentionDays}` } },
    });
  });

  test("preventDestroy must be a literal: Terraform takes no references there", () => {
    expect(() =>
      synthesise((scope) => {
        const flag = new TerraformVariable(scope, "protect", { type: "bool" });
        new Bucket(scope, "b", {
          naming: testNaming,
          purpose: "b",
          preventDestroy: flag.booleanValue as unknown as boolean,
        });
      }),
    ).toThrow(`storage.preventDestroy: ${PREVENT_DESTROY_RULE}`);
  });
});
