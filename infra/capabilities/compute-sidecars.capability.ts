import { EfsVolume, FargateService, ScheduledTask } from "@aws-platform-kit/modules/compute";
import { expect } from "vitest";
import { SERVICE_MIGRATION_COMMAND } from "../stacks/service-contract.js";
import type { Capability } from "./capability.js";

const CLUSTER = {
  clusterArn: "arn:aws:ecs:us-east-1:123456789012:cluster/acme-cap-cluster",
  clusterName: "acme-cap-cluster",
};
const SUBNETS = ["subnet-0cap1111", "subnet-0cap2222"];

/**
 * A Fargate service with a FireLens log router and a health-checked proxy sidecar the application
 * waits for, an EFS volume (access point, IAM authorization, TLS), scheduled scaling to zero
 * alongside target tracking, and a nightly scheduled task in the service's network.
 */
export const capability: Capability = {
  id: "compute-sidecars",
  title: "compute: sidecars with FireLens, EFS volume, scheduled task and scheduled scaling",
  build(scope, { naming }) {
    const efs = new EfsVolume(scope, "efs", {
      naming,
      purpose: "cap-sidecars-data",
      vpcId: "vpc-0cap1234",
      subnetIds: SUBNETS,
    });
    const service = new FargateService(scope, "service", {
      naming,
      name: "cap-sidecars",
      cluster: CLUSTER,
      repository: {
        repositoryUrl: "123456789012.dkr.ecr.us-east-1.amazonaws.com/acme-cap-app",
        repositoryArn: "arn:aws:ecr:us-east-1:123456789012:repository/acme-cap-app",
      },
      imageTag: "3f2c1a9",
      vpcId: "vpc-0cap1234",
      subnetIds: SUBNETS,
      cpu: 512,
      memoryMiB: 1024,
      sidecars: [
        {
          name: "log-router",
          image: "public.ecr.aws/aws-observability/aws-for-fluent-bit:2.32.4",
          essential: true,
          firelensConfiguration: { type: "fluentbit", options: { "enable-ecs-log-metadata": "true" } },
          memoryReservationMiB: 50,
        },
        {
          name: "proxy",
          image: `public.ecr.aws/acme/proxy@sha256:${"b".repeat(64)}`,
          cpu: 64,
          memoryReservationMiB: 64,
          portMappings: [{ containerPort: 8443 }],
          healthCheck: { command: ["CMD", "/proxy", "healthcheck"] },
          logging: {
            firelens: { Name: "cloudwatch_logs", region: "us-east-1", log_group_name: "/ecs/proxy" },
          },
        },
      ],
      containerDependsOn: [{ containerName: "proxy", condition: "HEALTHY" }],
      containerLogging: {
        firelens: { Name: "cloudwatch_logs", region: "us-east-1", log_group_name: "/ecs/acme-cap-sidecars" },
      },
      volumes: [{ name: "data", efs, containerPath: "/data" }],
      autoscaling: {
        minCount: 1,
        maxCount: 3,
        schedules: [
          {
            name: "night",
            schedule: "cron(0 20 ? * MON-FRI *)",
            timezone: "Europe/Berlin",
            minCount: 0,
            maxCount: 0,
          },
          {
            name: "morning",
            schedule: "cron(0 7 ? * MON-FRI *)",
            timezone: "Europe/Berlin",
            minCount: 1,
            maxCount: 3,
          },
        ],
      },
      migration: { command: [...SERVICE_MIGRATION_COMMAND] },
    });
    new ScheduledTask(scope, "nightly", {
      naming,
      name: "cap-sidecars-nightly",
      schedule: "cron(0 3 * * ? *)",
      timezone: "Europe/Berlin",
      cluster: CLUSTER,
      taskDefinition: service.migrationTaskDefinition!,
      network: service.runTaskNetwork,
    });
  },
  check({ resourcesOf, policy }) {
    // The container rules record no finding (not even "unverified") on either task definition:
    // every container, sidecars included, is read-only, unprivileged and without plain secrets.
    expect(resourcesOf("aws_ecs_task_definition", "compute-sidecars")).toHaveLength(2);
    const containerFindings = policy.findings.filter(
      (f) =>
        ["CKV_AWS_336", "CKV_AWS_334", "KIT_ECS_1"].includes(f.rule) &&
        f.address.startsWith("aws_ecs_task_definition.compute-sidecars_"),
    );
    expect(containerFindings).toEqual([]);
    const definitions = resourcesOf("aws_ecs_task_definition", "compute-sidecars").map((r) => r.values);
    const serviceDefinition = definitions.find((d) => d.family === "acme-cap-cap-sidecars");
    expect(serviceDefinition?.volume).toContainEqual(
      expect.objectContaining({
        name: "data",
        efs_volume_configuration: [
          expect.objectContaining({
            transit_encryption: "ENABLED",
            authorization_config: [expect.objectContaining({ iam: "ENABLED" })],
          }),
        ],
      }),
    );
    const [fs] = resourcesOf("aws_efs_file_system", "compute-sidecars");
    expect(fs?.values.encrypted).toBe(true);
    expect(resourcesOf("aws_efs_mount_target", "compute-sidecars")).toHaveLength(2);
    const [schedule] = resourcesOf("aws_scheduler_schedule", "compute-sidecars");
    expect(schedule?.values).toMatchObject({
      schedule_expression: "cron(0 3 * * ? *)",
      flexible_time_window: [{ mode: "OFF", maximum_window_in_minutes: null }],
    });
    const actions = resourcesOf("aws_appautoscaling_scheduled_action", "compute-sidecars").map(
      (r) => r.values,
    );
    expect(actions.map((a) => a.name).sort()).toEqual([
      "acme-cap-cap-sidecars-morning",
      "acme-cap-cap-sidecars-night",
    ]);
  },
};
