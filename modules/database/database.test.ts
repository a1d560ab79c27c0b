import { IamRole } from "@cdktf/provider-aws/lib/iam-role/index.js";
import { TerraformVariable } from "cdktf";
import { describe, expect, test } from "vitest";
import { createSecurityGroup } from "../network/security-group.js";
import { policy, type Synthesised, synthesise, testNaming } from "../testing/synthesised.js";
import {
  Database,
  type DatabaseParameter,
  type DatabaseProps,
  defaultMaxAllocatedStorageGb,
} from "./database.js";
import { allowFromEach } from "./database-ref.js";

const trust = JSON.stringify({ Version: "2012-10-17", Statement: [] });
const network = { naming: testNaming, vpcId: "vpc-1", subnetIds: ["subnet-a", "subnet-b"] };
const key = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";

const defaults = synthesise((scope) => {
  new Database(scope, "db", network);
});

const allowed = synthesise((scope) => {
  const db = new Database(scope, "db", network);
  const service = createSecurityGroup(scope, "service", {
    naming: testNaming,
    purpose: "service",
    vpcId: "vpc-1",
    description: "service",
  });
  db.allowFrom(service);
  db.allowFrom(service); // the same group again adds nothing
  db.allowFrom({ id: "sg-0preview" }, { description: "preview service", egressOnSource: false });
  const role = new IamRole(scope, "task", { name: "task", assumeRolePolicy: trust });
  db.grantReadCredentials(role);
  db.grantConnect(role, "app_user");
});

const options = synthesise((scope) => {
  const db = new Database(scope, "db", {
    ...network,
    subnetIds: ["subnet-a", "subnet-b", "subnet-c"],
    purpose: "orders",
    engineVersion: "17.2",
    allowMajorVersionUpgrade: true,
    instanceClass: "db.m7g.large",
    allocatedStorageGb: 50,
    maxAllocatedStorageGb: 500,
    multiAz: true,
    backupRetentionDays: 1,
    deletionProtection: false,
    databaseName: "orders",
    masterUsername: "orders_admin",
    logRetentionDays: 90,
    slowQueryThresholdMs: 250,
    performanceInsightsRetentionDays: 31,
    kmsKeyArn: key,
    backupWindow: "03:00-04:00",
    maintenanceWindow: "sun:04:30-sun:05:30",
    parameters: [
      { name: "log_connections", value: "1" },
      { name: "shared_preload_libraries", value: "pg_stat_statements", applyMethod: "pending-reboot" },
    ],
  });
  db.grantReadCredentials(new IamRole(scope, "task", { name: "task", assumeRolePolicy: trust }));
});

const instanceOf = (s: Synthesised) => s.only("aws_db_instance");
const grantsTo = (s: Synthesised, name: string) =>
  s.list("aws_iam_role_policy").filter((p) => p.name === name);
const statementsOf = (s: Synthesised, name: string) => {
  const [grant] = grantsTo(s, name);
  if (!grant) throw new Error(`no policy ${name}`);
  return policy(grant.policy).Statement;
};
/** A Terraform expression as cdktf writes it into a string: `${expression}`. */
const tf = (expression: string) => `\${${expression}}`;
/** `${type.name.attr}` of the only resource of `type`: how another resource refers to it. */
const ref = (s: Synthesised, type: string, attr: string) => {
  const names = Object.keys(s.resources(type));
  if (names.length !== 1) throw new Error(`expected one ${type}`);
  return `\${${type}.${names[0]}.${attr}}`;
};
const buildWith = (props: Partial<DatabaseProps>) => () =>
  synthesise((scope) => {
    new Database(scope, "db", { ...network, ...props });
  });

