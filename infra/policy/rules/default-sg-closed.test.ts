import { expect, test } from "vitest";
import { ref } from "../../plan/plan-fixture.js";
import { outcome } from "../rule-fixture.js";
import { defaultSgClosed } from "./default-sg-closed.js";

const vpc = { address: "aws_vpc.main", values: { cidr_block: "10.0.0.0/16" } };
const defaultGroup = (ingress: unknown[]) => ({
  address: "aws_default_security_group.default",
  values: { vpc_id: ref("aws_vpc.main.id"), ingress, egress: [] },
});

test("passes a VPC whose default security group is managed and empty", () => {
  const resources = [vpc, defaultGroup([])];
  expect(outcome(defaultSgClosed, resources)).toEqual({ plan: "pass", synth: "pass" });
  expect(outcome(defaultSgClosed, resources, { address: "aws_default_security_group.default" })).toEqual({
    plan: "pass",
    synth: "pass",
  });
});

test("fails a VPC whose default security group is left unmanaged", () => {
  expect(outcome(defaultSgClosed, [vpc])).toMatchObject({ plan: "violation", synth: "violation" });
});

test("fails a default security group that has rules", () => {
  const selfRule = [
    { protocol: "-1", from_port: 0, to_port: 0, self: true, cidr_blocks: [], description: "self" },
  ];
  expect(
    outcome(defaultSgClosed, [vpc, defaultGroup(selfRule)], {
      address: "aws_default_security_group.default",
    }),
  ).toMatchObject({ plan: "violation", message: "the default security group has ingress rules" });
});
