import { blocks, type PlannedResource, Unresolved } from "../../plan/plan-model.js";
import { defineRule, fail, pass } from "../rule.js";

/** What Terraform writes when a security group has no description. */
const TERRAFORM_DEFAULT = "Managed by Terraform";

const described = (value: unknown) =>
  (typeof value === "string" && value.trim() !== "" && value !== TERRAFORM_DEFAULT) ||
  (value instanceof Unresolved && value.expression !== undefined);

function missing(resource: PlannedResource): string[] {
  const v = resource.values;
  switch (resource.type) {
    case "aws_security_group":
    case "aws_default_security_group": {
      const problems =
        resource.type === "aws_security_group" && !described(v.description)
          ? ["the group has no description"]
          : [];
      for (const direction of ["ingress", "egress"] as const) {
        blocks(v[direction]).forEach((rule, i) => {
          if (!described(rule.description)) problems.push(`${direction} rule ${i + 1} has no description`);
        });
      }
      return problems;
    }
    default:
      return described(v.description) ? [] : ["the rule has no description"];
  }
}

export const sgRuleDescriptions = defineRule({
  id: "CKV_AWS_23",
  title: "Security groups and their rules have descriptions",
  severity: "low",
  resourceTypes: [
    "aws_security_group",
    "aws_default_security_group",
    "aws_security_group_rule",
    "aws_vpc_security_group_ingress_rule",
    "aws_vpc_security_group_egress_rule",
  ],
  check(resource) {
    const problems = missing(resource);
    return problems.length ? fail(problems.join("; ")) : pass();
  },
  fix: "Give every group and rule a description that says what may reach what and why (the security-group functions require one).",
});