describe("secure defaults", () => {
  test("the database is not publicly accessible and its storage is encrypted", () => {
    expect(instanceOf(defaults)).toMatchObject({ publicly_accessible: false, storage_encrypted: true });
  });

  test("PostgreSQL 16 on db.t4g.micro, named <project>-<env>-db, with database app", () => {
    expect(instanceOf(defaults)).toMatchObject({
      identifier: "acme-test-db",
      engine: "postgres",
      engine_version: "16",
      instance_class: "db.t4g.micro",
      db_name: "app",
      port: 5432,
      tags: { Name: "acme-test-db" },
    });
  });

  test("the master password is generated and kept by RDS in Secrets Manager, never in config", () => {
    const instance = instanceOf(defaults);
    expect(instance.manage_master_user_password).toBe(true);
    expect(instance.password).toBeUndefined();
    expect(instance.password_wo).toBeUndefined();
    expect(instance.username).toBe("platform_admin");
  });

  test("gp3 storage, 20 GiB, autoscaling up to 100 GiB", () => {
    expect(instanceOf(defaults)).toMatchObject({
      storage_type: "gp3",
      allocated_storage: 20,
      max_allocated_storage: 100,
    });
  });

  test("protected by default: deletion protection, a final snapshot, backups kept, changes in the window", () => {
    expect(instanceOf(defaults)).toMatchObject({
      deletion_protection: true,
      skip_final_snapshot: false,
      final_snapshot_identifier: "acme-test-db-final",
      delete_automated_backups: false,
      apply_immediately: false,
      backup_retention_period: 7,
      copy_tags_to_snapshot: true,
    });
  });

  test("single-AZ, minor versions upgraded automatically, major upgrades refused", () => {
    expect(instanceOf(defaults)).toMatchObject({
      multi_az: false,
      auto_minor_version_upgrade: true,
      allow_major_version_upgrade: false,
    });
  });

  test("IAM database authentication and Performance Insights (7 days, free) are on", () => {
    expect(instanceOf(defaults)).toMatchObject({
      iam_database_authentication_enabled: true,
      performance_insights_enabled: true,
      performance_insights_retention_period: 7,
    });
  });

  test("the postgresql and upgrade logs go to log groups created first, with a 30-day retention", () => {
    const instance = instanceOf(defaults);
    expect(instance.enabled_cloudwatch_logs_exports).toEqual(["postgresql", "upgrade"]);
    const groups = defaults.resources("aws_cloudwatch_log_group");
    expect(Object.values(groups).map((g) => [g.name, g.retention_in_days])).toEqual([
      ["/aws/rds/instance/acme-test-db/postgresql", 30],
      ["/aws/rds/instance/acme-test-db/upgrade", 30],
    ]);
    expect(instance.depends_on).toEqual(
      Object.keys(groups).map((name) => `aws_cloudwatch_log_group.${name}`),
    );
  });

  test("it sits in a subnet group of the given subnets and in its own security group", () => {
    const instance = instanceOf(defaults);
    expect(defaults.only("aws_db_subnet_group")).toMatchObject({
      name: "acme-test-db",
      subnet_ids: ["subnet-a", "subnet-b"],
    });
    expect(instance.db_subnet_group_name).toBe(ref(defaults, "aws_db_subnet_group", "name"));
    expect(instance.vpc_security_group_ids).toEqual([ref(defaults, "aws_security_group", "id")]);
    expect(defaults.only("aws_security_group")).toMatchObject({ name: "acme-test-db", vpc_id: "vpc-1" });
  });

  test("no rule lets anything reach the database until allowFrom is called", () => {
    expect(defaults.list("aws_vpc_security_group_ingress_rule")).toEqual([]);
    expect(defaults.list("aws_vpc_security_group_egress_rule")).toEqual([]);
    const group = defaults.only("aws_security_group");
    expect(group.ingress).toBeUndefined();
    expect(group.egress).toBeUndefined();
  });

  test("the parameter group (postgres16) requires TLS and logs queries slower than a second", () => {
    const group = defaults.only("aws_db_parameter_group");
    expect(group).toMatchObject({ name: "acme-test-db-postgres16", family: "postgres16" });
    expect(group.parameter).toEqual([
      { name: "rds.force_ssl", value: "1", apply_method: "pending-reboot" },
      { name: "log_min_duration_statement", value: "1000", apply_method: "immediate" },
    ]);
    expect(group.lifecycle).toEqual({ create_before_destroy: true });
    expect(instanceOf(defaults).parameter_group_name).toBe(ref(defaults, "aws_db_parameter_group", "name"));
  });

  test("AWS-managed keys unless a key is given", () => {
    const instance = instanceOf(defaults);
    expect(instance.kms_key_id).toBeUndefined();
    expect(instance.master_user_secret_kms_key_id).toBeUndefined();
    expect(instance.performance_insights_kms_key_id).toBeUndefined();
  });
});

