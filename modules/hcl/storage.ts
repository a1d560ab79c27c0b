/** The storage module for Terraform: one `Bucket`, named exactly `var.name`, with every prop a variable. */
import { conditional, Lazy, Op, TerraformLocal, type TerraformResource, Token } from "cdktf";
import { Naming } from "../naming/naming.js";
import {
  BUCKET_KMS_KEY_ARN_RULE,
  BUCKET_NAME,
  BUCKET_NAME_RULE,
  BUILT_IN_LIFECYCLE_RULE_IDS,
  Bucket,
  type BucketCorsRule,
  type BucketLifecycleRule,
  type BucketObjectLock,
  CORS_METHODS,
  CORS_METHODS_RULE,
  CORS_ORIGINS_RULE,
  IP_ADDRESS_SHAPE,
  KEEP_NONCURRENT_VERSIONS,
  LIFECYCLE_EXPIRATION_DAYS,
  LIFECYCLE_RULE_ACTION_RULE,
  LIFECYCLE_RULE_ID_RULE,
  NONCURRENT_TRANSITION_RULE,
  NONCURRENT_VERSION_DAYS,
  OBJECT_LOCK_MODES,
  OBJECT_LOCK_RETENTION_DAYS,
  OBJECT_LOCK_RETENTION_RULE,
  OBJECT_LOCK_RETENTION_YEARS,
  OBJECT_LOCK_VERSIONING_RULE,
} from "../storage/bucket.js";
import {
  ARCHIVE_ACCESS_DAYS,
  DEEP_ARCHIVE_ACCESS_DAYS,
  INFREQUENT_ACCESS_CLASSES,
  INFREQUENT_ACCESS_MIN_DAYS,
  INTELLIGENT_TIERING_ARCHIVE_RULE,
  type IntelligentTieringArchive,
  TRANSITION_ORDER_RULE,
  TRANSITION_STORAGE_CLASSES,
} from "../storage/lifecycle.js";
import { ARN_KINDS, arnPattern } from "../validation/validators.js";
import { hclList, integerInRange, matches, oneOf, optional } from "./conditions.js";
import { propDoc } from "./docs.js";
import type { HclModule } from "./hcl-module.js";
import type { Rule } from "./module-stack.js";

const BUCKET = "storage/bucket.ts#BucketProps";
const TRANSITIONS = "list(object({ days = number, storage_class = string }))";

/**
 * A list of transitions (`ref`, items `days` and `storage_class`) in S3's order, in the words of
 * `Bucket`'s check: known classes, 30 days for the infrequent-access ones, each later than the one
 * before (30 days after an infrequent-access one) and further along S3's order.
 */
function transitionsRule(ref: string, what: string): Rule {
  const classes = hclList(TRANSITION_STORAGE_CLASSES);
  const infrequent = hclList(INFREQUENT_ACCESS_CLASSES);
  const rank = (t: string) =>
    `(contains(${classes}, ${t}.storage_class) ? index(${classes}, ${t}.storage_class) : -1)`;
  const known = `alltrue([for t in ${ref} : contains(${classes}, t.storage_class) && floor(t.days) == t.days && t.days >= (contains(${infrequent}, t.storage_class) ? ${INFREQUENT_ACCESS_MIN_DAYS} : 0)])`;
  const ordered = `alltrue([for i, t in ${ref} : i == 0 ? true : (${rank("t")} > ${rank(`${ref}[i - 1]`)} && t.days >= ${ref}[i - 1].days + (contains(${infrequent}, ${ref}[i - 1].storage_class) ? ${INFREQUENT_ACCESS_MIN_DAYS} : 1))])`;
  return { condition: `${known} && ${ordered}`, message: `${what} ${TRANSITION_ORDER_RULE}` };
}

/** An S3 bucket name, in the words of `Bucket`'s `bucketName` check. */
export function bucketNameRule(ref: string): Rule {
  return {
    condition: `${matches(ref, BUCKET_NAME)} && !strcontains(${ref}, "..") && !${matches(ref, IP_ADDRESS_SHAPE)}`,
    message: BUCKET_NAME_RULE,
  };
}

