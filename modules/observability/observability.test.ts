import { describe, expect, test } from "vitest";
// The service's own access log and logger: the failed sign-ins filter must match the lines they write.
import { policy, type ResourceConfig, synthesise, testNaming } from "../testing/synthesised.js";
import { Observability, type ObservabilityProps } from "./observability.js";
import { FAILED_SIGN_IN_PATTERN } from "./targets.js";

const lb = {
  arnSuffix: "app/acme-test-alb/0123456789abcdef",
  targetGroupArnSuffix: "targetgroup/acme-test-app/fedcba9876543210",
};
const service = { clusterName: "acme-test-cluster", serviceName: "acme-test-app" };
const database = { identifier: "acme-test-db", allocatedStorageGb: 20, maxConnections: 100 };
const base = { naming: testNaming, alarmEmail: "oncall@example.com", monthlyBudgetUsd: 150 };
const serviceLogGroup = "/ecs/acme-test-app";

const build = (props: Partial<ObservabilityProps>) =>
  synthesise((scope) => {
    new Observability(scope, "observability", { ...base, ...props });
  });

const full = build({ loadBalancer: lb, service, database, failedSignIns: { logGroupName: serviceLogGroup } });
const bare = build({});
const partial = build({
  loadBalancer: { ...lb, p99LatencySeconds: 2.5 },
  database: { identifier: "acme-test-db", allocatedStorageGb: 50 },
  budgetThresholdsPercent: [90, 120],
  failedSignIns: { logGroupName: serviceLogGroup, threshold: 3 },
});

function alarm(s: typeof full, name: string): ResourceConfig {
  const found = s.list("aws_cloudwatch_metric_alarm").find((a) => a.alarm_name === `acme-test-${name}`);
  if (!found) throw new Error(`no alarm ${name}`);
  return found;
}
const alarmNames = (s: typeof full) =>
  s
    .list("aws_cloudwatch_metric_alarm")
    .map((a) => a.alarm_name)
    .sort();
const topicRef = expect.stringMatching(/^\$\{aws_sns_topic\.\w+\.arn\}$/);

describe("alarms exist only for the targets given", () => {
  test("with a load balancer, a service, a database and the service's logs, every alarm is created", () => {
    expect(alarmNames(full)).toEqual(
      [
        "alb-5xx",
        "target-5xx",
        "target-p99-latency",
        "unhealthy-hosts",
        "no-healthy-hosts",
        "ecs-cpu",
        "ecs-memory",
        "rds-cpu",
        "rds-free-storage",
        "rds-connections",
        "failed-sign-ins",
      ]
        .map((n) => `acme-test-${n}`)
        .sort(),
    );
  });

  test("with no target there are no alarms, but the topic, dashboard and budget still exist", () => {
    expect(bare.list("aws_cloudwatch_metric_alarm")).toHaveLength(0);
    expect(bare.list("aws_sns_topic")).toHaveLength(1);
    expect(bare.list("aws_cloudwatch_dashboard")).toHaveLength(1);
    expect(bare.list("aws_budgets_budget")).toHaveLength(1);
    expect(bare.list("aws_cloudwatch_log_metric_filter")).toHaveLength(0);
  });

  test("without a service there are no ECS alarms, and without maxConnections no connections alarm", () => {
    const names = alarmNames(partial);
    expect(names.filter((n) => String(n).includes("ecs-"))).toEqual([]);
    expect(names).not.toContain("acme-test-rds-connections");
    expect(names).toContain("acme-test-rds-free-storage");
    expect(names).toContain("acme-test-alb-5xx");
  });
});

describe("every alarm", () => {
  test("notifies the topic on ALARM and on OK", () => {
    for (const a of full.list("aws_cloudwatch_metric_alarm")) {
      expect({ name: a.alarm_name, alarm: a.alarm_actions, ok: a.ok_actions }).toEqual({
        name: a.alarm_name,
        alarm: [topicRef],
        ok: [topicRef],
      });
    }
  });

  test("tells the on-call person what it means and chooses how missing data counts", () => {
    for (const a of full.list("aws_cloudwatch_metric_alarm")) {
      expect(String(a.alarm_description).length, String(a.alarm_name)).toBeGreaterThan(80);
      expect(["missing", "breaching", "notBreaching", "ignore"]).toContain(a.treat_missing_data);
    }
  });
});

