import { BudgetsBudget } from "@cdktf/provider-aws/lib/budgets-budget/index.js";
import { CloudwatchDashboard } from "@cdktf/provider-aws/lib/cloudwatch-dashboard/index.js";
import { CloudwatchLogMetricFilter } from "@cdktf/provider-aws/lib/cloudwatch-log-metric-filter/index.js";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm/index.js";
import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias/index.js";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key/index.js";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic/index.js";
import { SnsTopicPolicy } from "@cdktf/provider-aws/lib/sns-topic-policy/index.js";
import { SnsTopicSubscription } from "@cdktf/provider-aws/lib/sns-topic-subscription/index.js";
import { Construct } from "constructs";
import { policyDocument } from "../iam/policy.js";
import type { Naming } from "../naming/naming.js";

/** The load balancer and target group the service sits behind. */
export interface LoadBalancerTarget {
  /** The ALB's ARN suffix, `app/<name>/<id>` (the `LoadBalancer` metric dimension; `aws_lb.arn_suffix`). */
  readonly arnSuffix: string;
  /** The target group's ARN suffix, `targetgroup/<name>/<id>` (`aws_lb_target_group.arn_suffix`). */
  readonly targetGroupArnSuffix: string;
  /**
   * Alarm when the targets' 99th-percentile response time stays above this many seconds.
   * @default 1
   */
  readonly p99LatencySeconds?: number;
}

/** The ECS service to watch. */
export interface ServiceTarget {
  readonly clusterName: string;
  readonly serviceName: string;
}

/** The RDS instance to watch. */
export interface DatabaseTarget {
  /** The DB instance identifier (the `DBInstanceIdentifier` metric dimension). */
  readonly identifier: string;
  /** The instance's allocated storage in GiB; the free-storage alarm fires below 10 % of it. */
  readonly allocatedStorageGb: number;
  /**
   * The instance's `max_connections`; the connections alarm fires above 80 % of it.
   * @default - no connections alarm (the limit depends on the instance class and parameter group)
   */
  readonly maxConnections?: number;
}

/**
 * The CloudWatch Logs filter pattern of a refused sign-in in the service's logs: the access-log
 * line (service/access-log.ts) of a `POST /api/auth/login` answered 401, which is what
 * service/routes/auth.ts answers for a wrong email or password. A line looks like
 * `{"level":"warn",…,"req":{"method":"POST","url":"/api/auth/login"},"res":{"statusCode":401},…,"msg":"request completed"}`.
 *
 * The URL is matched as a regular expression, not as the exact string: Express routes paths
 * case-insensitively and ignores a trailing slash and the query string, so `/API/Auth/LOGIN/?x=1`
 * reaches the same handler and must be counted too. The status keeps out every other outcome
 * (200 signed in, 400 malformed, 429 rate limited) and every other route's 401.
 */
export const FAILED_SIGN_IN_PATTERN =
  '{ $.req.method = "POST" && $.req.url = %^/[Aa][Pp][Ii]/[Aa][Uu][Tt][Hh]/[Ll][Oo][Gg][Ii][Nn]% && $.res.statusCode = 401 }';

/** The service's refused sign-ins, counted from its logs (`FAILED_SIGN_IN_PATTERN`). */
export interface FailedSignInsTarget {
  /** The service's CloudWatch Logs group (`FargateService.logGroup.name`). */
  readonly logGroupName: string;
  /**
   * Alarm when at least this many sign-ins are refused within 5 minutes.
   * @default 10 - more than a person mistyping a password; a password-guessing run gets there
   */
  readonly threshold?: number;
}

export interface ObservabilityProps {
  /** Names every resource, and scopes the budget to this environment. */
  readonly naming: Naming;
  /** Who gets alarms and budget alerts. SNS sends a confirmation email first; nothing arrives until it is confirmed. */
  readonly alarmEmail: string;
  /** The environment's monthly cost budget, in US dollars. */
  readonly monthlyBudgetUsd: number;
  /**
   * Budget alerts at these percentages of `monthlyBudgetUsd`, each for actual and for forecast spend.
   * At most 5 (AWS allows 10 notifications per budget).
   * @default [50, 80, 100]
   */
  readonly budgetThresholdsPercent?: readonly number[];
  /** Alarms on 5xx responses, p99 latency and target health. @default - no load balancer alarms */
  readonly loadBalancer?: LoadBalancerTarget;
  /** Alarms on the service's CPU and memory. @default - no ECS alarms */
  readonly service?: ServiceTarget;
  /** Alarms on the database's CPU, free storage and connections. @default - no RDS alarms */
  readonly database?: DatabaseTarget;
  /**
   * Counts the service's refused sign-ins (a metric filter on its log group) and alarms on a burst.
   * @default - no failed sign-in metric or alarm
   */
  readonly failedSignIns?: FailedSignInsTarget;
}

