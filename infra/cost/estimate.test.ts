import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { type FixtureOptions, type FixtureResource, fixturePlan, ref } from "../plan/plan-fixture.js";
import { modelFromPlan } from "../plan/plan-model.js";
import { estimateStack } from "./estimate.js";

const usageDir = mkdtempSync(join(tmpdir(), "cost-usage-"));
afterAll(() => rmSync(usageDir, { recursive: true, force: true }));
const why = "test assumption";
writeFileSync(
  join(usageDir, "test.json"),
  JSON.stringify({
    environment: "test",
    description: "fixed numbers for hand-computed totals",
    byType: {
      aws_nat_gateway: { data_processed_gb: { value: 100, why } },
      aws_lb: { lcu: { value: 1, why } },
      aws_wafv2_web_acl: { requests_millions: { value: 1, why } },
      aws_vpc_endpoint: { data_processed_gb: { value: 10, why } },
      aws_cloudwatch_log_group: { ingest_gb: { value: 10, why }, storage_gb: { value: 2, why } },
      aws_guardduty_detector: {
        cloudtrail_events_millions: { value: 0.5, why },
        flow_dns_logs_gb: { value: 2, why },
      },
      aws_guardduty_detector_feature: {
        s3_data_events_millions: { value: 3, why },
        rds_vcpus: { value: 4, why },
      },
    },
    byResource: [{ match: "aws_kms_key.baseline", values: { requests_10k: { value: 10, why } } }],
  }),
);

const estimate = (resources: FixtureResource[], options: FixtureOptions = {}) =>
  estimateStack(
    modelFromPlan(options.stack ?? "test", fixturePlan(resources, { environment: "test", ...options })),
    {
      usageDir,
    },
  );

const subnets = [ref("aws_subnet.a.id"), ref("aws_subnet.b.id")];
const platform: FixtureResource[] = [
  { address: "aws_subnet.a", values: { cidr_block: "10.0.0.0/24" } },
  { address: "aws_subnet.b", values: { cidr_block: "10.0.1.0/24" } },
  { address: "aws_eip.nat", values: { domain: "vpc" } },
  {
    address: "aws_nat_gateway.a",
    values: { allocation_id: ref("aws_eip.nat.id"), subnet_id: ref("aws_subnet.a.id") },
  },
  { address: "aws_lb.alb", values: { load_balancer_type: "application", internal: false, subnets } },
  {
    address: "aws_db_instance.db",
    values: {
      engine: "postgres",
      instance_class: "db.t4g.micro",
      multi_az: false,
      allocated_storage: 20,
      storage_type: "gp3",
      manage_master_user_password: true,
    },
  },
  { address: "aws_ecs_task_definition.app", values: { family: "app", cpu: "512", memory: "1024" } },
  {
    address: "aws_ecs_service.app",
    values: {
      launch_type: "FARGATE",
      desired_count: 2,
      task_definition: ref("aws_ecs_task_definition.app.arn"),
      network_configuration: [{ subnets, assign_public_ip: false }],
    },
  },
  ...["cpu", "memory", "5xx"].map((n) => ({
    address: `aws_cloudwatch_metric_alarm.${n}`,
    values: { alarm_name: n, period: 300, metric_query: [] },
  })),
  { address: "aws_secretsmanager_secret.app", values: { name: "app" } },
  { address: "aws_kms_key.logs", values: { enable_key_rotation: true } },
  { address: "aws_vpc_endpoint.ecr", values: { vpc_endpoint_type: "Interface", subnet_ids: subnets } },
  { address: "aws_vpc_endpoint.s3", values: { vpc_endpoint_type: "Gateway" } },
  {
    address: "aws_wafv2_web_acl.alb",
    values: { scope: "REGIONAL", rule: [{ name: "common" }, { name: "rate" }] },
  },
  { address: "aws_vpc.main", values: { cidr_block: "10.0.0.0/16" } },
];

