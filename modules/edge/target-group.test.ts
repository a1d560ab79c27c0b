import { TerraformVariable } from "cdktf";
import { describe, expect, test } from "vitest";
import { Naming } from "../naming/naming.js";
import { synthesise, testNaming } from "../testing/synthesised.js";
import {
  HEALTH_CHECK_PATH_RULE,
  ServiceTargetGroup,
  type ServiceTargetGroupProps,
  TARGET_PORT_RULE,
} from "./target-group.js";

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

describe("values known only at plan (a Terraform module's variables)", () => {
  const atPlan = synthesise((scope) => {
    new ServiceTargetGroup(scope, "target-group", {
      naming: Naming.fromPrefix({
        prefix: new TerraformVariable(scope, "name", { type: "string" }).stringValue,
        accountId: "123456789012",
        region: "us-east-1",
      }),
      name: "app",
      vpcId: "vpc-0123456789abcdef0",
      port: new TerraformVariable(scope, "port", { type: "number" }).numberValue,
      healthCheckPath: new TerraformVariable(scope, "path", { type: "string" }).stringValue,
    });
  });

  test("the port follows the name, which leaves it five digits of the 32 characters", () => {
    expect(atPlan.only("aws_lb_target_group")).toMatchObject({
      name: `\${var.name}-app-\${var.port}`,
      port: `\${var.port}`,
      health_check: { path: `\${var.path}` },
    });
  });

  test("literal values are still checked, with the rules' words", () => {
    const build = (props: Partial<ServiceTargetGroupProps>) => () =>
      synthesise((scope) => {
        new ServiceTargetGroup(scope, "tg", { naming: preview, name: "app", vpcId: "vpc-1", ...props });
      });
    expect(build({ port: 0 })).toThrow(`edge.targetGroup.port: 0 ${TARGET_PORT_RULE}`);
    expect(build({ healthCheckPath: "ready" })).toThrow(
      `edge.targetGroup.healthCheckPath: "ready" ${HEALTH_CHECK_PATH_RULE}`,
    );
  });
});
