import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group/index.js";
import { Wafv2WebAcl, type Wafv2WebAclRule } from "@cdktf/provider-aws/lib/wafv2-web-acl/index.js";
import { Wafv2WebAclAssociation } from "@cdktf/provider-aws/lib/wafv2-web-acl-association/index.js";
import { Wafv2WebAclLoggingConfiguration } from "@cdktf/provider-aws/lib/wafv2-web-acl-logging-configuration/index.js";
import { conditional, Fn, Op, type TerraformProvider, Token } from "cdktf";
import { Construct } from "constructs";
import { assertLogRetention } from "../logs/retention.js";
import type { Naming } from "../naming/naming.js";
import { PropError } from "../validation/prop-error.js";
import type { IntegerRange } from "../validation/validators.js";

/** `REGIONAL` protects an ALB in the stack's region; `CLOUDFRONT` a distribution (and lives in us-east-1). */
export type WebAclScope = "REGIONAL" | "CLOUDFRONT";

/** The AWS managed rule groups every web ACL runs, in evaluation order after the rate limit. */
export const MANAGED_RULE_GROUPS = [
  "AWSManagedRulesAmazonIpReputationList",
  "AWSManagedRulesCommonRuleSet",
  "AWSManagedRulesKnownBadInputsRuleSet",
] as const;
/** The name of one of the AWS managed rule groups every `WebAcl` applies. */
export type ManagedRuleGroup = (typeof MANAGED_RULE_GROUPS)[number];

/** The per-client rate limits WAF accepts, requests per 5 minutes. */
export const WAF_RATE_LIMIT: IntegerRange = { min: 10, max: 2_000_000_000 };
/** The rule on `rateLimitPer5Min`, in the words of its check. */
export const WAF_RATE_LIMIT_RULE = "must be a whole number from 10 to 2,000,000,000";
/** The rule on `countOnlyRules`' keys, in the words of its check. */
export const COUNT_ONLY_GROUP_RULE = `must name one of the managed groups (${MANAGED_RULE_GROUPS.join(", ")})`;
/** A managed rule's name, as `countOnlyRules` lists it. */
export const MANAGED_RULE_NAME = /^[A-Za-z0-9_-]+$/;
/** The rule on `countOnlyRules`' rule names, in the words of its check. */
export const MANAGED_RULE_NAME_RULE = "rule names are letters, digits, _ and - only";

/**
 * Where a client's address is read from for rate limiting. `source-ip` is the connection's address.
 * `x-forwarded-for` is for a web ACL behind CloudFront, where every request arrives from a CloudFront
 * edge address: counting those would throttle whole edge locations.
 */
export type ClientAddressSource = "source-ip" | "x-forwarded-for";

/** Props of `WebAcl`: what it protects, where, and how strictly. */
export interface WebAclProps {
  /** Names and tags the web ACL and its log group. */
  readonly naming: Naming;
  /** What it protects; the ACL is named `<project>-<env>-<purpose>`. */
  readonly purpose: string;
  /** `REGIONAL` for a load balancer, `CLOUDFRONT` for a distribution (created in us-east-1). */
  readonly scope: WebAclScope;
  /**
   * Requests one client may send in any 5 minutes; beyond that its requests are blocked until the
   * rate drops.
   * @default 2000
   */
  readonly rateLimitPer5Min?: number;
  /**
   * Where a client's address is read from for the rate limit (see `ClientAddressSource`).
   * @default "source-ip"
   */
  readonly clientAddress?: ClientAddressSource;
  /**
   * With `clientAddress: "x-forwarded-for"`: requests one connecting address may send in any
   * 5 minutes, whatever X-Forwarded-For says. X-Forwarded-For is written by the client when it
   * reaches the load balancer directly, so without this a client rotating fake values is never
   * limited. It also counts every CloudFront edge address, which carries many viewers: keep it well
   * above `rateLimitPer5Min`.
   * @default 10 × rateLimitPer5Min
   */
  readonly sourceRateLimitPer5Min?: number;
  /**
   * Managed rules that only count (and log) instead of blocking, per group, for known false positives:
   * e.g. `{ AWSManagedRulesCommonRuleSet: ["SizeRestrictions_BODY"] }` when the API takes bodies over 8 KB.
   * @default - every rule of every group blocks
   */
  readonly countOnlyRules?: Partial<Record<ManagedRuleGroup, readonly string[]>>;
  /** Days to keep the WAF log (blocked and counted requests). @default 30 */
  readonly logRetentionDays?: number;
  /**
   * The provider the ACL and its log group are created with. CLOUDFRONT scope needs a us-east-1 provider.
   * @default - the stack's default provider
   */
  readonly provider?: TerraformProvider;
}