describe("known plans give known totals", () => {
  test("a small platform: fixed lines from the plan, usage lines from the usage file", () => {
    // Hand-computed, us-east-1, 730 h/month:
    //   NAT gateway          0.045 × 730              = 32.85    data 100 GB × 0.045   =  4.50
    //   Elastic IP           0.005 × 730              =  3.65
    //   ALB                  0.0225 × 730             = 16.425   LCU 1 × 730 × 0.008   =  5.84
    //   ALB public IPv4s     2 AZ × 730 × 0.005       =  7.30
    //   RDS db.t4g.micro     0.016 × 730              = 11.68    gp3 20 GB × 0.115     =  2.30
    //   RDS-managed secret                            =  0.40
    //   Fargate vCPU         2 tasks × 0.5 × 730 × 0.04048   = 29.5504
    //   Fargate memory       2 tasks × 1 GB × 730 × 0.004445 =  6.4897
    //   alarms               3 × 0.10                 =  0.30
    //   secret                                        =  0.40
    //   KMS key                                       =  1.00
    //   interface endpoint   2 AZ × 730 × 0.01        = 14.60    data 10 GB × 0.01     =  0.10
    //   WAF                  5 + 2 rules × 1          =  7.00    1 M requests × 0.60   =  0.60
    //   fixed 133.9451 + usage 11.04 = 144.9851
    const result = estimate(platform);
    expect(result.fixedMonthlyUsd).toBeCloseTo(133.9451, 4);
    expect(result.usageMonthlyUsd).toBeCloseTo(11.04, 4);
    expect(result.monthlyUsd).toBeCloseTo(144.9851, 4);
    expect(result.notPriced).toBe(0);
    expect(result.warnings).toEqual([]);
  });

  test("a log group's ingestion is priced by its log class; storage the same for both", () => {
    const e = estimate([
      { address: "aws_cloudwatch_log_group.app", values: { name: "app", retention_in_days: 30 } },
      {
        address: "aws_cloudwatch_log_group.flow",
        values: { name: "flow", retention_in_days: 30, log_group_class: "INFREQUENT_ACCESS" },
      },
      { address: "aws_cloudwatch_log_group.std", values: { name: "std", log_group_class: "STANDARD" } },
    ]);
    const lines = (address: string) =>
      e.resources
        .find((r) => r.address === address)
        ?.lines.map((l) => [l.label, l.priceId, l.monthlyUsd, l.assumption]);
    expect(lines("aws_cloudwatch_log_group.app")).toEqual([
      ["log ingestion", "cloudwatch-logs-ingest-gb", 5, why],
      ["log storage", "cloudwatch-logs-storage-gb-month", 0.06, why],
    ]);
    expect(lines("aws_cloudwatch_log_group.flow")).toEqual([
      ["log ingestion (Infrequent Access)", "cloudwatch-logs-ingest-ia-gb", 2.5, why],
      ["log storage", "cloudwatch-logs-storage-gb-month", 0.06, why],
    ]);
    expect(lines("aws_cloudwatch_log_group.std")?.[0]?.[2]).toBe(5);
  });

  test("Multi-AZ doubles the instance hours and the storage", () => {
    // 0.065 × 730 × 2 = 94.90; 50 GB × 0.115 × 2 = 11.50; total 106.40
    const db = {
      address: "aws_db_instance.db",
      values: {
        engine: "postgres",
        instance_class: "db.t4g.medium",
        multi_az: true,
        allocated_storage: 50,
        storage_type: "gp3",
      },
    };
    expect(estimate([db]).monthlyUsd).toBeCloseTo(106.4, 6);
  });

  test("a preview stack's marginal cost per day is its monthly total ÷ 30.4", () => {
    // 1 task × 0.25 vCPU × 730 × 0.04048 = 7.3876; 0.5 GB × 730 × 0.004445 = 1.622425;
    // its public IPv4 730 × 0.005 = 3.65; total 12.660025 → 0.416448…/day
    const preview: FixtureResource[] = [
      { address: "aws_ecs_task_definition.app", values: { cpu: "256", memory: "512" } },
      {
        address: "aws_ecs_service.app",
        values: {
          launch_type: "FARGATE",
          desired_count: 1,
          task_definition: ref("aws_ecs_task_definition.app.arn"),
          network_configuration: [{ subnets: ["subnet-1"], assign_public_ip: true }],
        },
      },
    ];
    const result = estimate(preview, { stack: "preview-pr-12" });
    expect(result.pullRequest).toBe(12);
    expect(result.monthlyUsd).toBeCloseTo(12.660025, 6);
    expect(result.perDayUsd).toBeCloseTo(12.660025 / 30.4, 6);
  });
});

