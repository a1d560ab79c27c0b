/**
 * An environment on EC2 container instances (`service.compute: "ec2"`), which no shipped environment
 * uses: staging's config switched over, synthesised as a `PlatformStack`. The offline plan of the
 * same construct runs in infra/capabilities/compute-ec2.capability.ts.
 */
import { testOutdir } from "@aws-platform-kit/modules/testing";
import { App, Testing } from "cdktf";
import { beforeAll, describe, expect, test } from "vitest";
import { environmentInputs, parseEnvironment } from "../environments/index.js";
import { PlatformStack } from "./platform-stack.js";

type Resource = Record<string, unknown>;
type StackJson = { resource: Record<string, Record<string, Resource>> };

const staging = environmentInputs.staging;
/** The test config: staging (NAT, ARM64 tasks) on t4g.small container instances. */
const stagingOnEc2 = {
  ...staging,
  service: {
    ...staging.service,
    compute: "ec2",
    ec2: { imageId: "ami-0123456789abcdef0", instanceType: "t4g.small", minInstances: 1, maxInstances: 3 },
  },
};

let onEc2: StackJson;
let onFargate: StackJson;
const synth = (input: unknown) => {
  const app = new App({ outdir: testOutdir() });
  const stack = new PlatformStack(app, "staging", { config: parseEnvironment("staging", input) });
  return JSON.parse(Testing.synth(stack)) as StackJson;
};
beforeAll(() => {
  onEc2 = synth(stagingOnEc2);
  onFargate = synth(staging);
});

const all = (stack: StackJson, type: string) => Object.entries(stack.resource[type] ?? {});
const only = (stack: StackJson, type: string): [string, Resource] => {
  const found = all(stack, type);
  expect(found, type).toHaveLength(1);
  return found[0] as [string, Resource];
};

describe("staging on EC2 container instances", () => {
  test("adds the EC2 capacity and the cluster's capacity provider association, and removes nothing", () => {
    const types = (stack: StackJson) =>
      Object.fromEntries(Object.entries(stack.resource).map(([type, byName]) => [type, Object.keys(byName)]));
    const before = types(onFargate);
    const after = types(onEc2);
    const added = Object.entries(after).flatMap(([type, names]) =>
      names.filter((n) => !before[type]?.includes(n)).map((n) => `${type}.${n}`),
    );
    expect(added.sort()).toEqual(
      [
        "aws_autoscaling_group.ec2-capacity_group_",
        "aws_ecs_capacity_provider.ec2-capacity_capacity-provider_",
        "aws_ecs_cluster_capacity_providers.cluster_capacity-providers_",
        "aws_iam_instance_profile.ec2-capacity_instance-profile_",
        "aws_iam_role.ec2-capacity_instance-role_",
        "aws_iam_role_policy_attachment.ec2-capacity_instance-ecs-policy_",
        "aws_iam_role_policy_attachment.ec2-capacity_instance-ssm-policy_",
        "aws_launch_template.ec2-capacity_launch-template_",
        "aws_security_group.ec2-capacity_security-group_",
        "aws_vpc_security_group_egress_rule.ec2-capacity_egress-https_",
      ].map((prefix) => expect.stringMatching(new RegExp(`^${prefix.replace(/\./g, "\\.")}[0-9A-F]{8}$`))),
    );
    // Nothing of the Fargate stack disappears.
    for (const [type, names] of Object.entries(before))
      expect(after[type], type).toEqual(expect.arrayContaining(names));
  });

  test("the service runs on the EC2 capacity provider, in the private subnets; the instances' role has the instance boundary", () => {
    const [, service] = only(onEc2, "aws_ecs_service");
    const [providerName] = only(onEc2, "aws_ecs_capacity_provider");
    expect(service.capacity_provider_strategy).toEqual([
      { capacity_provider: `\${aws_ecs_capacity_provider.${providerName}.name}`, base: 0, weight: 1 },
    ]);
    expect(service.launch_type).toBeUndefined();
    expect(service.platform_version).toBeUndefined();
    expect(service.network_configuration).toMatchObject({ assign_public_ip: false });
    const [, group] = only(onEc2, "aws_autoscaling_group");
    expect(group).toMatchObject({ min_size: 1, max_size: 3, protect_from_scale_in: true });
    expect(JSON.stringify(group.vpc_zone_identifier)).toContain("private");
    const [, template] = only(onEc2, "aws_launch_template");
    expect(template).toMatchObject({
      instance_type: "t4g.small",
      metadata_options: { http_tokens: "required" },
    });
    const role = all(onEc2, "aws_iam_role").find(([name]) =>
      name.startsWith("ec2-capacity_instance-role"),
    )?.[1];
    expect(role?.permissions_boundary).toBe(
      "arn:aws:iam::123456789012:policy/acme-bootstrap-staging-instance-boundary",
    );
  });

  test("the service's and the migration's task definitions run on EC2 and Fargate (the migration stays on Fargate)", () => {
    const definitions = all(onEc2, "aws_ecs_task_definition").map(([, d]) => d.requires_compatibilities);
    expect(definitions).toEqual([
      ["FARGATE", "EC2"],
      ["FARGATE", "EC2"],
    ]);
    for (const [, d] of all(onFargate, "aws_ecs_task_definition"))
      expect(d.requires_compatibilities).toEqual(["FARGATE"]);
  });
});
