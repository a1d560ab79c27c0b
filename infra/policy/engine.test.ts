import { describe, expect, test } from "vitest";
import { type FixtureResource, fixturePlan, fixtureSynth, ref } from "../plan/plan-fixture.js";
import { modelFromPlan } from "../plan/plan-model.js";
import { blocking, evaluate } from "./engine.js";
import { RULES } from "./rules/index.js";

const forever = (suppressions?: FixtureResource["suppressions"]): FixtureResource => ({
  address: "aws_cloudwatch_log_group.forever",
  values: { name: "/app/forever" },
  ...(suppressions ? { suppressions } : {}),
});
const run = (resources: FixtureResource[]) =>
  evaluate(modelFromPlan("dev", fixturePlan(resources), fixtureSynth(resources)));

describe("suppressions", () => {
  test("a suppression with a reason turns the violation into a suppressed finding and is listed", () => {
    const result = run([forever([{ rule: "CKV_AWS_66", reason: "audit trail, kept by law" }])]);
    expect(result.findings).toMatchObject([
      { rule: "CKV_AWS_66", status: "suppressed", reason: "audit trail, kept by law" },
    ]);
    expect(result.suppressions).toMatchObject([
      { rule: "CKV_AWS_66", address: "aws_cloudwatch_log_group.forever", used: true },
    ]);
    expect(result.errors).toEqual([]);
  });

  test("a suppression without a reason is an error and suppresses nothing", () => {
    const result = run([forever([{ rule: "CKV_AWS_66", reason: " " }])]);
    expect(result.errors).toEqual([
      "aws_cloudwatch_log_group.forever (fixture/forever): suppression of CKV_AWS_66 has no reason; say why the rule does not apply here",
    ]);
    expect(result.findings[0]?.status).toBe("violation");
  });

  test("a suppression naming an unknown rule is an error", () => {
    expect(run([forever([{ rule: "CKV_AWS_9999", reason: "typo" }])]).errors).toEqual([
      'aws_cloudwatch_log_group.forever (fixture/forever): suppression names unknown rule "CKV_AWS_9999"',
    ]);
  });

  test("any Checkov id a rule covers may name it (CKV_AWS_24 suppresses the open-ingress rule)", () => {
    const ssh: FixtureResource = {
      address: "aws_vpc_security_group_ingress_rule.ssh",
      values: {
        security_group_id: ref("aws_security_group.bastion.id"),
        ip_protocol: "tcp",
        from_port: 22,
        to_port: 22,
        cidr_ipv4: "0.0.0.0/0",
        description: "ssh",
      },
      suppressions: [{ rule: "CKV_AWS_24", reason: "break-glass bastion, removed after the incident" }],
    };
    expect(run([ssh]).findings).toMatchObject([{ rule: "CKV_AWS_277", status: "suppressed" }]);
  });

  test("a suppression nothing needed is reported as unused", () => {
    const kept = {
      ...forever([{ rule: "CKV_AWS_66", reason: "kept" }]),
      values: { name: "/app", retention_in_days: 7 },
    };
    expect(run([kept]).suppressions).toMatchObject([{ rule: "CKV_AWS_66", used: false }]);
  });
});

test("only unsuppressed violations at or above the threshold block", () => {
  const result = run([
    forever(),
    {
      address: "aws_db_instance.db",
      values: {
        storage_encrypted: false,
        iam_database_authentication_enabled: true,
        enabled_cloudwatch_logs_exports: ["postgresql"],
      },
    },
  ]);
  expect(blocking(result).map((f) => f.rule)).toEqual(["CKV_AWS_16"]);
  expect(
    blocking(result, "medium")
      .map((f) => f.rule)
      .sort(),
  ).toEqual(["CKV_AWS_16", "CKV_AWS_66"]);
});

test("rule ids are unique and no Checkov id maps to two rules", () => {
  const ids = RULES.map((r) => r.id);
  expect(new Set(ids).size).toBe(ids.length);
  const checkov = RULES.flatMap((r) => r.checkov);
  expect(new Set(checkov).size).toBe(checkov.length);
});
