/** KMS keys, Secrets Manager secrets, WAF web ACLs; the account baseline's CloudTrail, GuardDuty, Access Analyzer. */
import { blocks, list } from "../../plan/plan-model.js";
import { monthly, notPriced, type Pricer, usage } from "../line.js";

/**
 * A key's month, and its requests where the usage file states them: a key that encrypts a stream
 * (the CloudTrail key: one data key per log file) has a usage assumption; the kit's other keys see a
 * handful of cached data-key requests a month and are not estimated.
 */
export const kmsKey: Pricer = (ctx) => [
  monthly(ctx, "customer managed key", "kms-key-month"),
  ...(ctx.usage("requests_10k")
    ? [usage(ctx, "requests", "requests_10k", "kms-requests-10k", "10,000 requests")]
    : []),
];

/**
 * A trail of management events only is free: an account's first copy of them, in every region,
 * costs nothing (delivery is priced where it lands: the S3 bucket, the log group). Data events and
 * CloudTrail Insights are billed per event and not in the price table.
 */
export const cloudTrail: Pricer = (ctx) => {
  const v = ctx.resource.values;
  const dataEvents =
    blocks(v.event_selector).some((s) => blocks(s.data_resource).length > 0) ||
    blocks(v.advanced_event_selector).some((s) =>
      blocks(s.field_selector).some((f) => f.field === "eventCategory" && list(f.equals).includes("Data")),
    );
  const insights = blocks(v.insight_selector).length > 0;
  if (!dataEvents && !insights) {
    return {
      free: "management events only: an account's first trail of them is free (delivery is priced on the bucket and log group)",
    };
  }
  return [
    ...(dataEvents
      ? [notPriced("data events", "billed per 100,000 data events; not in the price table")]
      : []),
    ...(insights
      ? [notPriced("CloudTrail Insights", "billed per 100,000 events analysed; not in the price table")]
      : []),
  ];
};

/** Foundational threat detection, billed by what GuardDuty analyses (usage file). */
export const guardDutyDetector: Pricer = (ctx) =>
  ctx.resource.values.enable === false
    ? { free: "a suspended detector analyses nothing" }
    : [
        usage(
          ctx,
          "CloudTrail management events analysed",
          "cloudtrail_events_millions",
          "guardduty-cloudtrail-events-million",
          "million events",
        ),
        usage(ctx, "VPC flow and DNS logs analysed", "flow_dns_logs_gb", "guardduty-flow-dns-logs-gb", "GB"),
      ];

/** The GuardDuty protection plans in the price table, by feature name, with their usage key. */
const GUARDDUTY_FEATURES: Readonly<
  Record<string, { label: string; key: string; priceId: string; unit: string }>
> = {
  S3_DATA_EVENTS: {
    label: "S3 Protection: S3 data events analysed",
    key: "s3_data_events_millions",
    priceId: "guardduty-s3-data-events-million",
    unit: "million events",
  },
  RDS_LOGIN_EVENTS: {
    label: "RDS Protection: provisioned database vCPUs",
    key: "rds_vcpus",
    priceId: "guardduty-rds-vcpu-month",
    unit: "vCPU-months",
  },
};

export const guardDutyFeature: Pricer = (ctx) => {
  const name = String(ctx.resource.values.name);
  if (ctx.resource.values.status === "DISABLED") return { free: `${name} is disabled` };
  const feature = GUARDDUTY_FEATURES[name];
  return feature
    ? [usage(ctx, feature.label, feature.key, feature.priceId, feature.unit)]
    : [notPriced(`GuardDuty ${name}`, `no price for GuardDuty feature ${name} in the price table`)];
};

/** External access analyzers are free; unused-access and internal-access analyzers are billed per resource analysed. */
export const accessAnalyzer: Pricer = (ctx) => {
  const type = String(ctx.resource.values.type ?? "ACCOUNT");
  return type === "ACCOUNT" || type === "ORGANIZATION"
    ? { free: "external access analyzers have no charge" }
    : [
        notPriced(
          `${type} analyzer`,
          "billed per IAM role, user or resource analysed; not in the price table",
        ),
      ];
};

export const secret: Pricer = (ctx) => [monthly(ctx, "secret", "secrets-manager-secret-month")];

/**
 * An SSM parameter: the Standard tier (the kit's default) has no charge; an Advanced parameter costs
 * per parameter-month. API calls at standard throughput are free; higher throughput (an account
 * setting, not the parameter's) is not estimated. `Intelligent-Tiering` starts Standard.
 */
export const ssmParameter: Pricer = (ctx) =>
  ctx.resource.values.tier === "Advanced"
    ? [monthly(ctx, "advanced parameter", "ssm-advanced-parameter-month")]
    : { free: "Standard-tier parameters have no charge (standard-throughput API calls are free)" };

/** Managed rule groups that carry their own subscription and request fees. */
const PAID_RULE_GROUPS = /BotControl|ATPRuleSet|ACFPRuleSet|AntiDDoS/;

export const webAcl: Pricer = (ctx) => {
  const rules = blocks(ctx.resource.values.rule);
  const paid = rules
    .flatMap((r) =>
      blocks(r.statement).flatMap((s) => blocks(s.managed_rule_group_statement).map((m) => String(m.name))),
    )
    .filter((name) => PAID_RULE_GROUPS.test(name));
  return [
    monthly(ctx, "web ACL", "waf-web-acl-month"),
    ...(rules.length
      ? [monthly(ctx, `rules and rule groups × ${rules.length}`, "waf-rule-month", rules.length, "rules")]
      : []),
    usage(ctx, "requests inspected", "requests_millions", "waf-requests-million", "million requests"),
    ...paid.map((name) =>
      notPriced(`${name} fees`, "intelligent threat mitigation fees are not in the price table"),
    ),
  ];
};
