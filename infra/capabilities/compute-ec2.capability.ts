import { Cluster, Ec2Capacity, FargateService } from "@aws-platform-kit/modules/compute";
import { expect } from "vitest";
import { estimateStack } from "../cost/estimate.js";
import { isUnset } from "../plan/plan-model.js";
import { SERVICE_MIGRATION_COMMAND } from "../stacks/service-contract.js";
import type { Capability } from "./capability.js";

/**
 * The EC2 compute option: container instances from a hardened launch template in an autoscaling
 * group, registered with a cluster as a capacity provider, and a service (with its migration task
 * definition) placed on it by a capacity provider strategy.
 */
export const capability: Capability = {
  id: "compute-ec2",
  title: "compute: EC2 capacity provider (IMDSv2, encrypted gp3, no SSH) running a service",
  build(scope, { naming }) {
    const network = { vpcId: "vpc-0abc1234", subnetIds: ["subnet-0abc1234", "subnet-0def5678"] };
    const cluster = new Cluster(scope, "cluster", {
      naming,
      name: "cap-ec2-cluster",
      containerInsights: "enabled",
    });
    const capacity = new Ec2Capacity(scope, "capacity", {
      naming,
      name: "cap-ec2",
      cluster,
      ...network,
      imageId: "ami-0123456789abcdef0",
      instanceType: "t4g.small",
      permissionsBoundaryArn: "arn:aws:iam::123456789012:policy/acme-cap-workload-boundary",
    });
    new FargateService(scope, "service", {
      naming,
      name: "cap-ec2",
      cluster,
      repository: {
        repositoryUrl: "123456789012.dkr.ecr.us-east-1.amazonaws.com/acme-cap-app",
        repositoryArn: "arn:aws:ecr:us-east-1:123456789012:repository/acme-cap-app",
      },
      imageTag: "3f2c1a9",
      ...network,
      cpuArchitecture: "ARM64",
      desiredCount: 1,
      capacityProviderStrategy: [{ capacityProvider: capacity.capacityProviderName, weight: 1 }],
      migration: { command: [...SERVICE_MIGRATION_COMMAND] },
    });
  },
  check({ model, resourcesOf }) {
    const [template] = resourcesOf("aws_launch_template", "compute-ec2");
    expect(template?.values).toMatchObject({
      name: "acme-cap-cap-ec2",
      image_id: "ami-0123456789abcdef0",
      instance_type: "t4g.small",
      key_name: null,
      metadata_options: [
        expect.objectContaining({
          http_endpoint: "enabled",
          http_tokens: "required",
          http_put_response_hop_limit: 1,
        }),
      ],
      block_device_mappings: [
        expect.objectContaining({
          device_name: "/dev/xvda",
          ebs: [expect.objectContaining({ volume_type: "gp3", volume_size: 30, encrypted: "true" })],
        }),
      ],
    });
    const userData = Buffer.from(String(template?.values.user_data), "base64").toString("utf8");
    expect(userData).toContain("ECS_CLUSTER=acme-cap-cap-ec2-cluster");
    expect(userData).toContain("ECS_AWSVPC_BLOCK_IMDS=true");

    const [group] = resourcesOf("aws_autoscaling_group", "compute-ec2");
    expect(group?.values).toMatchObject({
      min_size: 1,
      max_size: 2,
      protect_from_scale_in: true,
      vpc_zone_identifier: expect.arrayContaining(["subnet-0abc1234", "subnet-0def5678"]),
    });
    expect(group?.values.tag).toContainEqual(
      expect.objectContaining({ key: "AmazonECSManaged", value: "true", propagate_at_launch: true }),
    );

    const [provider] = resourcesOf("aws_ecs_capacity_provider", "compute-ec2");
    expect(provider?.values).toMatchObject({
      name: "acme-cap-cap-ec2",
      auto_scaling_group_provider: [
        expect.objectContaining({
          managed_termination_protection: "ENABLED",
          managed_draining: "ENABLED",
          managed_scaling: [expect.objectContaining({ status: "ENABLED", target_capacity: 100 })],
        }),
      ],
    });
    const [association] = resourcesOf("aws_ecs_cluster_capacity_providers", "compute-ec2");
    expect(association?.values.capacity_providers).toEqual(
      expect.arrayContaining(["FARGATE", "FARGATE_SPOT", "acme-cap-cap-ec2"]),
    );

    const [service] = resourcesOf("aws_ecs_service", "compute-ec2");
    expect(service?.values.capacity_provider_strategy).toEqual([
      expect.objectContaining({ capacity_provider: "acme-cap-cap-ec2", weight: 1 }),
    ]);
    // Not configured: no launch type, and no Fargate platform version (ECS refuses one on EC2).
    expect(isUnset(service?.values.launch_type)).toBe(true);
    expect(isUnset(service?.values.platform_version)).toBe(true);
    const definitions = resourcesOf("aws_ecs_task_definition", "compute-ec2");
    expect(definitions.map((d) => d.values.requires_compatibilities)).toEqual([
      ["EC2", "FARGATE"],
      ["EC2", "FARGATE"],
    ]);

    const [role] = resourcesOf("aws_iam_role", "compute-ec2").filter(
      (r) => r.values.name === "acme-cap-cap-ec2-instance",
    );
    expect(role?.values.permissions_boundary).toBe(
      "arn:aws:iam::123456789012:policy/acme-cap-workload-boundary",
    );
    expect(
      resourcesOf("aws_iam_role_policy_attachment", "compute-ec2")
        .map((a) => a.values.policy_arn)
        .sort(),
    ).toEqual([
      "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
      "arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role",
    ]);

    // The cost estimate prices the instances and their root volumes from this plan; the tasks on
    // them, the template and the capacity provider cost nothing of their own.
    const cost = estimateStack(model);
    const [groupCost] = cost.resources.filter((r) => r.address === group?.address);
    expect(groupCost?.lines.map((l) => [l.priceId, l.quantity])).toEqual([
      ["ec2-t4g.small-hour", 730],
      ["ebs-gp3-gb-month", 30],
    ]);
    const free = [
      "aws_ecs_capacity_provider",
      "aws_ecs_service",
      "aws_iam_instance_profile",
      "aws_launch_template",
    ];
    const others = cost.resources.filter((r) => r.address.includes("compute-ec2_") && free.includes(r.type));
    expect(others.map((r) => [r.type, r.status]).sort()).toEqual(free.map((type) => [type, "free"]));
  },
};
