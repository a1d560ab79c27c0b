import type { IamRole } from "@cdktf/provider-aws/lib/iam-role/index.js";
import type { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy/index.js";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket/index.js";
import { S3BucketCorsConfiguration } from "@cdktf/provider-aws/lib/s3-bucket-cors-configuration/index.js";
import {
  S3BucketLifecycleConfiguration,
  type S3BucketLifecycleConfigurationRule,
} from "@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration/index.js";
import { S3BucketObjectLockConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-object-lock-configuration/index.js";
import { S3BucketOwnershipControls } from "@cdktf/provider-aws/lib/s3-bucket-ownership-controls/index.js";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy/index.js";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block/index.js";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration/index.js";
import { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning/index.js";
import { Lazy } from "cdktf";
import { Construct } from "constructs";
import { type PolicyStatement, policyDocument } from "../iam/policy.js";
import type { Naming } from "../naming/naming.js";
import { PropError } from "../validation/prop-error.js";
import { assertIntegerInRange } from "../validation/validators.js";
import {
  type BucketAttributes,
  type BucketRef,
  type GrantOptions,
  grantBucketAccess,
  ImportedBucket,
} from "./bucket-ref.js";

/** One CORS rule: which browser origins may call the bucket, and how. */
export interface BucketCorsRule {
  /** Origins allowed to call the bucket from a browser (e.g. `https://app.example.com`); never `*`. */
  readonly allowedOrigins: readonly string[];
  /** e.g. `["GET", "PUT"]`. */
  readonly allowedMethods: readonly ("GET" | "PUT" | "POST" | "DELETE" | "HEAD")[];
  /** Headers the browser may send. @default ["*"] */
  readonly allowedHeaders?: readonly string[];
  /** Response headers the browser may read. @default ["ETag"] */
  readonly exposeHeaders?: readonly string[];
  /** Seconds the browser may cache the preflight answer. @default 3000 */
  readonly maxAgeSeconds?: number;
}

/** An expiration rule: delete current objects (under a prefix) some days after creation. */
export interface BucketLifecycleRule {
  /** Rule id, unique within the bucket. */
  readonly id: string;
  /** Applies to keys with this prefix. @default - the whole bucket */
  readonly prefix?: string;
  /** Delete current objects this many days after creation. */
  readonly expirationDays: number;
}

/** Write-once-read-many storage: S3 Object Lock with a default retention on every new object version. */
export interface BucketObjectLock {
  /**
   * `GOVERNANCE`: only principals allowed `s3:BypassGovernanceRetention` can delete a locked version
   * or shorten its lock early. `COMPLIANCE`: nobody can, not even the account's root user, until the
   * lock ends; a mistaken retention is then a fixed cost for that long.
   */
  readonly mode: "GOVERNANCE" | "COMPLIANCE";
  /** How long each new object version is locked, in days. */
  readonly retentionDays: number;
}

/** Props of `Bucket`: what it holds, versioning, encryption, lifecycle, CORS and Object Lock. */
export interface BucketProps {
  /** Names and tags the bucket. */
  readonly naming: Naming;
  /** What the bucket holds; part of its name: `<project>-<env>-<purpose>-<account>-<region>`. */
  readonly purpose: string;
  /**
   * Keep every version of every object (and so recover from overwrites and deletes).
   * @default true
   */
  readonly versioned?: boolean;
  /**
   * Encrypt with this KMS key (SSE-KMS, with an S3 bucket key to keep KMS request costs down).
   * @default - encrypted with an S3-managed key (SSE-S3)
   */
  readonly kmsKeyArn?: string;
  /**
   * Delete non-current object versions this many days after they stop being current.
   * @default 30
   */
  readonly noncurrentVersionExpirationDays?: number;
  /**
   * Always keep this many newest non-current versions, however old.
   * @default - none kept beyond `noncurrentVersionExpirationDays`
   */
  readonly keepNoncurrentVersions?: number;
  /** Extra expiration rules (e.g. delete access logs after 90 days). @default - none */
  readonly lifecycleRules?: readonly BucketLifecycleRule[];
  /** Cross-origin rules for browsers. @default - no CORS: browsers cannot call the bucket directly */
  readonly cors?: readonly BucketCorsRule[];
  /**
   * Let `terraform destroy` delete a bucket that still holds objects. For throwaway environments only.
   * @default false
   */
  readonly forceDestroy?: boolean;
  /**
   * Make Terraform refuse to destroy the bucket (`lifecycle.prevent_destroy`). For buckets whose loss
   * is unrecoverable, such as Terraform state.
   * @default false
   */
  readonly preventDestroy?: boolean;
  /**
   * Lock every new object version against deletion and overwrite for a retention period (S3 Object
   * Lock), for audit logs and other evidence. Needs versioning; S3 can switch it on only when the
   * bucket is created, so adding it to an existing bucket replaces the bucket.
   * @default - no Object Lock
   */
  readonly objectLock?: BucketObjectLock;
}

/**
 * A private S3 bucket: public access blocked (all four settings), ACLs disabled (bucket owner
 * enforced), versioned, encrypted, reachable only over TLS 1.2+, with incomplete multipart uploads
 * cleaned up after a day and old versions expired. Optionally write-once (`objectLock`).
 */
export class Bucket extends Construct implements BucketRef {
  /**
   * A bucket created elsewhere (another stack or outside Terraform), to grant roles access to —
   * `grantRead`, `grantReadWrite` — without owning it. Creates nothing until a grant is made.
   */
  static fromAttributes(scope: Construct, id: string, attributes: BucketAttributes): ImportedBucket {
    return new ImportedBucket(scope, id, attributes);
  }

  /** The S3 bucket. */
  readonly bucket: S3Bucket;
  /** The bucket's name (its Terraform `id`). */
  readonly bucketName: string;
  /** The bucket's ARN. */
  readonly bucketArn: string;
  /** `<bucket>.s3.<region>.amazonaws.com`, for CloudFront origins. */
  readonly regionalDomainName: string;
  /** The KMS key the bucket encrypts with, if one was given. */
  readonly kmsKeyArn: string | undefined;
  /**
   * The bucket policy. Services that check their write access when they are configured (ALB access
   * logs) must depend on it.
   */
  readonly policy: S3BucketPolicy;
  private readonly policyStatements: PolicyStatement[] = [];
  private readonly purpose: string;

  constructor(scope: Construct, id: string, props: BucketProps) {
    super(scope, id);
    this.purpose = props.purpose;
    this.kmsKeyArn = props.kmsKeyArn;
    const noncurrentDays = assertIntegerInRange(
      props.noncurrentVersionExpirationDays ?? 30,
      "storage.noncurrentVersionExpirationDays",
      { min: 1 },
    );
    const lock = props.objectLock;
    if (lock) {
      assertIntegerInRange(lock.retentionDays, "storage.objectLock.retentionDays", {
        min: 1,
        max: 36500,
        unit: "days",
      });
    }
    if (lock && props.versioned === false) {
      throw new PropError("storage.objectLock", "Object Lock needs versioning; leave `versioned` on");
    }
    for (const rule of props.cors ?? []) {
      if (rule.allowedOrigins.length === 0 || rule.allowedOrigins.includes("*")) {
        throw new PropError(
          "storage.cors.allowedOrigins",
          `list the origins; "*" would let any site read the bucket`,
        );
      }
    }

    this.bucket = new S3Bucket(this, "bucket", {
      bucket: props.naming.bucketName(props.purpose),
      forceDestroy: props.forceDestroy ?? false,
      lifecycle: props.preventDestroy ? { preventDestroy: true } : undefined,
      objectLockEnabled: lock ? true : undefined,
    });
    this.bucketName = this.bucket.id;
    this.bucketArn = this.bucket.arn;
    this.regionalDomainName = this.bucket.bucketRegionalDomainName;

    const publicAccessBlock = new S3BucketPublicAccessBlock(this, "public-access-block", {
      bucket: this.bucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    new S3BucketOwnershipControls(this, "ownership", {
      bucket: this.bucket.id,
      rule: { objectOwnership: "BucketOwnerEnforced" },
    });
    const versioning = new S3BucketVersioningA(this, "versioning", {
      bucket: this.bucket.id,
      versioningConfiguration: { status: (props.versioned ?? true) ? "Enabled" : "Suspended" },
    });
    if (lock) {
      new S3BucketObjectLockConfigurationA(this, "object-lock", {
        bucket: this.bucket.id,
        rule: { defaultRetention: { mode: lock.mode, days: lock.retentionDays } },
        dependsOn: [versioning],
      });
    }
    new S3BucketServerSideEncryptionConfigurationA(this, "encryption", {
      bucket: this.bucket.id,
      rule: [
        props.kmsKeyArn
          ? {
              applyServerSideEncryptionByDefault: {
                sseAlgorithm: "aws:kms",
                kmsMasterKeyId: props.kmsKeyArn,
              },
              bucketKeyEnabled: true,
            }
          : { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } },
      ],
    });

    const rules: S3BucketLifecycleConfigurationRule[] = [
      {
        id: "abort-incomplete-multipart-uploads",
        status: "Enabled",
        filter: [{}],
        abortIncompleteMultipartUpload: [{ daysAfterInitiation: 1 }],
      },
      {
        id: "expire-noncurrent-versions",
        status: "Enabled",
        filter: [{}],
        noncurrentVersionExpiration: [
          {
            noncurrentDays: noncurrentDays,
            ...(props.keepNoncurrentVersions
              ? { newerNoncurrentVersions: props.keepNoncurrentVersions }
              : {}),
          },
        ],
      },
      ...(props.lifecycleRules ?? []).map(
        (rule): S3BucketLifecycleConfigurationRule => ({
          id: rule.id,
          status: "Enabled",
          filter: [rule.prefix ? { prefix: rule.prefix } : {}],
          expiration: [{ days: rule.expirationDays }],
        }),
      ),
    ];
    new S3BucketLifecycleConfiguration(this, "lifecycle", {
      bucket: this.bucket.id,
      rule: rules,
      dependsOn: [versioning],
    });

    if (props.cors?.length) {
      new S3BucketCorsConfiguration(this, "cors", {
        bucket: this.bucket.id,
        corsRule: props.cors.map((rule) => ({
          allowedOrigins: [...rule.allowedOrigins],
          allowedMethods: [...rule.allowedMethods],
          allowedHeaders: [...(rule.allowedHeaders ?? ["*"])],
          exposeHeaders: [...(rule.exposeHeaders ?? ["ETag"])],
          maxAgeSeconds: rule.maxAgeSeconds ?? 3000,
        })),
      });
    }

    this.policyStatements.push({
      sid: "DenyInsecureTransport",
      effect: "Deny",
      principal: "*",
      actions: ["s3:*"],
      resources: [this.bucket.arn, `${this.bucket.arn}/*`],
      conditions: { Bool: { "aws:SecureTransport": "false" } },
    });
    this.policyStatements.push({
      sid: "DenyOutdatedTls",
      effect: "Deny",
      principal: "*",
      actions: ["s3:*"],
      resources: [this.bucket.arn, `${this.bucket.arn}/*`],
      conditions: { NumericLessThan: { "s3:TlsVersion": "1.2" } },
    });
    this.policy = new S3BucketPolicy(this, "policy", {
      bucket: this.bucket.id,
      policy: Lazy.stringValue({ produce: () => policyDocument(this.policyStatements) }),
      dependsOn: [publicAccessBlock],
    });
  }

  /**
   * Adds a statement to the bucket policy, for AWS services that write to the bucket (ALB access
   * logs, CloudFront). The TLS-only statements always stay.
   */
  addToResourcePolicy(statement: PolicyStatement): void {
    if (!statement.principal) {
      throw new PropError("storage.addToResourcePolicy", "a bucket policy statement needs a principal");
    }
    this.policyStatements.push(statement);
  }

  /** Lets `role` list the bucket and read objects (and decrypt them when a KMS key is set). */
  grantRead(role: IamRole, options: GrantOptions = {}): IamRolePolicy {
    return grantBucketAccess(this, this, this.purpose, role, "read", options);
  }

  /** Lets `role` list, read, write and delete objects, and abort its multipart uploads. */
  grantReadWrite(role: IamRole, options: GrantOptions = {}): IamRolePolicy {
    return grantBucketAccess(this, this, this.purpose, role, "read-write", options);
  }
}
