import { TerraformStack, TerraformVariable, Testing } from "cdktf";
import { describe, expect, test } from "vitest";
import { LOG_RETENTION_DAYS } from "../logs/retention.js";
import { Naming } from "../naming/naming.js";
import { Network } from "../network/network.js";
import { allowTraffic, createSecurityGroup } from "../network/security-group.js";
import { Bucket } from "../storage/bucket.js";
import {
  policy,
  type ResourceConfig,
  type Synthesised,
  synthesise,
  testNaming,
  testOutdir,
} from "../testing/synthesised.js";
import { PropError } from "../validation/prop-error.js";
import {
  ACCESS_LOG_PREFIX_RULE,
  ALB_SSL_POLICY,
  ALB_SUBNETS_RULE,
  LoadBalancer,
  type LoadBalancerProps,
  type LoadBalancerRef,
} from "./load-balancer.js";
import {
  CLOUDFRONT_ORIGIN_FACING_PREFIX_LISTS,
  cloudFrontPrefixListId,
  LoadBalancerVpcOrigin,
} from "./vpc-origin.js";

const zone = "Z0123456789ABCDEFGHIJ";
type Scope = Parameters<Parameters<typeof synthesise>[0]>[0];
const base = (
  scope: Scope,
  logs: LoadBalancerProps["accessLogs"] = {
    bucket: new Bucket(scope, "logs", { naming: testNaming, purpose: "logs" }),
  },
): LoadBalancerProps => ({
  naming: testNaming,
  vpcId: "vpc-0123456789abcdef0",
  subnetIds: ["subnet-0aaaaaaaaaaaaaaaa", "subnet-0bbbbbbbbbbbbbbbb"],
  hostedZoneId: zone,
  domainName: "origin.platform.example.com",
  accessLogs: logs,
});

// The whole edge of an environment as a stack composes it: network, log bucket, load balancer, a host rule.
const defaults = synthesise((scope) => {
  const network = new Network(scope, "network", {
    naming: testNaming,
    cidr: "10.20.0.0/16",
    availabilityZones: ["us-east-1a", "us-east-1b"],
  });
  const lb = new LoadBalancer(scope, "lb", {
    ...base(scope),
    vpcId: network.vpcId,
    subnetIds: network.publicSubnets.map((s) => s.id),
  });
  lb.addHostRule("pr-7.preview.dev.example.com", lb.targetGroup.arn, 107);
});

const options = synthesise((scope) => {
  new LoadBalancer(scope, "lb", {
    ...base(scope, {
      bucket: new Bucket(scope, "logs", { naming: testNaming, purpose: "logs" }),
      prefix: "edge/alb",
    }),
    subjectAlternativeNames: ["*.preview.dev.example.com"],
    targetPort: 8080,
    healthCheckPath: "/health/ready",
    deletionProtection: false,
    idleTimeoutSeconds: 120,
    desyncMitigationMode: "defensive",
    waf: false,
  });
});

const direct = synthesise((scope) => {
  new LoadBalancer(scope, "lb", {
    ...base(scope),
    behindCloudFront: false,
    wafRateLimitPer5Min: 500,
    wafLogRetentionDays: 90,
  });
});

const listener = (s: Synthesised, port: number): ResourceConfig => {
  const found = s.list("aws_lb_listener").find((l) => l.port === port);
  if (!found) throw new Error(`no listener on ${port}`);
  return found;
};
const listenerArn = (s: Synthesised, port: number): string => {
  const name = Object.entries(s.resources("aws_lb_listener")).find(([, l]) => l.port === port)?.[0];
  return `\${aws_lb_listener.${name}.arn}`;
};
const ruleAt = (s: Synthesised, priority: number): ResourceConfig => {
  const found = s.list("aws_lb_listener_rule").find((r) => r.priority === priority);
  if (!found) throw new Error(`no listener rule at priority ${priority}`);
  return found;
};
const ref = (s: Synthesised, type: string, attribute: string) =>
  `\${${type}.${Object.keys(s.resources(type))[0]}.${attribute}}`;
const albLogStatement = (s: Synthesised) =>
  policy(s.only("aws_s3_bucket_policy").policy).Statement.find((st) => st.Sid === "AlbAccessLogDelivery");
