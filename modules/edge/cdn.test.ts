import { AwsProvider } from "@cdktf/provider-aws/lib/provider/index.js";
import { TerraformVariable } from "cdktf";
import { describe, expect, test } from "vitest";
import { LOG_RETENTION_DAYS } from "../logs/retention.js";
import { Bucket } from "../storage/bucket.js";
import {
  policy,
  type ResourceConfig,
  type Synthesised,
  synthesise,
  testNaming,
} from "../testing/synthesised.js";
import {
  Cdn,
  type CdnProps,
  CLOUDFRONT_HOSTED_ZONE_ID,
  CLOUDFRONT_MANAGED_POLICIES,
  CSP_RULE,
  DEFAULT_CONTENT_SECURITY_POLICY,
  UNSAFE_CSP_SOURCE,
} from "./cdn.js";

type Scope = Parameters<Parameters<typeof synthesise>[0]>[0];
const zone = "Z0123456789ABCDEFGHIJ";
const base = (scope: Scope): CdnProps => {
  // A stack in another region: only the alias provider is in us-east-1.
  new AwsProvider(scope, "aws", { region: "eu-west-1" });
  return {
    naming: testNaming,
    domainName: "platform.example.com",
    hostedZoneId: zone,
    assets: new Bucket(scope, "assets", { naming: testNaming, purpose: "assets" }),
    usEast1Provider: new AwsProvider(scope, "us-east-1", { region: "us-east-1", alias: "us_east_1" }),
  };
};

const defaults = synthesise((scope) => {
  new Cdn(scope, "cdn", { ...base(scope), apiOrigin: { domainName: "origin.platform.example.com" } });
});

const options = synthesise((scope) => {
  new Cdn(scope, "cdn", {
    ...base(scope),
    priceClass: "PriceClass_All",
    waf: false,
    accessLogRetentionDays: false,
    contentSecurityPolicy: "default-src 'self'; script-src 'self' https://cdn.example.com",
  });
});

const withApiPaths = synthesise((scope) => {
  new Cdn(scope, "cdn", {
    ...base(scope),
    apiOrigin: { domainName: "origin.platform.example.com" },
    apiPaths: ["/v1/*"],
    wafRateLimitPer5Min: 300,
    accessLogRetentionDays: 90,
  });
});

const distribution = (s: Synthesised) => s.only("aws_cloudfront_distribution");
const behaviours = (s: Synthesised) => (distribution(s).ordered_cache_behavior ?? []) as ResourceConfig[];
const ref = (s: Synthesised, type: string, attribute: string) =>
  `\${${type}.${Object.keys(s.resources(type))[0]}.${attribute}}`;
const refWhere = (s: Synthesised, type: string, where: (r: ResourceConfig) => boolean, attribute: string) =>
  `\${${type}.${Object.entries(s.resources(type)).find(([, r]) => where(r))?.[0]}.${attribute}}`;
const headers = (s: Synthesised) =>
  s.only("aws_cloudfront_response_headers_policy").security_headers_config as Record<
    string,
    Record<string, unknown>
  >;
const oacStatement = (s: Synthesised) =>
  policy(s.only("aws_s3_bucket_policy").policy).Statement.find(
    (st) => st.Sid === "CloudFrontOriginAccessControlRead",
  );

