import { Database } from "@aws-platform-kit/modules/database";
import { Naming } from "@aws-platform-kit/modules/naming";
import { Network } from "@aws-platform-kit/modules/network";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group/index.js";
import { TerraformResource } from "cdktf";
import { Construct } from "constructs";
import { expect } from "vitest";
import type { Capability } from "./capability.js";

const ID = "database-depth";
/** The variable the database's write-only master password comes from (`<purpose>_master_password`). */
const PASSWORD_VARIABLE = "cap_db_master_password";

/**
 * A database with every opt-in part of issue 19: a master password written from an ephemeral
 * variable (no RDS-managed secret: the kit's own, written in the same apply), blue/green updates,
 * enhanced monitoring, advanced Database Insights, provisioned gp3 IOPS and throughput, backups
 * replicated to another region; a same-region read replica and a cross-region one (its own key,
 * subnet and parameter groups in eu-west-1), each admitting one group. No NAT.
 */
export const capability: Capability = {
  id: ID,
  title:
    "database: write-only master password, blue/green updates, read replicas (same and cross region), enhanced monitoring, Database Insights, gp3 IOPS, backup replication",
  build(scope, { naming, replicaRegion }) {
    const network = new Network(scope, "network", {
      naming,
      cidr: "10.92.0.0/16",
      availabilityZones: ["us-east-1a", "us-east-1b"],
      natMode: "none",
    });
    const db = new Database(scope, "db", {
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
      masterPassword: { managedBy: "write-only", version: 1 },
      blueGreenUpdate: true,
      backupReplication: { provider: replicaRegion, retentionDays: 3 },
    });
    const readers = new SecurityGroup(scope, "readers", {
      name: naming.name("cap-db-readers"),
      description: "readers of the same-region replica",
      vpcId: network.vpcId,
    });
    const replica = db.addReadReplica("replica", { monitoringIntervalSeconds: 30 });
    replica.allowFrom(readers, "reporting to the replica");

    // The cross-region replica's network, in eu-west-1 on the replica provider.
    const euNaming = new Naming({
      project: "acme",
      environment: "cap",
      accountId: naming.accountId,
      region: "eu-west-1",
    });
    const euScope = new Construct(scope, "eu");
    const euNetwork = new Network(euScope, "network", {
      naming: euNaming,
      cidr: "10.93.0.0/16",
      availabilityZones: ["eu-west-1a", "eu-west-1b"],
      natMode: "none",
    });
    const euReaders = new SecurityGroup(euScope, "readers", {
      name: euNaming.name("cap-db-readers"),
      description: "readers of the cross-region replica",
      vpcId: euNetwork.vpcId,
    });
    for (const c of euScope.node.findAll()) {
      if (c instanceof TerraformResource) c.provider = replicaRegion;
    }
    const dr = db.addReadReplica("dr", {
      purpose: "cap-db-dr",
      crossRegion: {
        provider: replicaRegion,
        vpcId: euNetwork.vpcId,
        subnetIds: euNetwork.subnetIds("database"),
      },
    });
    dr.allowFrom(euReaders, "readers in eu-west-1");
  },
  check({ resourcesOf, model, plan }) {
    const instances = resourcesOf("aws_db_instance", ID);
    const byId = (id: string) => instances.find((i) => i.values.identifier === id);
    const primary = byId("acme-cap-cap-db");
    expect(primary?.values).toMatchObject({
      monitoring_interval: 60,
      database_insights_mode: "advanced",
      performance_insights_retention_period: 465,
      iops: 12000,
      storage_throughput: 500,
      allocated_storage: 400,
      password_wo_version: 1,
      blue_green_update: [{ enabled: true }],
    });
    // Write-only: the password is null in the plan, RDS manages none.
    expect(primary?.values.password_wo ?? null).toBeNull();
    expect(primary?.values.password ?? null).toBeNull();
    expect(primary?.values.manage_master_user_password ?? null).toBeNull();
    expect(primary?.config.password_wo).toBe(`\${var.${PASSWORD_VARIABLE}}`);

    // The kit's secret, in the environment prefix; its value written from the same variable, never in the plan.
    const [secret] = resourcesOf("aws_secretsmanager_secret", ID);
    expect(secret?.values.name).toBe("acme-cap-cap-db-master");
    const [version] = resourcesOf("aws_secretsmanager_secret_version", ID);
    expect(version?.values.secret_string_wo_version).toBe(1);
    expect(version?.values.secret_string_wo ?? null).toBeNull();
    expect(version?.values.secret_string ?? null).toBeNull();
    // The offline harness passes a placeholder through TF_VAR_: it appears nowhere in the plan file.
    expect((plan as { variables?: object }).variables ?? {}).not.toHaveProperty(PASSWORD_VARIABLE);
    expect(JSON.stringify(plan)).not.toContain("offline-plan-placeholder");

    const replica = byId("acme-cap-cap-db-replica");
    expect(replica?.values).toMatchObject({
      replicate_source_db: "acme-cap-cap-db",
      storage_encrypted: true,
      iam_database_authentication_enabled: true,
      publicly_accessible: false,
      backup_retention_period: 0,
      monitoring_interval: 30,
      skip_final_snapshot: true,
    });
    const dr = byId("acme-cap-cap-db-dr");
    expect(dr?.region).toBe("eu-west-1");
    expect(dr?.values.storage_encrypted).toBe(true);
    expect(String(dr?.config.replicate_source_db)).toMatch(/\.arn\}$/);
    // Master user and data come from the source: none configured on the replicas.
    for (const r of [replica, dr]) {
      expect(r?.config).not.toHaveProperty("username");
      expect(r?.config).not.toHaveProperty("manage_master_user_password");
      expect(r?.config).not.toHaveProperty("password_wo");
    }

    // Enhanced monitoring roles: trusted by RDS monitoring for one instance each.
    const roles = resourcesOf("aws_iam_role", ID).filter((r) =>
      String(r.values.name).endsWith("-monitoring"),
    );
    expect(roles.map((r) => r.values.name).sort()).toEqual([
      "acme-cap-cap-db-monitoring",
      "acme-cap-cap-db-replica-monitoring",
    ]);
    for (const role of roles) {
      const trust = JSON.parse(String(role.values.assume_role_policy));
      expect(trust.Statement[0].Principal).toEqual({ Service: "monitoring.rds.amazonaws.com" });
      expect(trust.Statement[0].Condition.ArnLike["aws:SourceArn"]).toMatch(/:db:acme-cap-cap-db/);
    }
    expect(resourcesOf("aws_iam_role_policy_attachment", ID).map((a) => a.values.policy_arn)).toEqual([
      "arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole",
      "arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole",
    ]);

    const [backups] = resourcesOf("aws_db_instance_automated_backups_replication", ID);
    expect(backups?.region).toBe("eu-west-1");
    expect(backups?.values.retention_period).toBe(3);

    // Two keys in eu-west-1 (backups, the DR replica), both rotated.
    const keys = resourcesOf("aws_kms_key", ID);
    expect(keys).toHaveLength(2);
    for (const key of keys) {
      expect(key.region).toBe("eu-west-1");
      expect(key.values.enable_key_rotation).toBe(true);
    }
    // The cross-region replica's own subnet and parameter groups, in its region, TLS required.
    const [drParameters] = resourcesOf("aws_db_parameter_group", ID).filter((g) => g.region === "eu-west-1");
    expect(drParameters?.values.parameter).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: "rds.force_ssl", value: "1" })]),
    );
    // Each replica admits exactly the group it was given.
    const ingress = resourcesOf("aws_vpc_security_group_ingress_rule", ID).filter((r) =>
      String(r.values.description).match(/replica|eu-west-1/),
    );
    expect(ingress.map((r) => r.values.description).sort()).toEqual([
      "readers in eu-west-1",
      "reporting to the replica",
    ]);
    expect(model.resources.length).toBeGreaterThan(0);
  },
};