const rateRules = (s: Synthesised) =>
  (s.only("aws_wafv2_web_acl").rule as Array<{ name: string; statement: Record<string, unknown> }>).filter(
    (r) => r.name.startsWith("rate-limit"),
  );

describe("the issue's checks", () => {
  test("no security group ingress from 0.0.0.0/0 or ::/0 except the ALB's 80 and 443", () => {
    const albGroup = ref(defaults, "aws_security_group", "id");
    const open = defaults
      .list("aws_vpc_security_group_ingress_rule")
      .filter((r) => r.cidr_ipv4 === "0.0.0.0/0" || r.cidr_ipv6 === "::/0");
    const rules = open.map((r) => [r.security_group_id, r.from_port, r.to_port]);
    expect(rules.sort((a, b) => Number(a[1]) - Number(b[1]))).toEqual([
      [albGroup, 80, 80],
      [albGroup, 443, 443],
    ]);
    for (const group of [
      ...defaults.list("aws_security_group"),
      ...defaults.list("aws_default_security_group"),
    ]) {
      expect(group.ingress ?? []).toEqual([]);
    }
  });

  test("the HTTP listener has no forward action: it only redirects to HTTPS with a 301", () => {
    const http = listener(defaults, 80);
    expect(http.protocol).toBe("HTTP");
    expect(http.default_action).toEqual([
      { type: "redirect", redirect: { protocol: "HTTPS", port: "443", status_code: "HTTP_301" } },
    ]);
    const onHttp = defaults
      .list("aws_lb_listener_rule")
      .filter((r) => r.listener_arn === listenerArn(defaults, 80));
    expect(onHttp).toEqual([]);
  });

  test("every log group has a retention CloudWatch accepts", () => {
    const groups = [...defaults.list("aws_cloudwatch_log_group"), ...direct.list("aws_cloudwatch_log_group")];
    expect(groups.length).toBeGreaterThanOrEqual(3); // flow logs, and the WAF log in each scenario
    for (const group of groups) {
      expect(LOG_RETENTION_DAYS as readonly unknown[]).toContain(group.retention_in_days);
    }
  });
});

