/**
 * The alarms, by target: what each watches, when it fires, what a period without data means, and
 * what the on-call person reads when it does. `createAlarms` makes them CloudWatch alarms.
 */
import { CloudwatchLogMetricFilter } from "@cdktf/provider-aws/lib/cloudwatch-log-metric-filter/index.js";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm/index.js";
import type { ITerraformDependable } from "cdktf";
import type { Construct } from "constructs";
import type { Naming } from "../naming/naming.js";
import {
  type ApplicationTarget,
  type DatabaseTarget,
  FAILED_SIGN_IN_PATTERN,
  type FailedSignInsTarget,
  type LoadBalancerTarget,
  type ServiceTarget,
} from "./targets.js";

/** One metric, or one expression over the others, of a metric-math alarm. */
export interface AlarmQuery {
  readonly id: string;
  readonly metric?: {
    readonly namespace: string;
    readonly metricName: string;
    readonly dimensions: Record<string, string>;
    readonly stat: string;
  };
  readonly expression?: string;
  readonly label?: string;
  /** The one query whose value the alarm compares with its threshold. */
  readonly returnData?: boolean;
}

/** What one alarm watches and when it fires. */
export interface AlarmSpec {
  /** Short name: `<project>-<env>-<name>`. */
  readonly name: string;
  /** What the on-call person reads in the notification: what it means, what to look at. */
  readonly description: string;
  /** The metric watched; a metric-math alarm (`queries`) has none of its own. */
  readonly namespace?: string;
  readonly metricName?: string;
  readonly dimensions?: Record<string, string>;
  /** A metric-math alarm: its metrics and the expression it compares (each metric at `periodSeconds`). */
  readonly queries?: readonly AlarmQuery[];
  readonly statistic?: "Sum" | "Average" | "Maximum" | "Minimum";
  readonly extendedStatistic?: string;
  readonly comparison: "GreaterThanThreshold" | "GreaterThanOrEqualToThreshold" | "LessThanThreshold";
  readonly threshold: number;
  readonly periodSeconds: number;
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm?: number;
  /** Chosen per metric: what a period with no data means for that metric. */
  readonly treatMissingData: "missing" | "ignore" | "breaching" | "notBreaching";
}

const GIB = 1024 ** 3;
/** The metric the failed sign-ins filter publishes, in the `<project>-<env>/service` namespace. */
export const FAILED_SIGN_INS_METRIC = "FailedSignIns";
/** CPU and memory alarms fire above this percentage. */
export const UTILISATION_ALARM_PERCENT = 80;

/** Seconds of p99 target response time the latency alarm fires above. */
export function p99LatencyThreshold(lb: LoadBalancerTarget): number {
  return lb.p99LatencySeconds ?? 1;
}

/** Bytes of free storage the storage alarm fires below: 10 % of the allocated storage. */
export function freeStorageThresholdBytes(db: DatabaseTarget): number {
  return Math.round(db.allocatedStorageGb * 0.1 * GIB);
}

/** Connections the connections alarm fires above: 80 % of `max_connections`. */
export function connectionsThreshold(maxConnections: number): number {
  return Math.floor(maxConnections * 0.8);
}

/** Refused sign-ins in 5 minutes at which the failed sign-ins alarm fires. */
export function failedSignInsThreshold(target: FailedSignInsTarget): number {
  return target.threshold ?? 10;
}

/** The namespace of the service's own metrics (refused sign-ins): `<project>-<env>/service`. */
export function serviceNamespace(naming: Naming): string {
  return `${naming.prefix}/service`;
}

/** The application's metrics, as service/emf.ts names them. */
export const APPLICATION_METRICS = {
  requests: "Requests",
  errors4xx: "Errors4xx",
  errors5xx: "Errors5xx",
  latency: "Latency",
  poolTotal: "DbPoolTotal",
  poolIdle: "DbPoolIdle",
  poolWaiting: "DbPoolWaiting",
  uploadBytes: "UploadBytes",
} as const;

/** 5-minute periods with fewer requests than this never count towards the error-rate alarm. */
export const APPLICATION_ERROR_RATE_MIN_REQUESTS = 10;

