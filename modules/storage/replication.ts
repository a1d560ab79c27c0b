/**
 * Cross-region replication of a `Bucket`: the replication configuration and the least-privilege
 * role S3 assumes to copy objects, re-encrypting SSE-KMS objects with the destination's key.
 */
import { IamRole } from "@cdktf/provider-aws/lib/iam-role/index.js";
import {
  S3BucketReplicationConfigurationA,
  type S3BucketReplicationConfigurationRule,
} from "@cdktf/provider-aws/lib/s3-bucket-replication-configuration/index.js";
import { Fn, type ITerraformDependable, Token } from "cdktf";
import type { Construct } from "constructs";
import {
  assertManagedPolicyArn,
  attachPolicy,
  type PolicyStatement,
  serviceTrustPolicy,
} from "../iam/policy.js";
import { NAME_LIMITS, type Naming } from "../naming/naming.js";
import { PropError } from "../validation/prop-error.js";
import { ARN_KINDS, assertArn, oneOfRule } from "../validation/validators.js";
import { TRANSITION_STORAGE_CLASSES } from "./lifecycle.js";

/** The storage classes replicas can be written in. */
export const REPLICA_STORAGE_CLASSES = ["STANDARD", ...TRANSITION_STORAGE_CLASSES] as const;

/** Where and how a bucket's objects are replicated. */
export interface BucketReplication {
  /**
   * The destination bucket's ARN (`arn:aws:s3:::<name>`), usually in another region. It must be
   * versioned (every `Bucket` is by default) and in this account.
   */
  readonly destinationBucketArn: string;
  /**
   * The KMS key (in the destination's region) replicas of SSE-KMS objects are re-encrypted with.
   * Required when the source bucket has a `kmsKeyArn`; refused without one (replicas of SSE-S3
   * objects stay SSE-S3).
   * @default - none: the source bucket must be SSE-S3
   */
  readonly destinationKmsKeyArn?: string;
  /**
   * The storage class replicas are written in, e.g. `STANDARD_IA` or `GLACIER_IR` for a copy that
   * is read only after a disaster.
   * @default "STANDARD"
   */
  readonly storageClass?: (typeof REPLICA_STORAGE_CLASSES)[number];
  /**
   * Replicate delete markers too. Off, deleting an object in the source leaves the replica's
   * current version readable, which is what a disaster copy wants; versions deleted by id are
   * never replicated either way.
   * @default false
   */
  readonly deleteMarkers?: boolean;
  /**
   * A managed policy that bounds the replication role's permissions.
   * @default - no permissions boundary
   */
  readonly permissionsBoundaryArn?: string;
}

/** Why replication needs versioning, in words. */
export const REPLICATION_VERSIONING_RULE =
  "needs versioning (S3 replicates object versions): leave versioning on";
/** What `replication.destinationKmsKeyArn` must be, in words. */
export const REPLICATION_KMS_RULE =
  "must be given exactly when the source bucket has a kmsKeyArn: S3 re-encrypts SSE-KMS replicas with it, and replicas of SSE-S3 objects stay SSE-S3";

/** What the source bucket tells the replication about itself. */
export interface ReplicationSource {
  readonly naming: Naming;
  readonly purpose: string;
  readonly bucketName: string;
  readonly bucketArn: string;
  readonly kmsKeyArn: string | undefined;
  readonly versioned: boolean;
  /** Whether the source has Object Lock: replicating it needs the locks read too. */
  readonly objectLock: boolean;
  /** What the configuration must wait for (the source's versioning). */
  readonly dependsOn: ITerraformDependable[];
}

/** Synth-time checks of `replication` (a Terraform reference is let through). */
export function checkReplication(
  replication: BucketReplication,
  source: {
    readonly bucketArn?: string;
    readonly kmsKeyArn: string | undefined;
    readonly versioned: boolean;
  },
): void {
  const f = "storage.replication";
  if (source.versioned === false) throw new PropError(f, REPLICATION_VERSIONING_RULE);
  const { destinationBucketArn: bucket, destinationKmsKeyArn: key, storageClass } = replication;
  assertArn(bucket, `${f}.destinationBucketArn`, ARN_KINDS.s3Bucket);
  if (source.bucketArn !== undefined && bucket === source.bucketArn) {
    throw new PropError(`${f}.destinationBucketArn`, "must be another bucket than the source");
  }
  if (key !== undefined) assertArn(key, `${f}.destinationKmsKeyArn`, ARN_KINDS.kmsKey);
  if ((key === undefined) !== (source.kmsKeyArn === undefined)) {
    throw new PropError(`${f}.destinationKmsKeyArn`, REPLICATION_KMS_RULE);
  }
  if (
    storageClass !== undefined &&
    !Token.isUnresolved(storageClass) &&
    !REPLICA_STORAGE_CLASSES.includes(storageClass)
  ) {
    throw new PropError(`${f}.storageClass`, `"${storageClass}" ${oneOfRule(REPLICA_STORAGE_CLASSES)}`);
  }
  if (replication.permissionsBoundaryArn !== undefined) {
    assertManagedPolicyArn(replication.permissionsBoundaryArn, `${f}.permissionsBoundaryArn`);
  }
}

