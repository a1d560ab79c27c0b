import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, test } from "vitest";
import { type FixtureResource, fixturePlan, ref } from "../../plan/plan-fixture.js";
import { modelFromPlan } from "../../plan/plan-model.js";
import { estimateStack } from "../estimate.js";

const usageDir = mkdtempSync(join(tmpdir(), "cost-instances-"));
afterAll(() => rmSync(usageDir, { recursive: true, force: true }));
const estimate = (resources: FixtureResource[]) =>
  estimateStack(modelFromPlan("test", fixturePlan(resources, { environment: "test" })), { usageDir });
const lines = (result: ReturnType<typeof estimate>, address: string) =>
  result.resources.find((r) => r.address === address)?.lines ?? [];

const template = (instanceType: string, ebs: Record<string, unknown>): FixtureResource => ({
  address: "aws_launch_template.ec2",
  values: {
    name: "acme-test-ec2",
    image_id: "ami-0123456789abcdef0",
    instance_type: instanceType,
    metadata_options: [{ http_tokens: "required" }],
    block_device_mappings: [{ device_name: "/dev/xvda", ebs: [ebs] }],
  },
});
const group = (values: Record<string, unknown>): FixtureResource => ({
  address: "aws_autoscaling_group.ec2",
  values: {
    name: "acme-test-ec2",
    min_size: 1,
    max_size: 2,
    launch_template: [
      { id: ref("aws_launch_template.ec2.id"), version: ref("aws_launch_template.ec2.latest_version") },
    ],
    ...values,
  },
});
const capacity: FixtureResource[] = [
  { address: "aws_ecs_capacity_provider.ec2", values: { name: "acme-test-ec2" } },
  { address: "aws_ecs_task_definition.app", values: { family: "app", cpu: "256", memory: "512" } },
  {
    address: "aws_ecs_service.app",
    values: {
      desired_count: 2,
      task_definition: ref("aws_ecs_task_definition.app.arn"),
      capacity_provider_strategy: [{ capacity_provider: "acme-test-ec2", base: 0, weight: 1 }],
    },
  },
];

test("EC2 instances by type × the group's desired capacity, and their gp3 root volumes", () => {
  // 2 × t4g.small × 730 h × 0.0168 = 24.528; 2 × 30 GB × 0.08 = 4.80
  const result = estimate([
    template("t4g.small", { volume_type: "gp3", volume_size: 30, encrypted: "true" }),
    group({ desired_capacity: 2 }),
    ...capacity,
  ]);
  expect(
    lines(result, "aws_autoscaling_group.ec2").map((l) => [l.priceId, l.quantity, l.monthlyUsd]),
  ).toEqual([
    ["ec2-t4g.small-hour", 1460, expect.closeTo(24.528, 6)],
    ["ebs-gp3-gb-month", 60, expect.closeTo(4.8, 6)],
  ]);
  expect(result.monthlyUsd).toBeCloseTo(29.328, 6);
  expect(result.notPriced).toBe(0);
  // The tasks on those instances add nothing; the template and the provider have no charge.
  for (const address of ["aws_ecs_service.app", "aws_launch_template.ec2", "aws_ecs_capacity_provider.ec2"]) {
    const cost = result.resources.find((r) => r.address === address);
    expect([cost?.status, cost?.monthlyUsd], address).toEqual(["free", 0]);
  }
});

test("without a desired capacity, the minimum; an x86 type at its own price", () => {
  // 1 × t3.medium × 730 × 0.0416 = 30.368; 1 × 40 × 0.08 = 3.2
  const result = estimate([template("t3.medium", { volume_type: "gp3", volume_size: 40 }), group({})]);
  expect(result.monthlyUsd).toBeCloseTo(33.568, 6);
});

test("an instance type or volume type without a price is not priced, never $0", () => {
  const result = estimate([
    template("x2iedn.32xlarge", { volume_type: "io2", volume_size: 100 }),
    group({ desired_capacity: 1 }),
  ]);
  expect(result.notPriced).toBe(2);
  expect(lines(result, "aws_autoscaling_group.ec2").map((l) => l.notPriced)).toEqual([
    'no price "ec2-x2iedn.32xlarge-hour" in the price table',
    "no price for EBS io2 volumes",
  ]);
});