/** The namespace the application publishes in. */
export function applicationNamespace(naming: Naming, app: ApplicationTarget): string {
  return app.namespace ?? serviceNamespace(naming);
}

/** Percentage of 5xx answers the application error-rate alarm fires above. */
export function applicationErrorRateThreshold(app: ApplicationTarget): number {
  return app.errorRatePercent ?? 5;
}

/** Milliseconds of application p99 latency the latency alarm fires above. */
export function applicationP99Threshold(app: ApplicationTarget): number {
  return app.p99LatencyMs ?? 1000;
}

/** The metric-math expression of the 5xx share, over queries `requests` and `errors`. */
export const APPLICATION_ERROR_RATE_EXPRESSION = `IF(requests >= ${APPLICATION_ERROR_RATE_MIN_REQUESTS}, 100 * FILL(errors, 0) / requests, 0)`;

/** The targets to alarm on; each alarm exists only when its target is given. */
export interface AlarmTargets {
  readonly loadBalancer?: LoadBalancerTarget;
  readonly service?: ServiceTarget;
  readonly database?: DatabaseTarget;
  readonly failedSignIns?: FailedSignInsTarget;
  readonly application?: ApplicationTarget;
}

/** Every alarm of the given targets, load balancer first. */
export function alarmSpecs(naming: Naming, targets: AlarmTargets): AlarmSpec[] {
  return [
    ...(targets.loadBalancer ? loadBalancerAlarms(targets.loadBalancer) : []),
    ...(targets.service ? serviceAlarms(targets.service) : []),
    ...(targets.database ? databaseAlarms(targets.database) : []),
    ...(targets.failedSignIns ? [failedSignInsAlarm(naming, targets.failedSignIns)] : []),
    ...(targets.application ? applicationAlarms(naming, targets.application) : []),
  ];
}

/**
 * The alarms in `scope`, each notifying `topicArn` on ALARM and on OK, named `<project>-<env>-<name>`
 * and created after `topicPolicy` (CloudWatch must be allowed to publish before it first tries).
 */
export function createAlarms(
  scope: Construct,
  naming: Naming,
  specs: readonly AlarmSpec[],
  topic: { readonly topicArn: string; readonly topicPolicy: ITerraformDependable },
): CloudwatchMetricAlarm[] {
  return specs.map(
    (spec) =>
      new CloudwatchMetricAlarm(scope, `alarm-${spec.name}`, {
        alarmName: naming.name(spec.name),
        alarmDescription: spec.description,
        namespace: spec.namespace,
        metricName: spec.metricName,
        dimensions: spec.dimensions && Object.keys(spec.dimensions).length ? spec.dimensions : undefined,
        metricQuery: spec.queries?.map((query) => ({
          id: query.id,
          expression: query.expression,
          label: query.label,
          returnData: query.returnData ?? false,
          metric: query.metric
            ? {
                namespace: query.metric.namespace,
                metricName: query.metric.metricName,
                dimensions: query.metric.dimensions,
                stat: query.metric.stat,
                period: spec.periodSeconds,
              }
            : undefined,
        })),
        statistic: spec.statistic,
        extendedStatistic: spec.extendedStatistic,
        // A p99 over a handful of requests is noise: keep the current state until there are enough.
        evaluateLowSampleCountPercentiles: spec.extendedStatistic ? "ignore" : undefined,
        comparisonOperator: spec.comparison,
        threshold: spec.threshold,
        period: spec.queries ? undefined : spec.periodSeconds,
        evaluationPeriods: spec.evaluationPeriods,
        datapointsToAlarm: spec.datapointsToAlarm,
        treatMissingData: spec.treatMissingData,
        alarmActions: [topic.topicArn],
        okActions: [topic.topicArn],
        dependsOn: [topic.topicPolicy],
        tags: { Name: naming.name(spec.name) },
      }),
  );
}