describe("Fargate capacity: Spot, ARM, Container Insights", () => {
  const task = (cpu: string, memory: string, arch = "X86_64"): FixtureResource => ({
    address: "aws_ecs_task_definition.app",
    values: { cpu, memory, runtime_platform: [{ operating_system_family: "LINUX", cpu_architecture: arch }] },
  });
  const service = (values: Record<string, unknown>): FixtureResource => ({
    address: "aws_ecs_service.app",
    values: {
      cluster: ref("aws_ecs_cluster.main.arn"),
      task_definition: ref("aws_ecs_task_definition.app.arn"),
      network_configuration: [{ subnets: ["subnet-1"], assign_public_ip: false }],
      ...values,
    },
  });
  const lines = (result: ReturnType<typeof estimate>, address: string) =>
    result.resources.find((r) => r.address === address)?.lines ?? [];

  test("a strategy: the base on demand first, the rest by weight at the Spot price", () => {
    // 3 tasks of 0.5 vCPU / 1 GB, FARGATE base 1 weight 0, FARGATE_SPOT weight 1:
    //   on demand 1 task: 0.5 × 730 × 0.04048 = 14.7752;  1 GB × 730 × 0.004445 = 3.24485
    //   Spot 2 tasks:     1 × 730 × 0.01275    =  9.3075;  2 GB × 730 × 0.0014   = 2.044
    //   total 29.37155 (all on demand it would be 54.0081)
    const result = estimate([
      task("512", "1024"),
      service({
        desired_count: 3,
        capacity_provider_strategy: [
          { capacity_provider: "FARGATE", base: 1, weight: 0 },
          { capacity_provider: "FARGATE_SPOT", base: 0, weight: 1 },
        ],
      }),
    ]);
    expect(lines(result, "aws_ecs_service.app").map((l) => [l.label, l.priceId])).toEqual([
      ["Fargate vCPU: 1 task(s) × 0.5 vCPU (x86)", "fargate-x86-vcpu-hour"],
      ["Fargate memory: 1 task(s) × 1 GB (x86)", "fargate-x86-gb-hour"],
      ["Fargate vCPU: 2 task(s) × 0.5 vCPU (x86, Spot)", "fargate-spot-x86-vcpu-hour"],
      ["Fargate memory: 2 task(s) × 1 GB (x86, Spot)", "fargate-spot-x86-gb-hour"],
    ]);
    expect(result.monthlyUsd).toBeCloseTo(29.37155, 6);
    expect(result.notPriced).toBe(0);
  });

  test("all Spot: a preview-sized task costs about a third of on demand", () => {
    // 0.25 × 730 × 0.01275 = 2.326875; 0.5 × 730 × 0.0014 = 0.511; 2.837875/month → 0.0933/day
    const result = estimate(
      [
        task("256", "512"),
        service({
          desired_count: 1,
          capacity_provider_strategy: [{ capacity_provider: "FARGATE_SPOT", base: 0, weight: 1 }],
        }),
      ],
      { stack: "preview-pr-12" },
    );
    expect(result.monthlyUsd).toBeCloseTo(2.837875, 6);
    expect(result.perDayUsd).toBeCloseTo(2.837875 / 30.4, 6);
  });

  test("ARM64 on demand at the Graviton prices; ARM64 on Spot is not priced, never $0", () => {
    // 2 tasks × 1 vCPU × 730 × 0.03238 = 47.2748; 2 × 2 GB × 730 × 0.00356 = 10.3952
    const arm = estimate([
      task("1024", "2048", "ARM64"),
      service({ launch_type: "FARGATE", desired_count: 2 }),
    ]);
    expect(arm.monthlyUsd).toBeCloseTo(57.67, 6);
    expect(lines(arm, "aws_ecs_service.app").map((l) => l.priceId)).toEqual([
      "fargate-arm-vcpu-hour",
      "fargate-arm-gb-hour",
    ]);
    const armSpot = estimate([
      task("1024", "2048", "ARM64"),
      service({
        desired_count: 1,
        capacity_provider_strategy: [{ capacity_provider: "FARGATE_SPOT", base: 0, weight: 1 }],
      }),
    ]);
    expect(armSpot.notPriced).toBe(1);
    expect(lines(armSpot, "aws_ecs_service.app")[0]?.notPriced).toContain("Fargate Spot runs only X86_64");
  });

  test("Container Insights: custom metrics per cluster and service, performance logs per task; disabled is free", () => {
    // (14 + 15 + 11) metrics × 0.30 = 12.00; 2 tasks × 0.00012 GB/h × 730 h × 0.50 = 0.0876
    const cluster = (value: string): FixtureResource => ({
      address: "aws_ecs_cluster.main",
      values: { name: "main", setting: [{ name: "containerInsights", value }] },
    });
    const app = [task("256", "512"), service({ launch_type: "FARGATE", desired_count: 2 })];
    const withInsights = estimate([cluster("enabled"), ...app]);
    const insights = lines(withInsights, "aws_ecs_cluster.main");
    expect(insights.map((l) => [l.priceId, l.quantity])).toEqual([
      ["cloudwatch-custom-metric-month", 40],
      ["cloudwatch-logs-ingest-gb", expect.closeTo(0.1752, 6)],
    ]);
    expect(insights.reduce((sum, l) => sum + (l.monthlyUsd ?? 0), 0)).toBeCloseTo(12.0876, 6);
    const without = estimate([cluster("disabled"), ...app]);
    expect(without.resources.find((r) => r.address === "aws_ecs_cluster.main")?.status).toBe("free");
    expect(withInsights.monthlyUsd - without.monthlyUsd).toBeCloseTo(12.0876, 6);
  });
});

