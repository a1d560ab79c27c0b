/** The environment's CloudWatch dashboard: one screen with what the alarms watch. */
import type { Naming } from "../naming/naming.js";
import {
  type AlarmTargets,
  APPLICATION_ERROR_RATE_EXPRESSION,
  APPLICATION_METRICS,
  applicationErrorRateThreshold,
  applicationNamespace,
  applicationP99Threshold,
  connectionsThreshold,
  FAILED_SIGN_INS_METRIC,
  failedSignInsThreshold,
  freeStorageThresholdBytes,
  p99LatencyThreshold,
  serviceNamespace,
  UTILISATION_ALARM_PERCENT,
} from "./alarms.js";

type Metric = (string | Record<string, unknown>)[];

/** What the dashboard shows: the alarm targets, and the budget it names in its heading. */
export interface DashboardProps extends AlarmTargets {
  readonly naming: Naming;
  readonly monthlyBudgetUsd: number;
}

/**
 * The dashboard's body (CloudWatch's JSON, as an object): a heading, the alarms' states, then a
 * graph per target with the alarm's threshold drawn on it.
 */
export function dashboardBody(props: DashboardProps, alarmArns: readonly string[]) {
  const { naming } = props;
  const region = naming.region;
  const widgets: Record<string, unknown>[] = [];
  const graph = (
    title: string,
    metrics: Metric[],
    options: { threshold?: { label: string; value: number }; stat?: string } = {},
  ) => {
    widgets.push({
      type: "metric",
      width: 12,
      height: 6,
      properties: {
        title,
        region,
        view: "timeSeries",
        stacked: false,
        period: 300,
        ...(options.stat ? { stat: options.stat } : {}),
        metrics,
        ...(options.threshold
          ? {
              annotations: {
                horizontal: [{ label: options.threshold.label, value: options.threshold.value }],
              },
            }
          : {}),
      },
    });
  };

  widgets.push({
    type: "text",
    width: 24,
    height: 2,
    properties: {
      markdown:
        `# ${naming.prefix}\nAlarms notify the \`${naming.name("alarms")}\` topic; ` +
        `the monthly budget is ${props.monthlyBudgetUsd} USD (\`${naming.name("monthly-cost")}\`).`,
    },
  });
  if (alarmArns.length > 0) {
    widgets.push({
      type: "alarm",
      width: 24,
      height: 3,
      properties: { title: "Alarms", alarms: [...alarmArns] },
    });
  }

  const lb = props.loadBalancer;
  if (lb) {
    const elb = "AWS/ApplicationELB";
    const tg = ["LoadBalancer", lb.arnSuffix, "TargetGroup", lb.targetGroupArnSuffix];
    graph(
      "Requests and 5xx",
      [
        [elb, "RequestCount", "LoadBalancer", lb.arnSuffix, { label: "requests" }],
        [elb, "HTTPCode_ELB_5XX_Count", "LoadBalancer", lb.arnSuffix, { label: "load balancer 5xx" }],
        [elb, "HTTPCode_Target_5XX_Count", ...tg, { label: "application 5xx" }],
      ],
      { stat: "Sum" },
    );
    graph(
      "Target response time (s)",
      [
        [elb, "TargetResponseTime", ...tg, { stat: "p50", label: "p50" }],
        [elb, "TargetResponseTime", ...tg, { stat: "p99", label: "p99" }],
      ],
      { threshold: { label: "p99 alarm", value: p99LatencyThreshold(lb) } },
    );
    graph(
      "Targets",
      [
        [elb, "HealthyHostCount", ...tg, { stat: "Minimum", label: "healthy" }],
        [elb, "UnHealthyHostCount", ...tg, { stat: "Maximum", label: "unhealthy" }],
      ],
      {},
    );
  }

  const service = props.service;
  if (service) {
    const dims = ["ClusterName", service.clusterName, "ServiceName", service.serviceName];
    graph(
      "Service CPU and memory (%)",
      [
        ["AWS/ECS", "CPUUtilization", ...dims, { stat: "Average", label: "CPU (average)" }],
        ["AWS/ECS", "MemoryUtilization", ...dims, { stat: "Maximum", label: "memory (busiest task)" }],
      ],
      { threshold: { label: "alarm", value: UTILISATION_ALARM_PERCENT } },
    );
  }

  const app = props.application;
  if (app) {
    const ns = applicationNamespace(naming, app);
    const svc = ["Service", app.serviceName];
    const m = APPLICATION_METRICS;
    // Per-route series by search: the routes are whatever the service serves, no list to keep here.
    const byRoute = (metricName: string, stat: string, label: string) => [
      {
        expression: `SEARCH('{${ns},Route,Service} MetricName="${metricName}" Service="${app.serviceName}"', '${stat}', 300)`,
        id: `${metricName.toLowerCase()}_by_route`,
        label,
      },
    ];
    graph(
      "Application requests, 4xx and 5xx",
      [
        [ns, m.requests, ...svc, { label: "requests" }],
        [ns, m.errors4xx, ...svc, { label: "4xx" }],
        [ns, m.errors5xx, ...svc, { label: "5xx" }],
      ],
      { stat: "Sum" },
    );
    graph(
      "Application 5xx (% of requests)",
      [
        [ns, m.requests, ...svc, { id: "requests", stat: "Sum", visible: false }],
        [ns, m.errors5xx, ...svc, { id: "errors", stat: "Sum", visible: false }],
        [{ expression: APPLICATION_ERROR_RATE_EXPRESSION, id: "rate", label: "5xx %" }],
      ],
      { threshold: { label: "alarm", value: applicationErrorRateThreshold(app) } },
    );
    graph(
      "Application latency (ms)",
      [
        [ns, m.latency, ...svc, { stat: "p50", label: "p50" }],
        [ns, m.latency, ...svc, { stat: "p90", label: "p90" }],
        [ns, m.latency, ...svc, { stat: "p99", label: "p99" }],
      ],
      { threshold: { label: "p99 alarm", value: applicationP99Threshold(app) } },
    );
    graph(
      "Database pool (connections per task, busiest)",
      [
        [ns, m.poolTotal, ...svc, { id: "total", stat: "Maximum", label: "open" }],
        [ns, m.poolIdle, ...svc, { id: "idle", stat: "Minimum", visible: false }],
        [{ expression: "total - idle", id: "in_use", label: "in use" }],
        [ns, m.poolWaiting, ...svc, { stat: "Maximum", label: "requests waiting" }],
      ],
      { threshold: { label: "waiting alarm", value: 0 } },
    );
    graph("Upload bytes", [[ns, m.uploadBytes, ...svc, { label: "bytes uploaded" }]], { stat: "Sum" });
    graph("Requests by route", [byRoute(m.requests, "Sum", "")], {});
    graph("p99 latency by route (ms)", [byRoute(m.latency, "p99", "")], {});
  }

  if (props.failedSignIns) {
    graph(
      "Refused sign-ins",
      [[serviceNamespace(naming), FAILED_SIGN_INS_METRIC, { stat: "Sum", label: "refused sign-ins" }]],
      { threshold: { label: "alarm", value: failedSignInsThreshold(props.failedSignIns) } },
    );
  }

  const db = props.database;
  if (db) {
    const dims = ["DBInstanceIdentifier", db.identifier];
    graph("Database CPU (%)", [["AWS/RDS", "CPUUtilization", ...dims, { stat: "Average" }]], {
      threshold: { label: "alarm", value: UTILISATION_ALARM_PERCENT },
    });
    graph("Database free storage (bytes)", [["AWS/RDS", "FreeStorageSpace", ...dims, { stat: "Minimum" }]], {
      threshold: { label: "alarm", value: freeStorageThresholdBytes(db) },
    });
    graph(
      "Database connections",
      [["AWS/RDS", "DatabaseConnections", ...dims, { stat: "Maximum" }]],
      db.maxConnections === undefined
        ? {}
        : { threshold: { label: "alarm", value: connectionsThreshold(db.maxConnections) } },
    );
  }
  return { widgets };
}