describe("secure defaults", () => {
  test("the ALB is internet-facing in the public subnets, IPv4, named through naming", () => {
    expect(defaults.only("aws_lb")).toMatchObject({
      name: "acme-test-alb",
      load_balancer_type: "application",
      internal: false,
      ip_address_type: "ipv4",
      subnets: [
        expect.stringMatching(/^\$\{aws_subnet\.network_public-us-east-1a_\w+\.id\}$/),
        expect.stringMatching(/^\$\{aws_subnet\.network_public-us-east-1b_\w+\.id\}$/),
      ],
      security_groups: [ref(defaults, "aws_security_group", "id")],
    });
  });

  test("invalid header fields are dropped and desync mitigation is strictest", () => {
    expect(defaults.only("aws_lb")).toMatchObject({
      drop_invalid_header_fields: true,
      desync_mitigation_mode: "strictest",
    });
  });

  test("deletion protection is on and the idle timeout is 60 s", () => {
    expect(defaults.only("aws_lb")).toMatchObject({ enable_deletion_protection: true, idle_timeout: 60 });
  });

  test("the ALB security group has no egress rule of its own", () => {
    expect(defaults.list("aws_vpc_security_group_egress_rule")).toEqual([]);
    expect(defaults.only("aws_security_group").egress ?? []).toEqual([]);
  });

  test("access logs go to the bucket under alb/, after the bucket policy lets the regional ELB account write there", () => {
    const alb = defaults.only("aws_lb");
    expect(alb.access_logs).toEqual({
      bucket: ref(defaults, "aws_s3_bucket", "id"),
      prefix: "alb",
      enabled: true,
    });
    expect(alb.depends_on).toEqual([expect.stringMatching(/^aws_s3_bucket_policy\./)]);
    expect(albLogStatement(defaults)).toEqual({
      Sid: "AlbAccessLogDelivery",
      Effect: "Allow",
      Principal: { AWS: "arn:aws:iam::127311923021:root" },
      Action: "s3:PutObject",
      Resource: `${ref(defaults, "aws_s3_bucket", "arn")}/alb/AWSLogs/123456789012/*`,
    });
  });

  test("the HTTPS listener uses the TLS 1.3 policy and the certificate only once it is validated", () => {
    const https = listener(defaults, 443);
    expect(https).toMatchObject({ protocol: "HTTPS", ssl_policy: ALB_SSL_POLICY });
    expect(ALB_SSL_POLICY).toBe("ELBSecurityPolicy-TLS13-1-2-2021-06");
    expect(https.certificate_arn).toBe(ref(defaults, "aws_acm_certificate_validation", "certificate_arn"));
  });

  test("the HTTPS listener forwards to the default target group", () => {
    expect(listener(defaults, 443).default_action).toEqual([
      { type: "forward", target_group_arn: ref(defaults, "aws_lb_target_group", "arn") },
    ]);
  });

  test("the HTTPS listener adds HSTS, nosniff and frame-deny headers and hides the Server header", () => {
    expect(listener(defaults, 443)).toMatchObject({
      routing_http_response_strict_transport_security_header_value: "max-age=63072000; includeSubDomains",
      routing_http_response_x_content_type_options_header_value: "nosniff",
      routing_http_response_x_frame_options_header_value: "DENY",
      routing_http_response_server_enabled: false,
    });
  });

  test("/metrics is answered 404 from the HTTPS listener at priority 1, before any host rule", () => {
    const deny = ruleAt(defaults, 1);
    expect(deny).toMatchObject({
      listener_arn: listenerArn(defaults, 443),
      condition: [{ path_pattern: { values: ["/metrics*"] } }],
      action: [
        {
          type: "fixed-response",
          fixed_response: { content_type: "text/plain", status_code: "404", message_body: "Not Found" },
        },
      ],
    });
    const hostRules = defaults.list("aws_lb_listener_rule").filter((r) => r !== deny);
    expect(hostRules.every((r) => Number(r.priority) > 1)).toBe(true);
  });

  test("the default target group: IP targets on port 3000, health check on /readyz, 15 s deregistration delay", () => {
    expect(defaults.only("aws_lb_target_group")).toMatchObject({
      name: "acme-test-app-3000",
      target_type: "ip",
      protocol: "HTTP",
      port: 3000,
      deregistration_delay: "15",
      health_check: expect.objectContaining({ path: "/readyz", matcher: "200", port: "traffic-port" }),
    });
  });

  test("the certificate covers domainName and is validated by DNS in the zone", () => {
    expect(defaults.only("aws_acm_certificate")).toMatchObject({
      domain_name: "origin.platform.example.com",
      validation_method: "DNS",
    });
    expect(defaults.only("aws_acm_certificate").subject_alternative_names).toBeUndefined();
    const records = defaults
      .list("aws_route53_record")
      .filter((r) => typeof r.for_each === "string" && r.for_each.includes("domain_validation_options"));
    expect(records).toHaveLength(1);
    expect(records[0]?.zone_id).toBe(zone);
  });

  test("origin.<domain> is an IPv4 alias to the ALB in the zone", () => {
    const aliases = defaults.list("aws_route53_record").filter((r) => r.alias);
    expect(aliases).toEqual([
      expect.objectContaining({
        zone_id: zone,
        name: "origin.platform.example.com",
        type: "A",
        alias: {
          name: ref(defaults, "aws_lb", "dns_name"),
          zone_id: ref(defaults, "aws_lb", "zone_id"),
          evaluate_target_health: false,
        },
      }),
    ]);
  });

  test("a regional WAF web ACL is attached to the ALB", () => {
    expect(defaults.only("aws_wafv2_web_acl").scope).toBe("REGIONAL");
    expect(defaults.only("aws_wafv2_web_acl_association")).toMatchObject({
      resource_arn: ref(defaults, "aws_lb", "arn"),
      web_acl_arn: ref(defaults, "aws_wafv2_web_acl", "arn"),
    });
  });

  test("behind CloudFront, WAF rate-limits per X-Forwarded-For client, and per source for requests without it", () => {
    const [perClient, perSource, perConnection] = rateRules(defaults);
    expect(perClient?.statement).toMatchObject({
      rate_based_statement: {
        aggregate_key_type: "FORWARDED_IP",
        forwarded_ip_config: { header_name: "X-Forwarded-For", fallback_behavior: "NO_MATCH" },
        limit: 2000,
      },
    });
    expect(perSource?.statement).toMatchObject({
      rate_based_statement: {
        aggregate_key_type: "IP",
        scope_down_statement: { not_statement: expect.anything() },
      },
    });
    // A client that reaches the ALB directly and forges X-Forwarded-For is still capped by address.
    expect(perConnection).toMatchObject({
      name: "rate-limit-source",
      statement: {
        rate_based_statement: { aggregate_key_type: "IP", limit: 20_000, evaluation_window_sec: 300 },
      },
    });
    expect(perConnection?.statement.rate_based_statement).not.toHaveProperty("scope_down_statement");
  });
});

