/**
 * The edge module for Terraform: `LoadBalancer` (ALB, certificate, alias, WAF, access-log bucket)
 * and, when `create_cloudfront` is on, `Cdn` in front of it, with every prop a variable.
 */
import { AwsProvider } from "@cdktf/provider-aws/lib/provider/index.js";
import { type App, TerraformLocal, TerraformStack, type TerraformVariable, Token } from "cdktf";
import {
  Cdn,
  CSP_RULE,
  DEFAULT_API_PATHS,
  DEFAULT_CONTENT_SECURITY_POLICY,
  UNSAFE_CSP_SOURCE,
} from "../edge/cdn.js";
import {
  ACCESS_LOG_PREFIX,
  ACCESS_LOG_PREFIX_RULE,
  ALB_MIN_SUBNETS,
  ALB_SUBNETS_RULE,
  IDLE_TIMEOUT_SECONDS,
  LoadBalancer,
} from "../edge/load-balancer.js";
import {
  HEALTH_CHECK_PATH,
  HEALTH_CHECK_PATH_MAX_LENGTH,
  HEALTH_CHECK_PATH_RULE,
  TARGET_PORT_RULE,
} from "../edge/target-group.js";
import {
  COUNT_ONLY_GROUP_RULE,
  MANAGED_RULE_GROUPS,
  MANAGED_RULE_NAME,
  MANAGED_RULE_NAME_RULE,
  type ManagedRuleGroup,
  WAF_RATE_LIMIT,
  WAF_RATE_LIMIT_RULE,
} from "../edge/waf.js";
import { VPC_ID } from "../internal/ids.js";
import { Bucket } from "../storage/bucket.js";
import { DNS_NAME, dnsNameRule } from "../validation/validators.js";
import { hclList, integerInRange, logRetentionDays, matches, oneOf, optional } from "./conditions.js";
import type { HclModule } from "./hcl-module.js";
import type { Rule, TerraformModuleStack } from "./module-stack.js";
import { AWS_PARTITION_ONLY, limitNameLength, moduleNaming } from "./shared.js";

const LB = "edge/load-balancer.ts#LoadBalancerProps";
const CDN = "edge/cdn.ts#CdnProps";

/** A Route 53 hosted zone id, as the CI-access module checks it. */
const HOSTED_ZONE_ID = /^Z[A-Z0-9]+$/;

/** The provider alias CloudFront's certificate, web ACL and access logs are created with. */
export const US_EAST_1 = "us_east_1";

/** A DNS name the package's `assertDnsName` accepts (a leading `*.` only if `wildcard`). */
function dnsName(ref: string, wildcard: boolean): string {
  return `${matches(ref, DNS_NAME)} && length(${ref}) <= 253${wildcard ? "" : ` && !startswith(${ref}, "*.")`}`;
}

/** The rules of a `countOnlyRules` map: known groups, and rule names WAF accepts. */
function countOnlyRules(ref: string): Rule[] {
  return [
    {
      condition: `alltrue([for group in keys(${ref}) : contains(${hclList(MANAGED_RULE_GROUPS)}, group)])`,
      message: `each key ${COUNT_ONLY_GROUP_RULE}`,
    },
    {
      condition: `alltrue([for group, rules in ${ref} : alltrue([for rule in rules : ${matches("rule", MANAGED_RULE_NAME)}])])`,
      message: MANAGED_RULE_NAME_RULE,
    },
  ];
}

/** A boolean variable's value where a prop takes `boolean`. */
function bool(variable: TerraformVariable): boolean {
  return variable.booleanValue as unknown as boolean;
}

/**
 * The us-east-1 provider the caller passes as `aws.us_east_1` (`configuration_aliases`). A module
 * configures no provider, and resources name a provider only by its address, so the object
 * constructs are given lives in a stack of its own that is never synthesised.
 */
function usEast1Provider(stack: TerraformModuleStack): AwsProvider {
  stack.providerAliases.push(US_EAST_1);
  const holder = new TerraformStack(stack.node.root as App, `${stack.node.id}-providers`);
  const provider = new AwsProvider(holder, "us-east-1", { alias: US_EAST_1, region: "us-east-1" });
  return provider;
}

