/**
 * CloudWatch Logs log classes. Standard has every feature; Infrequent Access costs half as much to
 * ingest ($0.25 instead of $0.50 per GB in us-east-1) and keeps Logs Insights queries, but has no
 * metric filters, subscription filters, Live Tail, embedded-metric-format extraction or anomaly
 * detection (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CloudWatch_Logs_Log_Classes.html).
 * It suits logs read only to investigate something: VPC flow logs, database logs.
 *
 * A log group's class is fixed when it is created: changing `log_group_class` on an existing
 * `aws_cloudwatch_log_group` makes Terraform replace it, and the events already in it are lost.
 */
import { Token } from "cdktf";
import { PropError } from "../validation/prop-error.js";
import { oneOfRule } from "../validation/validators.js";

/** The log classes a log group can be created in. */
export const LOG_GROUP_CLASSES = ["STANDARD", "INFREQUENT_ACCESS"] as const;

/** A CloudWatch Logs log class: `STANDARD` (every feature) or `INFREQUENT_ACCESS` (cheaper ingestion, fewer features). */
export type LogGroupClass = (typeof LOG_GROUP_CLASSES)[number];

/** What an Infrequent Access log group cannot do (reads it, or acts on its events as they arrive). */
export const INFREQUENT_ACCESS_UNSUPPORTED = [
  "metric filters",
  "subscription filters",
  "Live Tail",
  "embedded metric format extraction",
  "anomaly detection",
] as const;

/** What the log group will be used for, as far as the module creating it knows. */
export interface LogGroupUses {
  /** A metric filter (an alarm on a log pattern) reads the group. @default false */
  readonly metricFilter?: boolean;
  /** A subscription filter streams the group's events elsewhere. @default false */
  readonly subscriptionFilter?: boolean;
}

/**
 * Throws a `PropError` naming `field` unless `value` is a log class, or when it is
 * `INFREQUENT_ACCESS` and `uses` needs a feature that class lacks. A Terraform reference passes.
 */
export function assertLogGroupClass(value: string, field: string, uses: LogGroupUses = {}): void {
  if (Token.isUnresolved(value)) return;
  if (!(LOG_GROUP_CLASSES as readonly string[]).includes(value))
    throw new PropError(field, `"${value}" ${oneOfRule(LOG_GROUP_CLASSES)}`);
  if (value === "INFREQUENT_ACCESS") {
    const needs = [
      ...(uses.metricFilter ? ["a metric filter"] : []),
      ...(uses.subscriptionFilter ? ["a subscription filter"] : []),
    ];
    if (needs.length)
      throw new PropError(
        field,
        `"INFREQUENT_ACCESS" cannot serve ${needs.join(" and ")} (an Infrequent Access log group has no ${INFREQUENT_ACCESS_UNSUPPORTED.join(", ")}); keep it "STANDARD"`,
      );
  }
}