describe("options", () => {
  test("extra names go on the certificate", () => {
    expect(options.only("aws_acm_certificate").subject_alternative_names).toEqual([
      "*.preview.dev.example.com",
    ]);
  });

  test("target port and health check path are configurable", () => {
    expect(options.only("aws_lb_target_group")).toMatchObject({
      name: "acme-test-app-8080",
      port: 8080,
      health_check: expect.objectContaining({ path: "/health/ready" }),
    });
  });

  test("deletion protection, idle timeout and desync mode are configurable", () => {
    expect(options.only("aws_lb")).toMatchObject({
      enable_deletion_protection: false,
      idle_timeout: 120,
      desync_mitigation_mode: "defensive",
    });
  });

  test("the log prefix moves both the ALB's logs and the bucket-policy grant", () => {
    expect(options.only("aws_lb").access_logs).toMatchObject({ prefix: "edge/alb" });
    expect(albLogStatement(options)?.Resource).toMatch(/\/edge\/alb\/AWSLogs\/123456789012\/\*$/);
  });

  test("waf: false creates no web ACL", () => {
    expect(options.list("aws_wafv2_web_acl")).toEqual([]);
    expect(options.list("aws_wafv2_web_acl_association")).toEqual([]);
  });

  test("not behind CloudFront, WAF rate-limits per source address, at the given rate", () => {
    expect(rateRules(direct)).toEqual([
      expect.objectContaining({
        statement: {
          rate_based_statement: { aggregate_key_type: "IP", limit: 500, evaluation_window_sec: 300 },
        },
      }),
    ]);
    expect(direct.only("aws_cloudwatch_log_group").retention_in_days).toBe(90);
  });

  test("addHostRule forwards a host to a target group on the HTTPS listener", () => {
    expect(ruleAt(defaults, 107)).toMatchObject({
      listener_arn: listenerArn(defaults, 443),
      condition: [{ host_header: { values: ["pr-7.preview.dev.example.com"] } }],
      action: [{ type: "forward", target_group_arn: ref(defaults, "aws_lb_target_group", "arn") }],
    });
  });
});

describe("refused at synth", () => {
  const build = (props: (scope: Scope) => LoadBalancerProps) =>
    synthesise((scope) => {
      new LoadBalancer(scope, "lb", props(scope));
    });

  test("host rules below priority 100, or on a priority already taken", () => {
    expect(() =>
      synthesise((scope) => {
        new LoadBalancer(scope, "lb", base(scope)).addHostRule("a.example.com", "arn:tg", 99);
      }),
    ).toThrow("edge.hostRule.priority");
    expect(() =>
      synthesise((scope) => {
        const lb = new LoadBalancer(scope, "lb", base(scope));
        lb.addHostRule("a.example.com", "arn:tg", 100);
        lb.addHostRule("b.example.com", "arn:tg", 100);
      }),
    ).toThrow("edge.addHostRule.priority: 100 is already used by a.example.com");
  });

  test("an SSE-KMS access-log bucket, which ALB log delivery cannot write to", () => {
    expect(() =>
      build((scope) =>
        base(scope, {
          bucket: new Bucket(scope, "kms-logs", {
            naming: testNaming,
            purpose: "kms-logs",
            kmsKeyArn: "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
          }),
        }),
      ),
    ).toThrow("edge.accessLogs.bucket");
  });

  test("fewer than two subnets, and a domain name that is not one", () => {
    expect(() => build((scope) => ({ ...base(scope), subnetIds: ["subnet-0aaaaaaaaaaaaaaaa"] }))).toThrow(
      "edge.subnetIds",
    );
    expect(() => build((scope) => ({ ...base(scope), domainName: "Origin.Example.com" }))).toThrow(
      "edge.certificate.domainName",
    );
  });
});

