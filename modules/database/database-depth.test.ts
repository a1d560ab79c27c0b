import { AwsProvider } from "@cdktf/provider-aws/lib/provider/index.js";
import type { Construct } from "constructs";
import { describe, expect, test } from "vitest";
import { policy, synthesise, testNaming } from "../testing/synthesised.js";
import { Database, type DatabaseProps } from "./database.js";

const network = { naming: testNaming, vpcId: "vpc-1", subnetIds: ["subnet-a", "subnet-b"] };
const euKey = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const usKey = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const tf = (expression: string) => `\${${expression}}`;
const euProvider = (scope: Construct) => new AwsProvider(scope, "eu", { region: "eu-west-1", alias: "eu" });

// Read replicas and blue/green updates (which need a write-only master password): read-replica.test.ts
// and master-password.test.ts.

describe("defaults stay as they were", () => {
  const s = synthesise((scope) => {
    new Database(scope, "db", network);
  });
  test("no monitoring, no Database Insights mode, no IOPS, no rotation schedule, no backup copies", () => {
    const db = s.only("aws_db_instance");
    for (const key of [
      "monitoring_interval",
      "monitoring_role_arn",
      "database_insights_mode",
      "iops",
      "storage_throughput",
    ]) {
      expect(db).not.toHaveProperty(key);
    }
    expect(s.list("aws_iam_role")).toEqual([]);
    expect(s.list("aws_secretsmanager_secret_rotation")).toEqual([]);
    expect(s.list("aws_db_instance_automated_backups_replication")).toEqual([]);
    expect(s.list("aws_kms_key")).toEqual([]);
  });
});

describe("enhanced monitoring, Database Insights, secret rotation, gp3 performance", () => {
  const s = synthesise((scope) => {
    new Database(scope, "db", {
      ...network,
      allocatedStorageGb: 500,
      iops: 15000,
      storageThroughputMiBps: 750,
      monitoringIntervalSeconds: 15,
      monitoringRolePermissionsBoundaryArn: "arn:aws:iam::123456789012:policy/boundary",
      databaseInsightsMode: "advanced",
      performanceInsightsRetentionDays: 465,
      masterSecretRotationDays: 30,
    });
  });

  test("the instance reports OS metrics every 15 s through its own role", () => {
    const db = s.only("aws_db_instance");
    expect(db.monitoring_interval).toBe(15);
    expect(db.monitoring_role_arn).toMatch(/^\$\{aws_iam_role\.db_monitoring-role_[A-Z0-9]+\.arn\}$/);
  });

  test("the role is trusted by RDS monitoring for this account and this instance only, under the boundary", () => {
    const role = s.only("aws_iam_role");
    expect(role.name).toBe("acme-test-db-monitoring");
    expect(role.permissions_boundary).toBe("arn:aws:iam::123456789012:policy/boundary");
    const [statement] = policy(role.assume_role_policy).Statement;
    expect(statement).toEqual({
      Effect: "Allow",
      Principal: { Service: "monitoring.rds.amazonaws.com" },
      Action: "sts:AssumeRole",
      Condition: {
        StringEquals: { "aws:SourceAccount": "123456789012" },
        ArnLike: { "aws:SourceArn": "arn:aws:rds:us-east-1:123456789012:db:acme-test-db" },
      },
    });
    expect(s.only("aws_iam_role_policy_attachment").policy_arn).toBe(
      "arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole",
    );
    expect(s.list("aws_iam_role_policy")).toEqual([]);
  });

  test("advanced Database Insights, with 15 months of Performance Insights", () => {
    const db = s.only("aws_db_instance");
    expect(db.database_insights_mode).toBe("advanced");
    expect(db.performance_insights_retention_period).toBe(465);
  });

  test("provisioned gp3 IOPS and throughput", () => {
    const db = s.only("aws_db_instance");
    expect([db.storage_type, db.iops, db.storage_throughput]).toEqual(["gp3", 15000, 750]);
  });

  test("the RDS-managed master secret rotates every 30 days, by RDS (no Lambda), not at once", () => {
    const rotation = s.only("aws_secretsmanager_secret_rotation");
    expect(rotation.secret_id).toMatch(/master_user_secret\[0\]\.secret_arn\}$/);
    expect(rotation.rotation_rules).toEqual({ automatically_after_days: 30 });
    expect(rotation.rotate_immediately).toBe(false);
    expect(rotation).not.toHaveProperty("rotation_lambda_arn");
  });
});