describe("assets origin", () => {
  test("the bucket is reached through an Origin Access Control that signs every request with SigV4", () => {
    expect(defaults.only("aws_cloudfront_origin_access_control")).toMatchObject({
      origin_access_control_origin_type: "s3",
      signing_behavior: "always",
      signing_protocol: "sigv4",
    });
    expect((distribution(defaults).origin as ResourceConfig[])[0]).toEqual({
      origin_id: "assets",
      domain_name: ref(defaults, "aws_s3_bucket", "bucket_regional_domain_name"),
      origin_access_control_id: ref(defaults, "aws_cloudfront_origin_access_control", "id"),
    });
  });

  test("the bucket policy lets CloudFront read objects for this distribution only", () => {
    expect(oacStatement(defaults)).toEqual({
      Sid: "CloudFrontOriginAccessControlRead",
      Effect: "Allow",
      Principal: { Service: "cloudfront.amazonaws.com" },
      Action: "s3:GetObject",
      Resource: `${ref(defaults, "aws_s3_bucket", "arn")}/*`,
      Condition: { StringEquals: { "AWS:SourceArn": ref(defaults, "aws_cloudfront_distribution", "arn") } },
    });
  });

  test("the default behaviour serves the bucket over HTTPS, cached with CachingOptimized, read-only methods", () => {
    expect(distribution(defaults).default_cache_behavior).toEqual({
      target_origin_id: "assets",
      viewer_protocol_policy: "redirect-to-https",
      allowed_methods: ["GET", "HEAD", "OPTIONS"],
      cached_methods: ["GET", "HEAD"],
      compress: true,
      cache_policy_id: CLOUDFRONT_MANAGED_POLICIES.cachingOptimized,
      response_headers_policy_id: ref(defaults, "aws_cloudfront_response_headers_policy", "id"),
    });
    expect(distribution(defaults).default_root_object).toBe("index.html");
  });
});

describe("API origin", () => {
  test("the ALB is reached by its own name over HTTPS with TLS 1.2", () => {
    expect((distribution(defaults).origin as ResourceConfig[])[1]).toMatchObject({
      origin_id: "api",
      domain_name: "origin.platform.example.com",
      custom_origin_config: expect.objectContaining({
        origin_protocol_policy: "https-only",
        origin_ssl_protocols: ["TLSv1.2"],
      }),
    });
  });

  test("/api/*, /healthz and /readyz go to the ALB uncached, with every viewer value but Host", () => {
    expect(behaviours(defaults).map((b) => b.path_pattern)).toEqual(["/api/*", "/healthz", "/readyz"]);
    for (const behaviour of behaviours(defaults)) {
      expect(behaviour).toMatchObject({
        target_origin_id: "api",
        viewer_protocol_policy: "redirect-to-https",
        allowed_methods: ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"],
        cache_policy_id: "4135ea2d-6df8-44a3-9df3-4b5a84be39ad",
        origin_request_policy_id: "b689b0a8-53d0-40ab-baf2-68738e2966ac",
        response_headers_policy_id: ref(defaults, "aws_cloudfront_response_headers_policy", "id"),
      });
    }
  });

  test("without an API origin there is only the bucket", () => {
    expect(distribution(options).origin).toHaveLength(1);
    expect(distribution(options).ordered_cache_behavior).toBeUndefined();
  });

  test("the API paths are configurable", () => {
    expect(behaviours(withApiPaths).map((b) => b.path_pattern)).toEqual(["/v1/*"]);
  });
});

describe("viewer side", () => {
  test("TLS 1.2 or newer with the us-east-1 certificate once validated, SNI only", () => {
    expect(distribution(defaults).viewer_certificate).toEqual({
      acm_certificate_arn: ref(defaults, "aws_acm_certificate_validation", "certificate_arn"),
      ssl_support_method: "sni-only",
      minimum_protocol_version: "TLSv1.2_2021",
    });
  });

  test("HTTP/2 and HTTP/3, IPv6, the environment's domain as alias, PriceClass_100", () => {
    expect(distribution(defaults)).toMatchObject({
      enabled: true,
      http_version: "http2and3",
      is_ipv6_enabled: true,
      aliases: ["platform.example.com"],
      price_class: "PriceClass_100",
    });
  });

  test("the certificate is issued in us-east-1 through the alias provider and validated in the zone", () => {
    expect(defaults.only("aws_acm_certificate")).toMatchObject({
      provider: "aws.us_east_1",
      domain_name: "platform.example.com",
      validation_method: "DNS",
    });
    expect(defaults.only("aws_acm_certificate_validation").provider).toBe("aws.us_east_1");
    const validation = defaults.list("aws_route53_record").find((r) => r.for_each);
    expect(validation).toMatchObject({ zone_id: zone });
    expect(validation?.provider).toBeUndefined(); // Route 53 is global: the stack's provider writes it
  });

  test("the domain is an A and AAAA alias to the distribution", () => {
    const aliases = defaults.list("aws_route53_record").filter((r) => r.alias);
    expect(aliases.map((r) => r.type)).toEqual(["A", "AAAA"]);
    for (const alias of aliases) {
      expect(alias).toMatchObject({
        zone_id: zone,
        name: "platform.example.com",
        alias: {
          name: ref(defaults, "aws_cloudfront_distribution", "domain_name"),
          zone_id: CLOUDFRONT_HOSTED_ZONE_ID,
          evaluate_target_health: false,
        },
      });
    }
  });

  test("price class is configurable", () => {
    expect(distribution(options).price_class).toBe("PriceClass_All");
  });
});

