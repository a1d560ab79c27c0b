import { expect, test } from "vitest";
import { ref } from "../../plan/plan-fixture.js";
import { outcome } from "../rule-fixture.js";
import { sgRuleDescriptions } from "./sg-rule-descriptions.js";

const rule = (description?: string) => ({
  address: "aws_vpc_security_group_egress_rule.r",
  values: {
    security_group_id: ref("aws_security_group.app.id"),
    ip_protocol: "tcp",
    from_port: 443,
    to_port: 443,
    cidr_ipv4: "0.0.0.0/0",
    ...(description === undefined ? {} : { description }),
  },
});

test("passes a rule with a description", () => {
  expect(outcome(sgRuleDescriptions, [rule("task to AWS APIs")])).toEqual({ plan: "pass", synth: "pass" });
});

test("fails a rule without a description", () => {
  expect(outcome(sgRuleDescriptions, [rule()])).toMatchObject({ plan: "violation", synth: "violation" });
});

test("fails a group left with Terraform's default description", () => {
  const group = {
    address: "aws_security_group.g",
    values: { name: "g", description: "Managed by Terraform", ingress: [], egress: [] },
  };
  expect(outcome(sgRuleDescriptions, [group])).toMatchObject({
    plan: "violation",
    message: "the group has no description",
  });
});
