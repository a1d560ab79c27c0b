import { describe, expect, test } from "vitest";
import { synthesise } from "../testing/synthesised.js";
import { HOST_RULE_MIN_PRIORITY, HostRule } from "./host-rule.js";

// As a preview stack uses it: dev's listener and its own target group, both plain ARNs.
const listenerArn =
  "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/acme-dev-alb/0123456789abcdef/0123456789abcdef";
const targetGroupArn =
  "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/acme-pr-42-app-3000/0123456789abcdef";

const preview = synthesise((scope) => {
  new HostRule(scope, "host-rule", {
    listenerArn,
    host: "pr-42.preview.dev.example.com",
    targetGroupArn,
    priority: 142,
  });
});

describe("HostRule", () => {
  test("forwards one host name to the target group on the given listener", () => {
    expect(preview.only("aws_lb_listener_rule")).toMatchObject({
      listener_arn: listenerArn,
      priority: 142,
      condition: [{ host_header: { values: ["pr-42.preview.dev.example.com"] } }],
      action: [{ type: "forward", target_group_arn: targetGroupArn }],
    });
  });

  test("priorities below 100 belong to the load balancer's own rules and are refused, as are non-integers", () => {
    expect(HOST_RULE_MIN_PRIORITY).toBe(100);
    for (const priority of [1, 99, 100.5, 50_001]) {
      expect(() =>
        synthesise((scope) => {
          new HostRule(scope, "r", { listenerArn, host: "a.example.com", targetGroupArn, priority });
        }),
      ).toThrow("edge.hostRule.priority");
    }
  });

  test("a host that is not a host name is refused", () => {
    expect(() =>
      synthesise((scope) => {
        new HostRule(scope, "r", {
          listenerArn,
          host: "https://a.example.com/",
          targetGroupArn,
          priority: 100,
        });
      }),
    ).toThrow("edge.hostRule.host");
  });
});