describe("the account baseline", () => {
  const baseline: FixtureResource[] = [
    {
      address: "aws_cloudtrail.trail",
      values: { is_multi_region_trail: true, enable_log_file_validation: true },
    },
    { address: "aws_guardduty_detector.main", values: { enable: true } },
    { address: "aws_guardduty_detector_feature.s3", values: { name: "S3_DATA_EVENTS", status: "ENABLED" } },
    {
      address: "aws_guardduty_detector_feature.rds",
      values: { name: "RDS_LOGIN_EVENTS", status: "ENABLED" },
    },
    { address: "aws_guardduty_detector_feature.eks", values: { name: "EKS_AUDIT_LOGS", status: "DISABLED" } },
    { address: "aws_accessanalyzer_analyzer.account", values: { type: "ACCOUNT" } },
    { address: "aws_kms_key.baseline", values: { enable_key_rotation: true } },
    { address: "aws_cloudwatch_log_metric_filter.root", values: { pattern: "{ $.x = 1 }" } },
    { address: "aws_s3_account_public_access_block.account", values: { block_public_acls: true } },
    { address: "aws_ebs_encryption_by_default.account", values: { enabled: true } },
  ];

  test("GuardDuty is priced by what it analyses; the trail, analyzer, filters and account settings are free", () => {
    // GuardDuty: 0.5 M management events × 4.00 = 2.00; 2 GB flow/DNS logs × 1.00 = 2.00;
    // S3 Protection 3 M data events × 0.80 = 2.40; RDS Protection 4 vCPUs × 1.00 = 4.00
    // KMS key 1.00 (fixed) + 10 × 10,000 requests × 0.03 = 0.30
    // usage 10.70 + fixed 1.00 = 11.70
    const result = estimate(baseline);
    expect(result.fixedMonthlyUsd).toBeCloseTo(1, 6);
    expect(result.usageMonthlyUsd).toBeCloseTo(10.7, 6);
    expect(result.notPriced).toBe(0);
    const statusOf = (address: string) => result.resources.find((r) => r.address === address)?.status;
    for (const free of [
      "aws_cloudtrail.trail",
      "aws_guardduty_detector_feature.eks",
      "aws_accessanalyzer_analyzer.account",
      "aws_cloudwatch_log_metric_filter.root",
      "aws_s3_account_public_access_block.account",
      "aws_ebs_encryption_by_default.account",
    ]) {
      expect(statusOf(free), free).toBe("free");
    }
  });

  test("an SSM parameter is free in the Standard tier and $0.05 a month in the Advanced tier", () => {
    const [standard, advanced] = estimate([
      { address: "aws_ssm_parameter.standard", values: { type: "SecureString", tier: "Standard" } },
      { address: "aws_ssm_parameter.advanced", values: { type: "SecureString", tier: "Advanced" } },
    ]).resources;
    expect([standard?.status, standard?.monthlyUsd]).toEqual(["free", 0]);
    expect(advanced?.lines.map((l) => [l.label, l.monthlyUsd, l.priceId])).toEqual([
      ["advanced parameter", 0.05, "ssm-advanced-parameter-month"],
    ]);
  });

  test("a key's requests are priced only where the usage file states them", () => {
    const [key] = estimate([{ address: "aws_kms_key.other", values: {} }]).resources;
    expect(key?.lines.map((l) => [l.label, l.monthlyUsd])).toEqual([["customer managed key", 1]]);
  });

  test("data events, Insights, unused-access analyzers and unknown GuardDuty plans are not priced, never $0", () => {
    const result = estimate([
      {
        address: "aws_cloudtrail.data",
        values: {
          event_selector: [{ data_resource: [{ type: "AWS::S3::Object", values: ["arn:aws:s3"] }] }],
        },
      },
      {
        address: "aws_cloudtrail.insights",
        values: { insight_selector: [{ insight_type: "ApiCallRateInsight" }] },
      },
      { address: "aws_accessanalyzer_analyzer.unused", values: { type: "ACCOUNT_UNUSED_ACCESS" } },
      {
        address: "aws_guardduty_detector_feature.runtime",
        values: { name: "RUNTIME_MONITORING", status: "ENABLED" },
      },
    ]);
    expect(result.resources.map((r) => [r.address, r.status])).toEqual([
      ["aws_cloudtrail.data", "not priced"],
      ["aws_cloudtrail.insights", "not priced"],
      ["aws_accessanalyzer_analyzer.unused", "not priced"],
      ["aws_guardduty_detector_feature.runtime", "not priced"],
    ]);
    expect(result.notPriced).toBe(4);
    expect(result.monthlyUsd).toBe(0);
  });
});