describe("security headers", () => {
  test("HSTS for two years, with subdomains and preload, overriding the origin", () => {
    expect(headers(defaults).strict_transport_security).toEqual({
      access_control_max_age_sec: 63_072_000,
      include_subdomains: true,
      preload: true,
      override: true,
    });
  });

  test("nosniff, frame DENY and strict-origin-when-cross-origin referrer policy", () => {
    expect(headers(defaults)).toMatchObject({
      content_type_options: { override: true },
      frame_options: { frame_option: "DENY", override: true },
      referrer_policy: { referrer_policy: "strict-origin-when-cross-origin", override: true },
    });
  });

  test("the default CSP allows same-origin only, no inline code and no framing", () => {
    expect(headers(defaults).content_security_policy).toEqual({
      content_security_policy: DEFAULT_CONTENT_SECURITY_POLICY,
      override: true,
    });
    expect(DEFAULT_CONTENT_SECURITY_POLICY).not.toMatch(/unsafe/);
    expect(DEFAULT_CONTENT_SECURITY_POLICY).toContain("frame-ancestors 'none'");
  });

  test("a custom CSP replaces the default", () => {
    expect(headers(options).content_security_policy).toMatchObject({
      content_security_policy: "default-src 'self'; script-src 'self' https://cdn.example.com",
    });
  });

  test("a CSP with 'unsafe-inline' or 'unsafe-eval' is refused", () => {
    for (const csp of ["default-src 'self'; style-src 'self' 'unsafe-inline'", "script-src 'unsafe-eval'"]) {
      expect(() =>
        synthesise((scope) => {
          new Cdn(scope, "cdn", { ...base(scope), contentSecurityPolicy: csp });
        }),
      ).toThrow("edge.cdn.contentSecurityPolicy");
    }
  });
});

describe("WAF and logs", () => {
  test("a CLOUDFRONT-scope web ACL in us-east-1 is attached to the distribution", () => {
    expect(defaults.only("aws_wafv2_web_acl")).toMatchObject({
      scope: "CLOUDFRONT",
      provider: "aws.us_east_1",
    });
    expect(distribution(defaults).web_acl_id).toBe(ref(defaults, "aws_wafv2_web_acl", "arn"));
  });

  test("WAF rate-limits per viewer address (CloudFront sees the real one)", () => {
    const rules = defaults.only("aws_wafv2_web_acl").rule as Array<{ name: string; statement: unknown }>;
    expect(rules.find((r) => r.name === "rate-limit")?.statement).toEqual({
      rate_based_statement: { aggregate_key_type: "IP", limit: 2000, evaluation_window_sec: 300 },
    });
    const custom = withApiPaths.only("aws_wafv2_web_acl").rule as Array<{ name: string; statement: unknown }>;
    expect(custom.find((r) => r.name === "rate-limit")?.statement).toMatchObject({
      rate_based_statement: { limit: 300 },
    });
  });

  test("access logs are delivered (standard logging v2) to a us-east-1 log group kept 30 days", () => {
    const isAccessLog = (g: ResourceConfig) => String(g.name).startsWith("/aws/vendedlogs/cloudfront/");
    const access = defaults.list("aws_cloudwatch_log_group").find(isAccessLog);
    expect(access).toMatchObject({ provider: "aws.us_east_1", retention_in_days: 30 });
    expect(defaults.only("aws_cloudwatch_log_delivery_source")).toMatchObject({
      provider: "aws.us_east_1",
      log_type: "ACCESS_LOGS",
      resource_arn: ref(defaults, "aws_cloudfront_distribution", "arn"),
    });
    expect(
      defaults.only("aws_cloudwatch_log_delivery_destination").delivery_destination_configuration,
    ).toEqual([
      { destination_resource_arn: refWhere(defaults, "aws_cloudwatch_log_group", isAccessLog, "arn") },
    ]);
    expect(defaults.only("aws_cloudwatch_log_delivery")).toMatchObject({
      delivery_source_name: ref(defaults, "aws_cloudwatch_log_delivery_source", "name"),
      delivery_destination_arn: ref(defaults, "aws_cloudwatch_log_delivery_destination", "arn"),
    });
  });

  test("every log group has a retention CloudWatch accepts", () => {
    const groups = [
      ...defaults.list("aws_cloudwatch_log_group"),
      ...withApiPaths.list("aws_cloudwatch_log_group"),
    ];
    expect(groups).toHaveLength(4); // access and WAF logs in each
    for (const group of groups)
      expect(LOG_RETENTION_DAYS as readonly unknown[]).toContain(group.retention_in_days);
    expect(withApiPaths.list("aws_cloudwatch_log_group").map((g) => g.retention_in_days)).toContain(90);
  });

  test("waf: false and accessLogRetentionDays: false leave out the web ACL and the log delivery", () => {
    expect(options.list("aws_wafv2_web_acl")).toEqual([]);
    expect(distribution(options).web_acl_id).toBeUndefined();
    expect(options.list("aws_cloudwatch_log_group")).toEqual([]);
    expect(options.list("aws_cloudwatch_log_delivery")).toEqual([]);
  });
});

