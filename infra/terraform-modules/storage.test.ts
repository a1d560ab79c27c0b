/**
 * The storage module from HCL (issue 17): the example plans offline with the real provider, the
 * policy rules pass on it, versioning, encryption, lifecycle rules, CORS and Object Lock follow the
 * variables, and a wrong value fails the plan with the variable's own message.
 */

import {
  BUCKET_NAME_RULE,
  OBJECT_LOCK_RETENTION_RULE,
  OBJECT_LOCK_VERSIONING_RULE,
  TRANSITION_ORDER_RULE,
} from "@aws-platform-kit/modules/storage";
import { integerRangeRule } from "@aws-platform-kit/modules/validation";
import { describe, expect, test } from "vitest";
import { exampleSuite, onlyPlanned, plannedOfType, policyOf } from "./example-plan.js";

const KEY = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const LOCK = { mode: "GOVERNANCE", retention_days: 365 };

const CASES = {
  default: {},
  suspended: { versioning: false },
  kms: { kms_key_arn: KEY },
  full: {
    lifecycle_rules: [
      { id: "expire-exports", prefix: "exports/", expiration_days: 30 },
      { id: "expire-everything", expiration_days: 400 },
    ],
    cors_rules: [{ allowed_origins: ["https://app.example.com"], allowed_methods: ["GET", "PUT"] }],
    object_lock: LOCK,
  },
  tiered: {
    noncurrent_version_expiration_days: 120,
    lifecycle_rules: [
      {
        id: "age-reports",
        prefix: "reports/",
        transitions: [
          { days: 30, storage_class: "STANDARD_IA" },
          { days: 90, storage_class: "GLACIER_IR" },
        ],
        noncurrent_version_transitions: [{ days: 30, storage_class: "GLACIER_IR" }],
        expiration_days: 400,
      },
    ],
    intelligent_tiering_archive: { archive_access_days: 90, deep_archive_access_days: 180 },
    event_bridge: true,
    object_lock: { mode: "COMPLIANCE", retention_years: 1 },
  },
  badName: { name: "Bad_Name" },
  badTransition: {
    lifecycle_rules: [
      {
        id: "r",
        transitions: [
          { days: 90, storage_class: "GLACIER" },
          { days: 120, storage_class: "STANDARD_IA" },
        ],
      },
    ],
  },
  lockBoth: { object_lock: { mode: "GOVERNANCE", retention_days: 1, retention_years: 1 } },
  zeroDays: { noncurrent_version_expiration_days: 0 },
  lockUnversioned: { object_lock: LOCK, versioning: false },
  anyOrigin: { cors_rules: [{ allowed_origins: ["*"], allowed_methods: ["GET"] }] },
} as const;

const { example, planOf } = exampleSuite("storage", CASES);

/** The planned values of the only resource of `type`. */
const planned = (name: keyof typeof CASES, type: string) => onlyPlanned(planOf(name), type);

function encryption(name: keyof typeof CASES) {
  const rule = (
    planned(name, "aws_s3_bucket_server_side_encryption_configuration").rule as Array<Record<string, unknown>>
  )[0] as Record<string, unknown>;
  return {
    ...(rule.apply_server_side_encryption_by_default as Array<Record<string, unknown>>)[0],
    bucket_key_enabled: rule.bucket_key_enabled,
  };
}

describe("storage example plans offline", () => {
  test("terraform validate finds nothing to report", () => {
    expect(example().validation).toEqual([]);
  });

  test("with only the bucket's name, it plans", () => {
    expect(planOf("default").errors).toEqual([]);
    expect(planOf("default").ok).toBe(true);
    expect(planned("default", "aws_s3_bucket").bucket).toBe("payments-dev-uploads-123456789012-eu-west-1");
  });

  test("the policy rules pass on the plan", () => {
    for (const name of ["default", "kms", "full"] as const) {
      const violations = policyOf(planOf(name)).findings.filter((f) => f.status === "violation");
      expect(
        violations.map((f) => `${f.rule} ${f.address}: ${f.message}`),
        name,
      ).toEqual([]);
    }
  });
});

