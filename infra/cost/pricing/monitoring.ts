/** CloudWatch alarms, dashboards and log groups; budgets. */
import { blocks } from "../../plan/plan-model.js";
import { monthly, type Pricer, usage } from "../line.js";

/** Standard alarms cost per metric they watch (a metric-math alarm counts each metric). */
export const metricAlarm: Pricer = (ctx) => {
  const v = ctx.resource.values;
  const queries = blocks(v.metric_query);
  const metrics = queries.length ? queries.filter((q) => blocks(q.metric).length > 0).length || 1 : 1;
  const highResolution = [v.period, ...queries.flatMap((q) => blocks(q.metric).map((m) => m.period))].some(
    (p) => typeof p === "number" && p < 60,
  );
  return [
    highResolution
      ? monthly(
          ctx,
          `high-resolution alarm × ${metrics} metric(s)`,
          "cloudwatch-alarm-high-resolution-month",
          metrics,
          "alarm metrics",
        )
      : monthly(ctx, `alarm × ${metrics} metric(s)`, "cloudwatch-alarm-month", metrics, "alarm metrics"),
  ];
};

export const compositeAlarm: Pricer = (ctx) => [
  monthly(ctx, "composite alarm", "cloudwatch-composite-alarm-month"),
];

export const dashboard: Pricer = (ctx) => [monthly(ctx, "dashboard", "cloudwatch-dashboard-month")];

/**
 * Ingestion at the price of the group's log class (`log_group_class`; unset or unknown at plan is
 * CloudWatch's default, Standard), storage at one price for both classes.
 */
export const logGroup: Pricer = (ctx) => {
  const infrequent = ctx.resource.values.log_group_class === "INFREQUENT_ACCESS";
  return [
    infrequent
      ? usage(ctx, "log ingestion (Infrequent Access)", "ingest_gb", "cloudwatch-logs-ingest-ia-gb", "GB")
      : usage(ctx, "log ingestion", "ingest_gb", "cloudwatch-logs-ingest-gb", "GB"),
    usage(ctx, "log storage", "storage_gb", "cloudwatch-logs-storage-gb-month", "GB-month"),
  ];
};

/** Budgets are billed per day after the first two per account (not subtracted here). */
export const budget: Pricer = (ctx) => [
  monthly(ctx, "budget", "budgets-budget-day", ctx.daysPerMonth, "budget-days"),
];