/** Counts the service's refused sign-ins from its log group, as `FAILED_SIGN_INS_METRIC`. */
export function countFailedSignIns(
  scope: Construct,
  naming: Naming,
  target: FailedSignInsTarget,
): CloudwatchLogMetricFilter {
  return new CloudwatchLogMetricFilter(scope, "failed-sign-ins", {
    name: naming.name("failed-sign-ins"),
    logGroupName: target.logGroupName,
    pattern: FAILED_SIGN_IN_PATTERN,
    // No default value: the metric is published (and billed) only in periods with a refusal.
    metricTransformation: {
      name: FAILED_SIGN_INS_METRIC,
      namespace: serviceNamespace(naming),
      value: "1",
    },
  });
}

function loadBalancerAlarms(lb: LoadBalancerTarget): AlarmSpec[] {
  const namespace = "AWS/ApplicationELB";
  const loadBalancer = { LoadBalancer: lb.arnSuffix };
  const targetGroup = { LoadBalancer: lb.arnSuffix, TargetGroup: lb.targetGroupArnSuffix };
  const p99 = p99LatencyThreshold(lb);
  return [
    {
      name: "alb-5xx",
      description:
        "The load balancer itself answered 5xx (502/503/504) in the last 5 minutes: no healthy target, " +
        "targets refusing connections or timing out. Check the target group's health, the ECS service's " +
        "events and the application logs. Clears after 5 minutes without one.",
      namespace,
      metricName: "HTTPCode_ELB_5XX_Count",
      dimensions: loadBalancer,
      statistic: "Sum",
      comparison: "GreaterThanThreshold",
      threshold: 0,
      periodSeconds: 300,
      evaluationPeriods: 1,
      // Published only when there are errors: no data means no 5xx.
      treatMissingData: "notBreaching",
    },
    {
      name: "target-5xx",
      description:
        "The application returned 5xx responses in the last 5 minutes. Users are seeing errors: " +
        "check the application logs for the failing requests and recent deployments. Clears after " +
        "5 minutes without one.",
      namespace,
      metricName: "HTTPCode_Target_5XX_Count",
      dimensions: targetGroup,
      statistic: "Sum",
      comparison: "GreaterThanThreshold",
      threshold: 0,
      periodSeconds: 300,
      evaluationPeriods: 1,
      // Published only when there are errors: no data means no 5xx.
      treatMissingData: "notBreaching",
    },
    {
      name: "target-p99-latency",
      description:
        `The slowest 1 % of requests took longer than ${p99} s for 10 minutes. Users are waiting: ` +
        "check the database (CPU, connections, slow queries), the service's CPU and memory, and " +
        "recent deployments.",
      namespace,
      metricName: "TargetResponseTime",
      dimensions: targetGroup,
      extendedStatistic: "p99",
      comparison: "GreaterThanThreshold",
      threshold: p99,
      periodSeconds: 300,
      evaluationPeriods: 2,
      // No requests, no latency to complain about; outages are the healthy-hosts alarm's job.
      treatMissingData: "notBreaching",
    },
    {
      name: "unhealthy-hosts",
      description:
        "At least one target has failed its load balancer health checks for 5 minutes. Capacity is " +
        "reduced and a task may be crash-looping: check the ECS service's events and stopped tasks' " +
        "reasons, and the health-check path.",
      namespace,
      metricName: "UnHealthyHostCount",
      dimensions: targetGroup,
      statistic: "Maximum",
      comparison: "GreaterThanThreshold",
      threshold: 0,
      periodSeconds: 60,
      evaluationPeriods: 5,
      datapointsToAlarm: 5,
      // No data means no registered targets, which is not "unhealthy"; no-healthy-hosts covers it.
      treatMissingData: "notBreaching",
    },
    {
      name: "no-healthy-hosts",
      description:
        "The target group has had no healthy target for 2 minutes: the service is DOWN and the load " +
        "balancer answers 503. Check the ECS service's events, stopped tasks' reasons and recent deployments.",
      namespace,
      metricName: "HealthyHostCount",
      dimensions: targetGroup,
      statistic: "Minimum",
      comparison: "LessThanThreshold",
      threshold: 1,
      periodSeconds: 60,
      evaluationPeriods: 2,
      datapointsToAlarm: 2,
      // No data means nothing is registered at all: that is an outage too.
      treatMissingData: "breaching",
    },
  ];
}