describe("allowFrom", () => {
  const ingress = () => allowed.list("aws_vpc_security_group_ingress_rule");
  const egress = () => allowed.list("aws_vpc_security_group_egress_rule");

  test("writes ingress on 5432 into the database's group from the source, described", () => {
    expect(ingress()).toContainEqual(
      expect.objectContaining({
        security_group_id: expect.stringMatching(/^\$\{aws_security_group\.db_security-group_[\w-]+\.id\}$/),
        referenced_security_group_id: expect.stringMatching(/^\$\{aws_security_group\.service\.id\}$/),
        ip_protocol: "tcp",
        from_port: 5432,
        to_port: 5432,
        description: "PostgreSQL clients to acme-test-db",
      }),
    );
  });

  test("writes the matching egress on the source group", () => {
    expect(egress()).toEqual([
      expect.objectContaining({
        security_group_id: expect.stringMatching(/^\$\{aws_security_group\.service\.id\}$/),
        referenced_security_group_id: expect.stringMatching(
          /^\$\{aws_security_group\.db_security-group_[\w-]+\.id\}$/,
        ),
        from_port: 5432,
        to_port: 5432,
      }),
    ]);
  });

  test("allowing the same group twice writes its rule once", () => {
    const fromService = ingress().filter((r) => String(r.referenced_security_group_id).includes("service"));
    expect(fromService).toHaveLength(1);
  });

  test("a group of another stack gets ingress only, with the given description", () => {
    const fromPreview = ingress().filter((r) => r.referenced_security_group_id === "sg-0preview");
    expect(fromPreview).toEqual([
      expect.objectContaining({ from_port: 5432, description: "preview service" }),
    ]);
    expect(egress().filter((r) => r.security_group_id === "sg-0preview")).toEqual([]);
  });
});

describe("grants", () => {
  test("grantReadCredentials: GetSecretValue and DescribeSecret on exactly the master secret", () => {
    expect(statementsOf(allowed, "rds-db-read-credentials")).toEqual([
      {
        Sid: "ReadMasterSecret",
        Effect: "Allow",
        Action: ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
        Resource: expect.stringMatching(
          /^\$\{aws_db_instance\.[\w-]+\.master_user_secret\[0\]\.secret_arn\}$/,
        ),
      },
    ]);
  });

  test("grantConnect: rds-db:connect for that one user of this instance", () => {
    expect(statementsOf(allowed, "rds-db-connect-app_user")).toEqual([
      {
        Sid: "ConnectWithIam",
        Effect: "Allow",
        Action: "rds-db:connect",
        Resource: expect.stringMatching(
          /^arn:aws:rds-db:us-east-1:123456789012:dbuser:\$\{aws_db_instance\.[\w-]+\.resource_id\}\/app_user$/,
        ),
      },
    ]);
  });

  test("grants go to the role they were given", () => {
    for (const name of ["rds-db-read-credentials", "rds-db-connect-app_user"]) {
      expect(grantsTo(allowed, name)[0]?.role).toMatch(/^\$\{aws_iam_role\.task\.name\}$/);
    }
  });

  test("with a KMS key, reading the credentials may decrypt with that key through Secrets Manager only", () => {
    expect(statementsOf(options, "rds-orders-read-credentials")).toContainEqual({
      Sid: "DecryptMasterSecret",
      Effect: "Allow",
      Action: "kms:Decrypt",
      Resource: key,
      Condition: { StringEquals: { "kms:ViaService": "secretsmanager.us-east-1.amazonaws.com" } },
    });
  });

  test("grantConnect refuses a wildcard or malformed user", () => {
    expect(() =>
      synthesise((scope) => {
        const db = new Database(scope, "db", network);
        db.grantConnect(new IamRole(scope, "r", { name: "r", assumeRolePolicy: trust }), "*");
      }),
    ).toThrow("database.grantConnect");
  });
});