describe("load balancer alarms", () => {
  test("any load-balancer-generated 5xx in 5 minutes alarms; no data counts as no errors", () => {
    expect(alarm(full, "alb-5xx")).toMatchObject({
      namespace: "AWS/ApplicationELB",
      metric_name: "HTTPCode_ELB_5XX_Count",
      dimensions: { LoadBalancer: lb.arnSuffix },
      statistic: "Sum",
      comparison_operator: "GreaterThanThreshold",
      threshold: 0,
      period: 300,
      treat_missing_data: "notBreaching",
    });
  });

  test("any application 5xx in 5 minutes alarms", () => {
    expect(alarm(full, "target-5xx")).toMatchObject({
      metric_name: "HTTPCode_Target_5XX_Count",
      dimensions: { LoadBalancer: lb.arnSuffix, TargetGroup: lb.targetGroupArnSuffix },
      statistic: "Sum",
      comparison_operator: "GreaterThanThreshold",
      threshold: 0,
      treat_missing_data: "notBreaching",
    });
  });

  test("p99 target latency above 1 s by default alarms, ignoring low sample counts", () => {
    const latency = alarm(full, "target-p99-latency");
    expect(latency).toMatchObject({
      metric_name: "TargetResponseTime",
      extended_statistic: "p99",
      evaluate_low_sample_count_percentiles: "ignore",
      comparison_operator: "GreaterThanThreshold",
      threshold: 1,
      treat_missing_data: "notBreaching",
    });
    expect(latency.statistic).toBeUndefined();
  });

  test("the p99 threshold is configurable", () => {
    expect(alarm(partial, "target-p99-latency").threshold).toBe(2.5);
  });

  test("unhealthy targets for 5 minutes alarm", () => {
    expect(alarm(full, "unhealthy-hosts")).toMatchObject({
      metric_name: "UnHealthyHostCount",
      statistic: "Maximum",
      comparison_operator: "GreaterThanThreshold",
      threshold: 0,
      evaluation_periods: 5,
      datapoints_to_alarm: 5,
    });
  });

  test("no healthy target alarms, and no data at all counts as an outage", () => {
    expect(alarm(full, "no-healthy-hosts")).toMatchObject({
      metric_name: "HealthyHostCount",
      statistic: "Minimum",
      comparison_operator: "LessThanThreshold",
      threshold: 1,
      treat_missing_data: "breaching",
    });
  });
});

describe("service alarms", () => {
  test("average CPU above 80 % alarms", () => {
    expect(alarm(full, "ecs-cpu")).toMatchObject({
      namespace: "AWS/ECS",
      metric_name: "CPUUtilization",
      dimensions: { ClusterName: service.clusterName, ServiceName: service.serviceName },
      statistic: "Average",
      comparison_operator: "GreaterThanThreshold",
      threshold: 80,
    });
  });

  test("memory above 80 % in the busiest task alarms", () => {
    expect(alarm(full, "ecs-memory")).toMatchObject({
      metric_name: "MemoryUtilization",
      statistic: "Maximum",
      comparison_operator: "GreaterThanThreshold",
      threshold: 80,
    });
  });
});

describe("database alarms", () => {
  test("CPU above 80 % alarms; gaps (stopped, rebooting) show as missing data", () => {
    expect(alarm(full, "rds-cpu")).toMatchObject({
      namespace: "AWS/RDS",
      metric_name: "CPUUtilization",
      dimensions: { DBInstanceIdentifier: database.identifier },
      threshold: 80,
      treat_missing_data: "missing",
    });
  });

  test("free storage below 10 % of the allocated storage alarms, in bytes", () => {
    expect(alarm(full, "rds-free-storage")).toMatchObject({
      metric_name: "FreeStorageSpace",
      statistic: "Minimum",
      comparison_operator: "LessThanThreshold",
      threshold: 2 * 1024 ** 3,
    });
    expect(alarm(partial, "rds-free-storage").threshold).toBe(5 * 1024 ** 3);
  });

  test("connections above 80 % of max_connections alarm", () => {
    expect(alarm(full, "rds-connections")).toMatchObject({
      metric_name: "DatabaseConnections",
      statistic: "Maximum",
      comparison_operator: "GreaterThanThreshold",
      threshold: 80,
    });
  });
});