/** What one alarm watches and when it fires. */
interface AlarmSpec {
  /** Short name: `<project>-<env>-<name>`. */
  readonly name: string;
  /** What the on-call person reads in the notification: what it means, what to look at. */
  readonly description: string;
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: Record<string, string>;
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
const FAILED_SIGN_INS_METRIC = "FailedSignIns";
const MAX_BUDGET_THRESHOLDS = 5;

/**
 * Alarms, a dashboard and a cost budget for one environment, all reporting to one encrypted SNS
 * topic with an email subscription.
 *
 * - The topic is encrypted with a customer managed KMS key of its own. The AWS managed key
 *   `alias/aws/sns` cannot be used: its key policy cannot be edited and does not let CloudWatch or
 *   Budgets use it, so their publishes would fail silently.
 * - Only CloudWatch alarms of this environment and AWS Budgets of this account may publish (topic
 *   policy), and only those two services may use the key (key policy).
 * - Each alarm exists only when its target is given, so previews and partial stacks can use the module.
 */
export class Observability extends Construct {
  readonly topic: SnsTopic;
  readonly topicArn: string;
  /** The customer managed key the topic is encrypted with. */
  readonly key: KmsKey;
  readonly alarms: readonly CloudwatchMetricAlarm[];
  /** The failed sign-ins metric filter, when `failedSignIns` is given. */
  readonly failedSignInsFilter?: CloudwatchLogMetricFilter;
  readonly dashboard: CloudwatchDashboard;
  readonly budget: BudgetsBudget;

