import { Fn } from "cdktf";
import { describe, expect, test } from "vitest";
import { Naming } from "../naming/naming.js";
import { policy, synthesise, testNaming } from "../testing/synthesised.js";
import {
  CAPACITY_PROVIDER_RULE,
  EC2_PUBLIC_IP_RULE,
  STRATEGY_MIXED_RULE,
  tasksPerProvider,
  usesEc2Capacity,
} from "./capacity.js";
import { Cluster } from "./cluster.js";
import {
  CONTAINER_INSTANCE_POLICIES,
  Ec2Capacity,
  type Ec2CapacityProps,
  IMAGE_ID_RULE,
  INSTANCE_TYPE_RULE,
  instanceArchitecture,
  MAX_INSTANCES_RULE,
  RESERVED_PROVIDER_RULE,
} from "./ec2-capacity.js";
import { FargateService } from "./fargate-service.js";
import type { FargateServiceProps } from "./fargate-service-props.js";

const image = "ami-0123456789abcdef0";
const boundaryArn = "arn:aws:iam::123456789012:policy/acme-test-workload-boundary";
const repository = {
  repositoryUrl: "123456789012.dkr.ecr.us-east-1.amazonaws.com/acme-app",
  repositoryArn: "arn:aws:ecr:us-east-1:123456789012:repository/acme-app",
};
const network = { vpcId: "vpc-0abc", subnetIds: ["subnet-a", "subnet-b"] };

/** A cluster, an Ec2Capacity and a service on it, with `capacity` and `service` overrides. */
function onEc2(
  capacity: Partial<Omit<Ec2CapacityProps, "cluster">> = {},
  service: Partial<FargateServiceProps> = {},
) {
  return synthesise((scope) => {
    const cluster = new Cluster(scope, "cluster", { naming: testNaming });
    const ec2 = new Ec2Capacity(scope, "ec2", {
      naming: testNaming,
      cluster,
      imageId: image,
      ...network,
      ...capacity,
    });
    new FargateService(scope, "service", {
      naming: testNaming,
      cluster,
      repository,
      imageTag: "3f2c1a9",
      cpuArchitecture: "ARM64",
      ...network,
      capacityProviderStrategy: [{ capacityProvider: ec2.capacityProviderName, weight: 1 }],
      migration: { command: ["node", "migrate.js"] },
      ...service,
    });
  });
}