export const edge: HclModule = {
  name: "edge",
  title: "An HTTPS-only Application Load Balancer with WAF, and optionally CloudFront in front",
  summary: [
    "An internet-facing Application Load Balancer in the public subnets you give: HTTP redirected to HTTPS,",
    "TLS 1.3 policy, a DNS-validated ACM certificate, security headers, invalid headers dropped, strictest",
    "desync mitigation, deletion protection, access logs to an S3 bucket the module creates, a regional WAF",
    "web ACL, a default target group for the service, and a Route 53 alias for its name. With",
    "`create_cloudfront = true`, a CloudFront distribution for a second name serves static assets from a",
    "private bucket (Origin Access Control) and sends the API paths to the load balancer, with its own",
    "us-east-1 certificate, WAF web ACL and access logs. CloudFront's certificate and web ACL must be",
    "created in us-east-1: the module needs a second AWS provider configuration, passed as",
    "`aws.us_east_1` (see the example).",
  ].join(" "),
  example: `provider "aws" {
  region = "eu-west-1"
}

# CloudFront's certificate, web ACL and access logs live in us-east-1.
provider "aws" {
  alias  = "us_east_1"
  region = "us-east-1"
}

module "edge" {
  source = "github.com/acme/platform//modules/terraform/edge"
  providers = {
    aws           = aws
    aws.us_east_1 = aws.us_east_1
  }

  name        = "payments-prod"
  vpc_id      = module.network.vpc_id
  subnet_ids  = module.network.public_subnet_ids
  domain_name = "origin.payments.example.com"
  zone_id     = "Z0123456789ABCDEFGHIJ"

  create_cloudfront      = true
  cloudfront_domain_name = "payments.example.com"
}`,
  limitations: [
    "The caller passes two AWS provider configurations, `aws` and `aws.us_east_1` (`providers = { aws = aws, aws.us_east_1 = aws.us_east_1 }`), even with `create_cloudfront = false`: Terraform cannot make a module's provider requirement conditional.",
    "The access-log bucket is created by the module (its policy must let ELB write), as the stacks create theirs; an existing bucket cannot be given. Its objects expire after `access_logs_expiration_days`.",
    "CloudFront's assets bucket is created by the module (its policy must carry the distribution's Origin Access Control statement); upload to `assets_bucket_name`. CloudFront always has the load balancer (`domain_name`) as its API origin for `cloudfront_api_paths`: a bucket-only distribution (no `apiOrigin`) is not offered, and both names are in `zone_id`.",
    "`LoadBalancer`'s `waf` and `Cdn`'s `waf` are spelled `create_waf` and `create_cloudfront_waf`, the `Cdn` props carry a `cloudfront_` prefix, `accessLogRetentionDays: false` is `cloudfront_access_log_retention_days = null`, and `behind_cloudfront` follows `create_cloudfront` when null (the prop defaults to true).",
    "The region is the provider's, known only at plan: the access-log bucket's policy grants both the region's Elastic Load Balancing account and the log-delivery service principal (one statement each), since which one writes depends on the region.",
    "The load balancer's security group has no egress rule: the service's module adds the path to its port (in TypeScript, `service.allowFrom(alb.securityGroup)`), or add an `aws_vpc_security_group_egress_rule` to `security_group_id` yourself.",
    "Host rules (`addHostRule`) are not part of the module: add `aws_lb_listener_rule` resources on `https_listener_arn` (priority ≥ 100; 1 is the `/metrics` deny rule), with names covered by the certificate.",
    "The load balancer is always internet-facing here. `LoadBalancer`'s `internal` (private subnets, reached through a CloudFront VPC origin, `LoadBalancerVpcOrigin`) is TypeScript only for now, so with `create_cloudfront = true` the load balancer can be called around CloudFront and its WAF (the kit's policy rule KIT_ALB_1 reports that); the regional web ACL (`create_waf`) stays on for that reason.",
    AWS_PARTITION_ONLY,
  ],
  build(stack) {
    let built: LoadBalancer | undefined;
    const naming = moduleNaming(
      stack,
      "load balancer, its security group, target group, web ACL and buckets",
      () => (built as LoadBalancer).securityGroup.ownerId,
    );
    const vpcId = stack.variable("vpc_id", {
      type: "string",
      doc: `${LB}.vpcId`,
      rules: [{ condition: matches("var.vpc_id", VPC_ID), message: "must be a VPC id (vpc-...)" }],
    });
    const subnetIds = stack.variable("subnet_ids", {
      type: "list(string)",
      doc: `${LB}.subnetIds`,
      rules: [
        { condition: `length(var.subnet_ids) >= ${ALB_MIN_SUBNETS}`, message: ALB_SUBNETS_RULE },
        {
          condition: `alltrue([for id in var.subnet_ids : ${matches("id", /^subnet-[0-9a-f]+$/)}])`,
          message: "each must be a subnet id (subnet-...)",
        },
      ],
    });
    const cdnDomain = stack.variable("cloudfront_domain_name", {
      type: "string",
      doc: `${CDN}.domainName`,
      description: "Required with `create_cloudfront`; must differ from `domain_name` (the API origin).",
      default: null,
      rules: [
        optional("var.cloudfront_domain_name", {
          condition: dnsName("var.cloudfront_domain_name", false),
          message: dnsNameRule(false),
        }),
        {
          condition: "!var.create_cloudfront || var.cloudfront_domain_name != null",
          message: "required when create_cloudfront is true",
        },
        {
          condition: "var.cloudfront_domain_name != var.domain_name",
          message:
            "must differ from domain_name, the load balancer's own name that CloudFront reaches as its API origin",
        },
      ],
    });
    const domainName = stack.variable("domain_name", {
      type: "string",
      doc: `${LB}.domainName`,
      rules: [
        {
          condition: dnsName("var.domain_name", true),
          message: dnsNameRule(true),
        },
      ],
    });
    const zoneId = stack.variable("zone_id", {
      type: "string",
      doc: `${LB}.hostedZoneId`,
      description: "With `create_cloudfront`, also the zone of `cloudfront_domain_name`.",
      rules: [
        { condition: matches("var.zone_id", HOSTED_ZONE_ID), message: "must be a hosted zone id (Z...)" },
      ],
    });
    const sans = stack.variable("subject_alternative_names", {
      type: "list(string)",
      doc: `${LB}.subjectAlternativeNames`,
      default: [],
      rules: [
        {
          condition: `alltrue([for n in var.subject_alternative_names : ${dnsName("n", true)}])`,
          message: `each ${dnsNameRule(true)}`,
        },
        {
          condition:
            "length(distinct(concat([var.domain_name], var.subject_alternative_names))) == 1 + length(var.subject_alternative_names)",
          message: "no name may be listed twice, or repeat domain_name",
        },
      ],
    });
    const targetPort = stack.variable("target_port", {
      type: "number",
      doc: `${LB}.targetPort`,
      default: 3000,
      rules: [
        {
          condition: integerInRange("var.target_port", { min: 1, max: 65535 }).condition,
          message: TARGET_PORT_RULE,
        },
      ],
    });
    const healthCheckPath = stack.variable("health_check_path", {
      type: "string",
      doc: `${LB}.healthCheckPath`,
      default: "/readyz",
      rules: [
        {
          condition: `${matches("var.health_check_path", HEALTH_CHECK_PATH)} && length(var.health_check_path) <= ${HEALTH_CHECK_PATH_MAX_LENGTH}`,
          message: `${HEALTH_CHECK_PATH_RULE} (letters, digits and _-./~%, up to ${HEALTH_CHECK_PATH_MAX_LENGTH} characters)`,
        },
      ],
    });
    const deletionProtection = stack.variable("deletion_protection", {
      type: "bool",
      doc: `${LB}.deletionProtection`,
      default: true,
    });
    const idleTimeout = stack.variable("idle_timeout_seconds", {
      type: "number",
      doc: `${LB}.idleTimeoutSeconds`,
      default: 60,
      rules: [integerInRange("var.idle_timeout_seconds", IDLE_TIMEOUT_SECONDS)],
    });
    const desync = stack.variable("desync_mitigation_mode", {
      type: "string",
      doc: `${LB}.desyncMitigationMode`,
      default: "strictest",
      rules: [oneOf("var.desync_mitigation_mode", ["defensive", "strictest"])],
    });
    const logPrefix = stack.variable("access_logs_prefix", {
      type: "string",
      doc: `${LB}.accessLogs.prefix`,
      default: "alb",
      rules: [
        {
          condition: `${matches("var.access_logs_prefix", ACCESS_LOG_PREFIX)} && !strcontains(var.access_logs_prefix, "AWSLogs")`,
          message: ACCESS_LOG_PREFIX_RULE,
        },
      ],
    });
    const logExpiration = stack.variable("access_logs_expiration_days", {
      type: "number",
      doc: "storage/bucket.ts#BucketLifecycleRule.expirationDays",
      description: "Here: the load balancer's access logs, in the bucket the module creates for them.",
      default: 90,
      rules: [integerInRange("var.access_logs_expiration_days", { min: 1, unit: "days" })],
    });
    const forceDestroy = stack.variable("force_destroy", {
      type: "bool",
      doc: "storage/bucket.ts#BucketProps.forceDestroy",
      description: "Here: the access-log bucket and CloudFront's assets bucket.",
      default: false,
    });
    const createWaf = stack.variable("create_waf", {
      type: "bool",
      doc: `${LB}.waf`,
      default: true,
    });
    const wafRateLimit = stack.variable("waf_rate_limit", {
      type: "number",
      doc: `${LB}.wafRateLimitPer5Min`,
      default: 2000,
      rules: [
        {
          condition: integerInRange("var.waf_rate_limit", WAF_RATE_LIMIT).condition,
          message: WAF_RATE_LIMIT_RULE,
        },
      ],
    });
    const wafCountOnly = stack.variable("waf_count_only_rules", {
      type: "map(list(string))",
      doc: `${LB}.wafCountOnlyRules`,
      description: 'e.g. `{ AWSManagedRulesCommonRuleSet = ["SizeRestrictions_BODY"] }`.',
      default: {},
      rules: countOnlyRules("var.waf_count_only_rules"),
    });
    const wafRetention = stack.variable("waf_log_retention_days", {
      type: "number",
      doc: `${LB}.wafLogRetentionDays`,
      default: 30,
      rules: [logRetentionDays("var.waf_log_retention_days")],
    });
    const behindCloudFront = stack.variable("behind_cloudfront", {
      type: "bool",
      doc: `${LB}.behindCloudFront`,
      description: "Null: follows `create_cloudfront`.",
      default: null,
    });
    const createCloudFront = stack.variable("create_cloudfront", {
      type: "bool",
      description:
        "Put a CloudFront distribution (`Cdn`) at `cloudfront_domain_name` in front of the load balancer: static assets from a private bucket the module creates, `cloudfront_api_paths` to the load balancer. Off by default: the load balancer alone is HTTPS-only and behind WAF.",
      default: false,
    });
    const apiPaths = stack.variable("cloudfront_api_paths", {
      type: "list(string)",
      doc: `${CDN}.apiPaths`,
      default: [...DEFAULT_API_PATHS],
      rules: [
        {
          condition: "length(var.cloudfront_api_paths) >= 1",
          message: "give at least one path pattern for the API origin",
        },
      ],
    });
    const priceClass = stack.variable("cloudfront_price_class", {
      type: "string",
      doc: `${CDN}.priceClass`,
      default: "PriceClass_100",
      rules: [oneOf("var.cloudfront_price_class", ["PriceClass_100", "PriceClass_200", "PriceClass_All"])],
    });
    const csp = stack.variable("cloudfront_content_security_policy", {
      type: "string",
      doc: `${CDN}.contentSecurityPolicy`,
      default: DEFAULT_CONTENT_SECURITY_POLICY,
      rules: [
        {
          condition: `!${matches("var.cloudfront_content_security_policy", UNSAFE_CSP_SOURCE)}`,
          message: CSP_RULE,
        },
      ],
    });
    const accessLogDays = stack.variable("cloudfront_access_log_retention_days", {
      type: "number",
      doc: `${CDN}.accessLogRetentionDays`,
      description: "Here `null`, not `false`, turns them off.",
      default: 30,
      rules: [
        optional(
          "var.cloudfront_access_log_retention_days",
          logRetentionDays("var.cloudfront_access_log_retention_days"),
        ),
      ],
    });
    // `null` turns CloudFront's access logs off, as `false` does for the prop.
    accessLogDays.addOverride("nullable", true);
    const createCdnWaf = stack.variable("create_cloudfront_waf", {
      type: "bool",
      doc: `${CDN}.waf`,
      default: true,
    });
    const cdnWafRateLimit = stack.variable("cloudfront_waf_rate_limit", {
      type: "number",
      doc: `${CDN}.wafRateLimitPer5Min`,
      default: 2000,
      rules: [
        {
          condition: integerInRange("var.cloudfront_waf_rate_limit", WAF_RATE_LIMIT).condition,
          message: WAF_RATE_LIMIT_RULE,
        },
      ],
    });
    const cdnWafCountOnly = stack.variable("cloudfront_waf_count_only_rules", {
      type: "map(list(string))",
      doc: `${CDN}.wafCountOnlyRules`,
      default: {},
      rules: countOnlyRules("var.cloudfront_waf_count_only_rules"),
    });
    const cdnWafRetention = stack.variable("cloudfront_waf_log_retention_days", {
      type: "number",
      doc: `${CDN}.wafLogRetentionDays`,
      default: 30,
      rules: [logRetentionDays("var.cloudfront_waf_log_retention_days")],
    });

    const accessLogs = new Bucket(stack, "alb-logs", {
      naming,
      purpose: "alb-logs",
      forceDestroy: bool(forceDestroy),
      lifecycleRules: [{ id: "expire-access-logs", expirationDays: logExpiration.numberValue }],
    });
    // Unset: behind CloudFront exactly when the module creates one.
    const behind = new TerraformLocal(
      stack,
      "behind_cloudfront",
      `\${${behindCloudFront.fqn} == null ? ${createCloudFront.fqn} : ${behindCloudFront.fqn}}`,
    );
    built = new LoadBalancer(stack, "load-balancer", {
      naming,
      vpcId: vpcId.stringValue,
      subnetIds: subnetIds.listValue,
      hostedZoneId: zoneId.stringValue,
      domainName: domainName.stringValue,
      subjectAlternativeNames: sans.listValue,
      targetPort: targetPort.numberValue,
      healthCheckPath: healthCheckPath.stringValue,
      deletionProtection: bool(deletionProtection),
      accessLogs: { bucket: accessLogs, prefix: logPrefix.stringValue },
      idleTimeoutSeconds: idleTimeout.numberValue,
      desyncMitigationMode: desync.stringValue as "strictest",
      waf: bool(createWaf),
      wafRateLimitPer5Min: wafRateLimit.numberValue,
      wafCountOnlyRules: Token.asAnyMap(wafCountOnly.value) as Partial<Record<ManagedRuleGroup, string[]>>,
      wafLogRetentionDays: wafRetention.numberValue,
      behindCloudFront: behind.asBoolean as unknown as boolean,
    });
    const lb = built;
    if (lb.webAcl) stack.onlyWhen(lb.webAcl, "var.create_waf");

    const assets = new Bucket(stack, "assets", {
      naming,
      purpose: "assets",
      forceDestroy: bool(forceDestroy),
    });
    const cdn = new Cdn(stack, "cdn", {
      naming,
      domainName: cdnDomain.stringValue,
      hostedZoneId: zoneId.stringValue,
      assets,
      apiOrigin: { domainName: lb.domainName },
      apiPaths: apiPaths.listValue,
      usEast1Provider: usEast1Provider(stack),
      priceClass: priceClass.stringValue as "PriceClass_100",
      waf: bool(createCdnWaf),
      wafRateLimitPer5Min: cdnWafRateLimit.numberValue,
      wafCountOnlyRules: Token.asAnyMap(cdnWafCountOnly.value) as Partial<Record<ManagedRuleGroup, string[]>>,
      wafLogRetentionDays: cdnWafRetention.numberValue,
      contentSecurityPolicy: csp.stringValue,
      accessLogRetentionDays: accessLogDays.numberValue,
    });
    stack.onlyWhen(assets, "var.create_cloudfront");
    stack.onlyWhen(cdn, "var.create_cloudfront");
    if (cdn.webAcl) stack.onlyWhen(cdn.webAcl, "var.create_cloudfront_waf");
    for (const part of [
      "access-log-group",
      "access-log-source",
      "access-log-destination",
      "access-log-delivery",
    ]) {
      stack.onlyWhen(cdn.node.findChild(part), "var.cloudfront_access_log_retention_days != null");
    }

    stack.output("lb_arn", { value: lb.arn, description: "The load balancer's ARN." });
    stack.output("lb_arn_suffix", {
      value: lb.arnSuffix,
      description: "`app/<name>/<id>`, the CloudWatch `LoadBalancer` dimension.",
    });
    stack.output("lb_dns_name", {
      value: lb.dnsName,
      description: "The load balancer's AWS DNS name (alias target).",
    });
    stack.output("lb_zone_id", {
      value: lb.zoneId,
      description: "The load balancer's canonical hosted zone id (alias target).",
    });
    stack.output("lb_domain_name", {
      value: lb.aliasRecord.fqdn,
      description: "`domain_name`, as the alias record to the load balancer publishes it.",
    });
    stack.output("https_listener_arn", {
      value: lb.httpsListenerArn,
      description: "The HTTPS listener: host rules go here (priority ≥ 100).",
    });
    stack.output("http_listener_arn", {
      value: lb.httpListener.arn,
      description: "The HTTP listener, which only redirects to HTTPS.",
    });
    stack.output("security_group_id", {
      value: lb.securityGroupId,
      description: "The load balancer's security group: the source the service admits on its port.",
    });
    stack.output("target_group_arn", {
      value: lb.targetGroup.arn,
      description: "The default target group (IP targets on `target_port`): the service registers here.",
    });
    stack.output("target_group_arn_suffix", {
      value: lb.targetGroup.arnSuffix,
      description: "`targetgroup/<name>/<id>`, the CloudWatch `TargetGroup` dimension.",
    });
    stack.output("certificate_arn", {
      value: lb.dnsCertificate.certificateArn,
      description: "The load balancer's certificate, once validated.",
    });
    stack.output("web_acl_arn", {
      value: lb.webAcl?.arn ?? null,
      description: "The load balancer's regional web ACL (null with `create_waf = false`).",
    });
    stack.output("access_logs_bucket_name", {
      value: accessLogs.bucketName,
      description: "The bucket the access logs go to (under `access_logs_prefix`).",
    });
    stack.output("cloudfront_distribution_id", {
      value: cdn.distributionId,
      description: "The distribution's id, for cache invalidations (null without CloudFront).",
    });
    stack.output("cloudfront_distribution_arn", {
      value: cdn.distributionArn,
      description: "The distribution's ARN (null without CloudFront).",
    });
    stack.output("cloudfront_domain_name", {
      value: cdn.distributionDomainName,
      description: "The distribution's `*.cloudfront.net` name (null without CloudFront).",
    });
    stack.output("cloudfront_certificate_arn", {
      value: cdn.certificate.certificateArn,
      description: "CloudFront's us-east-1 certificate, once validated (null without CloudFront).",
    });
    stack.output("cloudfront_web_acl_arn", {
      value: cdn.webAcl?.arn ?? null,
      description: "CloudFront's web ACL (null without CloudFront or with `create_cloudfront_waf = false`).",
    });
    stack.output("assets_bucket_name", {
      value: assets.bucketName,
      description: "The bucket CloudFront serves static assets from: upload here (null without CloudFront).",
    });
    stack.output("assets_bucket_arn", {
      value: assets.bucketArn,
      description: "The assets bucket's ARN (null without CloudFront).",
    });
    limitNameLength(stack, naming);
  },
};