  constructor(scope: Construct, id: string, props: ObservabilityProps) {
    super(scope, id);
    const { naming } = props;
    const thresholds = props.budgetThresholdsPercent ?? [50, 80, 100];
    validate(props, thresholds);

    this.key = new KmsKey(this, "key", {
      description: `Encrypts the ${naming.prefix} alarm topic`,
      enableKeyRotation: true,
      // The key protects only notifications in flight, nothing stored: a short window is enough.
      deletionWindowInDays: 7,
      policy: keyPolicy(naming),
      tags: { Name: naming.name("alarms") },
    });
    new KmsAlias(this, "key-alias", { name: `alias/${naming.name("alarms")}`, targetKeyId: this.key.keyId });

    this.topic = new SnsTopic(this, "topic", {
      name: naming.name("alarms"),
      displayName: `${naming.prefix} alarms`,
      kmsMasterKeyId: this.key.arn,
      tags: { Name: naming.name("alarms") },
    });
    this.topicArn = this.topic.arn;
    const topicPolicy = new SnsTopicPolicy(this, "topic-policy", {
      arn: this.topic.arn,
      policy: topicPolicyDocument(naming, this.topic.arn),
    });
    new SnsTopicSubscription(this, "email", {
      topicArn: this.topic.arn,
      protocol: "email",
      endpoint: props.alarmEmail,
    });

    if (props.failedSignIns) {
      this.failedSignInsFilter = new CloudwatchLogMetricFilter(this, "failed-sign-ins", {
        name: naming.name("failed-sign-ins"),
        logGroupName: props.failedSignIns.logGroupName,
        pattern: FAILED_SIGN_IN_PATTERN,
        // No default value: the metric is published (and billed) only in periods with a refusal.
        metricTransformation: {
          name: FAILED_SIGN_INS_METRIC,
          namespace: serviceNamespace(naming),
          value: "1",
        },
      });
    }

    const specs = [
      ...(props.loadBalancer ? loadBalancerAlarms(props.loadBalancer) : []),
      ...(props.service ? serviceAlarms(props.service) : []),
      ...(props.database ? databaseAlarms(props.database) : []),
      ...(props.failedSignIns ? [failedSignInsAlarm(naming, props.failedSignIns)] : []),
    ];
    this.alarms = specs.map(
      (spec) =>
        new CloudwatchMetricAlarm(this, `alarm-${spec.name}`, {
          alarmName: naming.name(spec.name),
          alarmDescription: spec.description,
          namespace: spec.namespace,
          metricName: spec.metricName,
          dimensions: Object.keys(spec.dimensions).length ? spec.dimensions : undefined,
          statistic: spec.statistic,
          extendedStatistic: spec.extendedStatistic,
          // A p99 over a handful of requests is noise: keep the current state until there are enough.
          evaluateLowSampleCountPercentiles: spec.extendedStatistic ? "ignore" : undefined,
          comparisonOperator: spec.comparison,
          threshold: spec.threshold,
          period: spec.periodSeconds,
          evaluationPeriods: spec.evaluationPeriods,
          datapointsToAlarm: spec.datapointsToAlarm,
          treatMissingData: spec.treatMissingData,
          alarmActions: [this.topic.arn],
          okActions: [this.topic.arn],
          // The topic policy must exist before CloudWatch first tries to publish.
          dependsOn: [topicPolicy],
          tags: { Name: naming.name(spec.name) },
        }),
    );

    this.dashboard = new CloudwatchDashboard(this, "dashboard", {
      dashboardName: naming.name("overview"),
      dashboardBody: JSON.stringify(
        dashboardBody(
          props,
          this.alarms.map((a) => a.arn),
        ),
      ),
    });

    this.budget = new BudgetsBudget(this, "budget", {
      name: naming.name("monthly-cost"),
      budgetType: "COST",
      timeUnit: "MONTHLY",
      limitAmount: String(props.monthlyBudgetUsd),
      limitUnit: "USD",
      // Only this environment's spend. Needs `Environment` activated as a cost allocation tag.
      costFilter: [{ name: "TagKeyValue", values: [`user:Environment$${naming.environment}`] }],
      notification: thresholds.flatMap((threshold) =>
        (["ACTUAL", "FORECASTED"] as const).map((notificationType) => ({
          notificationType,
          comparisonOperator: "GREATER_THAN",
          threshold,
          thresholdType: "PERCENTAGE",
          // Email directly as well as through the topic: a budget alert still arrives if the topic
          // subscription was never confirmed.
          subscriberEmailAddresses: [props.alarmEmail],
          subscriberSnsTopicArns: [this.topic.arn],
        })),
      ),
      // Budgets checks that it may publish to the topic when the notification is created.
      dependsOn: [topicPolicy],
      tags: { Name: naming.name("monthly-cost") },
    });
  }
}

function validate(props: ObservabilityProps, thresholds: readonly number[]): void {
  if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(props.alarmEmail)) {
    throw new Error(`observability.alarmEmail: "${props.alarmEmail}" is not an email address`);
  }
  if (!(Number.isFinite(props.monthlyBudgetUsd) && props.monthlyBudgetUsd > 0)) {
    throw new Error(`observability.monthlyBudgetUsd: ${props.monthlyBudgetUsd} must be a positive amount`);
  }
  if (thresholds.length === 0 || thresholds.length > MAX_BUDGET_THRESHOLDS) {
    throw new Error(
      `observability.budgetThresholdsPercent: give 1 to ${MAX_BUDGET_THRESHOLDS} percentages (each becomes an actual and a forecast alert; AWS allows 10 per budget)`,
    );
  }
  for (const t of thresholds) {
    if (!(Number.isFinite(t) && t > 0)) {
      throw new Error(`observability.budgetThresholdsPercent: ${t} must be a percentage above 0 (e.g. 80)`);
    }
  }
  if (new Set(thresholds).size !== thresholds.length) {
    throw new Error(`observability.budgetThresholdsPercent: [${thresholds.join(", ")}] repeats a percentage`);
  }
  const p99 = props.loadBalancer?.p99LatencySeconds;
  if (p99 !== undefined && !(Number.isFinite(p99) && p99 > 0)) {
    throw new Error(
      `observability.loadBalancer.p99LatencySeconds: ${p99} must be a positive number of seconds`,
    );
  }
  const signIns = props.failedSignIns?.threshold;
  if (signIns !== undefined && !(Number.isInteger(signIns) && signIns >= 1)) {
    throw new Error(
      `observability.failedSignIns.threshold: ${signIns} must be a whole number of refused sign-ins, 1 or more`,
    );
  }
  const db = props.database;
  if (db && !(Number.isInteger(db.allocatedStorageGb) && db.allocatedStorageGb > 0)) {
    throw new Error(
      `observability.database.allocatedStorageGb: ${db.allocatedStorageGb} must be the instance's allocated storage in whole GiB`,
    );
  }
  if (db?.maxConnections !== undefined && !(Number.isInteger(db.maxConnections) && db.maxConnections > 0)) {
    throw new Error(
      `observability.database.maxConnections: ${db.maxConnections} must be the instance's max_connections, a whole number`,
    );
  }
}

