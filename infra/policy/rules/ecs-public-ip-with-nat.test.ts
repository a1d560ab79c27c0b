import { expect, test } from "vitest";
import { ref } from "../../plan/plan-fixture.js";
import { outcome } from "../rule-fixture.js";
import { ecsPublicIpWithNat } from "./ecs-public-ip-with-nat.js";

const vpc = { address: "aws_vpc.main", values: { cidr_block: "10.0.0.0/16" } };
const subnet = (name: string) => ({
  address: `aws_subnet.${name}`,
  values: { vpc_id: ref("aws_vpc.main.id") },
});
const nat = {
  address: "aws_nat_gateway.a",
  values: { subnet_id: ref("aws_subnet.public.id"), allocation_id: ref("aws_eip.a.id") },
};
const service = (assign_public_ip: boolean, subnetName: string) => ({
  address: "aws_ecs_service.app",
  values: {
    launch_type: "FARGATE",
    desired_count: 1,
    network_configuration: [
      {
        subnets: [ref(`aws_subnet.${subnetName}.id`)],
        assign_public_ip,
        security_groups: [ref("aws_security_group.app.id")],
      },
    ],
  },
});

test("passes a public IP in a VPC without NAT (dev's cheap shape)", () => {
  expect(outcome(ecsPublicIpWithNat, [service(true, "public"), vpc, subnet("public")])).toEqual({
    plan: "pass",
    synth: "pass",
  });
});

test("passes private tasks in a VPC with NAT", () => {
  expect(
    outcome(ecsPublicIpWithNat, [service(false, "private"), vpc, subnet("public"), subnet("private"), nat]),
  ).toEqual({
    plan: "pass",
    synth: "pass",
  });
});

test("fails a public IP when the VPC has a NAT gateway", () => {
  expect(
    outcome(ecsPublicIpWithNat, [service(true, "private"), vpc, subnet("public"), subnet("private"), nat]),
  ).toMatchObject({
    plan: "violation",
    synth: "violation",
  });
});