function serviceAlarms(service: ServiceTarget): AlarmSpec[] {
  const dimensions = { ClusterName: service.clusterName, ServiceName: service.serviceName };
  return [
    {
      name: "ecs-cpu",
      description:
        "The service's tasks averaged over 80 % CPU for 10 minutes: autoscaling is at its maximum or " +
        "not keeping up. Expect slow responses; consider raising the task size or the maximum task count.",
      namespace: "AWS/ECS",
      metricName: "CPUUtilization",
      dimensions,
      statistic: "Average",
      comparison: "GreaterThanThreshold",
      threshold: UTILISATION_ALARM_PERCENT,
      periodSeconds: 300,
      evaluationPeriods: 2,
      // No running task means no CPU pressure; an outage is the no-healthy-hosts alarm's job.
      treatMissingData: "notBreaching",
    },
    {
      name: "ecs-memory",
      description:
        "A task of the service used over 80 % of its memory for 10 minutes. At 100 % it is killed " +
        "(OutOfMemoryError in stopped tasks): look for a leak or raise the task memory.",
      namespace: "AWS/ECS",
      metricName: "MemoryUtilization",
      dimensions,
      // Maximum, not Average: one task near its limit is killed whatever the others do.
      statistic: "Maximum",
      comparison: "GreaterThanThreshold",
      threshold: UTILISATION_ALARM_PERCENT,
      periodSeconds: 300,
      evaluationPeriods: 2,
      treatMissingData: "notBreaching",
    },
  ];
}

function databaseAlarms(db: DatabaseTarget): AlarmSpec[] {
  const dimensions = { DBInstanceIdentifier: db.identifier };
  // RDS publishes every minute while the instance is available. A gap means it is stopped,
  // rebooting or failing over (RDS events say which): show INSUFFICIENT_DATA rather than page.
  const treatMissingData = "missing";
  const freeStorageGb = db.allocatedStorageGb * 0.1;
  const specs: AlarmSpec[] = [
    {
      name: "rds-cpu",
      description:
        "The database averaged over 80 % CPU for 15 minutes. Queries slow down for everyone: check " +
        "Performance Insights for the top SQL, missing indexes and recent deployments.",
      namespace: "AWS/RDS",
      metricName: "CPUUtilization",
      dimensions,
      statistic: "Average",
      comparison: "GreaterThanThreshold",
      threshold: UTILISATION_ALARM_PERCENT,
      periodSeconds: 300,
      evaluationPeriods: 3,
      treatMissingData,
    },
    {
      name: "rds-free-storage",
      description:
        `The database has less than ${formatGb(freeStorageGb)} GiB (10 % of ${db.allocatedStorageGb} GiB) ` +
        "of free storage. When it runs out the instance stops accepting writes: raise allocated storage " +
        "(or max_allocated_storage) and look for table or log growth.",
      namespace: "AWS/RDS",
      metricName: "FreeStorageSpace",
      dimensions,
      statistic: "Minimum",
      comparison: "LessThanThreshold",
      threshold: freeStorageThresholdBytes(db),
      periodSeconds: 300,
      evaluationPeriods: 1,
      treatMissingData,
    },
  ];
  if (db.maxConnections !== undefined) {
    const limit = connectionsThreshold(db.maxConnections);
    specs.push({
      name: "rds-connections",
      description:
        `The database had more than ${limit} connections (80 % of max_connections ${db.maxConnections}) ` +
        "for 10 minutes. New connections will soon be refused: check connection pool sizes times the " +
        "task count, and connections leaked by the application.",
      namespace: "AWS/RDS",
      metricName: "DatabaseConnections",
      dimensions,
      statistic: "Maximum",
      comparison: "GreaterThanThreshold",
      threshold: limit,
      periodSeconds: 300,
      evaluationPeriods: 2,
      treatMissingData,
    });
  }
  return specs;
}

