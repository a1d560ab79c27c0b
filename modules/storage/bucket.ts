import type { IamRole } from "@cdktf/provider-aws/lib/iam-role/index.js";
import type { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy/index.js";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket/index.js";
import { S3BucketCorsConfiguration } from "@cdktf/provider-aws/lib/s3-bucket-cors-configuration/index.js";
import { S3BucketIntelligentTieringConfiguration } from "@cdktf/provider-aws/lib/s3-bucket-intelligent-tiering-configuration/index.js";
import {
  S3BucketLifecycleConfiguration,
  type S3BucketLifecycleConfigurationRule,
} from "@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration/index.js";
import { S3BucketLoggingA } from "@cdktf/provider-aws/lib/s3-bucket-logging/index.js";
import { S3BucketNotification } from "@cdktf/provider-aws/lib/s3-bucket-notification/index.js";
import { S3BucketObjectLockConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-object-lock-configuration/index.js";
import { S3BucketOwnershipControls } from "@cdktf/provider-aws/lib/s3-bucket-ownership-controls/index.js";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy/index.js";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block/index.js";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration/index.js";
import { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning/index.js";
import {
  conditional,
  Fn,
  Lazy,
  Op,
  propertyAccess,
  TerraformIterator,
  type TerraformProvider,
  TerraformResource,
  Token,
} from "cdktf";
import { Construct } from "constructs";
import { type PolicyStatement, policyDocument } from "../iam/policy.js";
import type { Naming } from "../naming/naming.js";
import { PropError } from "../validation/prop-error.js";
import {
  ARN_KINDS,
  assertIntegerInRange,
  type IntegerRange,
  isArn,
  oneOfRule,
} from "../validation/validators.js";
import {
  type BucketAttributes,
  type BucketRef,
  type GrantOptions,
  grantBucketAccess,
  ImportedBucket,
} from "./bucket-ref.js";
import {
  type BucketTransition,
  checkIntelligentTieringArchive,
  checkTransitions,
  type IntelligentTieringArchive,
} from "./lifecycle.js";
import { type BucketReplication, checkReplication, replicate } from "./replication.js";

/**
 * An S3 bucket name's shape: 3–63 lowercase letters, digits, hyphens and dots, starting and ending
 * with a letter or digit (see `BUCKET_NAME_RULE` for the rest).
 */
export const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
/** A name shaped like an IPv4 address (`192.168.5.4`), which S3 refuses as a bucket name. */
export const IP_ADDRESS_SHAPE = /^\d+\.\d+\.\d+\.\d+$/;
/** S3's bucket naming rules, in words: `bucketName`'s check and the Terraform module's `name`. */
export const BUCKET_NAME_RULE =
  "must be 3–63 lowercase letters, digits, hyphens and dots, start and end with a letter or digit, have no two dots in a row and not look like an IP address";

/** True when `name` is a bucket name S3 accepts (`BUCKET_NAME_RULE`). */
export function isBucketName(name: string): boolean {
  return BUCKET_NAME.test(name) && !name.includes("..") && !IP_ADDRESS_SHAPE.test(name);
}

/** `noncurrentVersionExpirationDays`: at least a day. */
export const NONCURRENT_VERSION_DAYS: IntegerRange = { min: 1 };
/** `keepNoncurrentVersions`: S3 keeps at most 100 noncurrent versions by count. */
export const KEEP_NONCURRENT_VERSIONS: IntegerRange = { min: 1, max: 100 };
/** `lifecycleRules[].expirationDays`. */
export const LIFECYCLE_EXPIRATION_DAYS: IntegerRange = { min: 1, unit: "days" };
/** The ids of the lifecycle rules every bucket has; extra rules must use others. */
export const BUILT_IN_LIFECYCLE_RULE_IDS = [
  "abort-incomplete-multipart-uploads",
  "expire-noncurrent-versions",
] as const;
/** What `lifecycleRules[].id` must be, in words. */
export const LIFECYCLE_RULE_ID_RULE = `ids must be 1–255 characters, each used once, and not ${BUILT_IN_LIFECYCLE_RULE_IDS.join(" or ")} (the bucket's own rules)`;
/** The HTTP methods a CORS rule may allow. */
export const CORS_METHODS = ["GET", "PUT", "POST", "DELETE", "HEAD"] as const;
/** What `cors[].allowedMethods` must be, in words. */
export const CORS_METHODS_RULE = `must name at least one method, each ${oneOfRule(CORS_METHODS)}`;
/** What `cors[].allowedOrigins` must be, in words. */
export const CORS_ORIGINS_RULE = 'must list the origins: "*" would let any site read the bucket';
/** The Object Lock modes. */
export const OBJECT_LOCK_MODES = ["GOVERNANCE", "COMPLIANCE"] as const;
/** `objectLock.retentionDays`: a day to a hundred years. */
export const OBJECT_LOCK_RETENTION_DAYS: IntegerRange = { min: 1, max: 36500, unit: "days" };
/** `objectLock.retentionYears`: a year to a hundred. */
export const OBJECT_LOCK_RETENTION_YEARS: IntegerRange = { min: 1, max: 100, unit: "years" };
/** What `objectLock` must say about its retention, in words. */
export const OBJECT_LOCK_RETENTION_RULE = "must give retentionDays or retentionYears, not both";
/** What a lifecycle rule must do, in words. */
export const LIFECYCLE_RULE_ACTION_RULE =
  "must set expirationDays, transitions or noncurrentVersionTransitions; expirationDays comes after the last transition";
/** What `lifecycleRules[].noncurrentVersionTransitions` must respect, in words. */
export const NONCURRENT_TRANSITION_RULE =
  "must come before noncurrentVersionExpirationDays: noncurrent versions are deleted then";
/** What `accessLogs.bucket` must be, in words. */
export const ACCESS_LOG_BUCKET_RULE =
  "must be another bucket, encrypted with SSE-S3 (no kmsKeyArn) and without Object Lock: S3 server access log delivery cannot write to SSE-KMS or Object Lock buckets";
/** Why `objectLock` needs versioning, in words. */
export const OBJECT_LOCK_VERSIONING_RULE = "needs versioning (S3 locks object versions): leave versioning on";
/** What `kmsKeyArn` must be, in words: a key, since grants scope `kms:` actions to it (an alias cannot). */
export const BUCKET_KMS_KEY_ARN_RULE = `must be a ${ARN_KINDS.kmsKey.name} ARN (${ARN_KINDS.kmsKey.shape}), not an alias or id`;

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

/**
 * A lifecycle rule for the objects under a prefix: move them to cheaper storage classes as they
 * age, and delete them. Objects smaller than 128 KB are not moved by S3's default.
 */
export interface BucketLifecycleRule {
  /** Rule id, unique within the bucket. */
  readonly id: string;
  /** Applies to keys with this prefix. @default - the whole bucket */
  readonly prefix?: string;
  /**
   * Delete current objects this many days after creation (later than the last transition).
   * @default - current objects are not deleted by this rule
   */
  readonly expirationDays?: number;
  /**
   * Move current objects to cheaper storage classes as they age, in S3's order
   * (`STANDARD_IA` → `INTELLIGENT_TIERING` → `ONEZONE_IA` → `GLACIER_IR` → `GLACIER` → `DEEP_ARCHIVE`),
   * each later than the one before; `STANDARD_IA`/`ONEZONE_IA` no sooner than 30 days, and kept
   * there 30 days before the next move.
   * @default - no transitions
   */
  readonly transitions?: readonly BucketTransition[];
  /**
   * The same, for noncurrent versions, counted from the day they were replaced; each before
   * `noncurrentVersionExpirationDays`.
   * @default - no transitions
   */
  readonly noncurrentVersionTransitions?: readonly BucketTransition[];
}

/** Where a bucket's S3 server access logs go. */
export interface BucketAccessLogs {
  /**
   * The bucket that receives the logs: another `Bucket` in the same account and region, SSE-S3
   * (no `kmsKeyArn`) and without Object Lock. Its policy gets a statement that lets S3's logging
   * service write under `prefix`, for this bucket only.
   */
  readonly bucket: Bucket;
  /** Key prefix of the log objects in the target bucket. @default `<purpose>/` */
  readonly prefix?: string;
}

/** Write-once-read-many storage: S3 Object Lock with a default retention on every new object version. */
export interface BucketObjectLock {
  /**
   * `GOVERNANCE`: only principals allowed `s3:BypassGovernanceRetention` can delete a locked version
   * or shorten its lock early. `COMPLIANCE`: nobody can, not even the account's root user, until the
   * lock ends; a mistaken retention is then a fixed cost for that long.
   */
  readonly mode: "GOVERNANCE" | "COMPLIANCE";
  /**
   * How long each new object version is locked, in days (1–36500). Give this or `retentionYears`.
   * @default - `retentionYears`
   */
  readonly retentionDays?: number;
  /**
   * How long each new object version is locked, in years (1–100). Give this or `retentionDays`.
   * @default - `retentionDays`
   */
  readonly retentionYears?: number;
}

/** Props of `Bucket`: what it holds, versioning, encryption, lifecycle, CORS and Object Lock. */
export interface BucketProps {
  /** Names and tags the bucket. */
  readonly naming: Naming;
  /**
   * What the bucket holds; part of its name (`<project>-<env>-<purpose>-<account>-<region>`) unless
   * `bucketName` is given, and of its grants' policy names (`s3-<purpose>-read`).
   */
  readonly purpose: string;
  /**
   * The bucket's exact name, for a bucket that must have a given one. Bucket names are global
   * across all AWS accounts: S3 refuses a name any account already uses.
   * @default - `<prefix>-<purpose>-<account>-<region>` from `naming` (shortened with a hash to fit 63 characters)
   */
  readonly bucketName?: string;
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
  /**
   * Turn on S3 Intelligent-Tiering's archive tiers for objects stored in `INTELLIGENT_TIERING`
   * (uploaded so, or moved there by a transition) that are not read for a while.
   * @default - no archive tiers: Intelligent-Tiering uses its frequent, infrequent and archive instant tiers only
   */
  readonly intelligentTieringArchive?: IntelligentTieringArchive;
  /**
   * Replicate every new object version to another bucket (usually in another region), through a
   * role S3 assumes with exactly the permissions replication needs, re-encrypting SSE-KMS objects
   * with the destination's key. Needs versioning. Objects written before replication was switched
   * on are not copied (that takes S3 Batch Replication).
   * @default - no replication
   */
  readonly replication?: BucketReplication;
  /**
   * Send all of the bucket's events (object created, deleted, restored, …) to Amazon EventBridge's
   * default bus, where rules pick what they need. S3 keeps one notification configuration per
   * bucket: this one owns it.
   * @default false
   */
  readonly eventBridge?: boolean;
  /**
   * Write S3 server access logs (one record per request, including denied and anonymous ones) to
   * another bucket. Delivery is free; only the stored logs cost.
   * @default - no access logs
   */
  readonly accessLogs?: BucketAccessLogs;
  /**
   * The AWS provider every resource of the bucket uses, for a bucket in another region than the
   * stack's default provider (a replica).
   * @default - the stack's default provider
   */
  readonly provider?: TerraformProvider;
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
  /** The bucket's Object Lock, if it has one (S3 access logs cannot be delivered to such a bucket). */
  readonly objectLock: BucketObjectLock | undefined;
  /** The role S3 assumes to replicate the bucket, when `replication` is set. */
  readonly replicationRole: IamRole | undefined;
  private readonly policyStatements: PolicyStatement[] = [];
  private readonly purpose: string;

  constructor(scope: Construct, id: string, props: BucketProps) {
    super(scope, id);
    this.purpose = props.purpose;
    this.kmsKeyArn = props.kmsKeyArn;
    this.objectLock = props.objectLock;
    checkProps(props);
    const noncurrentDays = props.noncurrentVersionExpirationDays ?? 30;
    const versioned = props.versioned ?? true;
    const lock = props.objectLock;
    // An Object Lock given as a Terraform reference (a module's variable) may be null: whether the
    // bucket is locked is then decided at plan.
    const lockAtPlan = Token.isUnresolved(lock);
    const locked = lockAtPlan ? Op.neq(lock, Token.nullValue()) : undefined;

    this.bucket = new S3Bucket(this, "bucket", {
      bucket: props.bucketName ?? props.naming.bucketName(props.purpose),
      forceDestroy: props.forceDestroy ?? false,
      lifecycle: props.preventDestroy ? { preventDestroy: true } : undefined,
      objectLockEnabled: locked ?? (lock ? true : undefined),
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
      versioningConfiguration: {
        status: Token.isUnresolved(versioned)
          ? Token.asString(conditional(versioned, "Enabled", "Suspended"))
          : versioned
            ? "Enabled"
            : "Suspended",
      },
    });
    if (lockAtPlan) {
      new S3BucketObjectLockConfigurationA(this, "object-lock", {
        count: Token.asNumber(conditional(locked, 1, 0)),
        bucket: this.bucket.id,
        rule: {
          defaultRetention: {
            mode: Token.asString(propertyAccess(lock, ["mode"])),
            days: Token.asNumber(propertyAccess(lock, ["retentionDays"])),
            years: Token.asNumber(propertyAccess(lock, ["retentionYears"])),
          },
        },
        dependsOn: [versioning],
      });
    } else if (lock) {
      new S3BucketObjectLockConfigurationA(this, "object-lock", {
        bucket: this.bucket.id,
        rule: {
          defaultRetention: {
            mode: lock.mode,
            ...(lock.retentionYears !== undefined
              ? { years: lock.retentionYears }
              : { days: lock.retentionDays }),
          },
        },
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

    const extraRules = props.lifecycleRules ?? [];
    const extraRulesAtPlan = Token.isUnresolved(extraRules);
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
      ...(extraRulesAtPlan ? [] : extraRules).map(
        (rule): S3BucketLifecycleConfigurationRule => ({
          id: rule.id,
          status: "Enabled",
          filter: [rule.prefix ? { prefix: rule.prefix } : {}],
          ...(rule.expirationDays !== undefined ? { expiration: [{ days: rule.expirationDays }] } : {}),
          ...(rule.transitions?.length
            ? { transition: rule.transitions.map((t) => ({ days: t.days, storageClass: t.storageClass })) }
            : {}),
          ...(rule.noncurrentVersionTransitions?.length
            ? {
                noncurrentVersionTransition: rule.noncurrentVersionTransitions.map((t) => ({
                  noncurrentDays: t.days,
                  storageClass: t.storageClass,
                })),
              }
            : {}),
        }),
      ),
    ];
    const lifecycle = new S3BucketLifecycleConfiguration(this, "lifecycle", {
      bucket: this.bucket.id,
      rule: rules,
      dependsOn: [versioning],
    });
    if (extraRulesAtPlan) {
      // Extra rules from a Terraform list of objects shaped like `BucketLifecycleRule` (a module's
      // variable): a `dynamic` block beside the fixed rules, one rule per item.
      const rule = TerraformIterator.fromList(Token.asAny(extraRules));
      lifecycle.addOverride("dynamic.rule", {
        for_each: extraRules,
        iterator: "each",
        content: {
          id: rule.getString("id"),
          status: "Enabled",
          filter: [{ prefix: rule.getString("prefix") }],
          // Each item gives every field (`expirationDays` null, transitions empty when unused).
          dynamic: {
            expiration: {
              for_each: hcl("each.value.expirationDays == null ? [] : [each.value.expirationDays]"),
              iterator: "expiration",
              content: { days: hcl("expiration.value") },
            },
            transition: {
              for_each: hcl("each.value.transitions"),
              iterator: "transition",
              content: {
                days: hcl("transition.value.days"),
                storage_class: hcl("transition.value.storageClass"),
              },
            },
            noncurrent_version_transition: {
              for_each: hcl("each.value.noncurrentVersionTransitions"),
              iterator: "transition",
              content: {
                noncurrent_days: hcl("transition.value.days"),
                storage_class: hcl("transition.value.storageClass"),
              },
            },
          },
        },
      });
    }

    const cors = props.cors ?? [];
    if (Token.isUnresolved(cors)) {
      // CORS rules from a Terraform list of objects shaped like `BucketCorsRule`, every field given
      // (a module's variable fills in the defaults): no configuration when the list is empty.
      const rule = TerraformIterator.fromList(Token.asAny(cors));
      new S3BucketCorsConfiguration(this, "cors", {
        count: Token.asNumber(conditional(Op.gte(Fn.lengthOf(cors), 1), 1, 0)),
        bucket: this.bucket.id,
        corsRule: rule.dynamic({
          allowed_origins: rule.getList("allowedOrigins"),
          allowed_methods: rule.getList("allowedMethods"),
          allowed_headers: rule.getList("allowedHeaders"),
          expose_headers: rule.getList("exposeHeaders"),
          max_age_seconds: rule.getNumber("maxAgeSeconds"),
        }),
      });
    } else if (cors.length) {
      new S3BucketCorsConfiguration(this, "cors", {
        bucket: this.bucket.id,
        corsRule: cors.map((rule) => ({
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

    const archive = props.intelligentTieringArchive;
    if (Token.isUnresolved(archive)) {
      // Archive tiers from a Terraform object shaped like `IntelligentTieringArchive`, or null (a
      // module's variable): a tier block for each field that is set.
      const tier = (accessTier: string, field: string) => {
        const days = propertyAccess(archive, [field]);
        return conditional(Op.neq(days, Token.nullValue()), [{ accessTier, days }], []);
      };
      const tiers = TerraformIterator.fromList(
        Token.asAny(
          Fn.concat([
            tier("ARCHIVE_ACCESS", "archiveAccessDays"),
            tier("DEEP_ARCHIVE_ACCESS", "deepArchiveAccessDays"),
          ]),
        ),
      );
      new S3BucketIntelligentTieringConfiguration(this, "intelligent-tiering", {
        count: Token.asNumber(conditional(Op.neq(archive, Token.nullValue()), 1, 0)),
        bucket: this.bucket.id,
        name: "archive",
        status: "Enabled",
        tiering: tiers.dynamic({ access_tier: tiers.getString("accessTier"), days: tiers.getNumber("days") }),
      });
    } else if (archive) {
      new S3BucketIntelligentTieringConfiguration(this, "intelligent-tiering", {
        bucket: this.bucket.id,
        name: "archive",
        status: "Enabled",
        tiering: [
          ...(archive.archiveAccessDays !== undefined
            ? [{ accessTier: "ARCHIVE_ACCESS", days: archive.archiveAccessDays }]
            : []),
          ...(archive.deepArchiveAccessDays !== undefined
            ? [{ accessTier: "DEEP_ARCHIVE_ACCESS", days: archive.deepArchiveAccessDays }]
            : []),
        ],
      });
    }

    this.replicationRole = props.replication
      ? replicate(this, props.replication, {
          naming: props.naming,
          purpose: props.purpose,
          bucketName: this.bucket.id,
          bucketArn: this.bucket.arn,
          kmsKeyArn: props.kmsKeyArn,
          versioned,
          objectLock: lock !== undefined,
          dependsOn: [versioning],
        }).role
      : undefined;

    const eventBridge = props.eventBridge ?? false;
    if (Token.isUnresolved(eventBridge) || eventBridge) {
      new S3BucketNotification(this, "notifications", {
        ...(Token.isUnresolved(eventBridge) ? { count: Token.asNumber(conditional(eventBridge, 1, 0)) } : {}),
        bucket: this.bucket.id,
        eventbridge: true,
      });
    }

    const logs = props.accessLogs;
    if (logs) {
      const target = logs.bucket;
      const prefix = logs.prefix ?? `${props.purpose}/`;
      // The statement S3 documents for server access logs, with the source bucket and account as
      // conditions so no other bucket can log into the target.
      target.addToResourcePolicy({
        sid: `S3ServerAccessLogs${this.node.addr.slice(0, 12)}`,
        principal: { Service: "logging.s3.amazonaws.com" },
        actions: ["s3:PutObject"],
        resources: [`${target.bucketArn}/${prefix}*`],
        conditions: {
          ArnLike: { "aws:SourceArn": this.bucket.arn },
          StringEquals: { "aws:SourceAccount": props.naming.accountId },
        },
      });
      new S3BucketLoggingA(this, "access-logging", {
        bucket: this.bucket.id,
        targetBucket: target.bucketName,
        targetPrefix: prefix,
        dependsOn: [target.policy],
      });
    }

    if (props.provider) {
      for (const child of this.node.findAll()) {
        if (child instanceof TerraformResource) child.provider = props.provider;
      }
    }
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

/** A Terraform expression, `${…}`, written out (for `dynamic` blocks built by hand). */
function hcl(expression: string): string {
  return `\${${expression}}`;
}

/** `lifecycle.prevent_destroy` must be literal in Terraform: a reference there fails `terraform validate`. */
export const PREVENT_DESTROY_RULE =
  "must be true or false, not a Terraform reference: Terraform's lifecycle.prevent_destroy takes literals only";

/** The synth-time checks of `BucketProps` (each lets a Terraform reference through: judged at plan). */
function checkProps(props: BucketProps): void {
  const { bucketName, kmsKeyArn } = props;
  if (bucketName !== undefined && !Token.isUnresolved(bucketName) && !isBucketName(bucketName)) {
    throw new PropError("storage.bucketName", `"${bucketName}" ${BUCKET_NAME_RULE}`);
  }
  if (kmsKeyArn !== undefined && !Token.isUnresolved(kmsKeyArn) && !isArn(kmsKeyArn, ARN_KINDS.kmsKey)) {
    throw new PropError("storage.kmsKeyArn", `"${kmsKeyArn}" ${BUCKET_KMS_KEY_ARN_RULE}`);
  }
  assertIntegerInRange(
    props.noncurrentVersionExpirationDays ?? 30,
    "storage.noncurrentVersionExpirationDays",
    NONCURRENT_VERSION_DAYS,
  );
  if (props.keepNoncurrentVersions !== undefined) {
    assertIntegerInRange(
      props.keepNoncurrentVersions,
      "storage.keepNoncurrentVersions",
      KEEP_NONCURRENT_VERSIONS,
    );
  }
  const lock = props.objectLock;
  if (lock && !Token.isUnresolved(lock)) {
    if (!Token.isUnresolved(lock.mode) && !OBJECT_LOCK_MODES.includes(lock.mode)) {
      throw new PropError("storage.objectLock.mode", `"${lock.mode}" ${oneOfRule(OBJECT_LOCK_MODES)}`);
    }
    if ((lock.retentionDays === undefined) === (lock.retentionYears === undefined)) {
      throw new PropError("storage.objectLock", OBJECT_LOCK_RETENTION_RULE);
    }
    if (lock.retentionDays !== undefined) {
      assertIntegerInRange(
        lock.retentionDays,
        "storage.objectLock.retentionDays",
        OBJECT_LOCK_RETENTION_DAYS,
      );
    }
    if (lock.retentionYears !== undefined) {
      assertIntegerInRange(
        lock.retentionYears,
        "storage.objectLock.retentionYears",
        OBJECT_LOCK_RETENTION_YEARS,
      );
    }
    if (props.versioned === false) throw new PropError("storage.objectLock", OBJECT_LOCK_VERSIONING_RULE);
  }
  const rules = props.lifecycleRules ?? [];
  if (!Token.isUnresolved(rules)) {
    const ids = rules.map((rule) => rule.id);
    const noncurrentDays = props.noncurrentVersionExpirationDays ?? 30;
    rules.forEach((rule, i) => {
      const f = `storage.lifecycleRules[${i}]`;
      const lastTransition = checkTransitions(rule.transitions, `${f}.transitions`);
      const lastNoncurrent = checkTransitions(
        rule.noncurrentVersionTransitions,
        `${f}.noncurrentVersionTransitions`,
      );
      if (
        rule.expirationDays === undefined &&
        !rule.transitions?.length &&
        !rule.noncurrentVersionTransitions?.length
      ) {
        throw new PropError(f, LIFECYCLE_RULE_ACTION_RULE);
      }
      if (rule.expirationDays !== undefined) {
        assertIntegerInRange(rule.expirationDays, `${f}.expirationDays`, LIFECYCLE_EXPIRATION_DAYS);
        if (
          lastTransition !== undefined &&
          !Token.isUnresolved(lastTransition) &&
          !Token.isUnresolved(rule.expirationDays) &&
          rule.expirationDays <= lastTransition
        ) {
          throw new PropError(`${f}.expirationDays`, `${rule.expirationDays}: ${LIFECYCLE_RULE_ACTION_RULE}`);
        }
      }
      if (
        lastNoncurrent !== undefined &&
        !Token.isUnresolved(lastNoncurrent) &&
        !Token.isUnresolved(noncurrentDays) &&
        lastNoncurrent >= noncurrentDays
      ) {
        throw new PropError(
          `${f}.noncurrentVersionTransitions`,
          `${lastNoncurrent} days ${NONCURRENT_TRANSITION_RULE} (${noncurrentDays})`,
        );
      }
      const builtIn = (BUILT_IN_LIFECYCLE_RULE_IDS as readonly string[]).includes(rule.id);
      if (!rule.id || rule.id.length > 255 || ids.indexOf(rule.id) !== i || builtIn) {
        throw new PropError(`storage.lifecycleRules[${i}].id`, `"${rule.id}": ${LIFECYCLE_RULE_ID_RULE}`);
      }
    });
  }
  const cors = props.cors ?? [];
  if (!Token.isUnresolved(cors)) {
    for (const rule of cors) {
      if (rule.allowedOrigins.length === 0 || rule.allowedOrigins.includes("*")) {
        throw new PropError("storage.cors.allowedOrigins", CORS_ORIGINS_RULE);
      }
      const methods = rule.allowedMethods as readonly string[];
      if (methods.length === 0 || methods.some((m) => !(CORS_METHODS as readonly string[]).includes(m))) {
        throw new PropError("storage.cors.allowedMethods", CORS_METHODS_RULE);
      }
    }
  }
  if (Token.isUnresolved(props.preventDestroy)) {
    throw new PropError("storage.preventDestroy", PREVENT_DESTROY_RULE);
  }
  checkIntelligentTieringArchive(props.intelligentTieringArchive, "storage.intelligentTieringArchive");
  if (props.replication && !Token.isUnresolved(props.replication)) {
    checkReplication(props.replication, {
      bucketArn: props.bucketName === undefined ? undefined : `arn:aws:s3:::${props.bucketName}`,
      kmsKeyArn: props.kmsKeyArn,
      versioned: props.versioned ?? true,
    });
  }
  const target = props.accessLogs?.bucket;
  if (target && (target.kmsKeyArn !== undefined || target.objectLock !== undefined)) {
    throw new PropError("storage.accessLogs.bucket", ACCESS_LOG_BUCKET_RULE);
  }
}