/** A KMS key ARN or null, in the words of `Bucket`'s `kmsKeyArn` check. */
export function kmsKeyArnRule(ref: string): Rule {
  return optional(ref, {
    condition: matches(ref, arnPattern(ARN_KINDS.kmsKey)),
    message: BUCKET_KMS_KEY_ARN_RULE,
  });
}

/**
 * SSE-KMS with `kmsKeyArn` when it is set, SSE-S3 when it is null. A module variable may be null
 * where a TypeScript prop is left out; `Bucket` cannot tell such a reference from a key's ARN (for
 * which it must write `aws:kms` without waiting for the key to exist), so the module says it here.
 */
export function encryptionFollows(bucket: Bucket, kmsKeyArn: string): void {
  const given = Op.neq(kmsKeyArn, Token.nullValue());
  const encryption = bucket.node.findChild("encryption") as TerraformResource;
  const rule = "rule.0";
  encryption.addOverride(
    `${rule}.apply_server_side_encryption_by_default.sse_algorithm`,
    conditional(given, "aws:kms", "AES256"),
  );
  encryption.addOverride(`${rule}.bucket_key_enabled`, given);
}

/** A doc comment's text, for describing an object variable's fields. */
function field(reference: string, name: string): string {
  return `\`${name}\`: ${propDoc(reference).text}`;
}

