import { expect, test } from "vitest";
import { synthesise, testNaming } from "../testing/synthesised.js";
import {
  allowEgressToCidr,
  allowIngressFromCidr,
  allowTraffic,
  createSecurityGroup,
} from "./security-group.js";

const s = synthesise((scope) => {
  const app = createSecurityGroup(scope, "app", {
    naming: testNaming,
    purpose: "app",
    vpcId: "vpc-1",
    description: "app",
  });
  const db = createSecurityGroup(scope, "db", {
    naming: testNaming,
    purpose: "db",
    vpcId: "vpc-1",
    description: "db",
  });
  allowTraffic(scope, "app-to-db", { from: app, to: db, port: 5432, description: "app to PostgreSQL" });
  allowIngressFromCidr(scope, "https", { group: app, cidr: "0.0.0.0/0", port: 443, description: "HTTPS" });
  allowEgressToCidr(scope, "apis", { group: app, ipv6Cidr: "::/0", port: 443, description: "AWS APIs" });
});

test("a new group has no inline rules and is named from the naming", () => {
  for (const sg of s.list("aws_security_group")) {
    expect(sg.ingress).toBeUndefined();
    expect(sg.egress).toBeUndefined();
  }
  expect(s.list("aws_security_group").map((sg) => sg.name)).toEqual(["acme-test-app", "acme-test-db"]);
});

test("allowTraffic writes ingress on the target and egress on the source, on that port only", () => {
  const ingress = s.list("aws_vpc_security_group_ingress_rule").find((r) => r.from_port === 5432);
  const egress = s.list("aws_vpc_security_group_egress_rule").find((r) => r.from_port === 5432);
  expect(ingress).toMatchObject({
    security_group_id: expect.stringContaining("aws_security_group.db"),
    referenced_security_group_id: expect.stringContaining("aws_security_group.app"),
    ip_protocol: "tcp",
    to_port: 5432,
    description: "app to PostgreSQL",
  });
  expect(egress).toMatchObject({
    security_group_id: expect.stringContaining("aws_security_group.app"),
    referenced_security_group_id: expect.stringContaining("aws_security_group.db"),
    to_port: 5432,
  });
});

test("CIDR rules take exactly one address family", () => {
  expect(s.list("aws_vpc_security_group_ingress_rule").find((r) => r.from_port === 443)?.cidr_ipv4).toBe(
    "0.0.0.0/0",
  );
  expect(s.list("aws_vpc_security_group_egress_rule").find((r) => r.from_port === 443)?.cidr_ipv6).toBe(
    "::/0",
  );
  expect(() =>
    synthesise((scope) => {
      allowIngressFromCidr(scope, "x", { group: { id: "sg-1" }, port: 1, description: "x" });
    }),
  ).toThrow("exactly one of cidr or ipv6Cidr");
});

test("every rule carries a description", () => {
  for (const rule of [
    ...s.list("aws_vpc_security_group_ingress_rule"),
    ...s.list("aws_vpc_security_group_egress_rule"),
  ]) {
    expect(rule.description).toEqual(expect.any(String));
  }
});