describe("failed sign-ins", () => {
  test("a metric filter on the service's log group counts each refused sign-in, publishing nothing otherwise", () => {
    expect(full.only("aws_cloudwatch_log_metric_filter")).toEqual({
      name: "acme-test-failed-sign-ins",
      log_group_name: serviceLogGroup,
      pattern: FAILED_SIGN_IN_PATTERN,
      metric_transformation: { name: "FailedSignIns", namespace: "acme-test/service", value: "1" },
    });
  });

  test("10 refusals in 5 minutes alarm by default; no data counts as none", () => {
    const signIns = alarm(full, "failed-sign-ins");
    expect(signIns).toMatchObject({
      namespace: "acme-test/service",
      metric_name: "FailedSignIns",
      statistic: "Sum",
      comparison_operator: "GreaterThanOrEqualToThreshold",
      threshold: 10,
      period: 300,
      evaluation_periods: 1,
      treat_missing_data: "notBreaching",
      alarm_actions: [topicRef],
    });
    expect(signIns.dimensions).toBeUndefined();
  });

  test("the threshold is configurable", () => {
    expect(alarm(partial, "failed-sign-ins").threshold).toBe(3);
  });
});

describe("alarm topic", () => {
  test("is encrypted with a customer managed key of its own, rotated yearly", () => {
    expect(full.only("aws_sns_topic")).toMatchObject({
      name: "acme-test-alarms",
      kms_master_key_id: expect.stringMatching(/^\$\{aws_kms_key\.\w+\.arn\}$/),
    });
    expect(full.only("aws_kms_key").enable_key_rotation).toBe(true);
    expect(full.only("aws_kms_alias").name).toBe("alias/acme-test-alarms");
  });

  test("the key may be used only by CloudWatch and Budgets; the account may only administer it", () => {
    const statements = policy(full.only("aws_kms_key").policy).Statement;
    const users = statements.filter((s) =>
      [s.Action].flat().some((a) => String(a).startsWith("kms:GenerateDataKey") || a === "kms:Decrypt"),
    );
    expect(users).toEqual([
      expect.objectContaining({
        Effect: "Allow",
        Principal: { Service: ["cloudwatch.amazonaws.com", "budgets.amazonaws.com"] },
        Action: ["kms:GenerateDataKey*", "kms:Decrypt"],
      }),
    ]);
    const admin = statements.find((s) => s.Sid === "AccountAdministersKey");
    expect(admin?.Principal).toEqual({ AWS: "arn:aws:iam::123456789012:root" });
    expect([admin?.Action].flat()).not.toContain("kms:*");
    expect([admin?.Action].flat()).not.toContain("kms:CreateGrant");
  });

  test("only this environment's alarms and this account's budgets may publish", () => {
    const statements = policy(full.only("aws_sns_topic_policy").policy).Statement;
    expect(statements).toEqual([
      expect.objectContaining({
        Effect: "Allow",
        Principal: { Service: "cloudwatch.amazonaws.com" },
        Action: "sns:Publish",
        Resource: topicRef,
        Condition: {
          ArnLike: { "aws:SourceArn": "arn:aws:cloudwatch:us-east-1:123456789012:alarm:acme-test-*" },
        },
      }),
      expect.objectContaining({
        Effect: "Allow",
        Principal: { Service: "budgets.amazonaws.com" },
        Action: "sns:Publish",
        Resource: topicRef,
        Condition: {
          StringEquals: { "aws:SourceAccount": "123456789012" },
          ArnLike: { "aws:SourceArn": "arn:aws:budgets::123456789012:*" },
        },
      }),
    ]);
  });

  test("the alarm email is subscribed", () => {
    expect(full.only("aws_sns_topic_subscription")).toMatchObject({
      protocol: "email",
      endpoint: "oncall@example.com",
      topic_arn: topicRef,
    });
  });
});

