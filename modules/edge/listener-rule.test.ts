import { TerraformVariable } from "cdktf";
import { describe, expect, test } from "vitest";
import { Bucket } from "../storage/bucket.js";
import { type ResourceConfig, synthesise, testNaming } from "../testing/synthesised.js";
import { PropError } from "../validation/prop-error.js";
import {
  LISTENER_RULE_MAX_VALUES,
  LISTENER_RULE_MAX_VALUES_PER_CONDITION,
  ListenerRule,
  type ListenerRuleOptions,
} from "./listener-rule.js";
import { LoadBalancer, type LoadBalancerProps, METRICS_DENY_PRIORITY } from "./load-balancer.js";

type Scope = Parameters<Parameters<typeof synthesise>[0]>[0];
const listenerArn =
  "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/acme-dev-alb/0123456789abcdef/0123456789abcdef";
const stable = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/acme-app/0123456789abcdef";
const canary = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/acme-canary/0123456789abcdef";
const attributes = {
  arn: "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/acme-dev-alb/0123456789abcdef",
  arnSuffix: "app/acme-dev-alb/0123456789abcdef",
  dnsName: "internal-acme-dev-alb-1.us-east-1.elb.amazonaws.com",
  zoneId: "Z35SXDOTRQ7X7K",
  securityGroupId: "sg-0123456789abcdef0",
  httpsListenerArn: listenerArn,
};
const lbProps = (scope: Scope): LoadBalancerProps => ({
  naming: testNaming,
  vpcId: "vpc-0123456789abcdef0",
  subnetIds: ["subnet-0aaaaaaaaaaaaaaaa", "subnet-0bbbbbbbbbbbbbbbb"],
  hostedZoneId: "Z0123456789ABCDEFGHIJ",
  domainName: "origin.platform.example.com",
  waf: false,
  accessLogs: { bucket: new Bucket(scope, "logs", { naming: testNaming, purpose: "logs" }) },
});

const rule = (options: Partial<ListenerRuleOptions>) =>
  synthesise((scope) => {
    new ListenerRule(scope, "r", {
      listenerArn,
      priority: 10,
      conditions: { paths: ["/x"] },
      action: { forward: stable },
      ...options,
    });
  }).only("aws_lb_listener_rule");
const refused = (options: Partial<ListenerRuleOptions>, field: string) =>
  expect(() => rule(options)).toThrow(field);

describe("ListenerRule conditions", () => {
  test("every kind of condition becomes its own block", () => {
    const r = rule({
      conditions: {
        hosts: ["app.example.com"],
        headers: [{ name: "X-Canary", values: ["1"] }],
        methods: ["POST"],
        queryStrings: [{ key: "beta", value: "on" }],
        sourceIps: ["203.0.113.0/24"],
      },
    });
    expect(r.condition).toEqual([
      { host_header: { values: ["app.example.com"] } },
      { http_header: { http_header_name: "X-Canary", values: ["1"] } },
      { http_request_method: { values: ["POST"] } },
      { query_string: [{ key: "beta", value: "on" }] },
      { source_ip: { values: ["203.0.113.0/24"] } },
    ]);
  });

  test("ALB's quotas are checked at synth: 3 values per condition, 5 per rule, 5 wildcards", () => {
    expect([LISTENER_RULE_MAX_VALUES_PER_CONDITION, LISTENER_RULE_MAX_VALUES]).toEqual([3, 5]);
    refused({ conditions: { paths: ["/a", "/b", "/c", "/d"] } }, "edge.listenerRule.conditions.paths");
    refused(
      {
        conditions: { paths: ["/a", "/b", "/c"], hosts: ["a.example.com", "b.example.com", "c.example.com"] },
      },
      "6 condition values: ALB accepts at most 5 per rule",
    );
    refused({ conditions: { paths: ["/a*?*", "/b*?*"] } }, "6 wildcards");
    expect(() => rule({ conditions: { paths: ["/a", "/b", "/c"], methods: ["GET", "HEAD"] } })).not.toThrow();
  });

  test("at least one condition, and each value in its form", () => {
    refused({ conditions: {} }, "give at least one condition");
    refused({ conditions: { hosts: ["Bad Host"] } }, "edge.listenerRule.conditions.hosts[0]");
    refused({ conditions: { paths: ["no-slash"] } }, "edge.listenerRule.conditions.paths[0]");
    refused({ conditions: { methods: ["get"] } }, "edge.listenerRule.conditions.methods[0]");
    refused({ conditions: { sourceIps: ["10.0.0.1"] } }, "edge.listenerRule.conditions.sourceIps[0]");
    refused({ conditions: { headers: [{ name: "bad header", values: ["x"] }] } }, "headers[0].name");
    refused({ conditions: { paths: [] } }, "give at least one value");
    expect(() => rule({ conditions: { sourceIps: ["2001:db8::/32"] } })).not.toThrow();
  });
});

