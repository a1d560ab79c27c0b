import { CloudwatchLogMetricFilter } from "@cdktf/provider-aws/lib/cloudwatch-log-metric-filter/index.js";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm/index.js";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic/index.js";
import { SnsTopicPolicy } from "@cdktf/provider-aws/lib/sns-topic-policy/index.js";
import { SnsTopicSubscription } from "@cdktf/provider-aws/lib/sns-topic-subscription/index.js";
import { Lazy } from "cdktf";
import { Construct } from "constructs";
import { type PolicyStatement, policyDocument } from "../iam/policy.js";
import type { Naming } from "../naming/naming.js";
import type { BaselineKey } from "./baseline-key.js";
import { CIS_CONTROLS } from "./cis-controls.js";

/** Props of `SecurityAlarms`: the trail's log group to filter, the key and who is told. */
export interface SecurityAlarmsProps {
  /** Names the topic, filters and alarms (`<project>-<env>-cis-<control>`). */
  readonly naming: Naming;
  /** Encrypts the topic; CloudWatch alarms are allowed to use it. */
  readonly key: BaselineKey;
  /** The log group the trail writes to: the metric filters read it. */
  readonly trailLogGroupName: string;
  /**
   * Subscribed to the topic by email. SNS sends a confirmation email first; nothing arrives until it
   * is confirmed.
   * @default - no subscription: subscribe an address or a chat integration to the topic yourself
   */
  readonly alarmEmail?: string;
}

/**
 * The CIS AWS Foundations Benchmark monitoring controls (cis-controls.ts): for each, a metric filter
 * on the trail's log group and an alarm on its metric, all notifying one encrypted SNS topic.
 *
 * Alarms fire on the first matching event in 5 minutes (Sum ≥ 1) and treat missing data as not
 * breaching: a filter publishes only when an event matches (no default value), so silence is the
 * normal state, and a quiet filter costs nothing.
 */
export class SecurityAlarms extends Construct {
  /** The encrypted SNS topic every CIS alarm (and GuardDuty's findings rule) notifies. */
  readonly topic: SnsTopic;
  /** The topic's ARN: subscribe people or chat integrations to it. */
  readonly topicArn: string;
  /** Who may publish: this account's `<project>-<env>-*` alarms, and rules added by `allowEventRule`. */
  readonly topicPolicy: SnsTopicPolicy;
  /** One metric filter per CIS control, on the trail's log group. */
  readonly filters: readonly CloudwatchLogMetricFilter[];
  /** One alarm per CIS control, firing on the first matching event in 5 minutes. */
  readonly alarms: readonly CloudwatchMetricAlarm[];
  /** The CloudWatch namespace of the filters' metrics: `<project>-<env>/cis`. */
  readonly metricNamespace: string;
  private readonly key: BaselineKey;
  private readonly topicStatements: PolicyStatement[] = [];
  private eventRules = 0;

  constructor(scope: Construct, id: string, props: SecurityAlarmsProps) {
    super(scope, id);
    const { naming, key } = props;
    this.key = key;
    this.metricNamespace = `${naming.prefix}/cis`;

    // The AWS managed key alias/aws/sns cannot be used: its policy does not let CloudWatch use it,
    // so every alarm notification would be dropped.
    key.addToKeyPolicy({
      sid: "AlarmsEncryptNotifications",
      principal: { Service: "cloudwatch.amazonaws.com" },
      actions: ["kms:GenerateDataKey*", "kms:Decrypt"],
    });
    this.topic = new SnsTopic(this, "topic", {
      name: naming.name("security-alarms"),
      displayName: `${naming.prefix} security alarms`,
      kmsMasterKeyId: key.keyArn,
      tags: { Name: naming.name("security-alarms") },
    });
    this.topicArn = this.topic.arn;
    this.topicStatements.push({
      sid: "CloudWatchAlarmsPublish",
      principal: { Service: "cloudwatch.amazonaws.com" },
      actions: ["sns:Publish"],
      resources: [this.topic.arn],
      conditions: {
        ArnLike: {
          "aws:SourceArn": `arn:aws:cloudwatch:${naming.region}:${naming.accountId}:alarm:${naming.prefix}-*`,
        },
      },
    });
    this.topicPolicy = new SnsTopicPolicy(this, "topic-policy", {
      arn: this.topic.arn,
      policy: Lazy.stringValue({ produce: () => policyDocument(this.topicStatements) }),
    });
    if (props.alarmEmail) {
      new SnsTopicSubscription(this, "email", {
        topicArn: this.topic.arn,
        protocol: "email",
        endpoint: props.alarmEmail,
      });
    }

    const filters: CloudwatchLogMetricFilter[] = [];
    const alarms: CloudwatchMetricAlarm[] = [];
    for (const control of CIS_CONTROLS) {
      const name = naming.name(`cis-${control.id}`);
      filters.push(
        new CloudwatchLogMetricFilter(this, `filter-${control.id}`, {
          name,
          logGroupName: props.trailLogGroupName,
          pattern: control.pattern,
          // No default value: the metric exists only in periods with a match.
          metricTransformation: { name: control.metric, namespace: this.metricNamespace, value: "1" },
        }),
      );
      alarms.push(
        new CloudwatchMetricAlarm(this, `alarm-${control.id}`, {
          alarmName: name,
          alarmDescription: `${control.description} (CIS ${control.cis.join(", ")}; Security Hub ${control.securityHubControl})`,
          namespace: this.metricNamespace,
          metricName: control.metric,
          statistic: "Sum",
          period: 300,
          evaluationPeriods: 1,
          threshold: 1,
          comparisonOperator: "GreaterThanOrEqualToThreshold",
          treatMissingData: "notBreaching",
          alarmActions: [this.topic.arn],
          // The topic policy must exist before CloudWatch first tries to publish.
          dependsOn: [this.topicPolicy],
          tags: { Name: name },
        }),
      );
    }
    this.filters = filters;
    this.alarms = alarms;
  }

  /**
   * Lets one EventBridge rule publish to the topic (e.g. GuardDuty findings), and EventBridge use
   * the topic's key to do so.
   */
  allowEventRule(ruleArn: string): void {
    this.eventRules += 1;
    this.topicStatements.push({
      sid: `EventRule${this.eventRules}Publishes`,
      principal: { Service: "events.amazonaws.com" },
      actions: ["sns:Publish"],
      resources: [this.topic.arn],
      conditions: { ArnEquals: { "aws:SourceArn": ruleArn } },
    });
    if (this.eventRules === 1) {
      this.key.addToKeyPolicy({
        sid: "EventsEncryptNotifications",
        principal: { Service: "events.amazonaws.com" },
        actions: ["kms:GenerateDataKey*", "kms:Decrypt"],
      });
    }
  }
}
