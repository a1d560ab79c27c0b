import { attachedTo } from "../../plan/plan-model.js";
import { defineRule, fail, pass } from "../rule.js";

export const vpcFlowLogs = defineRule({
  id: "CKV2_AWS_11",
  title: "VPC has flow logs",
  severity: "medium",
  resourceTypes: ["aws_vpc"],
  check(vpc, stack) {
    return attachedTo(stack, vpc, ["aws_flow_log"], "vpc_id").length
      ? pass()
      : fail("no aws_flow_log records this VPC's traffic");
  },
  fix: "Add an aws_flow_log for the VPC to CloudWatch Logs or S3 (the network module does, see flowLogs).",
});