describe("values known only at plan (a Terraform module's variables)", () => {
  const atPlan = synthesise((scope) => {
    const paths = new TerraformVariable(scope, "api_paths", { type: "list(string)" });
    const domain = new TerraformVariable(scope, "domain_name", { type: "string" });
    new Cdn(scope, "cdn", {
      ...base(scope),
      domainName: domain.stringValue,
      apiOrigin: { domainName: "origin.platform.example.com" },
      apiPaths: paths.listValue,
    });
  });

  test("API paths: one behaviour per path, in order, as a dynamic block over the list", () => {
    const d = distribution(atPlan);
    expect(d.ordered_cache_behavior).toBeUndefined();
    const headers = `\${aws_cloudfront_response_headers_policy.${Object.keys(atPlan.resources("aws_cloudfront_response_headers_policy"))[0]}.id}`;
    expect(d.dynamic).toEqual({
      ordered_cache_behavior: {
        for_each: `\${var.api_paths}`,
        content: {
          path_pattern: `\${ordered_cache_behavior.value}`,
          target_origin_id: "api",
          viewer_protocol_policy: "redirect-to-https",
          allowed_methods: ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"],
          cached_methods: ["GET", "HEAD"],
          compress: true,
          cache_policy_id: CLOUDFRONT_MANAGED_POLICIES.cachingDisabled,
          origin_request_policy_id: CLOUDFRONT_MANAGED_POLICIES.allViewerExceptHostHeader,
          response_headers_policy_id: headers,
        },
      },
    });
    // The literal path writes the same behaviour: the dynamic block's content is the static one's.
    const [literal] = behaviours(defaults);
    expect({ ...literal, path_pattern: `\${ordered_cache_behavior.value}` }).toEqual({
      ...(d.dynamic as { ordered_cache_behavior: { content: Record<string, unknown> } })
        .ordered_cache_behavior.content,
      response_headers_policy_id: literal?.response_headers_policy_id,
    });
    expect(d.aliases).toEqual([`\${var.domain_name}`]);
  });

  test("an unsafe Content-Security-Policy is refused with the rule's words", () => {
    expect(() =>
      synthesise((scope) => {
        new Cdn(scope, "cdn", { ...base(scope), contentSecurityPolicy: "script-src 'self' 'unsafe-eval'" });
      }),
    ).toThrow(`edge.cdn.contentSecurityPolicy: "'unsafe-eval'": ${CSP_RULE}`);
    expect(UNSAFE_CSP_SOURCE.test(DEFAULT_CONTENT_SECURITY_POLICY)).toBe(false);
  });
});