function loadBalancerAlarms(lb: LoadBalancerTarget): AlarmSpec[] {
  const namespace = "AWS/ApplicationELB";
  const loadBalancer = { LoadBalancer: lb.arnSuffix };
  const targetGroup = { LoadBalancer: lb.arnSuffix, TargetGroup: lb.targetGroupArnSuffix };
  const p99 = lb.p99LatencySeconds ?? 1;
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
      threshold: 80,
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
      threshold: 80,
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
      threshold: 80,
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
      threshold: Math.round(freeStorageGb * GIB),
      periodSeconds: 300,
      evaluationPeriods: 1,
      treatMissingData,
    },
  ];
  if (db.maxConnections !== undefined) {
    const limit = Math.floor(db.maxConnections * 0.8);
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

function serviceNamespace(naming: Naming): string {
  return `${naming.prefix}/service`;
}

function failedSignInsAlarm(naming: Naming, target: FailedSignInsTarget): AlarmSpec {
  const threshold = target.threshold ?? 10;
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

function formatGb(gb: number): string {
  return Number.isInteger(gb) ? String(gb) : gb.toFixed(1);
}

/**
 * The key may be administered by the account (through IAM policies) and used by CloudWatch and
 * Budgets only. Its use is not conditioned on the caller's account: AWS documents no source
 * condition for these services' KMS calls, and a wrong condition would drop every alarm silently.
 * The topic policy carries those conditions instead.
 */
function keyPolicy(naming: Naming): string {
  return policyDocument([
    {
      sid: "AccountAdministersKey",
      principal: { AWS: `arn:aws:iam::${naming.accountId}:root` },
      // Administration, not use: encrypting or decrypting with the key takes a key policy change.
      actions: [
        "kms:CreateAlias",
        "kms:Describe*",
        "kms:Enable*",
        "kms:List*",
        "kms:Put*",
        "kms:Update*",
        "kms:Revoke*",
        "kms:Disable*",
        "kms:Get*",
        "kms:Delete*",
        "kms:TagResource",
        "kms:UntagResource",
        "kms:ScheduleKeyDeletion",
        "kms:CancelKeyDeletion",
        "kms:RotateKeyOnDemand",
      ],
      resources: ["*"],
    },
    {
      sid: "AlarmsAndBudgetsEncryptNotifications",
      principal: { Service: ["cloudwatch.amazonaws.com", "budgets.amazonaws.com"] },
      actions: ["kms:GenerateDataKey*", "kms:Decrypt"],
      resources: ["*"],
    },
  ]);
}

/** Only this environment's CloudWatch alarms and this account's budgets may publish. */
function topicPolicyDocument(naming: Naming, topicArn: string): string {
  return policyDocument([
    {
      sid: "CloudWatchAlarmsPublish",
      principal: { Service: "cloudwatch.amazonaws.com" },
      actions: ["sns:Publish"],
      resources: [topicArn],
      conditions: {
        ArnLike: {
          "aws:SourceArn": `arn:aws:cloudwatch:${naming.region}:${naming.accountId}:alarm:${naming.prefix}-*`,
        },
      },
    },
    {
      sid: "BudgetsPublish",
      principal: { Service: "budgets.amazonaws.com" },
      actions: ["sns:Publish"],
      resources: [topicArn],
      conditions: {
        StringEquals: { "aws:SourceAccount": naming.accountId },
        ArnLike: { "aws:SourceArn": `arn:aws:budgets::${naming.accountId}:*` },
      },
    },
  ]);
}

type Metric = (string | Record<string, unknown>)[];

function dashboardBody(props: ObservabilityProps, alarmArns: readonly string[]) {
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
      { threshold: { label: "p99 alarm", value: lb.p99LatencySeconds ?? 1 } },
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
      { threshold: { label: "alarm", value: 80 } },
    );
  }

  if (props.failedSignIns) {
    graph(
      "Refused sign-ins",
      [[serviceNamespace(naming), FAILED_SIGN_INS_METRIC, { stat: "Sum", label: "refused sign-ins" }]],
      { threshold: { label: "alarm", value: props.failedSignIns.threshold ?? 10 } },
    );
  }

  const db = props.database;
  if (db) {
    const dims = ["DBInstanceIdentifier", db.identifier];
    graph("Database CPU (%)", [["AWS/RDS", "CPUUtilization", ...dims, { stat: "Average" }]], {
      threshold: { label: "alarm", value: 80 },
    });
    graph("Database free storage (bytes)", [["AWS/RDS", "FreeStorageSpace", ...dims, { stat: "Minimum" }]], {
      threshold: { label: "alarm", value: Math.round(db.allocatedStorageGb * 0.1 * GIB) },
    });
    graph(
      "Database connections",
      [["AWS/RDS", "DatabaseConnections", ...dims, { stat: "Maximum" }]],
      db.maxConnections === undefined
        ? {}
        : { threshold: { label: "alarm", value: Math.floor(db.maxConnections * 0.8) } },
    );
  }
  return { widgets };
}
