import { AwsProvider } from "@cdktf/provider-aws/lib/provider/index.js";
import { describe, expect, test } from "vitest";
import { policy, synthesise, testNaming } from "../testing/synthesised.js";
import { ACCESS_LOG_BUCKET_RULE, Bucket, type BucketProps, OBJECT_LOCK_RETENTION_RULE } from "./bucket.js";
import { INTELLIGENT_TIERING_ARCHIVE_RULE, TRANSITION_ORDER_RULE } from "./lifecycle.js";
import { REPLICATION_KMS_RULE, REPLICATION_VERSIONING_RULE } from "./replication.js";

const SOURCE_KEY = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const REPLICA_KEY = "arn:aws:kms:eu-west-1:123456789012:key/abcd1234-12ab-34cd-56ef-1234567890ab";
const REPLICA_BUCKET = "arn:aws:s3:::acme-test-uploads-replica-123456789012-eu-west-1";

function bucketWith(extra: Partial<BucketProps>) {
  return synthesise((scope) => {
    new Bucket(scope, "b", { naming: testNaming, purpose: "data", ...extra });
  });
}

function refused(extra: Partial<BucketProps>): string {
  try {
    bucketWith(extra);
  } catch (e) {
    return (e as Error).message;
  }
  return "accepted";
}

type Rule = Record<string, unknown>;
const rules = (s: ReturnType<typeof bucketWith>) =>
  s.only("aws_s3_bucket_lifecycle_configuration").rule as Rule[];

describe("lifecycle transitions", () => {
  const s = bucketWith({
    lifecycleRules: [
      {
        id: "archive-reports",
        prefix: "reports/",
        transitions: [
          { days: 30, storageClass: "STANDARD_IA" },
          { days: 90, storageClass: "GLACIER_IR" },
          { days: 365, storageClass: "DEEP_ARCHIVE" },
        ],
        noncurrentVersionTransitions: [{ days: 0, storageClass: "GLACIER_IR" }],
        expirationDays: 2555,
      },
      { id: "tier-media", prefix: "media/", transitions: [{ days: 0, storageClass: "INTELLIGENT_TIERING" }] },
    ],
  });

  test("current and noncurrent versions move through the classes given, then expire", () => {
    expect(rules(s)).toContainEqual(
      expect.objectContaining({
        id: "archive-reports",
        filter: [{ prefix: "reports/" }],
        transition: [
          { days: 30, storage_class: "STANDARD_IA" },
          { days: 90, storage_class: "GLACIER_IR" },
          { days: 365, storage_class: "DEEP_ARCHIVE" },
        ],
        noncurrent_version_transition: [{ noncurrent_days: 0, storage_class: "GLACIER_IR" }],
        expiration: [{ days: 2555 }],
      }),
    );
  });

  test("a rule with transitions only has no expiration", () => {
    const media = rules(s).find((r) => r.id === "tier-media");
    expect(media?.transition).toEqual([{ days: 0, storage_class: "INTELLIGENT_TIERING" }]);
    expect(media).not.toHaveProperty("expiration");
  });

  test.each([
    [
      [{ days: 29, storageClass: "STANDARD_IA" }],
      "transitions[0].days: 29 must be a whole number of days ≥ 30",
    ],
    [[{ days: 10, storageClass: "ONEZONE_IA" }], "transitions[0].days: 10"],
    [
      [
        { days: 90, storageClass: "GLACIER" },
        { days: 120, storageClass: "STANDARD_IA" },
      ],
      "transitions[1]:",
    ],
    [
      [
        { days: 30, storageClass: "STANDARD_IA" },
        { days: 45, storageClass: "GLACIER" },
      ],
      "transitions[1]:",
    ],
    [
      [
        { days: 60, storageClass: "GLACIER_IR" },
        { days: 60, storageClass: "GLACIER" },
      ],
      "transitions[1]:",
    ],
    [[{ days: 5, storageClass: "REDUCED_REDUNDANCY" }], 'transitions[0].storageClass: "REDUCED_REDUNDANCY"'],
  ])("S3's rules are checked at synth: %j", (transitions, message) => {
    const error = refused({ lifecycleRules: [{ id: "r", transitions: transitions as never }] });
    expect(error).toContain(`storage.lifecycleRules[0].${message}`);
  });

  test("an out-of-order transition says S3's order", () => {
    const error = refused({
      lifecycleRules: [
        {
          id: "r",
          transitions: [
            { days: 90, storageClass: "GLACIER" },
            { days: 120, storageClass: "STANDARD_IA" },
          ],
        },
      ],
    });
    expect(error).toContain(TRANSITION_ORDER_RULE);
  });

  test("expiration must come after the last transition, and a rule must do something", () => {
    expect(
      refused({
        lifecycleRules: [
          { id: "r", transitions: [{ days: 90, storageClass: "GLACIER" }], expirationDays: 90 },
        ],
      }),
    ).toContain("storage.lifecycleRules[0].expirationDays: 90");
    expect(refused({ lifecycleRules: [{ id: "r" }] })).toContain("storage.lifecycleRules[0]: must set");
  });

  test("noncurrent transitions must come before noncurrent versions expire", () => {
    expect(
      refused({
        noncurrentVersionExpirationDays: 30,
        lifecycleRules: [
          { id: "r", noncurrentVersionTransitions: [{ days: 30, storageClass: "STANDARD_IA" }] },
        ],
      }),
    ).toContain("storage.lifecycleRules[0].noncurrentVersionTransitions: 30 days must come before");
    expect(
      refused({
        noncurrentVersionExpirationDays: 90,
        lifecycleRules: [
          { id: "r", noncurrentVersionTransitions: [{ days: 30, storageClass: "STANDARD_IA" }] },
        ],
      }),
    ).toBe("accepted");
  });
});

