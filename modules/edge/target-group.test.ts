import { describe, expect, test } from "vitest";
import { synthesise, testNaming } from "../testing/synthesised.js";
import { ServiceTargetGroup } from "./target-group.js";

// As a preview stack uses it: its own naming, dev's VPC id read from remote state.
const preview = testNaming.withEnvironment("pr-42");

const defaults = synthesise((scope) => {
  new ServiceTargetGroup(scope, "target-group", {
    naming: preview,
    name: "app",
    vpcId: "vpc-0123456789abcdef0",
  });
});

const tuned = synthesise((scope) => {
  new ServiceTargetGroup(scope, "target-group", {
    naming: preview,
    name: "worker-with-a-long-name",
    vpcId: "vpc-0123456789abcdef0",
    port: 8080,
    healthCheckPath: "/ready",
    deregistrationDelaySeconds: 0,
  });
});

const otherPort = synthesise((scope) => {
  new ServiceTargetGroup(scope, "target-group", {
    naming: preview,
    name: "app",
    vpcId: "vpc-0123456789abcdef0",
    port: 8080,
  });
});

describe("ServiceTargetGroup", () => {
  test("IP targets over HTTP, health-checked on /readyz, 15 s deregistration delay, in the given VPC", () => {
    expect(defaults.only("aws_lb_target_group")).toEqual(
      expect.objectContaining({
        name: "acme-pr-42-app-3000",
        vpc_id: "vpc-0123456789abcdef0",
        target_type: "ip",
        protocol: "HTTP",
        port: 3000,
        deregistration_delay: "15",
        health_check: {
          enabled: true,
          protocol: "HTTP",
          port: "traffic-port",
          path: "/readyz",
          matcher: "200",
          interval: 15,
          timeout: 5,
          healthy_threshold: 2,
          unhealthy_threshold: 3,
        },
      }),
    );
  });

  test("the port is part of the name and the new group is created before the old one goes", () => {
    expect(defaults.only("aws_lb_target_group").lifecycle).toEqual({ create_before_destroy: true });
    expect(otherPort.only("aws_lb_target_group").name).toBe("acme-pr-42-app-8080");
  });

  test("port, path and delay are configurable; long names are cut to 32 characters", () => {
    const group = tuned.only("aws_lb_target_group");
    expect(group).toMatchObject({
      port: 8080,
      deregistration_delay: "0",
      health_check: expect.objectContaining({ path: "/ready" }),
    });
    expect(String(group.name).length).toBeLessThanOrEqual(32);
    expect(group.name).toMatch(/^acme-pr-42-worker-/);
  });

  test("a port, path or delay that cannot work is refused", () => {
    for (const [props, field] of [
      [{ port: 70_000 }, "edge.targetGroup.port"],
      [{ healthCheckPath: "readyz" }, "edge.targetGroup.healthCheckPath"],
      [{ deregistrationDelaySeconds: 4000 }, "edge.targetGroup.deregistrationDelaySeconds"],
    ] as const) {
      expect(() =>
        synthesise((scope) => {
          new ServiceTargetGroup(scope, "tg", { naming: preview, name: "app", vpcId: "vpc-1", ...props });
        }),
      ).toThrow(field);
    }
  });
});
