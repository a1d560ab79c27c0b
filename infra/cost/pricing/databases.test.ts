import { describe, expect, test } from "vitest";
import { type FixtureResource, fixturePlan, later, ref } from "../../plan/plan-fixture.js";
import { modelFromPlan } from "../../plan/plan-model.js";
import { estimateStack } from "../estimate.js";
import { usageFixture } from "../usage-fixture.js";
import { vcpusOf } from "./databases.js";

const usageDir = usageFixture({
  aws_db_instance: {
    enhanced_monitoring_gb: 2,
    replication_transfer_gb: 30,
  },
  aws_db_instance_automated_backups_replication: {
    transfer_gb: 100,
    storage_gb: 50,
  },
});

const linesOf = (resources: FixtureResource[], address: string) =>
  estimateStack(modelFromPlan("test", fixturePlan(resources, { environment: "test" })), { usageDir })
    .resources.find((r) => r.address === address)
    ?.lines.map((l) => [l.label, l.priceId, Number(l.monthlyUsd?.toFixed(4))]);

const source: FixtureResource = {
  address: "aws_db_instance.db",
  values: {
    identifier: "acme-test-db",
    engine: "postgres",
    instance_class: "db.t4g.medium",
    multi_az: false,
    allocated_storage: 500,
    storage_type: "gp3",
    iops: 15000,
    storage_throughput: 750,
    monitoring_interval: 60,
    database_insights_mode: "advanced",
    manage_master_user_password: true,
  },
};

describe("RDS depth in the cost estimate", () => {
  test("provisioned gp3 above the baseline, enhanced monitoring and advanced Database Insights", () => {
    // instance 0.065 × 730 = 47.45; storage 500 × 0.115 = 57.50; IOPS 3,000 × 0.02 = 60;
    // throughput 250 × 0.08 = 20; monitoring 2 GB × 0.50 = 1; insights 2 vCPU × 730 × 0.0125 = 18.25
    expect(linesOf([source], "aws_db_instance.db")).toEqual([
      ["postgres db.t4g.medium (Single-AZ)", "rds-postgres-db.t4g.medium-hour", 47.45],
      ["gp3 storage: 500 GB (Single-AZ)", "rds-gp3-gb-month", 57.5],
      ["gp3 IOPS above 12000: 3000 (Single-AZ)", "rds-gp3-iops-month", 60],
      ["gp3 throughput above 500 MiBps: 250 MiBps (Single-AZ)", "rds-gp3-throughput-mibps-month", 20],
      ["enhanced monitoring every 60 s (RDSOSMetrics log ingestion)", "cloudwatch-logs-ingest-gb", 1],
      ["Database Insights advanced: 2 vCPUs", "rds-database-insights-advanced-vcpu-hour", 18.25],
      ["master password secret (Secrets Manager, created by RDS)", "secrets-manager-secret-month", 0.4],
    ]);
  });

  test("a read replica is priced as an instance of its class, with its source's storage", () => {
    const replica: FixtureResource = {
      address: "aws_db_instance.replica",
      values: {
        identifier: "acme-test-db-replica",
        replicate_source_db: ref("aws_db_instance.db.identifier"),
        engine: "postgres",
        instance_class: "db.t4g.micro",
        multi_az: false,
        storage_type: "gp3",
        allocated_storage: later("computed"),
      },
    };
    // 0.016 × 730 = 11.68; 500 GB × 0.115 = 57.50 (no master secret of its own)
    expect(linesOf([source, replica], "aws_db_instance.replica")).toEqual([
      ["postgres db.t4g.micro (Single-AZ)", "rds-postgres-db.t4g.micro-hour", 11.68],
      ["gp3 storage: 500 GB (Single-AZ), as its source", "rds-gp3-gb-month", 57.5],
    ]);
  });

  test("a cross-region replica (source by ARN) adds the replication traffic", () => {
    const dr: FixtureResource = {
      address: "aws_db_instance.dr",
      values: {
        replicate_source_db: ref("aws_db_instance.db.arn"),
        engine: "postgres",
        instance_class: "db.t4g.micro",
        multi_az: false,
        storage_type: "gp3",
        allocated_storage: later("computed"),
      },
    };
    // 30 GB × 0.02 = 0.60
    expect(linesOf([source, dr], "aws_db_instance.dr")?.[2]).toEqual([
      "replication from the source's region (cross-region transfer)",
      "rds-cross-region-transfer-gb",
      0.6,
    ]);
  });

  test("replicated backups: the transfer to the other region and the storage there", () => {
    const replication: FixtureResource = {
      address: "aws_db_instance_automated_backups_replication.db",
      values: { source_db_instance_arn: ref("aws_db_instance.db.arn"), retention_period: 7 },
    };
    // 100 GB × 0.02 = 2; 50 GB-month × 0.095 = 4.75
    expect(linesOf([source, replication], "aws_db_instance_automated_backups_replication.db")).toEqual([
      ["backups and logs sent to the other region", "rds-cross-region-transfer-gb", 2],
      ["replicated backup storage", "rds-backup-storage-gb-month", 4.75],
    ]);
  });

  test("vCPUs by size", () => {
    expect(
      ["db.t4g.micro", "db.m7g.large", "db.r7g.xlarge", "db.r7g.4xlarge", "db.x.odd"].map(vcpusOf),
    ).toEqual([2, 2, 4, 16, undefined]);
  });
});