describe("budget", () => {
  test("is a monthly cost budget limited to this environment's Environment tag", () => {
    expect(full.only("aws_budgets_budget")).toMatchObject({
      name: "acme-test-monthly-cost",
      budget_type: "COST",
      time_unit: "MONTHLY",
      limit_amount: "150",
      limit_unit: "USD",
      cost_filter: [{ name: "TagKeyValue", values: ["user:Environment$test"] }],
    });
  });

  test("alerts at 50, 80 and 100 % by default, actual and forecast, to the email and the topic", () => {
    const notifications = full.only("aws_budgets_budget").notification as ResourceConfig[];
    expect(notifications.map((n) => `${n.notification_type} ${n.threshold}`).sort()).toEqual(
      ["ACTUAL 50", "ACTUAL 80", "ACTUAL 100", "FORECASTED 50", "FORECASTED 80", "FORECASTED 100"].sort(),
    );
    for (const n of notifications) {
      expect(n).toMatchObject({
        comparison_operator: "GREATER_THAN",
        threshold_type: "PERCENTAGE",
        subscriber_email_addresses: ["oncall@example.com"],
        subscriber_sns_topic_arns: [topicRef],
      });
    }
  });

  test("thresholds are configurable", () => {
    const notifications = partial.only("aws_budgets_budget").notification as ResourceConfig[];
    expect(notifications.map((n) => `${n.notification_type} ${n.threshold}`).sort()).toEqual(
      ["ACTUAL 90", "ACTUAL 120", "FORECASTED 90", "FORECASTED 120"].sort(),
    );
  });
});

describe("dashboard", () => {
  const metricsOf = (s: typeof full) => {
    const body = JSON.parse(String(s.only("aws_cloudwatch_dashboard").dashboard_body)) as {
      widgets: Array<{ type: string; properties: { metrics?: unknown[][]; alarms?: string[] } }>;
    };
    return {
      body,
      metrics: body.widgets.flatMap((w) => w.properties.metrics ?? []).map((m) => `${m[0]} ${m[1]}`),
    };
  };

  test("graphs every alarmed metric, for the right resources", () => {
    const { metrics, body } = metricsOf(full);
    for (const metric of [
      "AWS/ApplicationELB HTTPCode_ELB_5XX_Count",
      "AWS/ApplicationELB HTTPCode_Target_5XX_Count",
      "AWS/ApplicationELB TargetResponseTime",
      "AWS/ApplicationELB HealthyHostCount",
      "AWS/ApplicationELB UnHealthyHostCount",
      "AWS/ECS CPUUtilization",
      "AWS/ECS MemoryUtilization",
      "AWS/RDS CPUUtilization",
      "AWS/RDS FreeStorageSpace",
      "AWS/RDS DatabaseConnections",
      "acme-test/service FailedSignIns",
    ]) {
      expect(metrics).toContain(metric);
    }
    const text = JSON.stringify(body);
    expect(text).toContain(lb.targetGroupArnSuffix);
    expect(text).toContain(service.serviceName);
    expect(text).toContain(database.identifier);
  });

  test("shows the state of every alarm", () => {
    const alarms = metricsOf(full).body.widgets.find((w) => w.type === "alarm")?.properties.alarms;
    expect(alarms).toHaveLength(11);
  });

  test("without targets holds only the heading", () => {
    expect(metricsOf(bare).body.widgets.map((w) => w.type)).toEqual(["text"]);
    expect(bare.only("aws_cloudwatch_dashboard").dashboard_name).toBe("acme-test-overview");
  });
});