describe("ListenerRule actions", () => {
  test("a weighted forward splits traffic between target groups, with optional stickiness (a canary)", () => {
    const r = rule({
      action: {
        weightedForward: [
          { targetGroupArn: stable, weight: 90 },
          { targetGroupArn: canary, weight: 10 },
        ],
        stickinessSeconds: 300,
      },
    });
    expect(r.action).toEqual([
      {
        type: "forward",
        forward: {
          target_group: [
            { arn: stable, weight: 90 },
            { arn: canary, weight: 10 },
          ],
          stickiness: { enabled: true, duration: 300 },
        },
      },
    ]);
    refused({ action: { weightedForward: [{ targetGroupArn: stable, weight: 0 }] } }, "a weight above 0");
    refused(
      { action: { weightedForward: [{ targetGroupArn: stable, weight: 1000 }] } },
      "weightedForward[0].weight",
    );
    refused({ action: { forward: stable, stickinessSeconds: 10 } }, "applies to weightedForward only");
  });

  test("redirect and fixed response", () => {
    expect(rule({ action: { redirect: { host: "new.example.com", statusCode: 301 } } }).action).toEqual([
      { type: "redirect", redirect: { host: "new.example.com", status_code: "HTTP_301" } },
    ]);
    expect(rule({ action: { fixedResponse: { statusCode: 503, messageBody: "down" } } }).action).toEqual([
      {
        type: "fixed-response",
        fixed_response: { status_code: "503", content_type: "text/plain", message_body: "down" },
      },
    ]);
    refused({ action: { redirect: {} } }, "a redirect to the same URL loops");
    refused({ action: { fixedResponse: { statusCode: 302 } } }, "fixedResponse.statusCode");
  });

  test("exactly one action", () => {
    refused(
      { action: {} },
      "give exactly one of forward, weightedForward, redirect, fixedResponse (got none)",
    );
    refused(
      { action: { forward: stable, fixedResponse: { statusCode: 200 } } },
      "(got forward, fixedResponse)",
    );
  });
});

describe("ListenerRule authentication", () => {
  const oidc = (clientSecret: string) => ({
    oidc: {
      issuer: "https://id.example.com",
      authorizationEndpoint: "https://id.example.com/authorize",
      tokenEndpoint: "https://id.example.com/token",
      userInfoEndpoint: "https://id.example.com/userinfo",
      clientId: "platform",
      clientSecret,
    },
  });

  test("OIDC sign-in comes first (order 1), the action second; the secret is a variable reference", () => {
    const s = synthesise((scope) => {
      const secret = new TerraformVariable(scope, "oidc_client_secret", { type: "string", sensitive: true });
      new ListenerRule(scope, "r", {
        listenerArn,
        priority: 20,
        conditions: { paths: ["/admin/*"] },
        authenticate: oidc(secret.stringValue),
        action: { forward: stable },
      });
    });
    const r = s.only("aws_lb_listener_rule");
    const actions = r.action as ResourceConfig[];
    expect(actions.map((a) => [a.order, a.type])).toEqual([
      [1, "authenticate-oidc"],
      [2, "forward"],
    ]);
    expect(actions[0]?.authenticate_oidc).toMatchObject({
      client_secret: `\${var.oidc_client_secret}`,
      scope: "openid",
      on_unauthenticated_request: "authenticate",
      session_timeout: 604800,
    });
  });

  test("a literal client secret or a non-https endpoint is refused", () => {
    refused({ authenticate: oidc("s3cr3t") }, "edge.listenerRule.authenticate.oidc.clientSecret");
    expect(() =>
      synthesise((scope) => {
        const secret = new TerraformVariable(scope, "s", { type: "string", sensitive: true });
        new ListenerRule(scope, "r", {
          listenerArn,
          priority: 20,
          conditions: { paths: ["/admin/*"] },
          authenticate: {
            oidc: { ...oidc(secret.stringValue).oidc, tokenEndpoint: "http://id.example.com/t" },
          },
          action: { forward: stable },
        });
      }),
    ).toThrow("edge.listenerRule.authenticate.oidc.tokenEndpoint");
  });

  test("Cognito sign-in, with its user pool ARN checked", () => {
    const cognito = {
      userPoolArn: "arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_AbCdEf123",
      clientId: "abc123",
      domain: "acme-auth",
      onUnauthenticated: "deny" as const,
    };
    const actions = rule({ authenticate: { cognito } }).action as ResourceConfig[];
    expect(actions[0]).toEqual({
      type: "authenticate-cognito",
      order: 1,
      authenticate_cognito: {
        user_pool_arn: cognito.userPoolArn,
        user_pool_client_id: "abc123",
        user_pool_domain: "acme-auth",
        scope: "openid",
        on_unauthenticated_request: "deny",
        session_timeout: 604800,
      },
    });
    refused({ authenticate: { cognito: { ...cognito, userPoolArn: "pool" } } }, "cognito.userPoolArn");
  });
});