export const storage: HclModule = {
  name: "storage",
  title: "A private, versioned, encrypted, TLS-only S3 bucket",
  summary:
    "One S3 bucket with the kit's settings always on: public access blocked (all four settings), ACLs disabled (bucket owner enforced), a bucket policy that denies requests without TLS or with TLS older than 1.2, server-side encryption (SSE-S3, or SSE-KMS with a bucket key), incomplete multipart uploads aborted after a day and old versions expired. Versioning, lifecycle rules (expiry and storage-class transitions), Intelligent-Tiering archive tiers, CORS, Object Lock and EventBridge notifications follow the variables.",
  example: `module "uploads" {
  source = "github.com/acme/platform//modules/terraform/storage"

  name = "payments-prod-uploads-123456789012-eu-west-1"

  # optional
  kms_key_arn = aws_kms_key.uploads.arn
  lifecycle_rules = [
    { id = "expire-exports", prefix = "exports/", expiration_days = 30 },
    {
      id          = "age-reports"
      prefix      = "reports/"
      transitions = [
        { days = 30, storage_class = "STANDARD_IA" },
        { days = 90, storage_class = "GLACIER_IR" },
      ]
    },
  ]
  cors_rules = [
    { allowed_origins = ["https://app.example.com"], allowed_methods = ["GET", "PUT"] },
  ]
}`,
  limitations: [
    "`name` is the bucket's exact name (the TypeScript `bucketName`): the TypeScript API's default, `<prefix>-<purpose>-<account>-<region>`, needs the account id, which the module does not look up.",
    "`preventDestroy` is not a variable: Terraform takes only literals in `lifecycle.prevent_destroy`, so the module leaves it off. A bucket that still holds objects is not deleted while `force_destroy` is false (the default).",
    "Grants (`grantRead`, `grantReadWrite`) and `addToResourcePolicy` are methods, not inputs: write IAM policies on `bucket_arn` in your own code. The bucket policy holds the TLS-only statements only, and S3 allows one policy per bucket, so a service that must be named in it (ALB access logs, CloudFront) needs the TypeScript API.",
    "Fields of `lifecycle_rules`, `cors_rules`, `object_lock` and `intelligent_tiering_archive` are spelled in snake_case (`expiration_days`, `storage_class`, `allowed_origins`, `retention_days`, `archive_access_days`).",
    "Replication (`replication`) and server access logs (`accessLogs`) are TypeScript only: replication creates a role named from the kit's naming, which the module does not have, and access logs need the target bucket's policy, which S3 allows only one of. Write `aws_s3_bucket_replication_configuration` or `aws_s3_bucket_logging` on `bucket_name` in your own code.",
    '`versioning = false` suspends versioning (status `"Suspended"`), as the TypeScript API does: S3 cannot switch it off once it has been on. The noncurrent-version rule stays, for versions made before.',
  ],
  build(stack) {
    const name = stack.variable("name", {
      type: "string",
      doc: `${BUCKET}.bucketName`,
      rules: [bucketNameRule("var.name")],
    });
    const versioning = stack.variable("versioning", {
      type: "bool",
      doc: `${BUCKET}.versioned`,
      default: true,
    });
    const kmsKeyArn = stack.variable("kms_key_arn", {
      type: "string",
      doc: `${BUCKET}.kmsKeyArn`,
      description: "Null: SSE-S3.",
      default: null,
      rules: [kmsKeyArnRule("var.kms_key_arn")],
    });
    const noncurrentDays = stack.variable("noncurrent_version_expiration_days", {
      type: "number",
      doc: `${BUCKET}.noncurrentVersionExpirationDays`,
      default: 30,
      rules: [integerInRange("var.noncurrent_version_expiration_days", NONCURRENT_VERSION_DAYS)],
    });
    const keepVersions = stack.variable("keep_noncurrent_versions", {
      type: "number",
      doc: `${BUCKET}.keepNoncurrentVersions`,
      description: "Null: none.",
      default: null,
      rules: [
        optional(
          "var.keep_noncurrent_versions",
          integerInRange("var.keep_noncurrent_versions", KEEP_NONCURRENT_VERSIONS),
        ),
      ],
    });
    const expiration = optional(
      "r.expiration_days",
      integerInRange("r.expiration_days", LIFECYCLE_EXPIRATION_DAYS),
    );
    const current = transitionsRule("r.transitions", "each rule's transitions");
    const noncurrent = transitionsRule(
      "r.noncurrent_version_transitions",
      "each rule's noncurrent_version_transitions",
    );
    stack.variable("lifecycle_rules", {
      type: `list(object({ id = string, prefix = optional(string), expiration_days = optional(number), transitions = optional(${TRANSITIONS}, []), noncurrent_version_transitions = optional(${TRANSITIONS}, []) }))`,
      doc: `${BUCKET}.lifecycleRules`,
      description: [
        field("storage/bucket.ts#BucketLifecycleRule.id", "id"),
        field("storage/bucket.ts#BucketLifecycleRule.prefix", "prefix"),
        field("storage/bucket.ts#BucketLifecycleRule.expirationDays", "expiration_days"),
        field("storage/bucket.ts#BucketLifecycleRule.transitions", "transitions"),
        field(
          "storage/bucket.ts#BucketLifecycleRule.noncurrentVersionTransitions",
          "noncurrent_version_transitions",
        ),
        "Each transition is `{ days, storage_class }`.",
      ].join(" "),
      default: [],
      rules: [
        {
          condition: `alltrue([for r in var.lifecycle_rules : ${expiration.condition}])`,
          message: `each expiration_days ${expiration.message}`,
        },
        {
          condition: `alltrue([for r in var.lifecycle_rules : r.expiration_days != null || length(r.transitions) > 0 || length(r.noncurrent_version_transitions) > 0])`,
          message: `each rule ${LIFECYCLE_RULE_ACTION_RULE}`,
        },
        {
          condition: `alltrue([for r in var.lifecycle_rules : r.expiration_days == null || length(r.transitions) == 0 ? true : r.expiration_days > r.transitions[length(r.transitions) - 1].days])`,
          message: `each rule ${LIFECYCLE_RULE_ACTION_RULE}`,
        },
        {
          condition: `alltrue([for r in var.lifecycle_rules : ${current.condition}])`,
          message: current.message,
        },
        {
          condition: `alltrue([for r in var.lifecycle_rules : ${noncurrent.condition}])`,
          message: noncurrent.message,
        },
        {
          condition: `alltrue([for r in var.lifecycle_rules : alltrue([for t in r.noncurrent_version_transitions : t.days < var.noncurrent_version_expiration_days])])`,
          message: `each noncurrent_version_transitions ${NONCURRENT_TRANSITION_RULE}`,
        },
        {
          condition: `alltrue([for r in var.lifecycle_rules : length(r.id) >= 1 && length(r.id) <= 255 && !contains(${hclList(BUILT_IN_LIFECYCLE_RULE_IDS)}, r.id)]) && length(distinct([for r in var.lifecycle_rules : r.id])) == length(var.lifecycle_rules)`,
          message: LIFECYCLE_RULE_ID_RULE,
        },
      ],
    });
    stack.variable("cors_rules", {
      type: 'list(object({ allowed_origins = list(string), allowed_methods = list(string), allowed_headers = optional(list(string), ["*"]), expose_headers = optional(list(string), ["ETag"]), max_age_seconds = optional(number, 3000) }))',
      doc: `${BUCKET}.cors`,
      description: [
        field("storage/bucket.ts#BucketCorsRule.allowedOrigins", "allowed_origins"),
        field("storage/bucket.ts#BucketCorsRule.allowedMethods", "allowed_methods"),
        field("storage/bucket.ts#BucketCorsRule.allowedHeaders", "allowed_headers"),
        field("storage/bucket.ts#BucketCorsRule.exposeHeaders", "expose_headers"),
        field("storage/bucket.ts#BucketCorsRule.maxAgeSeconds", "max_age_seconds"),
      ].join(" "),
      default: [],
      rules: [
        {
          condition: `alltrue([for r in var.cors_rules : length(r.allowed_origins) >= 1 && !contains(r.allowed_origins, "*")])`,
          message: `each allowed_origins ${CORS_ORIGINS_RULE}`,
        },
        {
          condition: `alltrue([for r in var.cors_rules : length(r.allowed_methods) >= 1 && alltrue([for m in r.allowed_methods : ${oneOf("m", CORS_METHODS).condition}])])`,
          message: `each allowed_methods ${CORS_METHODS_RULE}`,
        },
      ],
    });
    const forceDestroy = stack.variable("force_destroy", {
      type: "bool",
      doc: `${BUCKET}.forceDestroy`,
      default: false,
    });
    const mode = oneOf("var.object_lock.mode", OBJECT_LOCK_MODES);
    const retention = optional(
      "var.object_lock.retention_days",
      integerInRange("var.object_lock.retention_days", OBJECT_LOCK_RETENTION_DAYS),
    );
    const years = optional(
      "var.object_lock.retention_years",
      integerInRange("var.object_lock.retention_years", OBJECT_LOCK_RETENTION_YEARS),
    );
    stack.variable("object_lock", {
      type: "object({ mode = string, retention_days = optional(number), retention_years = optional(number) })",
      doc: `${BUCKET}.objectLock`,
      description: [
        field("storage/bucket.ts#BucketObjectLock.mode", "mode"),
        field("storage/bucket.ts#BucketObjectLock.retentionDays", "retention_days"),
        field("storage/bucket.ts#BucketObjectLock.retentionYears", "retention_years"),
        "Null: no Object Lock.",
      ].join(" "),
      default: null,
      rules: [
        optional("var.object_lock", { condition: mode.condition, message: `mode ${mode.message}` }),
        optional("var.object_lock", {
          condition: retention.condition,
          message: `retention_days ${retention.message}`,
        }),
        optional("var.object_lock", {
          condition: years.condition,
          message: `retention_years ${years.message}`,
        }),
        optional("var.object_lock", {
          condition: "(var.object_lock.retention_days == null) != (var.object_lock.retention_years == null)",
          message: OBJECT_LOCK_RETENTION_RULE,
        }),
        { condition: "var.object_lock == null || var.versioning", message: OBJECT_LOCK_VERSIONING_RULE },
      ],
    });

    const archiveDays = integerInRange(
      "var.intelligent_tiering_archive.archive_access_days",
      ARCHIVE_ACCESS_DAYS,
    );
    const deepDays = integerInRange(
      "var.intelligent_tiering_archive.deep_archive_access_days",
      DEEP_ARCHIVE_ACCESS_DAYS,
    );
    const it = "var.intelligent_tiering_archive";
    stack.variable("intelligent_tiering_archive", {
      type: "object({ archive_access_days = optional(number), deep_archive_access_days = optional(number) })",
      doc: `${BUCKET}.intelligentTieringArchive`,
      description: [
        field("storage/lifecycle.ts#IntelligentTieringArchive.archiveAccessDays", "archive_access_days"),
        field(
          "storage/lifecycle.ts#IntelligentTieringArchive.deepArchiveAccessDays",
          "deep_archive_access_days",
        ),
        "Null: no archive tiers.",
      ].join(" "),
      default: null,
      rules: [
        optional(it, {
          condition: `${it}.archive_access_days == null ? true : (${archiveDays.condition})`,
          message: `archive_access_days ${archiveDays.message}`,
        }),
        optional(it, {
          condition: `${it}.deep_archive_access_days == null ? true : (${deepDays.condition})`,
          message: `deep_archive_access_days ${deepDays.message}`,
        }),
        optional(it, {
          condition: `${it}.archive_access_days == null && ${it}.deep_archive_access_days == null ? false : (${it}.archive_access_days == null || ${it}.deep_archive_access_days == null ? true : ${it}.deep_archive_access_days > ${it}.archive_access_days)`,
          message: INTELLIGENT_TIERING_ARCHIVE_RULE,
        }),
      ],
    });
    const eventBridge = stack.variable("event_bridge", {
      type: "bool",
      doc: `${BUCKET}.eventBridge`,
      default: false,
    });

    // The construct reads list and object props in its own (TypeScript) spelling.
    const camel = (local: string, expression: string) =>
      Token.asAny(new TerraformLocal(stack, local, `\${${expression}}`).expression);
    const lifecycleRules = camel(
      "lifecycle_rules",
      "[for r in var.lifecycle_rules : { id = r.id, prefix = r.prefix, expirationDays = r.expiration_days, transitions = [for t in r.transitions : { days = t.days, storageClass = t.storage_class }], noncurrentVersionTransitions = [for t in r.noncurrent_version_transitions : { days = t.days, storageClass = t.storage_class }] }]",
    );
    const corsRules = camel(
      "cors_rules",
      "[for r in var.cors_rules : { allowedOrigins = r.allowed_origins, allowedMethods = r.allowed_methods, allowedHeaders = r.allowed_headers, exposeHeaders = r.expose_headers, maxAgeSeconds = r.max_age_seconds }]",
    );
    const objectLock = camel(
      "object_lock",
      "var.object_lock == null ? null : { mode = var.object_lock.mode, retentionDays = var.object_lock.retention_days, retentionYears = var.object_lock.retention_years }",
    );
    const tieringArchive = camel(
      "intelligent_tiering_archive",
      "var.intelligent_tiering_archive == null ? null : { archiveAccessDays = var.intelligent_tiering_archive.archive_access_days, deepArchiveAccessDays = var.intelligent_tiering_archive.deep_archive_access_days }",
    );

    // The bucket is named exactly `var.name`: the naming names nothing, so its account and region
    // (which would need an AWS call) are never asked for.
    const unused = Lazy.stringValue({
      produce: () => {
        throw new Error("storage: the bucket is named by var.name; nothing else is named");
      },
    });
    const bucket = new Bucket(stack, "bucket", {
      naming: Naming.fromPrefix({ prefix: "storage", accountId: unused, region: unused }),
      purpose: "storage",
      bucketName: name.stringValue,
      versioned: versioning.booleanValue as unknown as boolean,
      kmsKeyArn: kmsKeyArn.stringValue,
      noncurrentVersionExpirationDays: noncurrentDays.numberValue,
      keepNoncurrentVersions: keepVersions.numberValue,
      lifecycleRules: lifecycleRules as unknown as readonly BucketLifecycleRule[],
      cors: corsRules as unknown as readonly BucketCorsRule[],
      forceDestroy: forceDestroy.booleanValue as unknown as boolean,
      objectLock: objectLock as unknown as BucketObjectLock,
      intelligentTieringArchive: tieringArchive as unknown as IntelligentTieringArchive,
      eventBridge: eventBridge.booleanValue as unknown as boolean,
    });
    encryptionFollows(bucket, kmsKeyArn.stringValue);

    stack.output("bucket_name", { value: bucket.bucketName, description: "The bucket's name." });
    stack.output("bucket_arn", { value: bucket.bucketArn, description: "The bucket's ARN." });
    stack.output("bucket_regional_domain_name", {
      value: bucket.regionalDomainName,
      description: "`<bucket>.s3.<region>.amazonaws.com`, for CloudFront origins.",
    });
  },
};