describe("application metrics (embedded metric format lines of the service)", () => {
  const application = { serviceName: "acme-test-service" };
  const withApp = build({ loadBalancer: lb, application });
  const custom = build({
    application: { serviceName: "svc", namespace: "Custom/App", errorRatePercent: 2, p99LatencyMs: 300 },
  });
  const appDimensions = { Service: "acme-test-service" };

  test("adds the 5xx rate, p99 latency and pool waiting alarms, notifying the topic", () => {
    expect(alarmNames(withApp).filter((n) => String(n).startsWith("acme-test-app-"))).toEqual([
      "acme-test-app-5xx-rate",
      "acme-test-app-db-pool-waiting",
      "acme-test-app-p99-latency",
    ]);
    for (const name of ["app-5xx-rate", "app-p99-latency", "app-db-pool-waiting"]) {
      const a = alarm(withApp, name);
      expect(a.alarm_actions).toEqual([topicRef]);
      expect(a.ok_actions).toEqual([topicRef]);
      expect(String(a.alarm_description).length).toBeGreaterThan(80);
    }
    expect(alarmNames(full).some((n) => String(n).startsWith("acme-test-app-"))).toBe(false);
  });

  test("the 5xx rate is metric math over Requests and Errors5xx, ignoring quiet periods; no data is no errors", () => {
    const a = alarm(withApp, "app-5xx-rate");
    expect(a).toMatchObject({
      comparison_operator: "GreaterThanThreshold",
      threshold: 5,
      evaluation_periods: 2,
      treat_missing_data: "notBreaching",
    });
    expect(a.metric_name).toBeUndefined();
    expect(a.period).toBeUndefined();
    const queries = a.metric_query as Array<Record<string, unknown>>;
    expect(queries).toEqual([
      {
        id: "requests",
        return_data: false,
        metric: {
          namespace: "acme-test/service",
          metric_name: "Requests",
          dimensions: appDimensions,
          stat: "Sum",
          period: 300,
        },
      },
      {
        id: "errors",
        return_data: false,
        metric: {
          namespace: "acme-test/service",
          metric_name: "Errors5xx",
          dimensions: appDimensions,
          stat: "Sum",
          period: 300,
        },
      },
      {
        id: "rate",
        expression: "IF(requests >= 10, 100 * FILL(errors, 0) / requests, 0)",
        label: "5xx (% of requests)",
        return_data: true,
      },
    ]);
  });

  test("p99 latency is read from the service's Latency distribution; few samples keep the state", () => {
    expect(alarm(withApp, "app-p99-latency")).toMatchObject({
      namespace: "acme-test/service",
      metric_name: "Latency",
      dimensions: appDimensions,
      extended_statistic: "p99",
      evaluate_low_sample_count_percentiles: "ignore",
      threshold: 1000,
      period: 300,
      evaluation_periods: 2,
      treat_missing_data: "notBreaching",
    });
  });

  test("requests waiting for a pool connection in each of 5 minutes alarm; gaps are not counted as fine", () => {
    expect(alarm(withApp, "app-db-pool-waiting")).toMatchObject({
      namespace: "acme-test/service",
      metric_name: "DbPoolWaiting",
      dimensions: appDimensions,
      statistic: "Maximum",
      comparison_operator: "GreaterThanThreshold",
      threshold: 0,
      period: 60,
      evaluation_periods: 5,
      datapoints_to_alarm: 5,
      treat_missing_data: "missing",
    });
  });

  test("takes the namespace and thresholds given", () => {
    expect(alarm(custom, "app-5xx-rate").threshold).toBe(2);
    expect(alarm(custom, "app-p99-latency")).toMatchObject({ namespace: "Custom/App", threshold: 300 });
    expect(alarm(custom, "app-db-pool-waiting").dimensions).toEqual({ Service: "svc" });
    const queries = alarm(custom, "app-5xx-rate").metric_query as Array<{ metric?: { namespace: string } }>;
    expect(queries.flatMap((q) => (q.metric ? [q.metric.namespace] : []))).toEqual([
      "Custom/App",
      "Custom/App",
    ]);
  });

  test("the dashboard graphs requests, 4xx/5xx, the 5xx rate, latency percentiles, pool and uploads", () => {
    const body = JSON.parse(String(withApp.only("aws_cloudwatch_dashboard").dashboard_body)) as {
      widgets: Array<{
        type: string;
        properties: { title?: string; metrics?: unknown[][]; alarms?: string[] };
      }>;
    };
    const graphs = body.widgets.filter((w) => w.type === "metric");
    const series = graphs.flatMap((w) => w.properties.metrics ?? []);
    const named = series.filter((m) => m[0] === "acme-test/service");
    const names = named.map((m) => `${m[1]} ${JSON.stringify(m.at(-1))}`);
    for (const metric of [
      "Requests",
      "Errors4xx",
      "Errors5xx",
      "DbPoolTotal",
      "DbPoolIdle",
      "DbPoolWaiting",
      "UploadBytes",
    ]) {
      expect(
        names.some((n) => n.startsWith(`${metric} `)),
        metric,
      ).toBe(true);
    }
    for (const stat of ["p50", "p90", "p99"]) {
      expect(named).toContainEqual([
        "acme-test/service",
        "Latency",
        "Service",
        "acme-test-service",
        { stat, label: stat },
      ]);
    }
    const expressions = series.flatMap((m) =>
      m.flatMap((part) =>
        typeof part === "object" && part && "expression" in part ? [String(part.expression)] : [],
      ),
    );
    expect(expressions).toContain("IF(requests >= 10, 100 * FILL(errors, 0) / requests, 0)");
    expect(expressions).toContain("total - idle");
    expect(expressions).toContain(
      `SEARCH('{acme-test/service,Route,Service} MetricName="Requests" Service="acme-test-service"', 'Sum', 300)`,
    );
    expect(expressions).toContain(
      `SEARCH('{acme-test/service,Route,Service} MetricName="Latency" Service="acme-test-service"', 'p99', 300)`,
    );
    const titles = graphs.map((w) => w.properties.title);
    expect(titles).toEqual(
      expect.arrayContaining([
        "Application requests, 4xx and 5xx",
        "Application 5xx (% of requests)",
        "Application latency (ms)",
        "Upload bytes",
        "Requests by route",
      ]),
    );
    const alarms = body.widgets.find((w) => w.type === "alarm")?.properties.alarms;
    expect(alarms).toHaveLength(alarmNames(withApp).length);
  });

  test.each([
    [{ serviceName: "has space" }, "observability.application.serviceName"],
    [{ serviceName: "svc", namespace: "AWS/ECS" }, "observability.application.namespace"],
    [{ serviceName: "svc", errorRatePercent: 0 }, "observability.application.errorRatePercent"],
    [{ serviceName: "svc", errorRatePercent: 100 }, "observability.application.errorRatePercent"],
    [{ serviceName: "svc", p99LatencyMs: -1 }, "observability.application.p99LatencyMs"],
  ])("%o is refused with %s", (application, field) => {
    expect(() => build({ application })).toThrow(field);
  });
});

