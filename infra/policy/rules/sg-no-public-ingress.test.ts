import { expect, test } from "vitest";
import { ref } from "../../plan/plan-fixture.js";
import { outcome } from "../rule-fixture.js";
import { sgNoPublicIngress } from "./sg-no-public-ingress.js";

const lbGroup = { address: "aws_security_group.alb", values: { name: "acme-dev-alb", description: "ALB" } };
const appGroup = { address: "aws_security_group.app", values: { name: "acme-dev-app", description: "App" } };
const lb = {
  address: "aws_lb.alb",
  values: { load_balancer_type: "application", security_groups: [ref("aws_security_group.alb.id")] },
};
const ingress = (group: string, port: number, cidr = "0.0.0.0/0") => ({
  address: `aws_vpc_security_group_ingress_rule.${group}_${port}`,
  values: {
    security_group_id: ref(`aws_security_group.${group}.id`),
    ip_protocol: "tcp",
    from_port: port,
    to_port: port,
    ...(cidr.includes(":") ? { cidr_ipv6: cidr } : { cidr_ipv4: cidr }),
    description: "from the internet",
  },
});
const resources = (rule: ReturnType<typeof ingress>) => [rule, lbGroup, appGroup, lb];

test("passes 443 (IPv4 and IPv6) from anywhere to the load balancer's group", () => {
  expect(outcome(sgNoPublicIngress, resources(ingress("alb", 443)))).toEqual({ plan: "pass", synth: "pass" });
  expect(outcome(sgNoPublicIngress, resources(ingress("alb", 80, "::/0")))).toEqual({
    plan: "pass",
    synth: "pass",
  });
});

test("passes ingress from a private range", () => {
  expect(outcome(sgNoPublicIngress, resources(ingress("app", 5432, "10.0.0.0/16")))).toEqual({
    plan: "pass",
    synth: "pass",
  });
});

test("fails 443 from anywhere to a group that is not a load balancer's", () => {
  const result = outcome(sgNoPublicIngress, resources(ingress("app", 443)));
  expect(result).toMatchObject({ plan: "violation", synth: "violation" });
  expect(result.message).toContain("allowed only on a load balancer's security group");
});

test("fails SSH from anywhere, even on the load balancer's group", () => {
  expect(outcome(sgNoPublicIngress, resources(ingress("alb", 22)))).toMatchObject({
    plan: "violation",
    message: "ingress from 0.0.0.0/0 on port 22",
  });
});

test("fails inline all-ports ingress from ::/0 on an aws_security_group", () => {
  const open = {
    address: "aws_security_group.open",
    values: {
      description: "open",
      ingress: [
        {
          protocol: "-1",
          from_port: 0,
          to_port: 0,
          cidr_blocks: [],
          ipv6_cidr_blocks: ["::/0"],
          description: "all",
        },
      ],
    },
  };
  expect(outcome(sgNoPublicIngress, [open])).toMatchObject({
    plan: "violation",
    message: "ingress from ::/0 on all ports",
  });
});
