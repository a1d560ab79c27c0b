import { expect, test } from "vitest";
import { ref } from "../../plan/plan-fixture.js";
import { outcome } from "../rule-fixture.js";
import { vpcFlowLogs } from "./vpc-flow-logs.js";

const vpc = { address: "aws_vpc.main", values: { cidr_block: "10.0.0.0/16" } };
const flowLog = {
  address: "aws_flow_log.main",
  values: {
    vpc_id: ref("aws_vpc.main.id"),
    traffic_type: "ALL",
    log_destination: ref("aws_cloudwatch_log_group.flow.arn"),
  },
};

test("passes a VPC with a flow log (whose vpc_id is unknown until apply)", () => {
  expect(outcome(vpcFlowLogs, [vpc, flowLog])).toEqual({ plan: "pass", synth: "pass" });
});

test("fails a VPC without flow logs", () => {
  expect(outcome(vpcFlowLogs, [vpc])).toMatchObject({ plan: "violation", synth: "violation" });
});
