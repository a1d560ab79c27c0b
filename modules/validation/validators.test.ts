import { Token } from "cdktf";
import { describe, expect, test } from "vitest";
import { PropError } from "./prop-error.js";
import {
  ARN_KINDS,
  assertArn,
  assertDnsName,
  assertIntegerInRange,
  assertLogRetentionDays,
  assertNoDuplicates,
  assertNonEmptyList,
  assertNoWildcard,
  hasWildcard,
  isArn,
  isDnsName,
  isIntegerInRange,
  isLogRetentionDays,
  LOG_RETENTION_DAYS,
} from "./validators.js";

/** The PropError `check` throws (failing the test when it throws none, or another error). */
const refusal = (check: () => unknown): PropError => {
  try {
    check();
  } catch (error) {
    if (error instanceof PropError) return error;
    throw error;
  }
  throw new Error("accepted");
};
/** A Terraform reference, known only at apply. */
const reference = Token.asString({ ref: "aws_kms_key.key.arn" });

describe("assertIntegerInRange", () => {
  test.each([1, 7, 35])("%d is within 1–35 and is returned", (value) => {
    expect(assertIntegerInRange(value, "database.backupRetentionDays", { min: 1, max: 35 })).toBe(value);
  });

  test.each([0, 36, 7.5, Number.NaN])("%d is refused, naming the field and the range", (value) => {
    const error = refusal(() =>
      assertIntegerInRange(value, "database.backupRetentionDays", { min: 1, max: 35 }),
    );
    expect(error.field).toBe("database.backupRetentionDays");
    expect(error.message).toBe(`database.backupRetentionDays: ${value} must be a whole number from 1 to 35`);
  });

  test("without a maximum the message says ≥ the minimum", () => {
    expect(refusal(() => assertIntegerInRange(0, "secrets.version", { min: 1 })).message).toBe(
      "secrets.version: 0 must be a whole number ≥ 1",
    );
    expect(assertIntegerInRange(1_000_000, "secrets.version", { min: 1 })).toBe(1_000_000);
  });

  test("a unit is named in the message", () => {
    expect(
      refusal(() =>
        assertIntegerInRange(0, "storage.objectLock.retentionDays", { min: 1, max: 36500, unit: "days" }),
      ).message,
    ).toBe("storage.objectLock.retentionDays: 0 must be a whole number of days from 1 to 36500");
  });

  test("a reference passes: it is known only at apply", () => {
    const value = Token.asNumber({ ref: "var.days" });
    expect(assertIntegerInRange(value, "x.days", { min: 1, max: 35 })).toBe(value);
  });

  test("the predicate agrees, bounds included", () => {
    expect([0, 1, 35, 36].map((v) => isIntegerInRange(v, { min: 1, max: 35 }))).toEqual([
      false,
      true,
      true,
      false,
    ]);
  });
});

describe("assertLogRetentionDays", () => {
  test.each([...LOG_RETENTION_DAYS])("%d days is a CloudWatch Logs retention period", (days) => {
    expect(() => assertLogRetentionDays(days, "network.flowLogs.retentionDays")).not.toThrow();
    expect(isLogRetentionDays(days)).toBe(true);
  });

  test.each([0, 2, 10, 366, 3650])("%d days is refused, listing the periods allowed", (days) => {
    const error = refusal(() => assertLogRetentionDays(days, "network.flowLogs.retentionDays"));
    expect(error.field).toBe("network.flowLogs.retentionDays");
    expect(error.problem).toBe(
      `${days} is not a CloudWatch Logs retention period (use one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653)`,
    );
  });
});

describe("assertDnsName", () => {
  test.each([
    "example.com",
    "origin.platform.example.com",
    "pr-7.preview.dev.example.com",
    "*.preview.example.com",
  ])("%s is a DNS name", (name) => {
    expect(() => assertDnsName(name, "edge.cdn.domainName")).not.toThrow();
    expect(isDnsName(name)).toBe(true);
  });

  test.each([
    "Example.com",
    "localhost",
    "-a.example.com",
    "a..example.com",
    "a_b.example.com",
    `${"a".repeat(64)}.com`,
  ])("%s is refused, naming the field", (name) => {
    expect(refusal(() => assertDnsName(name, "edge.cdn.domainName")).message).toBe(
      `edge.cdn.domainName: "${name}" must be a lowercase DNS name of at most 253 characters (a leading *. is allowed)`,
    );
  });

  test("a name over 253 characters is refused", () => {
    const long = `${Array.from({ length: 5 }, () => "a".repeat(60)).join(".")}.com`;
    expect(isDnsName(long)).toBe(false);
  });

  test("a wildcard is refused where a single host is needed", () => {
    expect(refusal(() => assertDnsName("*.example.com", "edge.cdn.domainName", false)).message).toBe(
      'edge.cdn.domainName: "*.example.com" must be a lowercase DNS name of at most 253 characters',
    );
    expect(isDnsName("*.example.com", false)).toBe(false);
  });
});

