/**
 * The state module from HCL (issue 17): the example plans offline with the real provider, the
 * policy rules pass on it, the bucket and table are protected and encrypted as the variables say,
 * and a wrong value fails the plan with the variable's own message.
 */

import { SEGMENT_RULE } from "@aws-platform-kit/modules/naming";
import { integerRangeRule } from "@aws-platform-kit/modules/validation";
import { describe, expect, test } from "vitest";
import { exampleSuite, onlyPlanned, plannedOfType, policyOf } from "./example-plan.js";

const KEY = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";

const CASES = {
  default: {},
  kms: { kms_key_arn: KEY, protect: false },
  badName: { name: "Bad_Name" },
  zeroDays: { noncurrent_version_expiration_days: 0 },
} as const;

const { example, planOf } = exampleSuite("state", CASES);

/** The planned values of the only resource of `type`. */
const planned = (name: keyof typeof CASES, type: string) => onlyPlanned(planOf(name), type);

describe("state example plans offline", () => {
  test("terraform validate finds nothing to report", () => {
    expect(example().validation).toEqual([]);
  });

  test("with only the name, it plans a bucket and a lock table", () => {
    expect(planOf("default").errors).toEqual([]);
    expect(plannedOfType(planOf("default"), "aws_s3_bucket")).toHaveLength(1);
    expect(planned("default", "aws_dynamodb_table").name).toBe("payments-tfstate-lock");
  });

  test("the policy rules pass on the plan", () => {
    for (const name of ["default", "kms"] as const) {
      const violations = policyOf(planOf(name)).findings.filter((f) => f.status === "violation");
      expect(
        violations.map((f) => `${f.rule} ${f.address}: ${f.message}`),
        name,
      ).toEqual([]);
    }
  });
});

describe("the backend follows the variables", () => {
  test("by default: versioned, SSE-S3, state versions kept 90 days and the 20 newest, table protected", () => {
    expect(planned("default", "aws_s3_bucket_versioning").versioning_configuration).toEqual([
      expect.objectContaining({ status: "Enabled" }),
    ]);
    const encryption = planned("default", "aws_s3_bucket_server_side_encryption_configuration").rule;
    expect(encryption).toEqual([
      expect.objectContaining({
        apply_server_side_encryption_by_default: [expect.objectContaining({ sse_algorithm: "AES256" })],
      }),
    ]);
    const rules = planned("default", "aws_s3_bucket_lifecycle_configuration").rule as Array<
      Record<string, unknown>
    >;
    expect(rules.find((r) => r.id === "expire-noncurrent-versions")).toMatchObject({
      noncurrent_version_expiration: [
        expect.objectContaining({ noncurrent_days: 90, newer_noncurrent_versions: 20 }),
      ],
    });
    expect(planned("default", "aws_dynamodb_table")).toMatchObject({
      deletion_protection_enabled: true,
      billing_mode: "PAY_PER_REQUEST",
      point_in_time_recovery: [expect.objectContaining({ enabled: true })],
    });
  });

  test("kms_key_arn encrypts the bucket and the table with the key; protect = false lifts deletion protection", () => {
    const encryption = planned("kms", "aws_s3_bucket_server_side_encryption_configuration").rule;
    expect(encryption).toEqual([
      expect.objectContaining({
        apply_server_side_encryption_by_default: [
          expect.objectContaining({ sse_algorithm: "aws:kms", kms_master_key_id: KEY }),
        ],
        bucket_key_enabled: true,
      }),
    ]);
    expect(planned("kms", "aws_dynamodb_table")).toMatchObject({
      deletion_protection_enabled: false,
      server_side_encryption: [expect.objectContaining({ enabled: true, kms_key_arn: KEY })],
    });
  });
});

describe("a wrong value fails the plan naming the variable", () => {
  test.each([
    ["badName", `name: ${SEGMENT_RULE}`],
    ["zeroDays", `noncurrent_version_expiration_days: ${integerRangeRule({ min: 1 })}`],
  ] as const)("%s", (name, message) => {
    const result = planOf(name);
    expect(result.ok).toBe(false);
    expect(result.errors.join("\n")).toContain("Invalid value for variable");
    expect(result.errors.join("\n").replace(/\s+/g, " ")).toContain(message);
  });
});
