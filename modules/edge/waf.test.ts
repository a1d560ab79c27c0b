import { TerraformVariable, Token } from "cdktf";
import { describe, expect, test } from "vitest";
import { synthesise, testNaming } from "../testing/synthesised.js";
import {
  COUNT_ONLY_GROUP_RULE,
  MANAGED_RULE_GROUPS,
  MANAGED_RULE_NAME_RULE,
  type ManagedRuleGroup,
  WAF_RATE_LIMIT_RULE,
  WebAcl,
  type WebAclProps,
} from "./waf.js";

interface Rule {
  name: string;
  priority: number;
  action?: unknown;
  override_action?: unknown;
  statement: Record<string, Record<string, unknown>>;
  visibility_config: Record<string, unknown>;
}

const regional = synthesise((scope) => {
  new WebAcl(scope, "waf", { naming: testNaming, purpose: "alb", scope: "REGIONAL" }).associate(
    "association",
    "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/acme-test-alb/0123456789abcdef",
  );
});

const tuned = synthesise((scope) => {
  new WebAcl(scope, "waf", {
    naming: testNaming,
    purpose: "alb",
    scope: "REGIONAL",
    rateLimitPer5Min: 10_000,
    clientAddress: "x-forwarded-for",
    countOnlyRules: { AWSManagedRulesCommonRuleSet: ["SizeRestrictions_BODY", "CrossSiteScripting_BODY"] },
    logRetentionDays: 7,
  });
});

const ref = (s: typeof regional, type: string, attribute: string) =>
  `\${${type}.${Object.keys(s.resources(type))[0]}.${attribute}}`;
const rules = (s: typeof regional) => s.only("aws_wafv2_web_acl").rule as Rule[];
const managed = (s: typeof regional, group: string) =>
  rules(s).find((r) => r.statement.managed_rule_group_statement?.name === group);

describe("web ACL", () => {
  test("allows by default, with CloudWatch metrics and sampled requests on", () => {
    expect(regional.only("aws_wafv2_web_acl")).toMatchObject({
      name: "acme-test-alb",
      scope: "REGIONAL",
      default_action: { allow: {} },
      visibility_config: {
        cloudwatch_metrics_enabled: true,
        sampled_requests_enabled: true,
        metric_name: "acme-test-alb",
      },
    });
  });

  test("runs the IP reputation, common and known-bad-inputs managed groups, each enforcing its own actions", () => {
    for (const group of MANAGED_RULE_GROUPS) {
      expect(managed(regional, group)).toMatchObject({
        override_action: { none: {} },
        statement: { managed_rule_group_statement: { vendor_name: "AWS", name: group } },
      });
    }
    expect(MANAGED_RULE_GROUPS).toEqual([
      "AWSManagedRulesAmazonIpReputationList",
      "AWSManagedRulesCommonRuleSet",
      "AWSManagedRulesKnownBadInputsRuleSet",
    ]);
  });

  test("blocks a source address over 2000 requests in 5 minutes", () => {
    expect(rules(regional).find((r) => r.name === "rate-limit")).toMatchObject({
      action: { block: {} },
      statement: {
        rate_based_statement: { aggregate_key_type: "IP", limit: 2000, evaluation_window_sec: 300 },
      },
    });
  });

  test("every rule has metrics and sampled requests on, and a unique priority", () => {
    for (const rule of rules(regional)) {
      expect(rule.visibility_config).toMatchObject({
        cloudwatch_metrics_enabled: true,
        sampled_requests_enabled: true,
      });
    }
    const priorities = rules(regional).map((r) => r.priority);
    expect(new Set(priorities).size).toBe(priorities.length);
  });

  test("associate() attaches a regional resource", () => {
    expect(regional.only("aws_wafv2_web_acl_association")).toMatchObject({
      resource_arn:
        "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/acme-test-alb/0123456789abcdef",
      web_acl_arn: ref(regional, "aws_wafv2_web_acl", "arn"),
    });
  });

  test("a CLOUDFRONT web ACL refuses associate(): distributions take its ARN", () => {
    expect(() =>
      synthesise((scope) => {
        new WebAcl(scope, "waf", { naming: testNaming, purpose: "cdn", scope: "CLOUDFRONT" }).associate(
          "a",
          "arn:x",
        );
      }),
    ).toThrow("edge.waf.associate");
  });
});

describe("logging", () => {
  test("blocked and counted requests go to an aws-waf-logs- group kept 30 days, credentials redacted", () => {
    expect(regional.only("aws_cloudwatch_log_group")).toMatchObject({
      name: "aws-waf-logs-acme-test-alb",
      retention_in_days: 30,
    });
    expect(regional.only("aws_wafv2_web_acl_logging_configuration")).toMatchObject({
      log_destination_configs: [ref(regional, "aws_cloudwatch_log_group", "arn")],
      redacted_fields: [{ single_header: { name: "authorization" } }, { single_header: { name: "cookie" } }],
      logging_filter: {
        default_behavior: "DROP",
        filter: [
          {
            behavior: "KEEP",
            requirement: "MEETS_ANY",
            condition: [{ action_condition: { action: "BLOCK" } }, { action_condition: { action: "COUNT" } }],
          },
        ],
      },
    });
  });

  test("retention is configurable and must be a CloudWatch period", () => {
    expect(tuned.only("aws_cloudwatch_log_group").retention_in_days).toBe(7);
    expect(() =>
      synthesise((scope) => {
        new WebAcl(scope, "waf", {
          naming: testNaming,
          purpose: "alb",
          scope: "REGIONAL",
          logRetentionDays: 10,
        });
      }),
    ).toThrow("edge.waf.logRetentionDays");
  });
});

