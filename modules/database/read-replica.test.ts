import { IamRole } from "@cdktf/provider-aws/lib/iam-role/index.js";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider/index.js";
import type { Construct } from "constructs";
import { describe, expect, test } from "vitest";
import { createSecurityGroup } from "../network/security-group.js";
import { policy, type Synthesised, synthesise, testNaming } from "../testing/synthesised.js";
import { Database, type DatabaseProps } from "./database.js";
import { REPLICA_MANAGED_PASSWORD_RULE, type ReadReplicaOptions } from "./read-replica.js";

// RDS cannot replicate an instance whose master password it manages: every source here keeps its
// password in the kit's write-only secret.
const network = {
  naming: testNaming,
  vpcId: "vpc-1",
  subnetIds: ["subnet-a", "subnet-b"],
  masterPassword: { managedBy: "write-only", version: 1 },
} satisfies Partial<DatabaseProps>;
const usKey = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const trust = JSON.stringify({ Version: "2012-10-17", Statement: [] });
const tf = (expression: string) => `\${${expression}}`;
const euProvider = (scope: Construct) => new AwsProvider(scope, "eu", { region: "eu-west-1", alias: "eu" });
const instances = (s: Synthesised) => s.list("aws_db_instance");
const instance = (s: Synthesised, identifier: string) => {
  const found = instances(s).find((i) => i.identifier === identifier);
  if (!found) throw new Error(`no instance ${identifier}`);
  return found;
};