function failedSignInsAlarm(naming: Naming, target: FailedSignInsTarget): AlarmSpec {
  const threshold = failedSignInsThreshold(target);
  return {
    name: "failed-sign-ins",
    description:
      `At least ${threshold} sign-ins were refused (wrong email or password) in 5 minutes: someone may be ` +
      "guessing passwords or replaying leaked credentials. Look at the refused POST /api/auth/login lines " +
      "in the service's logs (client IPs in the load balancer's access logs), and at the WAF.",
    namespace: serviceNamespace(naming),
    metricName: FAILED_SIGN_INS_METRIC,
    dimensions: {},
    statistic: "Sum",
    comparison: "GreaterThanOrEqualToThreshold",
    threshold,
    periodSeconds: 300,
    evaluationPeriods: 1,
    // Published only when a sign-in is refused: no data means none were.
    treatMissingData: "notBreaching",
  };
}

function applicationAlarms(naming: Naming, app: ApplicationTarget): AlarmSpec[] {
  const namespace = applicationNamespace(naming, app);
  const dimensions = { Service: app.serviceName };
  const rate = applicationErrorRateThreshold(app);
  const p99 = applicationP99Threshold(app);
  return [
    {
      name: "app-5xx-rate",
      description:
        `More than ${rate} % of the application's requests were answered 5xx for 10 minutes (periods with ` +
        `at least ${APPLICATION_ERROR_RATE_MIN_REQUESTS} requests). The dashboard's per-route graphs show ` +
        "which routes fail; the application logs say why. Check recent deployments, the database and S3.",
      queries: [
        {
          id: "requests",
          metric: { namespace, metricName: APPLICATION_METRICS.requests, dimensions, stat: "Sum" },
        },
        {
          id: "errors",
          metric: { namespace, metricName: APPLICATION_METRICS.errors5xx, dimensions, stat: "Sum" },
        },
        {
          id: "rate",
          expression: APPLICATION_ERROR_RATE_EXPRESSION,
          label: "5xx (% of requests)",
          returnData: true,
        },
      ],
      comparison: "GreaterThanThreshold",
      threshold: rate,
      periodSeconds: 300,
      evaluationPeriods: 2,
      // The service publishes Errors5xx only in intervals with a 5xx (FILL makes those 0), and
      // Requests only when it serves any: no data means no traffic, nothing failing.
      treatMissingData: "notBreaching",
    },
    {
      name: "app-p99-latency",
      description:
        `The application's slowest 1 % of requests took longer than ${p99} ms for 10 minutes (measured in ` +
        "the service, so without the load balancer's share). The dashboard's per-route latency shows which " +
        "routes; check the database pool graph, database CPU and slow queries, and recent deployments.",
      namespace,
      metricName: APPLICATION_METRICS.latency,
      dimensions,
      extendedStatistic: "p99",
      comparison: "GreaterThanThreshold",
      threshold: p99,
      periodSeconds: 300,
      evaluationPeriods: 2,
      // No requests, no latency to complain about.
      treatMissingData: "notBreaching",
    },
    {
      name: "app-db-pool-waiting",
      description:
        "Requests have been waiting for a database connection from the service's pool in each of the last " +
        "5 minutes: the pool (DATABASE_POOL_MAX per task) is exhausted and requests queue. Look for slow " +
        "queries holding connections, raise the pool size within the database's max_connections, or add tasks.",
      namespace,
      metricName: APPLICATION_METRICS.poolWaiting,
      dimensions,
      statistic: "Maximum",
      comparison: "GreaterThanThreshold",
      threshold: 0,
      periodSeconds: 60,
      evaluationPeriods: 5,
      datapointsToAlarm: 5,
      // Every task publishes the pool every minute, traffic or not. A gap is a minute its timer fell
      // on either side of, or no task running (the no-healthy-hosts alarm's business): evaluate the
      // minutes that have data rather than count gaps as "no one waiting".
      treatMissingData: "missing",
    },
  ];
}

function formatGb(gb: number): string {
  return Number.isInteger(gb) ? String(gb) : gb.toFixed(1);
}