// A load balancer referenced from elsewhere: a host rule and a service's path from its group, once on
// the owner (`owned`) and once on a reference built from its attributes (`referenced`).
const referenced = synthesise((scope) => {
  const owned = new LoadBalancer(scope, "owned", base(scope));
  const ref = LoadBalancer.fromAttributes(scope, "referenced", owned);
  const service = createSecurityGroup(scope, "service", {
    naming: testNaming,
    purpose: "service",
    vpcId: "vpc-0123456789abcdef0",
    description: "service",
  });
  for (const [id, lb] of [
    ["owned", owned],
    ["referenced", ref],
  ] as const) {
    lb.addHostRule("pr-7.preview.dev.example.com", owned.targetGroup.arn, 1007);
    allowTraffic(scope, `${id}-to-service`, {
      from: lb.securityGroup,
      to: service,
      port: 3000,
      description: "load balancer to the service",
    });
  }
});

describe("a load balancer referenced by its attributes", () => {
  const rule = (id: string) =>
    Object.entries(referenced.resources("aws_lb_listener_rule")).find(([name]) =>
      name.startsWith(`${id}_host-rule-1007`),
    )?.[1];
  const ingress = (id: string) =>
    Object.entries(referenced.resources("aws_vpc_security_group_ingress_rule")).find(([name]) =>
      name.startsWith(`${id}-to-service`),
    )?.[1];

  test("adds the same host rule to the owner's HTTPS listener", () => {
    expect(rule("owned")).toBeDefined();
    expect(rule("referenced")).toEqual(rule("owned"));
    expect(rule("referenced")?.listener_arn).toBe(listenerArn(referenced, 443));
  });

  test("is the same source for a service's rules", () => {
    expect(ingress("owned")).toBeDefined();
    expect(ingress("referenced")).toEqual(ingress("owned"));
  });

  test("creates nothing of the load balancer itself", () => {
    expect(referenced.list("aws_lb")).toHaveLength(1);
    expect(
      referenced.addresses().filter((a) => a.includes(".referenced_") && !a.includes("host-rule")),
    ).toEqual([]);
  });

  describe("refused", () => {
    // Refused while the construct is built: nothing to synthesise.
    const scope = () => new TerraformStack(Testing.app({ outdir: testOutdir() }), "refused");
    const attributes: LoadBalancerRef = {
      arn: "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/acme-dev-alb/50dc6c495c0c9188",
      arnSuffix: "app/acme-dev-alb/50dc6c495c0c9188",
      dnsName: "acme-dev-alb-123.us-east-1.elb.amazonaws.com",
      zoneId: "Z35SXDOTRQ7X7K",
      securityGroupId: "sg-0123456789abcdef0",
      httpsListenerArn:
        "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/acme-dev-alb/50dc6c495c0c9188/f2f7dc8efc522ab2",
    };

    test("a listener ARN that names the load balancer instead", () => {
      expect(() =>
        LoadBalancer.fromAttributes(scope(), "lb", { ...attributes, httpsListenerArn: attributes.arn }),
      ).toThrow(PropError);
    });

    test("a priority used twice on the reference", () => {
      const lb = LoadBalancer.fromAttributes(scope(), "lb", attributes);
      lb.addHostRule("a.example.com", "arn:tg", 100);
      expect(() => lb.addHostRule("b.example.com", "arn:tg", 100)).toThrow(
        "edge.addHostRule.priority: 100 is already used by a.example.com",
      );
    });
  });
});

