/**
 * The database module from HCL (issue 17): the example (in a network from the network module) plans
 * offline with the real provider, the policy rules pass on it, Multi-AZ and the allowed groups
 * follow `multi_az` and `allowed_security_group_ids`, deletion protection decides snapshots and
 * backups, and a wrong value fails the plan with the variable's own message.
 */
import { describe, expect, test } from "vitest";
import { RULES } from "../policy/rules/index.js";
import { exampleSuite, onlyPlanned, plannedOfType, policyOf } from "./example-plan.js";

const GROUPS = ["sg-0123456789abcdef0", "sg-0fedcba9876543210"];

const CASES = {
  default: {},
  multiAz: { multi_az: true, allowed_security_group_ids: GROUPS },
  unprotected: {
    deletion_protection: false,
    backup_retention_days: 1,
    parameters: [
      { name: "log_connections", value: "1" },
      { name: "shared_preload_libraries", value: "pg_stat_statements", apply_method: "pending-reboot" },
    ],
  },
  // Terraform reports every failing variable of a plan at once: one plan for three wrong values.
  wrongValues: {
    backup_retention_days: 40,
    instance_class: "m5.large",
    allowed_security_group_ids: ["sg-0123456789abcdef0", "sg-0123456789abcdef0"],
  },
  protectedShortBackups: { backup_retention_days: 3 },
  tlsOff: { parameters: [{ name: "rds.force_ssl", value: "0" }] },
} as const;

const { example, planOf } = exampleSuite("database", CASES);

/** The planned values of the only resource of `type` in the database module. */
const plannedValues = (name: keyof typeof CASES, type: string) => onlyPlanned(planOf(name), type, "database");

describe("database example plans offline", () => {
  test("terraform validate finds nothing to report", () => {
    expect(example().validation).toEqual([]);
  });

  test("with only the required variables (and the example's own), it plans", () => {
    expect(planOf("default").errors).toEqual([]);
    expect(planOf("default").ok).toBe(true);
  });

  test("the policy rules pass on the plans", () => {
    for (const name of ["default", "multiAz", "unprotected"] as const) {
      const violations = policyOf(planOf(name)).findings.filter((f) => f.status === "violation");
      expect(
        violations.map((f) => `${f.rule} ${f.address}: ${f.message}`),
        name,
      ).toEqual([]);
    }
  });

  test("the RDS rules (encryption, backups, deletion protection, IAM auth, log exports, …) pass on the instance: none is even unverified", () => {
    const rdsRules = RULES.filter((rule) => rule.resourceTypes.includes("aws_db_instance"));
    expect(rdsRules.length).toBeGreaterThanOrEqual(7);
    const resources = planOf("default").model?.resources ?? [];
    expect(resources.filter((r) => r.address.startsWith("module.database.aws_db_instance."))).toHaveLength(1);
    // Passing checks are not listed: any finding here would be a violation or an unverifiable value.
    const findings = policyOf(planOf("default")).findings.filter((f) =>
      f.address.startsWith("module.database."),
    );
    expect(findings.map((f) => `${f.rule} ${f.address}: ${f.status} ${f.message}`)).toEqual([]);
  });

  test("the defaults are the construct's: protected, encrypted, private, IAM auth, logs exported", () => {
    expect(plannedValues("default", "aws_db_instance")).toMatchObject({
      identifier: "payments-dev-db",
      engine: "postgres",
      engine_version: "16",
      instance_class: "db.t4g.micro",
      allocated_storage: 20,
      max_allocated_storage: 100,
      multi_az: false,
      storage_encrypted: true,
      publicly_accessible: false,
      iam_database_authentication_enabled: true,
      manage_master_user_password: true,
      deletion_protection: true,
      skip_final_snapshot: false,
      final_snapshot_identifier: "payments-dev-db-final",
      delete_automated_backups: false,
      apply_immediately: false,
      backup_retention_period: 7,
      performance_insights_retention_period: 7,
      enabled_cloudwatch_logs_exports: ["postgresql", "upgrade"],
      db_name: "app",
      username: "platform_admin",
      tags: { Name: "payments-dev-db", CostCenter: "payments" },
    });
  });

  test("the parameter group (postgres16) requires TLS and logs queries slower than a second", () => {
    const group = plannedValues("default", "aws_db_parameter_group");
    expect(group).toMatchObject({ name: "payments-dev-db-postgres16", family: "postgres16" });
    expect(group.parameter).toEqual(
      expect.arrayContaining([
        { name: "rds.force_ssl", value: "1", apply_method: "pending-reboot" },
        { name: "log_min_duration_statement", value: "1000", apply_method: "immediate" },
      ]),
    );
  });

  test("the log groups RDS exports to have a retention", () => {
    const groups = plannedOfType(planOf("default"), "aws_cloudwatch_log_group").filter((address) =>
      address.startsWith("module.database."),
    );
    expect(groups).toHaveLength(2);
  });
});