describe("assertArn", () => {
  test.each<[keyof typeof ARN_KINDS, string]>([
    ["kmsKey", "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"],
    ["kmsKey", "arn:aws-us-gov:kms:us-gov-west-1:123456789012:key/mrk-1234abcd"],
    ["secret", "arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!db-1234-AbCdEf"],
    ["s3Bucket", "arn:aws:s3:::acme-dev-uploads-123456789012-us-east-1"],
    [
      "loadBalancer",
      "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/acme-dev-alb/50dc6c495c0c9188",
    ],
    [
      "listener",
      "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/acme-dev-alb/50dc6c495c0c9188/f2f7dc8efc522ab2",
    ],
  ])("a %s ARN is accepted: %s", (kind, arn) => {
    expect(() => assertArn(arn, "x.arn", ARN_KINDS[kind])).not.toThrow();
    expect(isArn(arn, ARN_KINDS[kind])).toBe(true);
  });

  test.each<[keyof typeof ARN_KINDS, string]>([
    ["kmsKey", "alias/rds"],
    ["kmsKey", "arn:aws:kms:us-east-1:123456789012:alias/rds"],
    ["kmsKey", "1234abcd-12ab-34cd-56ef-1234567890ab"],
    ["kmsKey", "arn:aws:kms:us-east-1:123456789012:key/*"],
    ["secret", "arn:aws:secretsmanager:us-east-1:123456789012:secret:acme-*"],
    ["secret", "arn:aws:kms:us-east-1:123456789012:key/1234"],
    ["secret", "arn:aws:secretsmanager:us-east-1:1234:secret:acme-dev-x-AbCdEf"],
    ["s3Bucket", "arn:aws:s3:::*"],
    ["s3Bucket", "arn:aws:s3:::acme-uploads/users/*"],
    ["s3Bucket", "acme-uploads"],
    [
      "listener",
      "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/acme-dev-alb/50dc6c495c0c9188",
    ],
  ])("a %s ARN is refused: %s", (kind, arn) => {
    const error = refusal(() => assertArn(arn, "x.arn", ARN_KINDS[kind]));
    expect(error.field).toBe("x.arn");
    expect(error.problem).toBe(`"${arn}" is not a ${ARN_KINDS[kind].name} ARN (${ARN_KINDS[kind].shape})`);
  });

  test("the message shows the shape expected", () => {
    expect(
      refusal(() => assertArn("alias/rds", "compute.repository.kmsKeyArn", ARN_KINDS.kmsKey)).message,
    ).toBe(
      'compute.repository.kmsKeyArn: "alias/rds" is not a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>)',
    );
  });

  test("a reference passes the assertion (known only at apply), but is no ARN to the predicate", () => {
    expect(() => assertArn(reference, "x.kmsKeyArn", ARN_KINDS.kmsKey)).not.toThrow();
    expect(isArn(reference, ARN_KINDS.kmsKey)).toBe(false);
  });
});

describe("assertNonEmptyList", () => {
  test("a list with an entry passes", () => {
    expect(() => assertNonEmptyList(["/api/*"], "edge.cdn.apiPaths", "path pattern")).not.toThrow();
  });

  test("an empty list is refused, saying what to give", () => {
    expect(
      refusal(() => assertNonEmptyList([], "edge.cdn.apiPaths", "path pattern for the API origin")).message,
    ).toBe("edge.cdn.apiPaths: give at least one path pattern for the API origin");
  });
});

describe("assertNoDuplicates", () => {
  test("distinct values pass", () => {
    expect(() => assertNoDuplicates(["a.example.com", "b.example.com"], "x.names")).not.toThrow();
  });

  test("a value listed twice is refused, naming it", () => {
    expect(
      refusal(() => assertNoDuplicates(["a", "b", "a"], "edge.certificate.subjectAlternativeNames")).message,
    ).toBe('edge.certificate.subjectAlternativeNames: "a" is listed twice');
  });
});

describe("assertNoWildcard", () => {
  test.each(["users/", "acme/dev/", "db-ABCDEFGHIJKL"])("%s has no wildcard", (value) => {
    expect(() => assertNoWildcard(value, "x.prefix")).not.toThrow();
    expect(hasWildcard(value)).toBe(false);
  });

  test.each(["*", "users/*", "acme/?/", "db-*"])(
    "%s is refused: it would reach more than one resource",
    (value) => {
      const error = refusal(() => assertNoWildcard(value, "x.prefix"));
      expect(error.field).toBe("x.prefix");
      expect(error.problem).toMatch(/must not contain "\*" or "\?"/);
    },
  );
});
