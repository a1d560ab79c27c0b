import { Database } from "@aws-platform-kit/modules/database";
import { Network } from "@aws-platform-kit/modules/network";
import { expect } from "vitest";
import type { Capability } from "./capability.js";

const ID = "database-depth";

/**
 * A database with the opt-in parts of issue 19: enhanced monitoring, advanced Database Insights,
 * master secret rotation, provisioned gp3 IOPS and throughput, and backups replicated to another
 * region. (Read replicas and blue/green updates are not offered: RDS refuses both for instances
 * whose master password Secrets Manager manages, which `Database` always does.) No NAT.
 */
export const capability: Capability = {
  id: ID,
  title:
    "database: enhanced monitoring, Database Insights, secret rotation, gp3 IOPS and throughput, cross-region backup replication",
  build(scope, { naming, replicaRegion }) {
    const network = new Network(scope, "network", {
      naming,
      cidr: "10.92.0.0/16",
      availabilityZones: ["us-east-1a", "us-east-1b"],
      natMode: "none",
    });
    new Database(scope, "db", {
      naming,
      purpose: "cap-db",
      vpcId: network.vpcId,
      subnetIds: network.subnetIds("database"),
      deletionProtection: false,
      backupRetentionDays: 3,
      allocatedStorageGb: 400,
      iops: 12000,
      storageThroughputMiBps: 500,
      monitoringIntervalSeconds: 60,
      databaseInsightsMode: "advanced",
      performanceInsightsRetentionDays: 465,
      masterSecretRotationDays: 30,
      backupReplication: { provider: replicaRegion, retentionDays: 3 },
    });
  },
  check({ resourcesOf }) {
    const [primary] = resourcesOf("aws_db_instance", ID);
    expect(primary?.values).toMatchObject({
      identifier: "acme-cap-cap-db",
      monitoring_interval: 60,
      database_insights_mode: "advanced",
      performance_insights_retention_period: 465,
      iops: 12000,
      storage_throughput: 500,
      allocated_storage: 400,
    });

    // Enhanced monitoring: a role trusted by RDS monitoring for this one instance.
    const roles = resourcesOf("aws_iam_role", ID).filter((r) =>
      String(r.values.name).endsWith("-monitoring"),
    );
    expect(roles.map((r) => r.values.name)).toEqual(["acme-cap-cap-db-monitoring"]);
    const trust = JSON.parse(String(roles[0]?.values.assume_role_policy));
    expect(trust.Statement[0].Principal).toEqual({ Service: "monitoring.rds.amazonaws.com" });
    expect(trust.Statement[0].Condition.ArnLike["aws:SourceArn"]).toMatch(/:db:acme-cap-cap-db$/);
    expect(resourcesOf("aws_iam_role_policy_attachment", ID).map((a) => a.values.policy_arn)).toEqual([
      "arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole",
    ]);

    const [rotation] = resourcesOf("aws_secretsmanager_secret_rotation", ID);
    expect(rotation?.values.rotation_rules).toEqual([
      expect.objectContaining({ automatically_after_days: 30 }),
    ]);
    expect(rotation?.values.rotation_lambda_arn ?? null).toBeNull();

    // Backups copied to eu-west-1, encrypted there with a new rotated key.
    const [backups] = resourcesOf("aws_db_instance_automated_backups_replication", ID);
    expect(backups?.region).toBe("eu-west-1");
    expect(backups?.values.retention_period).toBe(3);
    const keys = resourcesOf("aws_kms_key", ID);
    expect(keys).toHaveLength(1);
    expect(keys[0]?.region).toBe("eu-west-1");
    expect(keys[0]?.values.enable_key_rotation).toBe(true);
  },
};