describe("shape follows the variables", () => {
  test("multi_az = true plans a Multi-AZ instance; the default does not", () => {
    expect(plannedValues("multiAz", "aws_db_instance").multi_az).toBe(true);
    expect(plannedValues("default", "aws_db_instance").multi_az).toBe(false);
  });

  test("no allowed group: no ingress rule at all; two groups: two rules on 5432, described", () => {
    const rules = (name: keyof typeof CASES) =>
      plannedOfType(planOf(name), "aws_vpc_security_group_ingress_rule").filter((address) =>
        address.startsWith("module.database."),
      );
    expect(rules("default")).toEqual([]);
    expect(rules("multiAz")).toHaveLength(2);
    const planned = (planOf("multiAz").plan?.resource_changes ?? []) as ReadonlyArray<{
      type: string;
      change?: { after?: Record<string, unknown> };
    }>;
    const ingress = planned
      .filter((rc) => rc.type === "aws_vpc_security_group_ingress_rule")
      .map((rc) => rc.change?.after ?? {});
    expect(ingress.map((rule) => rule.referenced_security_group_id).sort()).toEqual(GROUPS);
    for (const rule of ingress) {
      expect(rule).toMatchObject({
        ip_protocol: "tcp",
        from_port: 5432,
        to_port: 5432,
        description: "PostgreSQL clients to payments-dev-db",
      });
    }
  });

  test("deletion_protection = false: no final snapshot, backups go with the instance, changes apply at once", () => {
    const instance = plannedValues("unprotected", "aws_db_instance");
    expect(instance).toMatchObject({
      deletion_protection: false,
      skip_final_snapshot: true,
      delete_automated_backups: true,
      apply_immediately: true,
      backup_retention_period: 1,
    });
    expect(instance.final_snapshot_identifier ?? null).toBeNull();
  });

  test("parameters are added beside TLS and slow-query logging, apply_method immediate unless given", () => {
    expect(plannedValues("unprotected", "aws_db_parameter_group").parameter).toEqual(
      expect.arrayContaining([
        { name: "rds.force_ssl", value: "1", apply_method: "pending-reboot" },
        { name: "log_min_duration_statement", value: "1000", apply_method: "immediate" },
        { name: "log_connections", value: "1", apply_method: "immediate" },
        { name: "shared_preload_libraries", value: "pg_stat_statements", apply_method: "pending-reboot" },
      ]),
    );
  });
});

describe("a wrong value fails the plan naming the variable", () => {
  test.each([
    ["wrongValues", "backup_retention_days: must be a whole number from 1 to 35"],
    ["wrongValues", "instance_class: must be an RDS instance class such as db.t4g.micro"],
    ["wrongValues", "allowed_security_group_ids: lists a group twice"],
    ["protectedShortBackups", "backup_retention_days: is too short for a protected database"],
    ["tlsOff", "parameters: must not set rds.force_ssl or log_min_duration_statement"],
  ] as const)("%s: %s", (name, message) => {
    const result = planOf(name);
    expect(result.ok).toBe(false);
    expect(result.errors.join("\n")).toContain("Invalid value for variable");
    expect(result.errors.join("\n")).toContain(message);
  });
});