describe("LoadBalancer.addRule and addCertificate", () => {
  test("rules share one priority map with host rules and the /metrics deny rule: collisions are refused", () => {
    expect(METRICS_DENY_PRIORITY).toBe(1);
    const build = (add: (lb: LoadBalancer) => void) =>
      synthesise((scope) => {
        const lb = new LoadBalancer(scope, "lb", lbProps(scope));
        add(lb);
      });
    const options = { conditions: { paths: ["/old/*"] }, action: { redirect: { path: "/new" } } };
    expect(() => build((lb) => lb.addRule("old", { ...options, priority: 1 }))).toThrow(
      new PropError("edge.addRule.priority", "1 is already used by the /metrics deny rule"),
    );
    expect(() =>
      build((lb) => {
        lb.addHostRule("pr-7.preview.dev.example.com", lb.targetGroup.arn, 1007);
        lb.addRule("old", { ...options, priority: 1007 });
      }),
    ).toThrow("1007 is already used by pr-7.preview.dev.example.com");
    expect(() =>
      build((lb) => {
        lb.addRule("old", { ...options, priority: 50 });
        lb.addHostRule("pr-7.preview.dev.example.com", lb.targetGroup.arn, 1007);
        lb.addRule("again", { ...options, priority: 50 });
      }),
    ).toThrow('50 is already used by rule "old"');
    const ok = build((lb) => {
      lb.addRule("old", { ...options, priority: 50 });
    });
    const rules = ok.list("aws_lb_listener_rule").map((r) => r.priority);
    expect(rules.sort()).toEqual([1, 50]);
  });

  test("an imported load balancer takes rules too, with 1 reserved", () => {
    const s = synthesise((scope) => {
      const lb = LoadBalancer.fromAttributes(scope, "dev", attributes);
      lb.addRule("maintenance", {
        priority: 5,
        conditions: { hosts: ["pr-9.preview.dev.example.com"] },
        action: { fixedResponse: { statusCode: 503, contentType: "text/html", messageBody: "<p>soon</p>" } },
      });
      expect(() =>
        lb.addRule("x", { priority: 1, conditions: { paths: ["/x"] }, action: { forward: stable } }),
      ).toThrow("edge.addRule.priority");
    });
    expect(s.only("aws_lb_listener_rule")).toMatchObject({ listener_arn: listenerArn, priority: 5 });
  });

  test("extra SNI certificates: a new DNS-validated one, or an existing one by ARN", () => {
    const existing = "arn:aws:acm:us-east-1:123456789012:certificate/0123abcd-0123-4567-89ab-0123456789ab";
    const s = synthesise((scope) => {
      const lb = new LoadBalancer(scope, "lb", lbProps(scope));
      const added = lb.addCertificate("legacy", { domainName: "legacy.example.com" });
      expect(added.dnsCertificate).toBeDefined();
      lb.addCertificate("partner", { certificateArn: existing });
    });
    const listenerCerts = s.list("aws_lb_listener_certificate");
    expect(listenerCerts).toHaveLength(2);
    expect(listenerCerts.map((c) => c.certificate_arn)).toContain(existing);
    expect(listenerCerts.every((c) => String(c.listener_arn).includes("aws_lb_listener.lb_https"))).toBe(
      true,
    );
    expect(s.list("aws_acm_certificate").map((c) => c.domain_name)).toContain("legacy.example.com");
    expect(() =>
      synthesise((scope) => {
        LoadBalancer.fromAttributes(scope, "dev", attributes).addCertificate("x", {
          domainName: "x.example.com",
        });
      }),
    ).toThrow("edge.addCertificate.hostedZoneId");
    expect(() =>
      synthesise((scope) => {
        LoadBalancer.fromAttributes(scope, "dev", attributes).addCertificate("x", { certificateArn: "cert" });
      }),
    ).toThrow("edge.addCertificate.certificateArn");
  });
});