describe("options", () => {
  test("engine version and the parameter group family follow engineVersion", () => {
    expect(instanceOf(options)).toMatchObject({ engine_version: "17.2", allow_major_version_upgrade: true });
    expect(options.only("aws_db_parameter_group")).toMatchObject({
      name: "acme-test-orders-postgres17",
      family: "postgres17",
    });
  });

  test("purpose names the instance, groups and log groups", () => {
    expect(instanceOf(options).identifier).toBe("acme-test-orders");
    expect(options.only("aws_db_subnet_group").name).toBe("acme-test-orders");
    expect(options.only("aws_security_group").name).toBe("acme-test-orders");
    expect(options.list("aws_cloudwatch_log_group").map((g) => g.name)).toEqual([
      "/aws/rds/instance/acme-test-orders/postgresql",
      "/aws/rds/instance/acme-test-orders/upgrade",
    ]);
  });

  test("instance class, storage, Multi-AZ, database and master user names are as given", () => {
    expect(instanceOf(options)).toMatchObject({
      instance_class: "db.m7g.large",
      allocated_storage: 50,
      max_allocated_storage: 500,
      multi_az: true,
      db_name: "orders",
      username: "orders_admin",
    });
    expect(options.only("aws_db_subnet_group").subnet_ids).toEqual(["subnet-a", "subnet-b", "subnet-c"]);
  });

  test("unprotected: no deletion protection, no final snapshot, backups go with it, changes apply at once", () => {
    const instance = instanceOf(options);
    expect(instance).toMatchObject({
      deletion_protection: false,
      skip_final_snapshot: true,
      delete_automated_backups: true,
      apply_immediately: true,
      backup_retention_period: 1,
    });
    expect(instance.final_snapshot_identifier).toBeUndefined();
  });

  test("log retention, slow-query threshold and Performance Insights retention are as given", () => {
    for (const group of options.list("aws_cloudwatch_log_group")) expect(group.retention_in_days).toBe(90);
    expect(options.only("aws_db_parameter_group").parameter).toContainEqual({
      name: "log_min_duration_statement",
      value: "250",
      apply_method: "immediate",
    });
    expect(instanceOf(options).performance_insights_retention_period).toBe(31);
  });

  test("a KMS key encrypts storage, Performance Insights and the master secret", () => {
    expect(instanceOf(options)).toMatchObject({
      kms_key_id: key,
      performance_insights_kms_key_id: key,
      master_user_secret_kms_key_id: key,
    });
  });

  test("backup and maintenance windows are as given", () => {
    expect(instanceOf(options)).toMatchObject({
      backup_window: "03:00-04:00",
      maintenance_window: "sun:04:30-sun:05:30",
    });
  });

  test("extra parameters are added beside TLS and slow-query logging, with their apply method", () => {
    expect(options.only("aws_db_parameter_group").parameter).toEqual(
      expect.arrayContaining([
        { name: "rds.force_ssl", value: "1", apply_method: "pending-reboot" },
        { name: "log_connections", value: "1", apply_method: "immediate" },
        { name: "shared_preload_libraries", value: "pg_stat_statements", apply_method: "pending-reboot" },
      ]),
    );
  });

  test("max storage equal to allocated storage turns autoscaling off", () => {
    const s = buildWith({ allocatedStorageGb: 50, maxAllocatedStorageGb: 50 })();
    expect(instanceOf(s).max_allocated_storage).toBeUndefined();
  });

  test("without a ceiling, storage may grow to twice a large initial size", () => {
    const s = buildWith({ allocatedStorageGb: 200 })();
    expect(instanceOf(s).max_allocated_storage).toBe(400);
  });
});