describe("read replicas", () => {
  const build = (options: ReadReplicaOptions = {}, dbProps: Partial<DatabaseProps> = {}) =>
    synthesise((scope) => {
      const db = new Database(scope, "db", { ...network, ...dbProps });
      const replica = db.addReadReplica("replica", options);
      const readers = createSecurityGroup(scope, "readers", {
        naming: testNaming,
        purpose: "readers",
        vpcId: "vpc-1",
        description: "readers",
      });
      replica.allowFrom(readers, "reports read the replica");
      replica.allowFrom(readers);
      replica.grantConnect(
        new IamRole(scope, "reader", { name: "reader", assumeRolePolicy: trust }),
        "reporter",
      );
    });

  const same = build();
  test("same region: replicates the source by identifier, in its subnet and parameter groups", () => {
    const replica = instance(same, "acme-test-db-replica");
    const source = instance(same, "acme-test-db");
    const sourceName = Object.keys(same.resources("aws_db_instance")).find((n) => !n.includes("replica"));
    expect(replica.replicate_source_db).toBe(tf(`aws_db_instance.${sourceName}.identifier`));
    // RDS places a same-region replica in the source's subnet group.
    expect(replica).not.toHaveProperty("db_subnet_group_name");
    expect(source.db_subnet_group_name).toBeDefined();
    expect(replica.parameter_group_name).toBe(source.parameter_group_name);
    expect(same.list("aws_db_subnet_group")).toHaveLength(1);
  });

  test("no master credentials of its own: user, password and database come from the source", () => {
    const replica = instance(same, "acme-test-db-replica");
    for (const key of [
      "username",
      "db_name",
      "manage_master_user_password",
      "password",
      "password_wo",
      "password_wo_version",
    ]) {
      expect(replica).not.toHaveProperty(key);
    }
    // The source's password is the kit's, not RDS's: what lets RDS create the replica.
    expect(instance(same, "acme-test-db")).not.toHaveProperty("manage_master_user_password");
  });

  test("secure like its source: private, encrypted, IAM auth, Performance Insights, logs exported", () => {
    expect(instance(same, "acme-test-db-replica")).toMatchObject({
      engine: "postgres",
      publicly_accessible: false,
      storage_encrypted: true,
      iam_database_authentication_enabled: true,
      performance_insights_enabled: true,
      enabled_cloudwatch_logs_exports: ["postgresql", "upgrade"],
      instance_class: "db.t4g.micro",
      multi_az: false,
    });
    const groups = same.list("aws_cloudwatch_log_group").map((g) => [g.name, g.retention_in_days]);
    expect(groups).toEqual(
      expect.arrayContaining([
        ["/aws/rds/instance/acme-test-db-replica/postgresql", 30],
        ["/aws/rds/instance/acme-test-db-replica/upgrade", 30],
      ]),
    );
  });

  test("no backups of its own unless asked, never a final snapshot, protected as its source", () => {
    expect(instance(same, "acme-test-db-replica")).toMatchObject({
      backup_retention_period: 0,
      skip_final_snapshot: true,
      deletion_protection: true,
      apply_immediately: false,
    });
    expect(instance(same, "acme-test-db-replica")).not.toHaveProperty("final_snapshot_identifier");
  });

  test("storage may grow as far as the source's", () => {
    expect(instance(same, "acme-test-db-replica").max_allocated_storage).toBe(100);
  });

  test("its own security group; allowFrom writes ingress on it (once per group), described", () => {
    const groups = same.resources("aws_security_group");
    const replicaGroup = Object.entries(groups).find(([, g]) => g.name === "acme-test-db-replica");
    expect(replicaGroup).toBeDefined();
    const ingress = same
      .list("aws_vpc_security_group_ingress_rule")
      .filter((r) => r.security_group_id === tf(`aws_security_group.${replicaGroup?.[0]}.id`));
    expect(ingress).toHaveLength(1);
    expect(ingress[0]).toMatchObject({
      from_port: 5432,
      to_port: 5432,
      description: "reports read the replica",
    });
    expect(instance(same, "acme-test-db-replica").vpc_security_group_ids).toEqual([
      tf(`aws_security_group.${replicaGroup?.[0]}.id`),
    ]);
  });

  test("grantConnect: rds-db:connect on the replica's resource id", () => {
    const [grant] = same.list("aws_iam_role_policy");
    const [statement] = policy(grant?.policy).Statement;
    expect(statement?.Action).toBe("rds-db:connect");
    expect(String(statement?.Resource)).toMatch(
      /dbuser:\$\{aws_db_instance\.db_replica_instance_[A-Z0-9]+\.resource_id\}\/reporter$/,
    );
  });

  test("options: purpose, class, Multi-AZ, backups, protection, monitoring and insights", () => {
    const s = build({
      purpose: "db-reports",
      instanceClass: "db.r7g.large",
      multiAz: true,
      backupRetentionDays: 7,
      deletionProtection: false,
      monitoringIntervalSeconds: 60,
      databaseInsightsMode: "advanced",
      performanceInsightsRetentionDays: 465,
    });
    expect(instance(s, "acme-test-db-reports")).toMatchObject({
      instance_class: "db.r7g.large",
      multi_az: true,
      backup_retention_period: 7,
      deletion_protection: false,
      apply_immediately: true,
      monitoring_interval: 60,
      database_insights_mode: "advanced",
      performance_insights_retention_period: 465,
    });
    expect(s.list("aws_iam_role").map((r) => r.name)).toEqual(["acme-test-db-reports-monitoring", "reader"]);
  });

  test("the source's key encrypts a same-region replica", () => {
    const s = build({}, { kmsKeyArn: usKey });
    expect(instance(s, "acme-test-db-replica")).toMatchObject({
      kms_key_id: usKey,
      performance_insights_kms_key_id: usKey,
    });
  });

  test("cross region: by ARN, on that region's provider, with its own key, subnet group and parameter group", () => {
    const s = synthesise((scope) => {
      const eu = euProvider(scope);
      const db = new Database(scope, "db", {
        ...network,
        parameters: [{ name: "log_connections", value: "1" }],
      });
      const replica = db.addReadReplica("dr", {
        purpose: "db-dr",
        monitoringIntervalSeconds: 60,
        crossRegion: { provider: eu, vpcId: "vpc-eu", subnetIds: ["subnet-eu-a", "subnet-eu-b"] },
      });
      replica.allowFrom({ id: "sg-0eu" }, { description: "eu readers", egressOnSource: false });
    });
    const replica = instance(s, "acme-test-db-dr");
    const sourceName = Object.keys(s.resources("aws_db_instance")).find((n) => !n.includes("dr"));
    expect(replica.replicate_source_db).toBe(tf(`aws_db_instance.${sourceName}.arn`));
    expect(replica.provider).toBe("aws.eu");
    const key = s.only("aws_kms_key");
    expect(key.provider).toBe("aws.eu");
    expect(key.enable_key_rotation).toBe(true);
    const keyRef = tf(`aws_kms_key.${Object.keys(s.resources("aws_kms_key"))[0]}.arn`);
    expect(replica.kms_key_id).toBe(keyRef);
    expect(replica.performance_insights_kms_key_id).toBe(keyRef);
    const subnetGroup = s.list("aws_db_subnet_group").find((g) => g.name === "acme-test-db-dr");
    expect(subnetGroup).toMatchObject({ provider: "aws.eu", subnet_ids: ["subnet-eu-a", "subnet-eu-b"] });
    const parameters = s.list("aws_db_parameter_group").find((g) => g.name === "acme-test-db-dr-postgres16");
    expect(parameters?.provider).toBe("aws.eu");
    expect(parameters?.parameter).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: "rds.force_ssl", value: "1" }),
        expect.objectContaining({ name: "log_connections", value: "1" }),
      ]),
    );
    const group = s.list("aws_security_group").find((g) => g.name === "acme-test-db-dr");
    expect(group).toMatchObject({ provider: "aws.eu", vpc_id: "vpc-eu" });
    const [ingress] = s.list("aws_vpc_security_group_ingress_rule");
    expect(ingress).toMatchObject({ provider: "aws.eu", referenced_security_group_id: "sg-0eu" });
    for (const g of s.list("aws_cloudwatch_log_group").filter((l) => String(l.name).includes("db-dr"))) {
      expect(g.provider).toBe("aws.eu");
    }
    // IAM is global: the monitoring role stays on the default provider.
    expect(s.only("aws_iam_role")).not.toHaveProperty("provider");
    expect(policy(s.only("aws_iam_role").assume_role_policy).Statement[0]?.Condition).toMatchObject({
      ArnLike: { "aws:SourceArn": "arn:aws:rds:eu-west-1:123456789012:db:acme-test-db-dr" },
    });
  });
});

