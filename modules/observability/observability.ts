/**
 * The `Observability` construct, wiring its parts, each in a file of its own: what the alarms watch
 * (`targets.ts`), the alarms by target (`alarms.ts`), the encrypted topic they notify
 * (`alarm-topic.ts`), the dashboard (`dashboard.ts`) and the cost budget (`budget.ts`).
 */
import type { BudgetsBudget } from "@cdktf/provider-aws/lib/budgets-budget/index.js";
import { CloudwatchDashboard } from "@cdktf/provider-aws/lib/cloudwatch-dashboard/index.js";
import type { CloudwatchLogMetricFilter } from "@cdktf/provider-aws/lib/cloudwatch-log-metric-filter/index.js";
import type { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm/index.js";
import type { KmsKey } from "@cdktf/provider-aws/lib/kms-key/index.js";
import type { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic/index.js";
import { Token } from "cdktf";
import { Construct } from "constructs";
import type { Naming } from "../naming/naming.js";
import { PropError } from "../validation/prop-error.js";
import { createAlarmTopic } from "./alarm-topic.js";
import { alarmSpecs, countFailedSignIns, createAlarms } from "./alarms.js";
import { createBudget, DEFAULT_BUDGET_THRESHOLDS_PERCENT, MAX_BUDGET_THRESHOLDS } from "./budget.js";
import { dashboardBody } from "./dashboard.js";
import type {
  ApplicationTarget,
  DatabaseTarget,
  FailedSignInsTarget,
  LoadBalancerTarget,
  ServiceTarget,
} from "./targets.js";

/** Everything `Observability` is built from; each target given adds its alarms and graphs. */
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
  /**
   * The service's own metrics (embedded metric format lines in its log): alarms on its 5xx rate, its
   * p99 latency and requests waiting for a database connection, and dashboard graphs of requests,
   * 4xx/5xx, latency percentiles, pool use and upload bytes, service-wide and per route.
   * @default - no application alarms or graphs
   */
  readonly application?: ApplicationTarget;
}

/**
 * Alarms, a dashboard and a cost budget for one environment, all reporting to one encrypted SNS
 * topic with an email subscription.
 *
 * - The topic is encrypted with a customer managed key of its own (`alarm-topic.ts` says why not
 *   the AWS managed one).
 * - Only CloudWatch alarms of this environment and AWS Budgets of this account may publish (topic
 *   policy), and only those two services may use the key (key policy).
 * - Each alarm exists only when its target is given, so previews and partial stacks can use the module.
 */
export class Observability extends Construct {
  /** The alarm topic: every alarm notifies it; its email subscription is `alarmEmail`. */
  readonly topic: SnsTopic;
  /** The topic's ARN, for other alarms of the same environment (named `<project>-<env>-*`). */
  readonly topicArn: string;
  /** The customer managed key the topic is encrypted with. */
  readonly key: KmsKey;
  /** Every alarm created, for the targets given. */
  readonly alarms: readonly CloudwatchMetricAlarm[];
  /** The failed sign-ins metric filter, when `failedSignIns` is given. */
  readonly failedSignInsFilter?: CloudwatchLogMetricFilter;
  /** The `<project>-<env>-overview` dashboard. */
  readonly dashboard: CloudwatchDashboard;
  /** The `<project>-<env>-monthly-cost` budget. */
  readonly budget: BudgetsBudget;

  constructor(scope: Construct, id: string, props: ObservabilityProps) {
    super(scope, id);
    const { naming } = props;
    const thresholds = props.budgetThresholdsPercent ?? DEFAULT_BUDGET_THRESHOLDS_PERCENT;
    validate(props, thresholds);

    const { key, topic, topicPolicy } = createAlarmTopic(this, naming, props.alarmEmail);
    this.key = key;
    this.topic = topic;
    this.topicArn = topic.arn;

    if (props.failedSignIns) this.failedSignInsFilter = countFailedSignIns(this, naming, props.failedSignIns);
    this.alarms = createAlarms(this, naming, alarmSpecs(naming, props), { topicArn: topic.arn, topicPolicy });

    this.dashboard = new CloudwatchDashboard(this, "dashboard", {
      dashboardName: naming.name("overview"),
      dashboardBody: JSON.stringify(
        dashboardBody(
          props,
          this.alarms.map((a) => a.arn),
        ),
      ),
    });

    this.budget = createBudget(this, {
      naming,
      monthlyBudgetUsd: props.monthlyBudgetUsd,
      thresholdsPercent: thresholds,
      alarmEmail: props.alarmEmail,
      topicArn: topic.arn,
      topicPolicy,
    });
  }
}

/** Throws, naming the field, on a value AWS would refuse or that would silence an alert. */
function validate(props: ObservabilityProps, thresholds: readonly number[]): void {
  if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(props.alarmEmail)) {
    throw new PropError("observability.alarmEmail", `"${props.alarmEmail}" is not an email address`);
  }
  if (!(Number.isFinite(props.monthlyBudgetUsd) && props.monthlyBudgetUsd > 0)) {
    throw new PropError(
      "observability.monthlyBudgetUsd",
      `${props.monthlyBudgetUsd} must be a positive amount`,
    );
  }
  if (thresholds.length === 0 || thresholds.length > MAX_BUDGET_THRESHOLDS) {
    throw new PropError(
      "observability.budgetThresholdsPercent",
      `give 1 to ${MAX_BUDGET_THRESHOLDS} percentages (each becomes an actual and a forecast alert; AWS allows 10 per budget)`,
    );
  }
  for (const t of thresholds) {
    if (!(Number.isFinite(t) && t > 0)) {
      throw new PropError(
        "observability.budgetThresholdsPercent",
        `${t} must be a percentage above 0 (e.g. 80)`,
      );
    }
  }
  if (new Set(thresholds).size !== thresholds.length) {
    throw new PropError(
      "observability.budgetThresholdsPercent",
      `[${thresholds.join(", ")}] repeats a percentage`,
    );
  }
  const p99 = props.loadBalancer?.p99LatencySeconds;
  if (p99 !== undefined && !(Number.isFinite(p99) && p99 > 0)) {
    throw new PropError(
      "observability.loadBalancer.p99LatencySeconds",
      `${p99} must be a positive number of seconds`,
    );
  }
  const signIns = props.failedSignIns?.threshold;
  if (signIns !== undefined && !(Number.isInteger(signIns) && signIns >= 1)) {
    throw new PropError(
      "observability.failedSignIns.threshold",
      `${signIns} must be a whole number of refused sign-ins, 1 or more`,
    );
  }
  const app = props.application;
  if (app) {
    if (!Token.isUnresolved(app.serviceName) && !/^[\x21-\x7e]{1,255}$/.test(app.serviceName)) {
      throw new PropError(
        "observability.application.serviceName",
        `"${app.serviceName}" must be the service's METRICS_SERVICE: 1 to 255 printable ASCII characters, no spaces`,
      );
    }
    if (
      app.namespace !== undefined &&
      !Token.isUnresolved(app.namespace) &&
      !/^(?!AWS\/)[A-Za-z0-9._#/ -]{1,255}$/.test(app.namespace)
    ) {
      throw new PropError(
        "observability.application.namespace",
        `"${app.namespace}" must be the service's METRICS_NAMESPACE: a CloudWatch namespace not starting with AWS/`,
      );
    }
    const rate = app.errorRatePercent;
    if (rate !== undefined && !(Number.isFinite(rate) && rate > 0 && rate < 100)) {
      throw new PropError(
        "observability.application.errorRatePercent",
        `${rate} must be a percentage above 0 and below 100 (e.g. 5)`,
      );
    }
    const p99ms = app.p99LatencyMs;
    if (p99ms !== undefined && !(Number.isFinite(p99ms) && p99ms > 0)) {
      throw new PropError(
        "observability.application.p99LatencyMs",
        `${p99ms} must be a positive number of milliseconds`,
      );
    }
  }
  const db = props.database;
  if (db && !(Number.isInteger(db.allocatedStorageGb) && db.allocatedStorageGb > 0)) {
    throw new PropError(
      "observability.database.allocatedStorageGb",
      `${db.allocatedStorageGb} must be the instance's allocated storage in whole GiB`,
    );
  }
  if (db?.maxConnections !== undefined && !(Number.isInteger(db.maxConnections) && db.maxConnections > 0)) {
    throw new PropError(
      "observability.database.maxConnections",
      `${db.maxConnections} must be the instance's max_connections, a whole number`,
    );
  }
}