describe("invalid props fail at synth, naming the field", () => {
  test.each<[string, Partial<DatabaseProps>, string]>([
    [
      "a major version older than 16",
      { engineVersion: "15" },
      'database.engineVersion: "15" must be PostgreSQL 16 or newer',
    ],
    ["a version that is not one", { engineVersion: "latest" }, "database.engineVersion:"],
    ["an instance class that is not one", { instanceClass: "t4g.micro" }, "database.instanceClass:"],
    ["one subnet", { subnetIds: ["subnet-a"] }, "database.subnetIds: 1 given"],
    ["a subnet twice", { subnetIds: ["subnet-a", "subnet-a"] }, "database.subnetIds:"],
    ["less than gp3's 20 GiB", { allocatedStorageGb: 10 }, "database.allocatedStorageGb:"],
    [
      "a ceiling below the allocated storage",
      { allocatedStorageGb: 100, maxAllocatedStorageGb: 50 },
      "database.maxAllocatedStorageGb:",
    ],
    ["zero days of backups", { backupRetentionDays: 0 }, "database.backupRetentionDays:"],
    ["more than 35 days of backups", { backupRetentionDays: 36 }, "database.backupRetentionDays:"],
    [
      "fewer than 7 days of backups on a protected database",
      { backupRetentionDays: 3 },
      "database.backupRetentionDays: 3 is too short for a protected database",
    ],
    ["a reserved master user", { masterUsername: "postgres" }, "database.masterUsername:"],
    ["an upper-case database name", { databaseName: "App" }, "database.databaseName:"],
    ["a log retention CloudWatch refuses", { logRetentionDays: 10 }, "database.logRetentionDays:"],
    ["a negative slow-query threshold", { slowQueryThresholdMs: -1 }, "database.slowQueryThresholdMs:"],
    [
      "a Performance Insights retention RDS refuses",
      { performanceInsightsRetentionDays: 30 },
      "database.performanceInsightsRetentionDays:",
    ],
    ["a KMS alias instead of a key ARN", { kmsKeyArn: "alias/rds" }, "database.kmsKeyArn:"],
    ["a malformed backup window", { backupWindow: "3am" }, "database.backupWindow:"],
    ["a malformed maintenance window", { maintenanceWindow: "sunday" }, "database.maintenanceWindow:"],
    [
      "turning TLS off through parameters",
      { parameters: [{ name: "rds.force_ssl", value: "0" }] },
      "database.parameters: rds.force_ssl given; must not set rds.force_ssl",
    ],
  ])("%s", (_, props, message) => {
    expect(buildWith(props)).toThrow(message);
  });
});