describe("intelligent-tiering archive", () => {
  test("no archive configuration by default", () => {
    expect(bucketWith({}).list("aws_s3_bucket_intelligent_tiering_configuration")).toHaveLength(0);
  });

  test("the archive tiers given are switched on for the whole bucket", () => {
    const s = bucketWith({
      intelligentTieringArchive: { archiveAccessDays: 90, deepArchiveAccessDays: 180 },
    });
    expect(s.only("aws_s3_bucket_intelligent_tiering_configuration")).toMatchObject({
      name: "archive",
      status: "Enabled",
      tiering: [
        { access_tier: "ARCHIVE_ACCESS", days: 90 },
        { access_tier: "DEEP_ARCHIVE_ACCESS", days: 180 },
      ],
    });
  });

  test.each([
    [{}, `storage.intelligentTieringArchive: ${INTELLIGENT_TIERING_ARCHIVE_RULE}`],
    [{ archiveAccessDays: 89 }, "storage.intelligentTieringArchive.archiveAccessDays: 89"],
    [{ deepArchiveAccessDays: 179 }, "storage.intelligentTieringArchive.deepArchiveAccessDays: 179"],
    [{ archiveAccessDays: 200, deepArchiveAccessDays: 180 }, "deepArchiveAccessDays: 180"],
  ])("%j is refused", (archive, message) => {
    expect(refused({ intelligentTieringArchive: archive })).toContain(message);
  });
});