describe("values known only at plan (a Terraform module's variables)", () => {
  const atPlan = synthesise((scope) => {
    const variable = (name: string, type: string) => new TerraformVariable(scope, name, { type });
    const region = variable("region", "string").stringValue;
    const naming = Naming.fromPrefix({
      prefix: variable("name", "string").stringValue,
      accountId: variable("account", "string").stringValue,
      region,
    });
    new LoadBalancer(scope, "lb", {
      naming,
      vpcId: variable("vpc_id", "string").stringValue,
      // One element until plan: the module's validation checks there are two or more.
      subnetIds: variable("subnet_ids", "list(string)").listValue,
      hostedZoneId: zone,
      domainName: variable("domain_name", "string").stringValue,
      subjectAlternativeNames: variable("sans", "list(string)").listValue,
      targetPort: variable("target_port", "number").numberValue,
      healthCheckPath: variable("health_check_path", "string").stringValue,
      idleTimeoutSeconds: variable("idle_timeout", "number").numberValue,
      accessLogs: {
        bucket: new Bucket(scope, "logs", { naming, purpose: "logs" }),
        prefix: variable("prefix", "string").stringValue,
      },
      behindCloudFront: variable("behind_cloudfront", "bool").booleanValue as unknown as boolean,
    });
  });

  test("lists, numbers and strings go through as references, unchecked here", () => {
    expect(atPlan.only("aws_lb")).toMatchObject({
      subnets: `\${var.subnet_ids}`,
      idle_timeout: `\${var.idle_timeout}`,
      access_logs: { prefix: `\${var.prefix}`, enabled: true },
    });
    expect(atPlan.only("aws_acm_certificate").subject_alternative_names).toBe(`\${var.sans}`);
    expect(atPlan.only("aws_lb_target_group")).toMatchObject({
      // The port follows the name, which is cut to leave it room.
      name: `\${var.name}-app-\${var.target_port}`,
      port: `\${var.target_port}`,
      health_check: { path: `\${var.health_check_path}` },
    });
  });

  test("a region known only at plan grants its ELB account (looked up) and the log-delivery service", () => {
    // The lookup is HCL inside the policy's JSON template: read the document as text.
    const document = String(atPlan.only("aws_s3_bucket_policy").policy);
    const lookup =
      /"Sid":"AlbAccessLogDelivery","Effect":"Allow","Principal":\{"AWS":"\$\{lookup\(\{(.*?)\}, var\.region, "arn:aws:iam::\$\{var\.account\}:root"\)\}"\}/.exec(
        document,
      );
    expect(lookup?.[1]).toContain('"eu-west-1" = "arn:aws:iam::156460612806:root"');
    expect(lookup?.[1]).toContain('"us-gov-west-1" = "arn:aws-us-gov:iam::048591011584:root"');
    expect(document).toContain(
      '"Sid":"AlbAccessLogDeliveryService","Effect":"Allow","Principal":{"Service":"logdelivery.elasticloadbalancing.amazonaws.com"},"Action":"s3:PutObject"',
    );
  });

  test("behindCloudFront known at plan: the X-Forwarded-For rules are there exactly when it is true", () => {
    const local = Object.entries(atPlan.json.locals ?? {}).find(([name]) =>
      name.includes("waf-client-address"),
    );
    expect(local?.[1]).toBe(`\${var.behind_cloudfront ? "x-forwarded-for" : "source-ip"}`);
    const forwarded = `(local.${local?.[0]} == "x-forwarded-for")`;
    expect(rateRules(atPlan)).toEqual([
      expect.objectContaining({
        name: "rate-limit",
        statement: {
          rate_based_statement: expect.objectContaining({
            aggregate_key_type: `\${${forwarded} ? "FORWARDED_IP" : "IP"}`,
            dynamic: {
              forwarded_ip_config: {
                for_each: `\${${forwarded} ? [1] : []}`,
                content: { header_name: "X-Forwarded-For", fallback_behavior: "NO_MATCH" },
              },
            },
          }),
        },
      }),
    ]);
    const dynamicRules = (
      atPlan.only("aws_wafv2_web_acl").dynamic as { rule: Array<Record<string, unknown>> }
    ).rule;
    expect(dynamicRules.map((r) => [r.for_each, (r.content as { name: string }).name])).toEqual([
      [`\${${forwarded} ? [1] : []}`, "rate-limit-direct"],
      [`\${${forwarded} ? [1] : []}`, "rate-limit-source"],
    ]);
  });

  test("literal values are still checked, with the rules' words", () => {
    const build = (props: (scope: Scope) => LoadBalancerProps) =>
      synthesise((scope) => {
        new LoadBalancer(scope, "lb", props(scope));
      });
    expect(() =>
      build((scope) => ({
        ...base(scope),
        accessLogs: {
          bucket: new Bucket(scope, "l", { naming: testNaming, purpose: "l" }),
          prefix: "AWSLogs/x",
        },
      })),
    ).toThrow(`edge.accessLogs.prefix: "AWSLogs/x" ${ACCESS_LOG_PREFIX_RULE}`);
    expect(() => build((scope) => ({ ...base(scope), idleTimeoutSeconds: 0 }))).toThrow(
      "edge.idleTimeoutSeconds: 0 must be a whole number of seconds from 1 to 4000",
    );
    expect(() => build((scope) => ({ ...base(scope), subnetIds: ["subnet-0aaaaaaaaaaaaaaaa"] }))).toThrow(
      `edge.subnetIds: ${ALB_SUBNETS_RULE}`,
    );
  });
});