describe("invalid replicas fail at synth, naming the field", () => {
  test("a source whose master password RDS manages (the default), naming the rule", () => {
    for (const masterPassword of [undefined, { managedBy: "rds" } as const]) {
      expect(() =>
        synthesise((scope) => {
          new Database(scope, "db", { ...network, masterPassword }).addReadReplica("r");
        }),
      ).toThrow(`readReplica.source: acme-test-db: ${REPLICA_MANAGED_PASSWORD_RULE}`);
    }
    expect(REPLICA_MANAGED_PASSWORD_RULE).toMatch(/cannot create a read replica/);
  });

  const replicaWith = (options: ReadReplicaOptions) => () =>
    synthesise((scope) => {
      new Database(scope, "db", network).addReadReplica("r", options);
    });
  test.each<[string, () => ReadReplicaOptions, string]>([
    ["the source's own purpose", () => ({ purpose: "db" }), 'readReplica.purpose: "db" is the source\'s'],
    ["a bad instance class", () => ({ instanceClass: "t4g.micro" }), "readReplica.instanceClass"],
    ["36 days of backups", () => ({ backupRetentionDays: 36 }), "readReplica.backupRetentionDays: 36"],
    [
      "advanced insights without the retention",
      () => ({ databaseInsightsMode: "advanced" }),
      "readReplica.databaseInsightsMode",
    ],
    [
      "a monitoring interval RDS does not offer",
      () => ({ monitoringIntervalSeconds: 3 as 1 }),
      "readReplica.monitoringIntervalSeconds",
    ],
  ])("%s", (_name, options, message) => {
    expect(replicaWith(options())).toThrow(message);
  });

  test("cross region with one subnet, or a key of another region", () => {
    expect(() =>
      synthesise((scope) => {
        new Database(scope, "db", network).addReadReplica("r", {
          crossRegion: { provider: euProvider(scope), vpcId: "vpc-eu", subnetIds: ["subnet-eu-a"] },
        });
      }),
    ).toThrow("readReplica.crossRegion.subnetIds: 1 given");
    expect(() =>
      synthesise((scope) => {
        new Database(scope, "db", network).addReadReplica("r", {
          crossRegion: {
            provider: euProvider(scope),
            vpcId: "vpc-eu",
            subnetIds: ["subnet-eu-a", "subnet-eu-b"],
            kmsKeyArn: usKey,
          },
        });
      }),
    ).toThrow("readReplica.crossRegion.kmsKeyArn");
  });
});