describe("Ec2Capacity", () => {
  const built = onEc2({ permissionsBoundaryArn: boundaryArn });

  test("the launch template: IMDSv2 only with hop limit 1, encrypted gp3 root, no key pair, the given image", () => {
    const template = built.only("aws_launch_template");
    expect(template).toMatchObject({
      name: "acme-test-ec2",
      image_id: image,
      instance_type: "t4g.small",
      metadata_options: {
        http_endpoint: "enabled",
        http_tokens: "required",
        http_put_response_hop_limit: 1,
      },
      block_device_mappings: [
        {
          device_name: "/dev/xvda",
          ebs: { volume_type: "gp3", volume_size: 30, encrypted: "true", delete_on_termination: "true" },
        },
      ],
      update_default_version: true,
    });
    expect(template.key_name).toBeUndefined();
    expect(template.vpc_security_group_ids).toEqual([expect.stringMatching(/^\$\{aws_security_group\./)]);
  });

  test("instances and volumes it launches carry the environment's tags, not only a Name", () => {
    const template = built.only("aws_launch_template");
    const specs = template.tag_specifications as { resource_type: string; tags: Record<string, string> }[];
    expect(specs.map((spec) => spec.resource_type)).toEqual(["instance", "volume"]);
    for (const spec of specs) {
      expect(spec.tags).toMatchObject({ Project: "acme", Environment: "test", ManagedBy: "cdktf" });
      expect(spec.tags.Name).toMatch(/^acme-test-/);
    }
  });

  test("user data joins the cluster and keeps containers away from instance metadata", () => {
    const userData = String(built.only("aws_launch_template").user_data);
    expect(userData).toMatch(/^\$\{base64encode\(/);
    expect(userData).toContain("ECS_CLUSTER=${aws_ecs_cluster.");
    expect(userData).toContain("ECS_AWSVPC_BLOCK_IMDS=true");
    expect(userData).toContain("ECS_ENABLE_TASK_IAM_ROLE=true");
  });

  test("the security group has no ingress and only HTTPS egress", () => {
    expect(built.resources("aws_vpc_security_group_ingress_rule")).toEqual({});
    const egress = built.list("aws_vpc_security_group_egress_rule");
    expect(egress.filter((r) => String(r.security_group_id).includes("ec2_security-group"))).toEqual([
      expect.objectContaining({ from_port: 443, to_port: 443, cidr_ipv4: "0.0.0.0/0" }),
    ]);
  });

  test("the instance role: EC2 may assume it, the ECS agent's and Session Manager's policies, the boundary", () => {
    const role = Object.values(built.resources("aws_iam_role")).find(
      (r) => r.name === "acme-test-ec2-instance",
    );
    expect(role?.permissions_boundary).toBe(boundaryArn);
    expect(policy(role?.assume_role_policy).Statement).toEqual([
      expect.objectContaining({ Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }),
    ]);
    expect(built.list("aws_iam_role_policy_attachment").map((a) => a.policy_arn)).toEqual(
      Object.values(CONTAINER_INSTANCE_POLICIES),
    );
    expect(built.only("aws_iam_instance_profile").role).toMatch(/^\$\{aws_iam_role\..*\.name\}$/);
  });

  test("the group: protected from scale-in, ECS-managed tag, desired capacity left to ECS, rolls on a new template", () => {
    const group = built.only("aws_autoscaling_group");
    expect(group).toMatchObject({
      min_size: 1,
      max_size: 2,
      desired_capacity: 1,
      vpc_zone_identifier: network.subnetIds,
      protect_from_scale_in: true,
      force_delete: true,
      lifecycle: { ignore_changes: ["desired_capacity"] },
      instance_refresh: { strategy: "Rolling", preferences: { scale_in_protected_instances: "Refresh" } },
    });
    expect(group.launch_template).toEqual({
      id: expect.stringMatching(/^\$\{aws_launch_template\..*\.id\}$/),
      version: expect.stringMatching(/^\$\{aws_launch_template\..*\.latest_version\}$/),
    });
    expect(group.tag).toContainEqual({ key: "AmazonECSManaged", value: "true", propagate_at_launch: true });
  });

  test("the capacity provider: managed scaling, termination protection and draining; associated with the cluster", () => {
    expect(built.only("aws_ecs_capacity_provider")).toMatchObject({
      name: "acme-test-ec2",
      auto_scaling_group_provider: {
        auto_scaling_group_arn: expect.stringMatching(/^\$\{aws_autoscaling_group\..*\.arn\}$/),
        managed_termination_protection: "ENABLED",
        managed_draining: "ENABLED",
        managed_scaling: { status: "ENABLED", target_capacity: 100 },
      },
    });
    expect(built.only("aws_ecs_cluster_capacity_providers").capacity_providers).toEqual([
      "FARGATE",
      "FARGATE_SPOT",
      expect.stringMatching(/^\$\{aws_ecs_capacity_provider\..*\.name\}$/),
    ]);
  });

  test("the service runs on it: its strategy, no platform version, task definitions for EC2 and Fargate", () => {
    const service = built.only("aws_ecs_service");
    expect(service.launch_type).toBeUndefined();
    expect(service.platform_version).toBeUndefined();
    expect(service.capacity_provider_strategy).toEqual([
      {
        capacity_provider: expect.stringMatching(/^\$\{aws_ecs_capacity_provider\..*\.name\}$/),
        base: 0,
        weight: 1,
      },
    ]);
    expect(service.depends_on).toContainEqual(expect.stringMatching(/^aws_ecs_cluster_capacity_providers\./));
    for (const definition of built.list("aws_ecs_task_definition")) {
      expect(definition.requires_compatibilities).toEqual(["FARGATE", "EC2"]);
      expect(definition.network_mode).toBe("awsvpc");
    }
  });

  test("a Fargate service keeps its Fargate-only task definition and platform version", () => {
    const fargate = synthesise((scope) => {
      const cluster = new Cluster(scope, "cluster", { naming: testNaming });
      new FargateService(scope, "service", {
        naming: testNaming,
        cluster,
        repository,
        imageTag: "abc",
        ...network,
      });
    });
    expect(fargate.only("aws_ecs_task_definition").requires_compatibilities).toEqual(["FARGATE"]);
    expect(fargate.only("aws_ecs_service").platform_version).toBe("LATEST");
    expect(fargate.resources("aws_ecs_cluster_capacity_providers")).toEqual({});
  });

  test("a cluster with Fargate providers and a default strategy keeps them and adds the EC2 provider", () => {
    const both = synthesise((scope) => {
      const cluster = new Cluster(scope, "cluster", {
        naming: testNaming,
        capacityProviders: { defaultStrategy: [{ capacityProvider: "FARGATE_SPOT", weight: 1 }] },
      });
      new Ec2Capacity(scope, "ec2", { naming: testNaming, cluster, imageId: image, ...network });
    });
    const association = both.only("aws_ecs_cluster_capacity_providers");
    expect(association.capacity_providers).toHaveLength(3);
    expect(association.default_capacity_provider_strategy).toEqual([
      { capacity_provider: "FARGATE_SPOT", base: 0, weight: 1 },
    ]);
  });

  test("instance types, counts and the root volume are passed through", () => {
    const large = onEc2(
      { instanceType: "m7i.large", minInstances: 2, maxInstances: 4, rootVolumeGb: 50 },
      { cpuArchitecture: "X86_64" },
    );
    expect(large.only("aws_launch_template")).toMatchObject({
      instance_type: "m7i.large",
      block_device_mappings: [{ ebs: { volume_size: 50 } }],
    });
    expect(large.only("aws_autoscaling_group")).toMatchObject({
      min_size: 2,
      max_size: 4,
      desired_capacity: 2,
    });
  });

  test("refuses what EC2 or ECS would refuse at apply, naming the field", () => {
    const cases: Array<[Partial<Ec2CapacityProps>, string]> = [
      [{ imageId: "ami-123" }, `compute.ec2Capacity.imageId: "ami-123" ${IMAGE_ID_RULE}`],
      [{ imageId: "/aws/service/ecs/optimized-ami" }, "compute.ec2Capacity.imageId"],
      [{ instanceType: "t4g" }, `compute.ec2Capacity.instanceType: "t4g" ${INSTANCE_TYPE_RULE}`],
      [{ minInstances: 3, maxInstances: 2 }, `compute.ec2Capacity.maxInstances: 2 ${MAX_INSTANCES_RULE}`],
      [{ minInstances: 0, maxInstances: 0 }, "compute.ec2Capacity.maxInstances: 0"],
      [{ minInstances: -1 }, "compute.ec2Capacity.minInstances: -1 must be a whole number from 0 to 100"],
      [{ rootVolumeGb: 8 }, "compute.ec2Capacity.rootVolumeGb: 8 must be a whole number from 30 to 16384"],
      [{ subnetIds: [] }, "compute.ec2Capacity.subnetIds: give at least one subnet"],
      [{ permissionsBoundaryArn: "boundary" }, "compute.ec2Capacity.permissionsBoundaryArn"],
    ];
    for (const [props, message] of cases) {
      expect(() => onEc2(props), message).toThrow(message);
    }
  });

  test("refuses a capacity provider name ECS reserves", () => {
    expect(() =>
      synthesise((scope) => {
        const naming = new Naming({
          project: "ecsdemo",
          environment: "dev",
          accountId: "123456789012",
          region: "us-east-1",
        });
        const cluster = new Cluster(scope, "cluster", { naming });
        new Ec2Capacity(scope, "ec2", { naming, cluster, imageId: image, ...network });
      }),
    ).toThrow(`compute.ec2Capacity.name: "ecsdemo-dev-ec2" ${RESERVED_PROVIDER_RULE}`);
  });

  test("a service on EC2 capacity gets no public IP and mixes in no Fargate provider", () => {
    expect(() => onEc2({}, { assignPublicIp: true })).toThrow(
      `compute.service.assignPublicIp: ${EC2_PUBLIC_IP_RULE}`,
    );
    expect(() =>
      synthesise((scope) => {
        const cluster = new Cluster(scope, "cluster", { naming: testNaming });
        const ec2 = new Ec2Capacity(scope, "ec2", {
          naming: testNaming,
          cluster,
          imageId: image,
          ...network,
        });
        new FargateService(scope, "service", {
          naming: testNaming,
          cluster,
          repository,
          imageTag: "abc",
          ...network,
          capacityProviderStrategy: [
            { capacityProvider: "FARGATE", base: 1, weight: 0 },
            { capacityProvider: ec2.capacityProviderName, weight: 1 },
          ],
        });
      }),
    ).toThrow(`compute.service.capacityProviderStrategy: ${STRATEGY_MIXED_RULE}`);
  });

  test("a literal provider other than Fargate's is refused; an Ec2Capacity's name is recognised", () => {
    expect(() => onEc2({}, { capacityProviderStrategy: [{ capacityProvider: "EC2", weight: 1 }] })).toThrow(
      `compute.service.capacityProviderStrategy[0].capacityProvider: "EC2" ${CAPACITY_PROVIDER_RULE}`,
    );
    expect(usesEc2Capacity([{ capacityProvider: "FARGATE", weight: 1 }])).toBe(false);
    expect(usesEc2Capacity(undefined)).toBe(false);
    const unknown = Fn.upper("x");
    expect(usesEc2Capacity([{ capacityProvider: unknown, weight: 1 }])).toBe(false);
    expect(
      Object.fromEntries(tasksPerProvider([{ capacityProvider: "acme-test-ec2", weight: 1 }], 2)),
    ).toEqual({
      "acme-test-ec2": 2,
    });
  });

  test("instanceArchitecture: Graviton families are ARM64, the rest X86_64", () => {
    expect(
      [
        "t4g.small",
        "m7g.large",
        "c7gn.xlarge",
        "a1.medium",
        "t3.small",
        "m7i.large",
        "m5a.large",
        "c6in.2xlarge",
      ].map(instanceArchitecture),
    ).toEqual(["ARM64", "ARM64", "ARM64", "ARM64", "X86_64", "X86_64", "X86_64", "X86_64"]);
    expect(instanceArchitecture("small")).toBeUndefined();
  });
});