describe("invalid settings are refused at synth", () => {
  test.each([
    [{ alarmEmail: "oncall" }, "observability.alarmEmail"],
    [{ monthlyBudgetUsd: 0 }, "observability.monthlyBudgetUsd"],
    [{ budgetThresholdsPercent: [] }, "observability.budgetThresholdsPercent"],
    [{ budgetThresholdsPercent: [10, 20, 30, 40, 50, 60] }, "observability.budgetThresholdsPercent"],
    [{ budgetThresholdsPercent: [80, 80] }, "observability.budgetThresholdsPercent"],
    [{ budgetThresholdsPercent: [-5] }, "observability.budgetThresholdsPercent"],
    [{ loadBalancer: { ...lb, p99LatencySeconds: 0 } }, "observability.loadBalancer.p99LatencySeconds"],
    [{ database: { identifier: "db", allocatedStorageGb: 0 } }, "observability.database.allocatedStorageGb"],
    [
      { failedSignIns: { logGroupName: serviceLogGroup, threshold: 0 } },
      "observability.failedSignIns.threshold",
    ],
    [
      { failedSignIns: { logGroupName: serviceLogGroup, threshold: 2.5 } },
      "observability.failedSignIns.threshold",
    ],
    [
      { database: { identifier: "db", allocatedStorageGb: 20, maxConnections: 0.5 } },
      "observability.database.maxConnections",
    ],
  ] as Array<[Partial<ObservabilityProps>, string]>)("%o is refused with %s", (props, field) => {
    expect(() => build(props)).toThrow(field);
  });
});