describe("cross-region backup replication", () => {
  test("copies to the provider's region, encrypted with a new rotated key there, kept as the source's", () => {
    const s = synthesise((scope) => {
      new Database(scope, "db", {
        ...network,
        backupRetentionDays: 14,
        backupReplication: { provider: euProvider(scope) },
      });
    });
    const replication = s.only("aws_db_instance_automated_backups_replication");
    expect(replication.provider).toBe("aws.eu");
    expect(replication.retention_period).toBe(14);
    expect(replication.source_db_instance_arn).toMatch(/^\$\{aws_db_instance\.db_instance_[A-Z0-9]+\.arn\}$/);
    const key = s.only("aws_kms_key");
    expect(key.provider).toBe("aws.eu");
    expect(key.enable_key_rotation).toBe(true);
    expect(replication.kms_key_id).toBe(tf(`aws_kms_key.${Object.keys(s.resources("aws_kms_key"))[0]}.arn`));
    const statements = policy(key.policy).Statement;
    const use = statements.find((st) => st.Sid === "UseThroughRds");
    expect(use?.Condition).toEqual({
      StringEquals: { "kms:CallerAccount": "123456789012", "kms:ViaService": "rds.eu-west-1.amazonaws.com" },
    });
    expect(use?.Principal).toEqual({ AWS: "arn:aws:iam::123456789012:root" });
    expect(s.only("aws_kms_alias").name).toBe("alias/acme-test-db-backups-eu-west-1");
  });

  test("with a key given, uses it and creates none", () => {
    const s = synthesise((scope) => {
      new Database(scope, "db", {
        ...network,
        backupReplication: { provider: euProvider(scope), kmsKeyArn: euKey, retentionDays: 3 },
      });
    });
    expect(s.only("aws_db_instance_automated_backups_replication")).toMatchObject({
      kms_key_id: euKey,
      retention_period: 3,
    });
    expect(s.list("aws_kms_key")).toEqual([]);
  });
});

describe("invalid props fail at synth, naming the field", () => {
  const buildWith = (props: Partial<DatabaseProps>) => () =>
    synthesise((scope) => {
      new Database(scope, "db", { ...network, ...props });
    });
  test.each<[string, Partial<DatabaseProps>, string]>([
    [
      "a monitoring interval RDS does not offer",
      { monitoringIntervalSeconds: 2 as 1 },
      "database.monitoringIntervalSeconds: 2 must be 0 (off)",
    ],
    [
      "an unknown insights mode",
      { databaseInsightsMode: "full" as "advanced" },
      'database.databaseInsightsMode: "full" must be one of',
    ],
    [
      "advanced insights with 7 days of history",
      { databaseInsightsMode: "advanced" },
      'database.databaseInsightsMode: "advanced" needs performanceInsightsRetentionDays of at least 465 (15 months); it is 7',
    ],
    [
      "a boundary that is not a policy ARN",
      { monitoringIntervalSeconds: 60, monitoringRolePermissionsBoundaryArn: "boundary" },
      "database.monitoringRolePermissionsBoundaryArn",
    ],
    [
      "IOPS on a volume below 400 GiB",
      { allocatedStorageGb: 100, iops: 12000 },
      "database.iops: 12000 given with allocatedStorageGb 100; iops can be set only with allocatedStorageGb of at least 400",
    ],
    [
      "throughput below 400 GiB",
      { storageThroughputMiBps: 500 },
      "database.storageThroughputMiBps: 500 given with allocatedStorageGb 20",
    ],
    [
      "IOPS below the provisioned range",
      { allocatedStorageGb: 400, iops: 3000 },
      "database.iops: 3000 must be a whole number from 12000 to 64000",
    ],
    [
      "throughput above the range",
      { allocatedStorageGb: 400, storageThroughputMiBps: 5000 },
      "database.storageThroughputMiBps: 5000 must be a whole number from 500 to 4000",
    ],
    ["a rotation of 0 days", { masterSecretRotationDays: 0 }, "database.masterSecretRotationDays: 0"],
    [
      "a rotation of 1001 days",
      { masterSecretRotationDays: 1001 },
      "database.masterSecretRotationDays: 1001",
    ],
  ])("%s", (_name, props, message) => {
    expect(buildWith(props)).toThrow(message);
  });

  test("backup replication into the database's own region", () => {
    expect(() =>
      synthesise((scope) => {
        const same = new AwsProvider(scope, "same", { region: "us-east-1", alias: "same" });
        new Database(scope, "db", { ...network, backupReplication: { provider: same } });
      }),
    ).toThrow("database.backupReplication.provider: is in us-east-1, the database's own region");
  });

  test("a backup key of another region", () => {
    expect(() =>
      synthesise((scope) => {
        new Database(scope, "db", {
          ...network,
          backupReplication: { provider: euProvider(scope), kmsKeyArn: usKey },
        });
      }),
    ).toThrow("database.backupReplication.kmsKeyArn");
  });
});
