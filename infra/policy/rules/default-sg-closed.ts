import { attachedTo, blocks } from "../../plan/plan-model.js";
import { defineRule, fail, pass } from "../rule.js";

export const defaultSgClosed = defineRule({
  id: "CKV2_AWS_12",
  title: "Each VPC's default security group allows no traffic",
  severity: "medium",
  resourceTypes: ["aws_vpc", "aws_default_security_group"],
  check(resource, stack) {
    if (resource.type === "aws_vpc") {
      const managed = attachedTo(stack, resource, ["aws_default_security_group"], "vpc_id");
      return managed.length
        ? pass()
        : fail(
            "the VPC's default security group is not managed: it allows all traffic between its members and all egress",
          );
    }
    const open = (["ingress", "egress"] as const).filter((d) => blocks(resource.values[d]).length > 0);
    return open.length ? fail(`the default security group has ${open.join(" and ")} rules`) : pass();
  },
  fix: "Manage the VPC's aws_default_security_group with empty ingress and egress (the network module does).",
});