describe("the bucket follows the variables", () => {
  test("by default: versioned, SSE-S3, public access blocked, one bucket policy, no CORS, no Object Lock", () => {
    expect(planned("default", "aws_s3_bucket_versioning").versioning_configuration).toEqual([
      expect.objectContaining({ status: "Enabled" }),
    ]);
    expect(encryption("default")).toMatchObject({ sse_algorithm: "AES256", bucket_key_enabled: false });
    expect(plannedOfType(planOf("default"), "aws_s3_bucket_policy")).toHaveLength(1);
    expect(plannedOfType(planOf("default"), "aws_s3_bucket_cors_configuration")).toEqual([]);
    expect(plannedOfType(planOf("default"), "aws_s3_bucket_object_lock_configuration")).toEqual([]);
    expect(planned("default", "aws_s3_bucket").object_lock_enabled).toBe(false);
  });

  test("versioning = false suspends versioning and keeps encryption and the public access block", () => {
    expect(planOf("suspended").errors).toEqual([]);
    expect(planned("suspended", "aws_s3_bucket_versioning").versioning_configuration).toEqual([
      expect.objectContaining({ status: "Suspended" }),
    ]);
    expect(encryption("suspended")).toMatchObject({ sse_algorithm: "AES256" });
    expect(planned("suspended", "aws_s3_bucket_public_access_block")).toMatchObject({
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
    // The noncurrent-version rule stays, for versions made before.
    const rules = planned("suspended", "aws_s3_bucket_lifecycle_configuration").rule as Array<
      Record<string, unknown>
    >;
    expect(rules.map((r) => r.id)).toContain("expire-noncurrent-versions");
  });

  test("kms_key_arn switches encryption to SSE-KMS with that key and a bucket key", () => {
    expect(encryption("kms")).toMatchObject({
      sse_algorithm: "aws:kms",
      kms_master_key_id: KEY,
      bucket_key_enabled: true,
    });
  });

  test("lifecycle rules, CORS and Object Lock are planned as given", () => {
    const rules = planned("full", "aws_s3_bucket_lifecycle_configuration").rule as Array<
      Record<string, unknown>
    >;
    expect(rules.map((r) => r.id).sort()).toEqual([
      "abort-incomplete-multipart-uploads",
      "expire-everything",
      "expire-exports",
      "expire-noncurrent-versions",
    ]);
    expect(rules.find((r) => r.id === "expire-exports")).toMatchObject({
      status: "Enabled",
      filter: [expect.objectContaining({ prefix: "exports/" })],
      expiration: [expect.objectContaining({ days: 30 })],
    });
    expect(planned("full", "aws_s3_bucket_cors_configuration").cors_rule).toEqual([
      expect.objectContaining({
        allowed_origins: ["https://app.example.com"],
        allowed_methods: ["GET", "PUT"],
        allowed_headers: ["*"],
        expose_headers: ["ETag"],
        max_age_seconds: 3000,
      }),
    ]);
    expect(planned("full", "aws_s3_bucket").object_lock_enabled).toBe(true);
    expect(planned("full", "aws_s3_bucket_object_lock_configuration").rule).toEqual([
      expect.objectContaining({
        default_retention: [expect.objectContaining({ mode: "GOVERNANCE", days: 365 })],
      }),
    ]);
  });
});

describe("transitions, archive tiers, EventBridge and a retention in years follow the variables", () => {
  test("are planned as given; none of them by default", () => {
    expect(planOf("tiered").errors).toEqual([]);
    const rules = planned("tiered", "aws_s3_bucket_lifecycle_configuration").rule as Array<
      Record<string, unknown>
    >;
    const reports = rules.find((r) => r.id === "age-reports");
    expect(reports?.transition).toEqual([
      expect.objectContaining({ days: 30, storage_class: "STANDARD_IA" }),
      expect.objectContaining({ days: 90, storage_class: "GLACIER_IR" }),
    ]);
    expect(reports?.noncurrent_version_transition).toEqual([
      expect.objectContaining({ noncurrent_days: 30, storage_class: "GLACIER_IR" }),
    ]);
    expect(reports?.expiration).toEqual([expect.objectContaining({ days: 400 })]);
    expect(planned("tiered", "aws_s3_bucket_intelligent_tiering_configuration").tiering).toEqual(
      expect.arrayContaining([
        { access_tier: "ARCHIVE_ACCESS", days: 90 },
        { access_tier: "DEEP_ARCHIVE_ACCESS", days: 180 },
      ]),
    );
    expect(planned("tiered", "aws_s3_bucket_notification").eventbridge).toBe(true);
    expect(planned("tiered", "aws_s3_bucket_object_lock_configuration").rule).toEqual([
      expect.objectContaining({
        default_retention: [expect.objectContaining({ mode: "COMPLIANCE", years: 1 })],
      }),
    ]);
    for (const type of ["aws_s3_bucket_intelligent_tiering_configuration", "aws_s3_bucket_notification"]) {
      expect(plannedOfType(planOf("default"), type), type).toEqual([]);
    }
    // An expiry-only rule has no transition blocks.
    const full = planned("full", "aws_s3_bucket_lifecycle_configuration").rule as Array<
      Record<string, unknown>
    >;
    expect(full.find((r) => r.id === "expire-exports")?.transition ?? []).toEqual([]);
  });
});

describe("a wrong value fails the plan naming the variable", () => {
  test.each([
    ["badName", `name: ${BUCKET_NAME_RULE}`],
    ["zeroDays", `noncurrent_version_expiration_days: ${integerRangeRule({ min: 1 })}`],
    ["lockUnversioned", `object_lock: ${OBJECT_LOCK_VERSIONING_RULE}`],
    ["anyOrigin", 'cors_rules: each allowed_origins must list the origins: "*"'],
    ["badTransition", `lifecycle_rules: each rule's transitions ${TRANSITION_ORDER_RULE}`],
    ["lockBoth", `object_lock: ${OBJECT_LOCK_RETENTION_RULE}`],
  ] as const)("%s", (name, message) => {
    const result = planOf(name);
    expect(result.ok).toBe(false);
    expect(result.errors.join("\n")).toContain("Invalid value for variable");
    expect(result.errors.join("\n").replace(/\s+/g, " ")).toContain(message);
  });
});