/** The region in a KMS key's ARN (`arn:aws:kms:<region>:…`), also for a Terraform reference. */
function regionOf(keyArn: string): string {
  return Token.isUnresolved(keyArn)
    ? Token.asString(Fn.element(Fn.split(":", keyArn), 3))
    : (keyArn.split(":")[3] as string);
}

/**
 * Creates the replication role (trusted by S3 for this bucket only) with exactly the permissions
 * replication needs, and the replication configuration: every object, one rule.
 */
export function replicate(
  scope: Construct,
  replication: BucketReplication,
  source: ReplicationSource,
): { role: IamRole; configuration: S3BucketReplicationConfigurationA } {
  const { naming, bucketArn, kmsKeyArn } = source;
  const destination = replication.destinationBucketArn;
  const destinationKey = replication.destinationKmsKeyArn;
  const role = new IamRole(scope, "replication-role", {
    name: naming.name(`${source.purpose}-replication`, NAME_LIMITS.iamRole),
    description: "Lets S3 replicate this bucket's objects to its replica bucket",
    assumeRolePolicy: serviceTrustPolicy("s3.amazonaws.com", naming.accountId, bucketArn),
    permissionsBoundary: replication.permissionsBoundaryArn,
  });
  const statements: PolicyStatement[] = [
    {
      sid: "ReadReplicationConfiguration",
      actions: ["s3:GetReplicationConfiguration", "s3:ListBucket"],
      resources: [bucketArn],
    },
    {
      sid: "ReadSourceVersions",
      actions: [
        "s3:GetObjectVersionForReplication",
        "s3:GetObjectVersionAcl",
        "s3:GetObjectVersionTagging",
        // An Object Lock bucket's replicas carry its locks (the destination needs Object Lock too).
        ...(source.objectLock ? ["s3:GetObjectRetention", "s3:GetObjectLegalHold"] : []),
      ],
      resources: [`${bucketArn}/*`],
    },
    {
      sid: "WriteReplicas",
      actions: ["s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags"],
      resources: [`${destination}/*`],
    },
  ];
  if (kmsKeyArn && destinationKey) {
    statements.push(
      {
        sid: "DecryptSourceObjects",
        actions: ["kms:Decrypt"],
        resources: [kmsKeyArn],
        conditions: { StringEquals: { "kms:ViaService": `s3.${naming.region}.amazonaws.com` } },
      },
      {
        sid: "EncryptReplicas",
        actions: ["kms:Encrypt"],
        resources: [destinationKey],
        conditions: { StringEquals: { "kms:ViaService": `s3.${regionOf(destinationKey)}.amazonaws.com` } },
      },
    );
  }
  const policy = attachPolicy(scope, "replication-policy", role, "replicate", statements);

  const rule: S3BucketReplicationConfigurationRule = {
    id: "replicate-everything",
    status: "Enabled",
    filter: {},
    deleteMarkerReplication: { status: replication.deleteMarkers ? "Enabled" : "Disabled" },
    destination: {
      bucket: destination,
      storageClass: replication.storageClass ?? "STANDARD",
      ...(destinationKey ? { encryptionConfiguration: { replicaKmsKeyId: destinationKey } } : {}),
    },
    ...(kmsKeyArn ? { sourceSelectionCriteria: { sseKmsEncryptedObjects: { status: "Enabled" } } } : {}),
  };
  const configuration = new S3BucketReplicationConfigurationA(scope, "replication", {
    bucket: source.bucketName,
    role: role.arn,
    rule: [rule],
    // S3 refuses a replication configuration on an unversioned bucket, and checks the role at once.
    dependsOn: [...source.dependsOn, policy],
  });
  return { role, configuration };
}