describe("what has no price is reported, never counted as $0", () => {
  test("a resource type without a price is listed as not priced and left out of the total", () => {
    const result = estimate([
      { address: "aws_elasticache_cluster.cache", values: { node_type: "cache.t4g.micro" } },
    ]);
    expect(result.resources[0]).toMatchObject({
      status: "not priced",
      note: "no price for aws_elasticache_cluster",
    });
    expect(result.notPriced).toBe(1);
    expect(result.monthlyUsd).toBe(0);
  });

  test("an instance class missing from the price table leaves its storage priced and the instance not", () => {
    const db = {
      address: "aws_db_instance.db",
      values: {
        engine: "postgres",
        instance_class: "db.r7g.large",
        allocated_storage: 100,
        storage_type: "gp3",
      },
    };
    const [cost] = estimate([db]).resources;
    expect(cost?.status).toBe("partly priced");
    expect(cost?.lines.map((l) => [l.label, l.monthlyUsd])).toEqual([
      ["postgres db.r7g.large (Single-AZ)", null],
      ["gp3 storage: 100 GB (Single-AZ)", 11.5],
    ]);
  });

  test("usage lines without an assumption are not priced, and say which key to add", () => {
    const [bucket] = estimate([{ address: "aws_s3_bucket.b", values: { bucket: "b" } }]).resources;
    expect(bucket?.status).toBe("not priced");
    expect(bucket?.lines[0]?.notPriced).toBe('no usage assumption "aws_s3_bucket.storage_gb" (test.json)');
  });

  test("resources with no charge of their own are free, with the reason", () => {
    const result = estimate(platform);
    expect(result.resources.find((r) => r.address === "aws_vpc_endpoint.s3")).toMatchObject({
      status: "free",
      note: "gateway endpoints (S3, DynamoDB) have no charge",
    });
  });
});

describe("regions", () => {
  test("a region without prices warns and estimates at us-east-1 prices, never at zero", () => {
    const result = estimate(platform, { region: "eu-central-1" });
    expect(result.approximate).toBe(true);
    expect(result.warnings).toEqual([
      expect.stringContaining("no prices for region eu-central-1 (infra/cost/prices.json has us-east-1)"),
    ]);
    expect(result.monthlyUsd).toBeCloseTo(144.9851, 4);
  });

  test("a stack without a usage file warns that its usage lines are not priced", () => {
    const result = estimateStack(
      modelFromPlan("staging", fixturePlan(platform, { environment: "staging" })),
      { usageDir },
    );
    expect(result.warnings[0]).toContain("no usage file");
    expect(result.notPriced).toBe(4);
  });
});