/**
 * A WAFv2 web ACL: allow by default, then a per-client rate limit and the AWS managed rule groups
 * for IP reputation, common exploits (OWASP top 10) and known bad inputs (Log4Shell and the like).
 * CloudWatch metrics and sampled requests are on for the ACL and for every rule; blocked and counted
 * requests are logged to a CloudWatch log group (`aws-waf-logs-*`) with the `authorization` and
 * `cookie` headers redacted.
 */
export class WebAcl extends Construct {
  /** The WAFv2 web ACL. */
  readonly webAcl: Wafv2WebAcl;
  /** The web ACL's ARN, to associate with a load balancer or a distribution. */
  readonly arn: string;
  /** The log group of blocked and counted requests (`aws-waf-logs-<project>-<env>-<purpose>`). */
  readonly logGroup: CloudwatchLogGroup;
  /** The ACL's scope, `REGIONAL` or `CLOUDFRONT`. */
  readonly scope: WebAclScope;
  private readonly provider: TerraformProvider | undefined;

  constructor(scope: Construct, id: string, props: WebAclProps) {
    super(scope, id);
    const limit = props.rateLimitPer5Min ?? 2000;
    // Values given as Terraform references (a module's variables) are checked by its validation.
    const atPlan = (value: unknown) => Token.isUnresolved(value);
    if (
      !atPlan(limit) &&
      (!Number.isInteger(limit) || limit < WAF_RATE_LIMIT.min || limit > (WAF_RATE_LIMIT.max as number))
    ) {
      throw new PropError("edge.waf.rateLimitPer5Min", `${limit} ${WAF_RATE_LIMIT_RULE}`);
    }
    const sourceLimit =
      props.sourceRateLimitPer5Min ??
      (atPlan(limit)
        ? Token.asNumber(Fn.min([Op.mul(limit, 10), 2_000_000_000]))
        : Math.min(limit * 10, 2_000_000_000));
    if (
      !atPlan(limit) &&
      !atPlan(sourceLimit) &&
      (!Number.isInteger(sourceLimit) || sourceLimit < limit || sourceLimit > 2_000_000_000)
    ) {
      throw new PropError(
        "edge.waf.sourceRateLimitPer5Min",
        `${sourceLimit} must be a whole number from rateLimitPer5Min (${limit}) to 2,000,000,000`,
      );
    }
    const retention = props.logRetentionDays ?? 30;
    assertLogRetention(retention, "edge.waf.logRetentionDays");
    const countOnlyAtPlan = atPlan(props.countOnlyRules);
    for (const [group, rules] of countOnlyAtPlan ? [] : Object.entries(props.countOnlyRules ?? {})) {
      if (!(MANAGED_RULE_GROUPS as readonly string[]).includes(group)) {
        throw new PropError("edge.waf.countOnlyRules", `"${group}" ${COUNT_ONLY_GROUP_RULE}`);
      }
      if (rules?.some((rule) => !MANAGED_RULE_NAME.test(rule))) {
        throw new PropError(`edge.waf.countOnlyRules.${group}`, MANAGED_RULE_NAME_RULE);
      }
    }
    this.scope = props.scope;
    this.provider = props.provider;
    const name = props.naming.name(props.purpose);
    const visibility = (metric: string) => ({
      cloudwatchMetricsEnabled: true,
      sampledRequestsEnabled: true,
      metricName: metric,
    });
    // Rule statements are untyped in the provider bindings (too deeply nested): keys are snake_case.
    const rateRule = (
      rule: string,
      priority: number,
      statement: Record<string, unknown>,
    ): Wafv2WebAclRule => ({
      name: rule,
      priority,
      action: { block: {} },
      statement: { rate_based_statement: { evaluation_window_sec: 300, ...statement } },
      visibilityConfig: visibility(`${name}-${rule}`),
    });

    // The first address of X-Forwarded-For, as CloudFront passes the viewer's on. Requests without
    // the header are skipped by this rule and counted by source address by `direct`.
    const forwardedIp = { header_name: "X-Forwarded-For", fallback_behavior: "NO_MATCH" };
    const direct = (): Wafv2WebAclRule =>
      rateRule("rate-limit-direct", 2, {
        limit,
        aggregate_key_type: "IP",
        scope_down_statement: {
          not_statement: {
            statement: {
              size_constraint_statement: {
                field_to_match: { single_header: { name: "x-forwarded-for" } },
                comparison_operator: "GT",
                size: 0,
                text_transformation: [{ priority: 0, type: "NONE" }],
              },
            },
          },
        },
      });
    // Every request by connecting address: caps a client that forges X-Forwarded-For.
    const source = (): Wafv2WebAclRule =>
      rateRule("rate-limit-source", 3, { limit: sourceLimit, aggregate_key_type: "IP" });
    const clientAddress = props.clientAddress ?? "source-ip";
    // A client address known only at plan: the same rules, the X-Forwarded-For ones as dynamic blocks.
    const forwardedAtPlan = atPlan(clientAddress) ? Op.eq(clientAddress, "x-forwarded-for") : undefined;
    const rateRules: Wafv2WebAclRule[] = forwardedAtPlan
      ? [
          rateRule("rate-limit", 1, {
            limit,
            aggregate_key_type: conditional(forwardedAtPlan, "FORWARDED_IP", "IP"),
            dynamic: {
              forwarded_ip_config: { for_each: conditional(forwardedAtPlan, [1], []), content: forwardedIp },
            },
          }),
        ]
      : clientAddress === "source-ip"
        ? [rateRule("rate-limit", 1, { limit, aggregate_key_type: "IP" })]
        : [
            rateRule("rate-limit", 1, {
              limit,
              aggregate_key_type: "FORWARDED_IP",
              forwarded_ip_config: forwardedIp,
            }),
            direct(),
            source(),
          ];
    const managedRule = (group: ManagedRuleGroup, priority: number): Wafv2WebAclRule => {
      const countOnly = countOnlyAtPlan ? [] : (props.countOnlyRules?.[group] ?? []);
      return {
        name: group,
        priority,
        overrideAction: { none: {} },
        statement: {
          managed_rule_group_statement: {
            vendor_name: "AWS",
            name: group,
            // A map known only at plan: one override block per rule it lists for this group.
            ...(countOnlyAtPlan
              ? {
                  dynamic: {
                    rule_action_override: {
                      for_each: Fn.lookup(props.countOnlyRules, group, []),
                      content: { name: `\${rule_action_override.value}`, action_to_use: { count: {} } },
                    },
                  },
                }
              : {}),
            ...(countOnly.length
              ? {
                  rule_action_override: countOnly.map((rule) => ({
                    name: rule,
                    action_to_use: { count: {} },
                  })),
                }
              : {}),
          },
        },
        visibilityConfig: visibility(`${name}-${group}`),
      };
    };

    this.webAcl = new Wafv2WebAcl(this, "web-acl", {
      provider: props.provider,
      name,
      description: `${props.purpose}: managed rules and a per-client rate limit`,
      scope: props.scope,
      defaultAction: { allow: {} },
      rule: [
        managedRule("AWSManagedRulesAmazonIpReputationList", 0),
        ...rateRules,
        managedRule("AWSManagedRulesCommonRuleSet", 10),
        managedRule("AWSManagedRulesKnownBadInputsRuleSet", 20),
      ],
      visibilityConfig: visibility(name),
      tags: { Name: name },
    });
    if (forwardedAtPlan) {
      this.webAcl.addOverride(
        "dynamic.rule",
        [direct(), source()].map((rule) => ({
          for_each: conditional(forwardedAtPlan, [1], []),
          content: {
            name: rule.name,
            priority: rule.priority,
            action: rule.action,
            statement: rule.statement,
            visibility_config: {
              cloudwatch_metrics_enabled: true,
              sampled_requests_enabled: true,
              metric_name: rule.visibilityConfig.metricName,
            },
          },
        })),
      );
    }
    this.arn = this.webAcl.arn;

    // WAF only logs to groups named aws-waf-logs-*; it adds the log resource policy (AWSWAF-LOGS) itself.
    this.logGroup = new CloudwatchLogGroup(this, "log-group", {
      provider: props.provider,
      name: `aws-waf-logs-${name}`,
      retentionInDays: retention,
      tags: { Name: `aws-waf-logs-${name}` },
    });
    new Wafv2WebAclLoggingConfiguration(this, "logging", {
      provider: props.provider,
      resourceArn: this.webAcl.arn,
      logDestinationConfigs: [this.logGroup.arn],
      redactedFields: [{ singleHeader: { name: "authorization" } }, { singleHeader: { name: "cookie" } }],
      loggingFilter: {
        defaultBehavior: "DROP",
        filter: [
          {
            behavior: "KEEP",
            requirement: "MEETS_ANY",
            condition: [{ actionCondition: { action: "BLOCK" } }, { actionCondition: { action: "COUNT" } }],
          },
        ],
      },
    });
  }

  /** Puts a regional resource (an ALB) behind this ACL. CloudFront takes the ACL's ARN as `web_acl_id`. */
  associate(id: string, resourceArn: string): Wafv2WebAclAssociation {
    if (this.scope !== "REGIONAL") {
      throw new PropError(
        "edge.waf.associate",
        "a CLOUDFRONT web ACL is attached through the distribution's web_acl_id",
      );
    }
    return new Wafv2WebAclAssociation(this, id, {
      provider: this.provider,
      resourceArn,
      webAclArn: this.webAcl.arn,
    });
  }
}