describe("props known only at plan (a Terraform module's variables)", () => {
  // Every prop a variable, as modules/hcl/database.ts passes them: nothing can be checked at synth
  // (the variables' validation blocks check the same rules), and what the props decide is written
  // as Terraform expressions.
  const atPlan = synthesise((scope) => {
    const variable = (name: string, type: string) => new TerraformVariable(scope, name, { type });
    const db = new Database(scope, "db", {
      naming: testNaming,
      vpcId: variable("vpc_id", "string").stringValue,
      subnetIds: variable("subnet_ids", "list(string)").listValue,
      engineVersion: variable("engine_version", "string").stringValue,
      instanceClass: variable("instance_class", "string").stringValue,
      allocatedStorageGb: variable("allocated", "number").numberValue,
      maxAllocatedStorageGb: variable("max", "number").numberValue,
      multiAz: variable("multi_az", "bool").booleanValue as unknown as boolean,
      backupRetentionDays: variable("backups", "number").numberValue,
      deletionProtection: variable("protect", "bool").booleanValue as unknown as boolean,
      databaseName: variable("database_name", "string").stringValue,
      masterUsername: variable("master_username", "string").stringValue,
      logRetentionDays: variable("log_days", "number").numberValue,
      slowQueryThresholdMs: variable("slow_ms", "number").numberValue,
      performanceInsightsRetentionDays: variable("pi_days", "number").numberValue,
      kmsKeyArn: variable("kms", "string").stringValue,
      backupWindow: variable("backup_window", "string").stringValue,
      maintenanceWindow: variable("maintenance_window", "string").stringValue,
      parameters: variable(
        "parameters",
        "list(object({ name = string, value = string, apply_method = string }))",
      ).value as DatabaseParameter[],
    });
    allowFromEach(db, "allow-from", db, variable("allowed", "list(string)").listValue);
  });

  test("the settings are the variables", () => {
    expect(instanceOf(atPlan)).toMatchObject({
      engine_version: tf("var.engine_version"),
      instance_class: tf("var.instance_class"),
      allocated_storage: tf("var.allocated"),
      multi_az: tf("var.multi_az"),
      backup_retention_period: tf("var.backups"),
      db_name: tf("var.database_name"),
      username: tf("var.master_username"),
      performance_insights_retention_period: tf("var.pi_days"),
      kms_key_id: tf("var.kms"),
      master_user_secret_kms_key_id: tf("var.kms"),
      backup_window: tf("var.backup_window"),
      maintenance_window: tf("var.maintenance_window"),
      // The secure settings no prop decides stay literal.
      storage_encrypted: true,
      publicly_accessible: false,
      iam_database_authentication_enabled: true,
    });
    expect(atPlan.only("aws_db_subnet_group").subnet_ids).toBe(tf("var.subnet_ids"));
    for (const group of atPlan.list("aws_cloudwatch_log_group")) {
      expect(group.retention_in_days).toBe(tf("var.log_days"));
    }
  });

  test("deletion protection decides snapshots, backups and when changes apply, in Terraform", () => {
    expect(instanceOf(atPlan)).toMatchObject({
      deletion_protection: tf("var.protect"),
      skip_final_snapshot: tf("!var.protect"),
      delete_automated_backups: tf("!var.protect"),
      apply_immediately: tf("!var.protect"),
      final_snapshot_identifier: tf('var.protect ? "acme-test-db-final" : null'),
    });
  });

  test("storage autoscaling is on only when the ceiling is above the initial storage", () => {
    expect(instanceOf(atPlan).max_allocated_storage).toBe(tf("(var.max > var.allocated) ? var.max : null"));
  });

  test("the parameter group family and name follow the major version of engine_version", () => {
    const major = tf('element(split(".", var.engine_version), 0)');
    expect(atPlan.only("aws_db_parameter_group")).toMatchObject({
      family: `postgres${major}`,
      name: `acme-test-db-postgres${major}`,
    });
  });

  test("TLS and slow-query logging come first, then the given parameters, as one dynamic block", () => {
    const group = atPlan.only("aws_db_parameter_group");
    expect(group.parameter).toBeUndefined();
    expect(group.dynamic).toEqual({
      parameter: {
        for_each: tf(
          'toset(concat([{"name" = "rds.force_ssl", "value" = "1", "apply_method" = "pending-reboot"}, {"name" = "log_min_duration_statement", "value" = tostring(var.slow_ms), "apply_method" = "immediate"}], var.parameters))',
        ),
        iterator: "each",
        content: {
          name: tf("each.value.name"),
          value: tf("each.value.value"),
          apply_method: tf("each.value.apply_method"),
        },
      },
    });
  });

  test("allowFromEach: one ingress rule per group, keyed by position, on 5432, described as allowFrom's", () => {
    const rule = atPlan.only("aws_vpc_security_group_ingress_rule");
    expect(rule).toMatchObject({
      for_each: tf("zipmap(range(0, length(var.allowed), 1), var.allowed)"),
      referenced_security_group_id: tf("each.value"),
      security_group_id: ref(atPlan, "aws_security_group", "id"),
      ip_protocol: "tcp",
      from_port: 5432,
      to_port: 5432,
      description: "PostgreSQL clients to acme-test-db",
    });
    expect(atPlan.list("aws_vpc_security_group_egress_rule")).toEqual([]);
  });
});

describe("defaultMaxAllocatedStorageGb", () => {
  test("100 GiB, or twice the initial storage when that is more, at most 65536", () => {
    expect([20, 50, 200, 40000].map(defaultMaxAllocatedStorageGb)).toEqual([100, 100, 400, 65536]);
  });
});

