import { LoadBalancer } from "@aws-platform-kit/modules/edge";
import { Naming } from "@aws-platform-kit/modules/naming";
import { Bucket } from "@aws-platform-kit/modules/storage";
import { TerraformVariable } from "cdktf";
import { expect } from "vitest";
import type { Capability } from "./capability.js";

const ID = "edge-rules";
const canaryGroup =
  "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/acme-cap-canary/0123456789abcdef";

/**
 * Issue 19's load balancer parts on one internal ALB (literal subnet ids: nothing else is built):
 * general listener rules with every condition kind and every action — weighted forward (a canary),
 * redirect, fixed response — OIDC and Cognito sign-in in front of a rule, and an extra SNI
 * certificate, both a new DNS-validated one and an existing one by ARN.
 */
export const capability: Capability = {
  id: ID,
  title:
    "edge: listener rules (host, path, header, method, query, source IP; weighted forward, redirect, fixed response; OIDC and Cognito sign-in), extra SNI certificates",
  build(scope, context) {
    // Names of its own (`acme-caprules-alb`), apart from the vpc-origin capability's load balancer.
    const naming = new Naming({
      project: "acme",
      environment: "caprules",
      accountId: context.naming.accountId,
      region: context.naming.region,
    });
    const logs = new Bucket(scope, "alb-logs", { naming, purpose: "cap-rules-alb-logs", forceDestroy: true });
    const lb = new LoadBalancer(scope, "alb", {
      naming,
      vpcId: "vpc-0123456789abcdef0",
      subnetIds: ["subnet-0aaaaaaaaaaaaaaaa", "subnet-0bbbbbbbbbbbbbbbb"],
      internal: true,
      waf: false,
      deletionProtection: false,
      hostedZoneId: "Z0123456789ABCDEFGHIJ",
      domainName: "rules.cap.example.com",
      accessLogs: { bucket: logs, prefix: "rules-alb" },
    });
    lb.addRule("canary", {
      priority: 10,
      conditions: {
        hosts: ["rules.cap.example.com"],
        paths: ["/api/*"],
        headers: [{ name: "X-Canary", values: ["1"] }],
        methods: ["GET"],
        queryStrings: [{ key: "beta", value: "on" }],
      },
      action: {
        weightedForward: [
          { targetGroupArn: lb.targetGroup.arn, weight: 90 },
          { targetGroupArn: canaryGroup, weight: 10 },
        ],
        stickinessSeconds: 600,
      },
    });
    lb.addRule("office", {
      priority: 11,
      conditions: { sourceIps: ["203.0.113.0/24", "2001:db8::/32"] },
      action: { fixedResponse: { statusCode: 503, contentType: "application/json", messageBody: "{}" } },
    });
    lb.addRule("moved", {
      priority: 12,
      conditions: { paths: ["/old/*"] },
      action: { redirect: { path: "/new", statusCode: 301 } },
    });
    const secret = new TerraformVariable(scope, "oidc-client-secret", {
      type: "string",
      sensitive: true,
      // Only so the capability plans offline; a real stack reads it from a secret or CI variable.
      default: "capability-placeholder",
    });
    lb.addRule("admin", {
      priority: 20,
      conditions: { paths: ["/admin/*"] },
      authenticate: {
        oidc: {
          issuer: "https://id.example.com",
          authorizationEndpoint: "https://id.example.com/authorize",
          tokenEndpoint: "https://id.example.com/token",
          userInfoEndpoint: "https://id.example.com/userinfo",
          clientId: "platform",
          clientSecret: secret.stringValue,
        },
      },
      action: { forward: lb.targetGroup.arn },
    });
    lb.addRule("staff", {
      priority: 21,
      conditions: { paths: ["/staff/*"] },
      authenticate: {
        cognito: {
          userPoolArn: "arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_AbCdEf123",
          clientId: "abcdefghij0123456789",
          domain: "acme-cap-auth",
        },
      },
      action: { forward: lb.targetGroup.arn },
    });
    lb.addCertificate("legacy", { domainName: "legacy.cap.example.com" });
    lb.addCertificate("partner", {
      certificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/0123abcd-0123-4567-89ab-0123456789ab",
    });
  },
  check({ resourcesOf }) {
    const rules = resourcesOf("aws_lb_listener_rule", ID);
    const byPriority = new Map(rules.map((r) => [r.values.priority, r.values]));
    expect([...byPriority.keys()].sort((a, b) => Number(a) - Number(b))).toEqual([1, 10, 11, 12, 20, 21]);
    const canary = byPriority.get(10);
    expect(canary?.condition).toHaveLength(5);
    expect(canary?.action).toEqual([
      expect.objectContaining({
        type: "forward",
        forward: [
          expect.objectContaining({
            stickiness: [{ enabled: true, duration: 600 }],
            target_group: expect.arrayContaining([expect.objectContaining({ arn: canaryGroup, weight: 10 })]),
          }),
        ],
      }),
    ]);
    expect(byPriority.get(11)?.action).toEqual([
      expect.objectContaining({
        type: "fixed-response",
        fixed_response: [expect.objectContaining({ status_code: "503" })],
      }),
    ]);
    expect(byPriority.get(12)?.action).toEqual([
      expect.objectContaining({
        type: "redirect",
        redirect: [expect.objectContaining({ status_code: "HTTP_301" })],
      }),
    ]);
    const order = (p: number) =>
      ((byPriority.get(p)?.action ?? []) as { order: number; type: string }[]).map((a) => [a.order, a.type]);
    expect(order(20)).toEqual([
      [1, "authenticate-oidc"],
      [2, "forward"],
    ]);
    expect(order(21)).toEqual([
      [1, "authenticate-cognito"],
      [2, "forward"],
    ]);
    const certificates = resourcesOf("aws_lb_listener_certificate", ID);
    expect(certificates).toHaveLength(2);
    expect(certificates.map((c) => c.values.certificate_arn)).toContain(
      "arn:aws:acm:us-east-1:123456789012:certificate/0123abcd-0123-4567-89ab-0123456789ab",
    );
  },
};