describe("replication", () => {
  const kms = synthesise((scope) => {
    new Bucket(scope, "b", {
      naming: testNaming,
      purpose: "data",
      kmsKeyArn: SOURCE_KEY,
      replication: {
        destinationBucketArn: REPLICA_BUCKET,
        destinationKmsKeyArn: REPLICA_KEY,
        storageClass: "STANDARD_IA",
        permissionsBoundaryArn: "arn:aws:iam::123456789012:policy/boundary",
      },
    });
  });

  test("no replication, and no role, by default", () => {
    const s = bucketWith({});
    expect(s.list("aws_s3_bucket_replication_configuration")).toHaveLength(0);
    expect(s.list("aws_iam_role")).toHaveLength(0);
  });

  test("every object is replicated, SSE-KMS objects re-encrypted with the destination key", () => {
    const config = kms.only("aws_s3_bucket_replication_configuration");
    expect(config.role).toMatch(/^\$\{aws_iam_role\.[\w-]+\.arn\}$/);
    expect(config.depends_on).toEqual(
      expect.arrayContaining([expect.stringMatching(/^aws_s3_bucket_versioning\./)]),
    );
    expect(config.rule).toEqual([
      {
        id: "replicate-everything",
        status: "Enabled",
        filter: {},
        delete_marker_replication: { status: "Disabled" },
        destination: {
          bucket: REPLICA_BUCKET,
          storage_class: "STANDARD_IA",
          encryption_configuration: { replica_kms_key_id: REPLICA_KEY },
        },
        source_selection_criteria: { sse_kms_encrypted_objects: { status: "Enabled" } },
      },
    ]);
  });

  test("the role is trusted by S3 for this bucket only, under the boundary given", () => {
    const role = kms.only("aws_iam_role");
    expect(role.name).toBe("acme-test-data-replication");
    expect(role.permissions_boundary).toBe("arn:aws:iam::123456789012:policy/boundary");
    expect(policy(role.assume_role_policy).Statement).toEqual([
      {
        Effect: "Allow",
        Principal: { Service: "s3.amazonaws.com" },
        Action: "sts:AssumeRole",
        Condition: {
          StringEquals: { "aws:SourceAccount": "123456789012" },
          ArnLike: { "aws:SourceArn": expect.stringMatching(/^\$\{aws_s3_bucket\.\w+\.arn\}$/) },
        },
      },
    ]);
  });

  test("the role may do exactly what replication needs, the keys only through S3 in their regions", () => {
    const statements = policy(kms.only("aws_iam_role_policy").policy).Statement;
    const source = expect.stringMatching(/^\$\{aws_s3_bucket\.\w+\.arn\}$/);
    const objects = expect.stringMatching(/^\$\{aws_s3_bucket\.\w+\.arn\}\/\*$/);
    expect(statements).toEqual([
      {
        Sid: "ReadReplicationConfiguration",
        Effect: "Allow",
        Action: ["s3:GetReplicationConfiguration", "s3:ListBucket"],
        Resource: source,
      },
      {
        Sid: "ReadSourceVersions",
        Effect: "Allow",
        Action: ["s3:GetObjectVersionForReplication", "s3:GetObjectVersionAcl", "s3:GetObjectVersionTagging"],
        Resource: objects,
      },
      {
        Sid: "WriteReplicas",
        Effect: "Allow",
        Action: ["s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags"],
        Resource: `${REPLICA_BUCKET}/*`,
      },
      {
        Sid: "DecryptSourceObjects",
        Effect: "Allow",
        Action: "kms:Decrypt",
        Resource: SOURCE_KEY,
        Condition: { StringEquals: { "kms:ViaService": "s3.us-east-1.amazonaws.com" } },
      },
      {
        Sid: "EncryptReplicas",
        Effect: "Allow",
        Action: "kms:Encrypt",
        Resource: REPLICA_KEY,
        Condition: { StringEquals: { "kms:ViaService": "s3.eu-west-1.amazonaws.com" } },
      },
    ]);
  });

  test("an SSE-S3 bucket replicates without KMS statements or selection criteria; delete markers on request", () => {
    const s = bucketWith({ replication: { destinationBucketArn: REPLICA_BUCKET, deleteMarkers: true } });
    const [rule] = s.only("aws_s3_bucket_replication_configuration").rule as Rule[];
    expect(rule).not.toHaveProperty("source_selection_criteria");
    expect(rule?.delete_marker_replication).toEqual({ status: "Enabled" });
    expect(rule?.destination).toEqual({ bucket: REPLICA_BUCKET, storage_class: "STANDARD" });
    const actions = policy(s.only("aws_iam_role_policy").policy).Statement.flatMap((st) =>
      [st.Action].flat(),
    );
    expect(actions.filter((a) => String(a).startsWith("kms:"))).toEqual([]);
  });

  test("an Object Lock bucket's role may also read the locks it replicates", () => {
    const s = bucketWith({
      objectLock: { mode: "GOVERNANCE", retentionDays: 30 },
      replication: { destinationBucketArn: REPLICA_BUCKET },
    });
    const read = policy(s.only("aws_iam_role_policy").policy).Statement.find(
      (st) => st.Sid === "ReadSourceVersions",
    );
    expect(read?.Action).toEqual(expect.arrayContaining(["s3:GetObjectRetention", "s3:GetObjectLegalHold"]));
  });

  test.each([
    [{ versioned: false }, REPLICATION_VERSIONING_RULE],
    [{ kmsKeyArn: SOURCE_KEY }, `storage.replication.destinationKmsKeyArn: ${REPLICATION_KMS_RULE}`],
    [
      { destinationKmsKeyArn: REPLICA_KEY },
      `storage.replication.destinationKmsKeyArn: ${REPLICATION_KMS_RULE}`,
    ],
    [{ destinationBucketArn: "arn:aws:s3:::bucket/*" }, "storage.replication.destinationBucketArn"],
    [
      { destinationKmsKeyArn: "alias/replica", kmsKeyArn: SOURCE_KEY },
      "storage.replication.destinationKmsKeyArn",
    ],
    [{ storageClass: "GLACIER_FLEXIBLE" }, 'storage.replication.storageClass: "GLACIER_FLEXIBLE"'],
    [{ permissionsBoundaryArn: "boundary" }, "storage.replication.permissionsBoundaryArn"],
    [{ bucketName: "same-bucket", destinationBucketArn: "arn:aws:s3:::same-bucket" }, "another bucket"],
  ])("%j is refused", (given, message) => {
    const { versioned, kmsKeyArn, bucketName, ...replication } = given as unknown as Record<string, never>;
    expect(
      refused({
        versioned,
        kmsKeyArn,
        bucketName,
        replication: { destinationBucketArn: REPLICA_BUCKET, ...replication },
      }),
    ).toContain(message);
  });
});