describe("restore", () => {
  const source = "acme-test-db";
  const fromSnapshot = synthesise((scope) => {
    new Database(scope, "db", {
      ...network,
      purpose: "db-r1",
      restore: { snapshotIdentifier: "rds:acme-test-db-2026-12-06-03-10" },
    });
  });
  const toPointInTime = synthesise((scope) => {
    new Database(scope, "db", {
      ...network,
      purpose: "db-r2",
      kmsKeyArn: key,
      restore: { pointInTime: { sourceDbInstanceIdentifier: source, restoreTime: "2026-12-06T09:30:00Z" } },
    });
  });
  const toLatest = synthesise((scope) => {
    new Database(scope, "db", {
      ...network,
      purpose: "db-r3",
      restore: {
        pointInTime: { sourceDbiResourceId: "db-ABCDEFGHIJ0123456789", useLatestRestorableTime: true },
      },
    });
  });

  test("from a snapshot: snapshot_identifier, and the database and master user names come from it", () => {
    const instance = instanceOf(fromSnapshot);
    expect(instance).toMatchObject({
      identifier: "acme-test-db-r1",
      snapshot_identifier: "rds:acme-test-db-2026-12-06-03-10",
      manage_master_user_password: true,
      storage_encrypted: true,
      deletion_protection: true,
    });
    expect(instance).not.toHaveProperty("username");
    expect(instance).not.toHaveProperty("db_name");
    expect(instance).not.toHaveProperty("restore_to_point_in_time");
  });

  test("to a point in time: restore_to_point_in_time with the source and the time; the key of the source's storage is kept", () => {
    const instance = instanceOf(toPointInTime);
    expect(instance.restore_to_point_in_time).toEqual({
      source_db_instance_identifier: source,
      restore_time: "2026-12-06T09:30:00Z",
    });
    expect(instance).not.toHaveProperty("snapshot_identifier");
    expect(instance).not.toHaveProperty("kms_key_id");
    expect(instance.performance_insights_kms_key_id).toBe(key);
  });

  test("to the latest restorable time of a source given by resource id", () => {
    expect(instanceOf(toLatest).restore_to_point_in_time).toEqual({
      source_dbi_resource_id: "db-ABCDEFGHIJ0123456789",
      use_latest_restorable_time: true,
    });
  });

  test("a later change to restore never replaces the instance: both attributes are ignored after creation", () => {
    for (const s of [defaults, fromSnapshot, toPointInTime]) {
      expect(instanceOf(s).lifecycle).toEqual({
        ignore_changes: ["snapshot_identifier", "restore_to_point_in_time"],
      });
    }
  });

  test("without restore: a new empty database, as before", () => {
    const instance = instanceOf(defaults);
    expect(instance).toMatchObject({ username: "platform_admin", db_name: "app" });
    expect(instance).not.toHaveProperty("snapshot_identifier");
    expect(instance).not.toHaveProperty("restore_to_point_in_time");
  });

  test.each<[string, DatabaseProps["restore"], string]>([
    [
      "both a snapshot and a point in time",
      {
        snapshotIdentifier: "snap-1",
        pointInTime: { sourceDbInstanceIdentifier: source, useLatestRestorableTime: true },
      } as never,
      "database.restore: give exactly one of snapshotIdentifier and pointInTime",
    ],
    [
      "a malformed snapshot identifier",
      { snapshotIdentifier: "1 bad" },
      "database.restore.snapshotIdentifier:",
    ],
    [
      "a time and the latest time",
      {
        pointInTime: {
          sourceDbInstanceIdentifier: source,
          restoreTime: "2026-12-06T09:30:00Z",
          useLatestRestorableTime: true,
        },
      },
      "database.restore.pointInTime: give exactly one of restoreTime and useLatestRestorableTime",
    ],
    [
      "neither a time nor the latest",
      { pointInTime: { sourceDbInstanceIdentifier: source } },
      "database.restore.pointInTime: give exactly one of restoreTime",
    ],
    [
      "no source",
      { pointInTime: { useLatestRestorableTime: true } },
      "database.restore.pointInTime: give exactly one of sourceDbInstanceIdentifier and sourceDbiResourceId",
    ],
    [
      "a local time without a zone",
      { pointInTime: { sourceDbInstanceIdentifier: source, restoreTime: "2026-12-06 09:30" } },
      'database.restore.pointInTime.restoreTime: "2026-12-06 09:30" must be an ISO 8601 time in UTC',
    ],
    [
      "a day that does not exist",
      { pointInTime: { sourceDbInstanceIdentifier: source, restoreTime: "2026-02-30T09:30:00Z" } },
      "database.restore.pointInTime.restoreTime:",
    ],
    [
      "a restore into its own source",
      { pointInTime: { sourceDbInstanceIdentifier: source, useLatestRestorableTime: true } },
      'database.restore.pointInTime.sourceDbInstanceIdentifier: "acme-test-db" is this instance\'s own identifier',
    ],
  ])("refuses %s", (_, restore, message) => {
    expect(buildWith({ restore })).toThrow(message);
  });
});