describe("behind a VPC origin, and without a bucket", () => {
  const vpcOriginId = "vo_0123456789abcdefghijkl";
  // One stack, two distributions: the environment's, and a bucketless one for preview hosts that
  // shares its web ACL and sends the viewer's Host.
  const pair = synthesise((scope) => {
    const props = base(scope);
    const first = new Cdn(scope, "cdn", {
      ...props,
      apiOrigin: { domainName: "origin.platform.example.com", vpcOriginId },
    });
    const { assets: _assets, ...rest } = props;
    new Cdn(scope, "previews", {
      ...rest,
      purpose: "previews",
      domainName: "*.preview.platform.example.com",
      apiOrigin: { domainName: "origin.platform.example.com", vpcOriginId },
      forwardHostHeader: true,
      webAclArn: first.webAclArn,
      accessLogRetentionDays: false,
    });
  });
  const distributions = () => Object.entries(pair.resources("aws_cloudfront_distribution"));
  const byKey = (prefix: string) =>
    (distributions().find(([key]) => key.startsWith(prefix)) as [string, ResourceConfig])[1];

  test("the API origin uses vpc_origin_config, not the internet", () => {
    for (const [, distribution] of distributions()) {
      const api = (distribution.origin as ResourceConfig[]).find((o) => o.origin_id === "api");
      expect(api).toMatchObject({
        domain_name: "origin.platform.example.com",
        vpc_origin_config: {
          vpc_origin_id: vpcOriginId,
          origin_read_timeout: 30,
          origin_keepalive_timeout: 5,
        },
      });
      expect(api?.custom_origin_config).toBeUndefined();
    }
  });

  test("without assets every path goes to the API origin, uncached, with the viewer's Host when asked", () => {
    const previews = byKey("previews_");
    expect(previews.aliases).toEqual(["*.preview.platform.example.com"]);
    expect((previews.origin as ResourceConfig[]).map((o) => o.origin_id)).toEqual(["api"]);
    expect(previews.default_cache_behavior).toMatchObject({
      target_origin_id: "api",
      allowed_methods: ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"],
      cache_policy_id: CLOUDFRONT_MANAGED_POLICIES.cachingDisabled,
      origin_request_policy_id: CLOUDFRONT_MANAGED_POLICIES.allViewer,
    });
    expect(previews.ordered_cache_behavior).toBeUndefined();
    expect(previews.default_root_object).toBeUndefined();
    // The first keeps its bucket and the Host-less policy.
    const first = byKey("cdn_");
    expect(first.default_root_object).toBe("index.html");
    for (const behaviour of first.ordered_cache_behavior as ResourceConfig[]) {
      expect(behaviour.origin_request_policy_id).toBe(CLOUDFRONT_MANAGED_POLICIES.allViewerExceptHostHeader);
    }
  });

  test("one web ACL serves both; the second's account-wide names carry its purpose", () => {
    const acls = Object.keys(pair.resources("aws_wafv2_web_acl"));
    expect(acls).toHaveLength(1);
    for (const [, distribution] of distributions()) {
      expect(distribution.web_acl_id).toBe(`\${aws_wafv2_web_acl.${acls[0]}.arn}`);
    }
    const names = pair.list("aws_cloudfront_response_headers_policy").map((p) => p.name);
    expect(names.sort()).toEqual(["acme-test-previews-security-headers", "acme-test-security-headers"]);
    // Access logs off for the second: one log delivery, the first's.
    expect(pair.list("aws_cloudwatch_log_delivery_source")).toHaveLength(1);
  });

  test("a bucketless distribution needs an API origin, and a purpose must be a short slug", () => {
    expect(() =>
      synthesise((scope) => {
        const { assets: _assets, ...rest } = base(scope);
        new Cdn(scope, "cdn", rest);
      }),
    ).toThrow("edge.cdn.apiOrigin: is required without assets");
    expect(() =>
      synthesise((scope) => {
        new Cdn(scope, "cdn", { ...base(scope), purpose: "Previews!" });
      }),
    ).toThrow("edge.cdn.purpose");
  });
});
