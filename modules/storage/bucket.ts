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
import { conditional, Fn, Lazy, Op, propertyAccess, TerraformIterator, Token } from "cdktf";
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
          },
        },
        dependsOn: [versioning],
      });
    } else if (lock) {
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
          expiration: [{ days: rule.expirationDays }],
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
          expiration: [{ days: rule.getNumber("expirationDays") }],
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
    assertIntegerInRange(lock.retentionDays, "storage.objectLock.retentionDays", OBJECT_LOCK_RETENTION_DAYS);
    if (props.versioned === false) throw new PropError("storage.objectLock", OBJECT_LOCK_VERSIONING_RULE);
  }
  const rules = props.lifecycleRules ?? [];
  if (!Token.isUnresolved(rules)) {
    const ids = rules.map((rule) => rule.id);
    rules.forEach((rule, i) => {
      assertIntegerInRange(
        rule.expirationDays,
        `storage.lifecycleRules[${i}].expirationDays`,
        LIFECYCLE_EXPIRATION_DAYS,
      );
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
}
