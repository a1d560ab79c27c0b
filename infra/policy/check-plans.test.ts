import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type FixtureResource, fixturePlan, fixtureSynth } from "../plan/plan-fixture.js";
import { checkPlanDir } from "./check-plans.js";
import { failed, summarise, suppressionRows, violationRows } from "./report.js";
import { toSarif } from "./sarif.js";

const dir = mkdtempSync(join(tmpdir(), "policy-check-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const dev: FixtureResource[] = [
  { address: "aws_cloudwatch_log_group.forever", values: { name: "/app" } },
  {
    address: "aws_db_instance.db",
    values: {
      storage_encrypted: false,
      iam_database_authentication_enabled: true,
      enabled_cloudwatch_logs_exports: ["postgresql"],
    },
    suppressions: [{ rule: "CKV_AWS_16", reason: "restored from an unencrypted snapshot; migration in #42" }],
  },
];
const prod: FixtureResource[] = [
  {
    address: "aws_db_instance.db",
    values: {
      storage_encrypted: false,
      iam_database_authentication_enabled: true,
      enabled_cloudwatch_logs_exports: ["postgresql"],
      deletion_protection: true,
      multi_az: true,
      backup_retention_period: 7,
    },
  },
];

/** cdktf.out-like layout: plans/<stack>.json and stacks/<stack>/cdk.tf.json (none for prod). */
function write(stack: string, resources: FixtureResource[], environment: string, synthesised: boolean) {
  mkdirSync(join(dir, "plans"), { recursive: true });
  writeFileSync(join(dir, "plans", `${stack}.json`), JSON.stringify(fixturePlan(resources, { environment })));
  if (!synthesised) return;
  mkdirSync(join(dir, "stacks", stack), { recursive: true });
  writeFileSync(
    join(dir, "stacks", stack, "cdk.tf.json"),
    JSON.stringify(fixtureSynth(resources, { environment }), null, 2),
  );
}

let results: ReturnType<typeof checkPlanDir> = [];
beforeAll(() => {
  write("dev", dev, "dev", true);
  write("prod", prod, "prod", false);
  results = checkPlanDir(join(dir, "plans"));
});

describe("checking a plan directory", () => {
  test("checks every plan, reading suppressions from the cdk.tf.json beside it", () => {
    expect(results.map((r) => r.stack)).toEqual(["dev", "prod"]);
    expect(suppressionRows(results)).toEqual([
      [
        "dev",
        "CKV_AWS_16",
        "aws_db_instance.db",
        "restored from an unencrypted snapshot; migration in #42",
        "yes",
      ],
    ]);
  });

  test("warns when a stack's cdk.tf.json is missing (its suppressions cannot be read)", () => {
    expect(results[1]?.warnings[0]).toContain("suppressions recorded at synth cannot be read");
  });

  test("lists violations with stack, severity, rule, address, message and fix", () => {
    expect(violationRows(results).map((row) => row.slice(0, 4))).toEqual([
      ["dev", "medium", "CKV_AWS_66", "aws_cloudwatch_log_group.forever"],
      ["prod", "high", "CKV_AWS_16", "aws_db_instance.db"],
    ]);
  });

  test("fails on the unsuppressed high violation, and only on high by default", () => {
    expect(failed(results)).toBe(true);
    expect(failed(results.slice(0, 1))).toBe(false);
    expect(failed(results.slice(0, 1), "medium")).toBe(true);
    expect(summarise(results).violations).toEqual({ high: 1, medium: 1, low: 0 });
  });
});

describe("SARIF for GitHub code scanning", () => {
  const sarif = () => toSarif(results, { root: dir });

  test("is SARIF 2.1.0 with every rule described and its security severity", () => {
    const run = sarif().runs[0];
    expect(sarif().version).toBe("2.1.0");
    expect(run?.tool.driver.rules.find((r) => r.id === "CKV_AWS_16")).toMatchObject({
      defaultConfiguration: { level: "error" },
      properties: { "security-severity": "8.0" },
    });
  });

  test("points each finding at the resource's line in cdk.tf.json, with a stable fingerprint", () => {
    const result = sarif().runs[0]?.results.find((r) => r.ruleId === "CKV_AWS_66");
    const location = result?.locations[0]?.physicalLocation;
    expect(location?.artifactLocation.uri).toBe("stacks/dev/cdk.tf.json");
    expect(location?.region.startLine).toBeGreaterThan(1);
    expect(result?.partialFingerprints["platformPolicyFinding/v1"]).toMatch(/^[0-9a-f]{64}$/);
  });

  test("carries suppressions as in-source suppressions with their justification", () => {
    const suppressed = sarif().runs[0]?.results.find(
      (r) => r.properties.stack === "dev" && r.ruleId === "CKV_AWS_16",
    );
    expect(suppressed?.suppressions).toEqual([
      { kind: "inSource", justification: "restored from an unencrypted snapshot; migration in #42" },
    ]);
  });
});
