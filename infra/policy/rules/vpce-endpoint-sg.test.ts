import { expect, test } from "vitest";
import { ref } from "../../plan/plan-fixture.js";
import { outcome } from "../rule-fixture.js";
import { vpceEndpointSg } from "./vpce-endpoint-sg.js";

const endpoint = (groups: unknown[] = [ref("aws_security_group.endpoints.id")], type = "Interface") => ({
  address: "aws_vpc_endpoint.logs",
  values: {
    vpc_endpoint_type: type,
    service_name: "com.amazonaws.us-east-1.logs",
    private_dns_enabled: true,
    security_group_ids: groups,
  },
});
const group = (ingress: unknown[] = []) => ({
  address: "aws_security_group.endpoints",
  values: { name: "endpoints", ingress },
});
const rule = (values: Record<string, unknown>, name = "https") => ({
  address: `aws_vpc_security_group_ingress_rule.${name}`,
  values: {
    security_group_id: ref("aws_security_group.endpoints.id"),
    ip_protocol: "tcp",
    from_port: 443,
    to_port: 443,
    ...values,
  },
});

test("passes HTTPS from the VPC's range, given literally or as the VPC's attribute", () => {
  for (const cidr of ["10.0.0.0/16", "100.64.0.0/16", ref("aws_vpc.main.cidr_block")]) {
    expect(outcome(vpceEndpointSg, [endpoint(), group(), rule({ cidr_ipv4: cidr })])).toEqual({
      plan: "pass",
      synth: "pass",
    });
  }
});

test("passes HTTPS from another security group, and inline rules of the same shape", () => {
  expect(
    outcome(vpceEndpointSg, [
      endpoint(),
      group(),
      rule({ referenced_security_group_id: ref("aws_security_group.app.id") }),
    ]),
  ).toEqual({ plan: "pass", synth: "pass" });
  const inline = [
    { protocol: "tcp", from_port: 443, to_port: 443, cidr_blocks: ["10.0.0.0/16"], description: "vpc" },
  ];
  expect(outcome(vpceEndpointSg, [endpoint(), group(inline)])).toEqual({ plan: "pass", synth: "pass" });
});

test("fails HTTPS from the internet, from anywhere over IPv6, or from a public range", () => {
  for (const values of [{ cidr_ipv4: "0.0.0.0/0" }, { cidr_ipv6: "::/0" }, { cidr_ipv4: "52.0.0.0/8" }]) {
    expect(outcome(vpceEndpointSg, [endpoint(), group(), rule(values)])).toMatchObject({
      plan: "violation",
      synth: "violation",
      message: expect.stringContaining("not a private (VPC) range"),
    });
  }
});

test("fails any port but 443, and all traffic", () => {
  expect(
    outcome(vpceEndpointSg, [
      endpoint(),
      group(),
      rule({ cidr_ipv4: "10.0.0.0/16", from_port: 0, to_port: 65535 }),
    ]),
  ).toMatchObject({
    plan: "violation",
    message:
      "aws_security_group.endpoints admits tcp ports 0-65535; an interface endpoint needs TCP 443 only",
  });
  const all = [
    { protocol: "-1", from_port: 0, to_port: 0, cidr_blocks: ["10.0.0.0/16"], description: "all" },
  ];
  expect(outcome(vpceEndpointSg, [endpoint(), group(all)])).toMatchObject({
    plan: "violation",
    message: expect.stringContaining("admits all traffic"),
  });
});

test("fails an interface endpoint with no security group (the VPC's default group)", () => {
  expect(outcome(vpceEndpointSg, [endpoint([])])).toMatchObject({
    plan: "violation",
    message: "no security group: the endpoint gets the VPC's default group",
  });
});

test("says unverified for a group of another stack, and ignores gateway endpoints", () => {
  expect(outcome(vpceEndpointSg, [endpoint(["sg-0123456789abcdef0"])])).toMatchObject({
    plan: "unverified",
  });
  expect(outcome(vpceEndpointSg, [endpoint([], "Gateway")])).toEqual({ plan: "pass", synth: "pass" });
});