describe("object lock retention in years", () => {
  test("a retention in years is written as years", () => {
    const s = bucketWith({ objectLock: { mode: "COMPLIANCE", retentionYears: 7 } });
    expect(s.only("aws_s3_bucket_object_lock_configuration").rule).toEqual({
      default_retention: { mode: "COMPLIANCE", years: 7 },
    });
  });

  test("days or years, not both or neither, and years in range", () => {
    expect(refused({ objectLock: { mode: "GOVERNANCE", retentionDays: 1, retentionYears: 1 } })).toBe(
      `storage.objectLock: ${OBJECT_LOCK_RETENTION_RULE}`,
    );
    expect(refused({ objectLock: { mode: "GOVERNANCE" } })).toBe(
      `storage.objectLock: ${OBJECT_LOCK_RETENTION_RULE}`,
    );
    expect(refused({ objectLock: { mode: "GOVERNANCE", retentionYears: 101 } })).toContain(
      "storage.objectLock.retentionYears: 101",
    );
  });
});

describe("EventBridge notifications", () => {
  test("off by default; on, the bucket sends every event to EventBridge", () => {
    expect(bucketWith({}).list("aws_s3_bucket_notification")).toHaveLength(0);
    expect(bucketWith({ eventBridge: true }).only("aws_s3_bucket_notification")).toMatchObject({
      bucket: expect.stringMatching(/^\$\{aws_s3_bucket\.\w+\.id\}$/),
      eventbridge: true,
    });
  });
});

describe("server access logs", () => {
  const s = synthesise((scope) => {
    const logs = new Bucket(scope, "logs", { naming: testNaming, purpose: "access-logs" });
    new Bucket(scope, "data", { naming: testNaming, purpose: "data", accessLogs: { bucket: logs } });
  });

  test("none by default", () => {
    expect(bucketWith({}).list("aws_s3_bucket_logging")).toHaveLength(0);
  });

  test("the logs go to the target bucket under <purpose>/, after its policy lets S3 write them", () => {
    const logging = s.only("aws_s3_bucket_logging");
    expect(logging.bucket).toMatch(/^\$\{aws_s3_bucket\.data_\w+\.id\}$/);
    expect(logging.target_bucket).toMatch(/^\$\{aws_s3_bucket\.logs_\w+\.id\}$/);
    expect(logging.target_prefix).toBe("data/");
    expect(logging.depends_on).toEqual([expect.stringMatching(/^aws_s3_bucket_policy\.logs_/)]);
  });

  test("only S3's logging service may write, only for the source bucket and account, only under the prefix", () => {
    const target = Object.entries(s.resources("aws_s3_bucket_policy")).find(([name]) =>
      name.startsWith("logs_"),
    );
    const statements = policy(target?.[1].policy).Statement;
    const allow = statements.filter((st) => st.Effect === "Allow");
    expect(allow).toEqual([
      {
        Sid: expect.stringMatching(/^S3ServerAccessLogs[0-9a-f]{12}$/),
        Effect: "Allow",
        Principal: { Service: "logging.s3.amazonaws.com" },
        Action: "s3:PutObject",
        Resource: expect.stringMatching(/^\$\{aws_s3_bucket\.logs_\w+\.arn\}\/data\/\*$/),
        Condition: {
          ArnLike: { "aws:SourceArn": expect.stringMatching(/^\$\{aws_s3_bucket\.data_\w+\.arn\}$/) },
          StringEquals: { "aws:SourceAccount": "123456789012" },
        },
      },
    ]);
  });

  test("an SSE-KMS or Object Lock target is refused", () => {
    for (const target of [
      { kmsKeyArn: SOURCE_KEY },
      { objectLock: { mode: "GOVERNANCE" as const, retentionDays: 1 } },
    ]) {
      expect(() =>
        synthesise((scope) => {
          const logs = new Bucket(scope, "logs", { naming: testNaming, purpose: "access-logs", ...target });
          new Bucket(scope, "data", { naming: testNaming, purpose: "data", accessLogs: { bucket: logs } });
        }),
      ).toThrow(`storage.accessLogs.bucket: ${ACCESS_LOG_BUCKET_RULE}`);
    }
  });
});

describe("provider", () => {
  test("every resource of the bucket uses the provider given", () => {
    const s = synthesise((scope) => {
      new AwsProvider(scope, "aws", { region: "us-east-1" });
      const replica = new AwsProvider(scope, "replica", { region: "eu-west-1", alias: "replica" });
      new Bucket(scope, "b", { naming: testNaming, purpose: "data", provider: replica, eventBridge: true });
    });
    const resources = Object.values(s.json.resource ?? {}).flatMap((byName) => Object.values(byName));
    expect(resources.length).toBeGreaterThan(5);
    expect(resources.every((r) => r.provider === "aws.replica")).toBe(true);
  });
});