describe("internal, behind a CloudFront VPC origin", () => {
  const internal = synthesise((scope) => {
    const lb = new LoadBalancer(scope, "lb", { ...base(scope), internal: true, waf: false });
    new LoadBalancerVpcOrigin(scope, "vpc-origin", { naming: testNaming, loadBalancerArn: lb.arn });
  });

  test("no public address, and HTTPS from CloudFront's origin-facing prefix list is the only way in", () => {
    const lbConfig = internal.only("aws_lb");
    expect(lbConfig.internal).toBe(true);
    const ingress = internal.list("aws_vpc_security_group_ingress_rule");
    expect(ingress).toEqual([
      expect.objectContaining({
        from_port: 443,
        to_port: 443,
        ip_protocol: "tcp",
        prefix_list_id: CLOUDFRONT_ORIGIN_FACING_PREFIX_LISTS["us-east-1"],
      }),
    ]);
    expect(ingress[0]?.cidr_ipv4).toBeUndefined();
    expect(internal.list("aws_wafv2_web_acl")).toEqual([]);
  });

  test("the VPC origin reaches it over HTTPS with TLS 1.2 only", () => {
    const origin = internal.only("aws_cloudfront_vpc_origin");
    const [lbKey] = Object.keys(internal.resources("aws_lb"));
    expect(origin.vpc_origin_endpoint_config).toEqual([
      {
        name: "acme-test-api",
        arn: `\${aws_lb.${lbKey}.arn}`,
        http_port: 80,
        https_port: 443,
        origin_protocol_policy: "https-only",
        origin_ssl_protocols: [{ items: ["TLSv1.2"], quantity: 1 }],
      },
    ]);
  });

  test("a region without a known prefix list needs originPrefixListId, which is checked", () => {
    const elsewhere = new Naming({
      project: "acme",
      environment: "test",
      accountId: "123456789012",
      region: "af-south-1",
    });
    expect(() =>
      synthesise((scope) => {
        new LoadBalancer(scope, "lb", { ...base(scope), naming: elsewhere, internal: true });
      }),
    ).toThrow("edge.originPrefixListId: the CloudFront origin-facing prefix list of af-south-1");
    expect(() =>
      synthesise((scope) => {
        new LoadBalancer(scope, "lb", {
          ...base(scope),
          naming: elsewhere,
          internal: true,
          originPrefixListId: "sg-123",
        });
      }),
    ).toThrow('edge.originPrefixListId: "sg-123" is not a managed prefix list id');
    const given = synthesise((scope) => {
      new LoadBalancer(scope, "lb", {
        ...base(scope),
        naming: elsewhere,
        internal: true,
        originPrefixListId: "pl-0123abcd",
      });
    });
    expect(given.only("aws_vpc_security_group_ingress_rule").prefix_list_id).toBe("pl-0123abcd");
    expect(cloudFrontPrefixListId("eu-west-1", "f")).toBe("pl-4fa04526");
  });

  test("a VPC origin needs a load balancer ARN", () => {
    expect(() =>
      synthesise((scope) => {
        new LoadBalancerVpcOrigin(scope, "vo", { naming: testNaming, loadBalancerArn: "my-alb" });
      }),
    ).toThrow("edge.vpcOrigin.loadBalancerArn");
  });
});
