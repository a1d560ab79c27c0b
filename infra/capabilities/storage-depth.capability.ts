import { Bucket } from "@aws-platform-kit/modules/storage";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key/index.js";
import { expect } from "vitest";
import type { StackModel } from "../plan/plan-model.js";
import { s3ReplicationKms } from "../policy/rules/s3-replication-kms.js";
import type { Capability } from "./capability.js";

const ID = "storage-depth";

/**
 * Issue 19's storage parts on one SSE-KMS bucket in us-east-1: lifecycle transitions for current
 * and noncurrent versions, Intelligent-Tiering archive tiers, EventBridge notifications, server
 * access logs to a log bucket, and cross-region replication to a bucket in eu-west-1 (created on
 * the `replica` provider, with a key of its own there). A second, small bucket has Object Lock with
 * a retention in years.
 */
export const capability: Capability = {
  id: ID,
  title:
    "storage: lifecycle transitions, Intelligent-Tiering archive, cross-region replication with KMS, Object Lock in years, EventBridge, access logs",
  build(scope, { naming, replicaRegion }) {
    const sourceKey = new KmsKey(scope, "source-key", {
      description: "capability: source bucket key",
      enableKeyRotation: true,
      deletionWindowInDays: 7,
    });
    const replicaKey = new KmsKey(scope, "replica-key", {
      provider: replicaRegion,
      description: "capability: replica bucket key",
      enableKeyRotation: true,
      deletionWindowInDays: 7,
    });
    const replica = new Bucket(scope, "replica", {
      naming,
      purpose: "cap-replica",
      bucketName: `acme-cap-replica-${naming.accountId}-eu-west-1`,
      kmsKeyArn: replicaKey.arn,
      forceDestroy: true,
      provider: replicaRegion,
    });
    const accessLogs = new Bucket(scope, "access-logs", {
      naming,
      purpose: "cap-s3-access-logs",
      lifecycleRules: [{ id: "expire-access-logs", expirationDays: 90 }],
      forceDestroy: true,
    });
    new Bucket(scope, "data", {
      naming,
      purpose: "cap-data",
      kmsKeyArn: sourceKey.arn,
      forceDestroy: true,
      noncurrentVersionExpirationDays: 120,
      lifecycleRules: [
        {
          id: "age-reports",
          prefix: "reports/",
          transitions: [
            { days: 30, storageClass: "STANDARD_IA" },
            { days: 90, storageClass: "GLACIER_IR" },
            { days: 180, storageClass: "DEEP_ARCHIVE" },
          ],
          noncurrentVersionTransitions: [{ days: 30, storageClass: "GLACIER_IR" }],
          expirationDays: 2555,
        },
        {
          id: "tier-media",
          prefix: "media/",
          transitions: [{ days: 0, storageClass: "INTELLIGENT_TIERING" }],
        },
      ],
      intelligentTieringArchive: { archiveAccessDays: 90, deepArchiveAccessDays: 180 },
      replication: {
        destinationBucketArn: replica.bucketArn,
        destinationKmsKeyArn: replicaKey.arn,
        storageClass: "STANDARD_IA",
      },
      eventBridge: true,
      accessLogs: { bucket: accessLogs },
    });
    new Bucket(scope, "locked", {
      naming,
      purpose: "cap-locked",
      objectLock: { mode: "GOVERNANCE", retentionYears: 1 },
      forceDestroy: true,
    });
  },
  check({ resourcesOf, model }) {
    // The replication rule (KIT_S3_1) passes the replicating SSE-KMS bucket, and would fail it
    // without the SSE-KMS selection (a copy of the plan with the rule's criteria removed).
    const data = resourcesOf("aws_s3_bucket", ID).find((b) => b.address.includes(`${ID}_data_`));
    if (!data) throw new Error("no data bucket planned");
    expect(s3ReplicationKms.check(data, model).status).toBe("pass");
    const resources = model.resources.map((r) =>
      r.type === "aws_s3_bucket_replication_configuration" && r.address.includes(`${ID}_data_`)
        ? {
            ...r,
            values: {
              ...r.values,
              rule: ((r.values.rule ?? []) as Array<Record<string, unknown>>).map((rule) => ({
                ...rule,
                source_selection_criteria: [],
              })),
            },
          }
        : r,
    );
    const stripped: StackModel = {
      ...model,
      resources,
      byAddress: new Map(resources.map((r) => [r.address, r])),
    };
    expect(s3ReplicationKms.check(data, stripped).status).toBe("fail");

    const buckets = resourcesOf("aws_s3_bucket", ID);
    const replica = buckets.find((b) => b.address.includes("_replica_"));
    expect(replica?.region).toBe("eu-west-1");
    expect(replica?.values.bucket).toBe("acme-cap-replica-123456789012-eu-west-1");

    const lifecycle = resourcesOf("aws_s3_bucket_lifecycle_configuration", ID).find((r) =>
      r.address.includes("_data_"),
    );
    const rules = (lifecycle?.values.rule ?? []) as Array<Record<string, unknown>>;
    expect(rules.find((r) => r.id === "age-reports")).toMatchObject({
      transition: expect.arrayContaining([
        expect.objectContaining({ days: 30, storage_class: "STANDARD_IA" }),
        expect.objectContaining({ days: 180, storage_class: "DEEP_ARCHIVE" }),
      ]),
      noncurrent_version_transition: [
        expect.objectContaining({ noncurrent_days: 30, storage_class: "GLACIER_IR" }),
      ],
    });

    const [tiering] = resourcesOf("aws_s3_bucket_intelligent_tiering_configuration", ID);
    expect(tiering?.values.tiering).toEqual(
      expect.arrayContaining([
        { access_tier: "ARCHIVE_ACCESS", days: 90 },
        { access_tier: "DEEP_ARCHIVE_ACCESS", days: 180 },
      ]),
    );

    const [replication] = resourcesOf("aws_s3_bucket_replication_configuration", ID);
    const [rule] = (replication?.values.rule ?? []) as Array<Record<string, unknown>>;
    expect(rule).toMatchObject({
      status: "Enabled",
      source_selection_criteria: [{ sse_kms_encrypted_objects: [{ status: "Enabled" }] }],
      delete_marker_replication: [{ status: "Disabled" }],
    });
    expect(rule?.destination).toEqual([expect.objectContaining({ storage_class: "STANDARD_IA" })]);

    const [role] = resourcesOf("aws_iam_role", ID);
    expect(role?.values.name).toBe("acme-cap-cap-data-replication");
    // The policy names keys known only after apply; its written form shows the statements.
    const [grant] = resourcesOf("aws_iam_role_policy", ID);
    const written = String(grant?.config.policy);
    for (const action of [
      "s3:ReplicateObject",
      "s3:GetObjectVersionForReplication",
      "kms:Decrypt",
      "kms:Encrypt",
    ]) {
      expect(written).toContain(action);
    }
    expect(written).toContain("s3.us-east-1.amazonaws.com");

    const [notification] = resourcesOf("aws_s3_bucket_notification", ID);
    expect(notification?.values.eventbridge).toBe(true);
    const [logging] = resourcesOf("aws_s3_bucket_logging", ID);
    expect(logging?.values.target_prefix).toBe("cap-data/");
    const [lock] = resourcesOf("aws_s3_bucket_object_lock_configuration", ID);
    expect(lock?.values.rule).toEqual([
      expect.objectContaining({
        default_retention: [expect.objectContaining({ mode: "GOVERNANCE", years: 1 })],
      }),
    ]);
  },
};