describe("options", () => {
  test("count-only rules are overridden to count inside their group; the rest still block", () => {
    expect(
      managed(tuned, "AWSManagedRulesCommonRuleSet")?.statement.managed_rule_group_statement,
    ).toMatchObject({
      rule_action_override: [
        { name: "SizeRestrictions_BODY", action_to_use: { count: {} } },
        { name: "CrossSiteScripting_BODY", action_to_use: { count: {} } },
      ],
    });
    expect(
      managed(tuned, "AWSManagedRulesKnownBadInputsRuleSet")?.statement.managed_rule_group_statement,
    ).not.toHaveProperty("rule_action_override");
  });

  test("x-forwarded-for: limit per first X-Forwarded-For address, per source for requests without the header, and every source at 10×", () => {
    const rate = rules(tuned).filter((r) => r.statement.rate_based_statement);
    expect(rate.map((r) => r.statement.rate_based_statement)).toEqual([
      {
        limit: 10_000,
        evaluation_window_sec: 300,
        aggregate_key_type: "FORWARDED_IP",
        forwarded_ip_config: { header_name: "X-Forwarded-For", fallback_behavior: "NO_MATCH" },
      },
      {
        limit: 10_000,
        evaluation_window_sec: 300,
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
      },
      { limit: 100_000, evaluation_window_sec: 300, aggregate_key_type: "IP" },
    ]);
  });

  test("a per-source limit below the per-client one is refused", () => {
    expect(() =>
      synthesise((scope) => {
        new WebAcl(scope, "waf", {
          naming: testNaming,
          purpose: "alb",
          scope: "REGIONAL",
          clientAddress: "x-forwarded-for",
          rateLimitPer5Min: 1000,
          sourceRateLimitPer5Min: 999,
        });
      }),
    ).toThrow("edge.waf.sourceRateLimitPer5Min: 999 must be a whole number from rateLimitPer5Min (1000)");
  });

  test("an unknown managed group or a rate limit out of range is refused", () => {
    expect(() =>
      synthesise((scope) => {
        new WebAcl(scope, "waf", {
          naming: testNaming,
          purpose: "alb",
          scope: "REGIONAL",
          countOnlyRules: { AWSManagedRulesSQLiRuleSet: ["x"] } as never,
        });
      }),
    ).toThrow("edge.waf.countOnlyRules");
    expect(() =>
      synthesise((scope) => {
        new WebAcl(scope, "waf", {
          naming: testNaming,
          purpose: "alb",
          scope: "REGIONAL",
          rateLimitPer5Min: 5,
        });
      }),
    ).toThrow("edge.waf.rateLimitPer5Min");
  });
});

describe("values known only at plan (a Terraform module's variables)", () => {
  const atPlan = synthesise((scope) => {
    const limit = new TerraformVariable(scope, "rate_limit", { type: "number" });
    const countOnly = new TerraformVariable(scope, "count_only", { type: "map(list(string))" });
    new WebAcl(scope, "waf", {
      naming: testNaming,
      purpose: "alb",
      scope: "REGIONAL",
      rateLimitPer5Min: limit.numberValue,
      clientAddress: "x-forwarded-for",
      countOnlyRules: Token.asAnyMap(countOnly.value) as Partial<Record<ManagedRuleGroup, string[]>>,
    });
  });

  test("the rate limit goes through, and the source cap is computed from it in Terraform", () => {
    const limits = Object.fromEntries(
      rules(atPlan)
        .filter((r) => r.name.startsWith("rate-limit"))
        .map((r) => [r.name, r.statement.rate_based_statement?.limit]),
    );
    expect(limits).toEqual({
      "rate-limit": `\${var.rate_limit}`,
      "rate-limit-direct": `\${var.rate_limit}`,
      "rate-limit-source": `\${min((var.rate_limit * 10), 2000000000)}`,
    });
  });

  test("count-only rules: one override block per rule listed for the group, at plan", () => {
    for (const group of MANAGED_RULE_GROUPS) {
      expect(managed(atPlan, group)?.statement.managed_rule_group_statement).toEqual({
        vendor_name: "AWS",
        name: group,
        dynamic: {
          rule_action_override: {
            for_each: `\${lookup(var.count_only, "${group}", [])}`,
            content: { name: `\${rule_action_override.value}`, action_to_use: { count: {} } },
          },
        },
      });
    }
  });

  test("literal values are still checked, with the rules' words", () => {
    const build = (props: Partial<WebAclProps>) => () =>
      synthesise((scope) => {
        new WebAcl(scope, "waf", { naming: testNaming, purpose: "alb", scope: "REGIONAL", ...props });
      });
    expect(build({ rateLimitPer5Min: 5 })).toThrow(`edge.waf.rateLimitPer5Min: 5 ${WAF_RATE_LIMIT_RULE}`);
    expect(build({ countOnlyRules: { Nope: ["x"] } as never })).toThrow(
      `edge.waf.countOnlyRules: "Nope" ${COUNT_ONLY_GROUP_RULE}`,
    );
    expect(build({ countOnlyRules: { AWSManagedRulesCommonRuleSet: ["a b"] } })).toThrow(
      MANAGED_RULE_NAME_RULE,
    );
  });
});
