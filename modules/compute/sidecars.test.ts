/** Sidecars, EFS volumes, scheduled tasks and scheduled scaling of a `FargateService`. */
import { describe, expect, test } from "vitest";
import {
  policy,
  type ResourceConfig,
  type Synthesised,
  synthesise,
  testNaming,
} from "../testing/synthesised.js";
import { EfsVolume } from "./efs-volume.js";
import { FargateService } from "./fargate-service.js";
import type { FargateServiceProps } from "./fargate-service-props.js";
import { ScheduledTask } from "./scheduled-task.js";
import type { SidecarProps } from "./sidecars.js";

const secretArn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:acme-test-datadog-AbCdEf";
const digest = `sha256:${"a".repeat(64)}`;
const minimal: FargateServiceProps = {
  naming: testNaming,
  cluster: {
    clusterArn: "arn:aws:ecs:us-east-1:123456789012:cluster/acme-test-cluster",
    clusterName: "acme-test-cluster",
  },
  repository: {
    repositoryUrl: "123456789012.dkr.ecr.us-east-1.amazonaws.com/acme-test-app",
    repositoryArn: "arn:aws:ecr:us-east-1:123456789012:repository/acme-test-app",
  },
  imageTag: "3f2c1a9",
  vpcId: "vpc-0abc",
  subnetIds: ["subnet-a", "subnet-b"],
};
const fluentBit: SidecarProps = {
  name: "log-router",
  image: "public.ecr.aws/aws-observability/aws-for-fluent-bit:2.32.4",
  essential: true,
  firelensConfiguration: { type: "fluentbit", options: { "enable-ecs-log-metadata": "true" } },
  memoryReservationMiB: 50,
};
const envoy: SidecarProps = {
  name: "envoy",
  image: `public.ecr.aws/appmesh/aws-appmesh-envoy@${digest}`,
  cpu: 64,
  memoryMiB: 128,
  portMappings: [{ containerPort: 15000 }],
  healthCheck: { command: ["CMD-SHELL", "curl -s http://localhost:9901/ready"] },
  environment: { ENVOY_LOG_LEVEL: "info" },
  secrets: { DD_API_KEY: { secretArn } },
  writablePaths: ["/var/run/envoy"],
  logging: { firelens: { Name: "cloudwatch_logs", region: "us-east-1", log_group_name: "/ecs/envoy" } },
};

const build = (overrides: Partial<FargateServiceProps>) =>
  synthesise((scope) => {
    new FargateService(scope, "service", { ...minimal, ...overrides });
  });
const containers = (s: Synthesised) =>
  JSON.parse(String(s.only("aws_ecs_task_definition").container_definitions)) as Record<string, unknown>[];
const named = (s: Synthesised, name: string) => containers(s).find((c) => c.name === name)!;
const statementsOn = (s: Synthesised, role: string) =>
  s
    .list("aws_iam_role_policy")
    .filter((p) => String(p.role).includes(`_${role}_`))
    .flatMap((p) => policy(p.policy).Statement);

const withSidecars = build({
  sidecars: [fluentBit, envoy],
  containerDependsOn: [{ containerName: "envoy", condition: "HEALTHY" }],
  containerLogging: {
    firelens: { Name: "cloudwatch_logs", region: "us-east-1", log_group_name: "/ecs/app" },
  },
});

describe("sidecars", () => {
  test("the task holds the application container first, then the sidecars in order", () => {
    expect(containers(withSidecars).map((c) => c.name)).toEqual(["app", "log-router", "envoy"]);
  });

  test("every sidecar is hardened like the application: read-only root, non-root, no capabilities, not privileged", () => {
    for (const name of ["log-router", "envoy"]) {
      expect(named(withSidecars, name)).toMatchObject({
        user: "1000:1000",
        readonlyRootFilesystem: true,
        privileged: false,
        linuxParameters: { capabilities: { drop: ["ALL"] }, initProcessEnabled: true },
      });
    }
  });

  test("sidecars are not essential unless asked; reservations, ports and health checks are written", () => {
    expect(named(withSidecars, "envoy")).toMatchObject({
      essential: false,
      cpu: 64,
      memory: 128,
      portMappings: [{ containerPort: 15000, hostPort: 15000, protocol: "tcp" }],
      healthCheck: {
        command: ["CMD-SHELL", "curl -s http://localhost:9901/ready"],
        interval: 15,
        retries: 3,
      },
    });
    expect(named(withSidecars, "log-router")).toMatchObject({ essential: true, memoryReservation: 50 });
  });

  test("the application waits for the sidecar it depends on, and for the log router it logs through", () => {
    expect(named(withSidecars, "app").dependsOn).toEqual([
      { containerName: "envoy", condition: "HEALTHY" },
      { containerName: "log-router", condition: "START" },
    ]);
    expect(named(withSidecars, "envoy").dependsOn).toEqual([
      { containerName: "log-router", condition: "START" },
    ]);
  });

  test("FireLens: the router logs to the log group with its own prefix, the others through awsfirelens", () => {
    const router = named(withSidecars, "log-router");
    expect(router.firelensConfiguration).toEqual({
      type: "fluentbit",
      options: { "enable-ecs-log-metadata": "true" },
    });
    expect(router.logConfiguration).toMatchObject({
      logDriver: "awslogs",
      options: { "awslogs-stream-prefix": "log-router", mode: "non-blocking" },
    });
    expect(named(withSidecars, "app").logConfiguration).toEqual({
      logDriver: "awsfirelens",
      options: { Name: "cloudwatch_logs", region: "us-east-1", log_group_name: "/ecs/app" },
    });
  });

  test("without FireLens a sidecar logs to the service's log group under its own stream prefix", () => {
    const s = build({ sidecars: [{ name: "agent", image: "public.ecr.aws/acme/agent:1.2.3" }] });
    expect(named(s, "agent").logConfiguration).toMatchObject({
      logDriver: "awslogs",
      options: {
        "awslogs-group": expect.stringMatching(/aws_cloudwatch_log_group/),
        "awslogs-stream-prefix": "agent",
      },
    });
    expect(named(s, "app").dependsOn).toBeUndefined();
  });

  test("each sidecar gets writable volumes of its own (/tmp and its writable paths), not the application's", () => {
    expect(withSidecars.only("aws_ecs_task_definition").volume).toEqual([
      { name: "tmp" },
      { name: "log-router-tmp" },
      { name: "envoy-tmp" },
      { name: "envoy-var-run-envoy" },
    ]);
    expect(named(withSidecars, "envoy").mountPoints).toEqual([
      { sourceVolume: "envoy-tmp", containerPath: "/tmp", readOnly: false },
      { sourceVolume: "envoy-var-run-envoy", containerPath: "/var/run/envoy", readOnly: false },
    ]);
  });

  test("sidecar secrets are injected by reference and the execution role may read them", () => {
    expect(named(withSidecars, "envoy").secrets).toEqual([{ name: "DD_API_KEY", valueFrom: secretArn }]);
    expect(named(withSidecars, "envoy").environment).toEqual([{ name: "ENVOY_LOG_LEVEL", value: "info" }]);
    expect(statementsOn(withSidecars, "execution-role")).toContainEqual(
      expect.objectContaining({ Action: "secretsmanager:GetSecretValue", Resource: secretArn }),
    );
  });

  test("the migration task runs without the sidecars and logs to the log group", () => {
    const s = build({
      sidecars: [fluentBit],
      containerLogging: { firelens: { Name: "stdout" } },
      migration: { command: ["migrate"] },
    });
    const migration = s.list("aws_ecs_task_definition").find((t) => String(t.family).endsWith("-migrate"))!;
    const defs = JSON.parse(String(migration.container_definitions)) as Record<string, unknown>[];
    expect(defs.map((c) => c.name)).toEqual(["app"]);
    expect(defs[0]?.logConfiguration).toMatchObject({ logDriver: "awslogs" });
    expect(defs[0]?.dependsOn).toBeUndefined();
  });
});

describe("sidecars: invalid ones fail at synth, naming the field", () => {
  const fails = (overrides: Partial<FargateServiceProps>, field: string, message: RegExp) =>
    expect(() => build(overrides)).toThrow(
      new RegExp(`${field.replace(/[[\].]/g, "\\$&")}.*${message.source}`),
    );

  test.each([
    ["public.ecr.aws/acme/agent", "no tag"],
    ["public.ecr.aws/acme/agent:latest", "latest"],
    ["public.ecr.aws/acme/agent@sha256:abc", "a short digest"],
  ])("image %s (%s) is refused", (image) => {
    fails({ sidecars: [{ name: "agent", image }] }, "compute.service.sidecars[0].image", /pinned image/);
  });

  test("root is refused", () => {
    fails(
      { sidecars: [{ ...envoy, logging: undefined, user: "0:0" }] },
      "compute.service.sidecars[0].user",
      /root/,
    );
    fails(
      { sidecars: [{ ...envoy, logging: undefined, user: "root" }] },
      "compute.service.sidecars[0].user",
      /root/,
    );
  });

  test("a secret in a plain variable is refused", () => {
    fails(
      { sidecars: [{ name: "agent", image: "a/b:1", environment: { DD_API_KEY: "abc123" } }] },
      "compute.service.sidecars[0].environment.DD_API_KEY",
      /looks like a secret/,
    );
  });

  test("duplicate names, and the application's name, are refused", () => {
    fails({ sidecars: [{ name: "app", image: "a/b:1" }] }, "compute.service.sidecars[0].name", /already/);
    fails(
      {
        sidecars: [
          { name: "x", image: "a/b:1" },
          { name: "x", image: "a/b:1" },
        ],
      },
      "compute.service.sidecars[1].name",
      /already/,
    );
  });

  test("dependencies: on a missing container, HEALTHY without a health check, COMPLETE on an essential one, cycles", () => {
    fails(
      { containerDependsOn: [{ containerName: "nope", condition: "START" }] },
      "compute.service.containerDependsOn[0].containerName",
      /no container/,
    );
    fails(
      {
        sidecars: [{ name: "agent", image: "a/b:1" }],
        containerDependsOn: [{ containerName: "agent", condition: "HEALTHY" }],
      },
      "compute.service.containerDependsOn[0].condition",
      /health check/,
    );
    fails(
      {
        sidecars: [{ name: "init", image: "a/b:1", essential: true }],
        containerDependsOn: [{ containerName: "init", condition: "COMPLETE" }],
      },
      "compute.service.containerDependsOn[0].condition",
      /essential/,
    );
    fails(
      {
        sidecars: [{ name: "a", image: "a/b:1", dependsOn: [{ containerName: "app", condition: "START" }] }],
        containerDependsOn: [{ containerName: "a", condition: "START" }],
      },
      "compute.service.sidecars",
      /cycle/,
    );
  });

  test("a non-essential init container the application waits to COMPLETE is accepted", () => {
    const s = build({
      sidecars: [{ name: "init", image: "a/b:1", command: ["sh", "-c", "true"] }],
      containerDependsOn: [{ containerName: "init", condition: "SUCCESS" }],
    });
    expect(named(s, "app").dependsOn).toEqual([{ containerName: "init", condition: "SUCCESS" }]);
  });

  test("FireLens logging without a router is refused; two routers are refused", () => {
    fails(
      { containerLogging: { firelens: { Name: "stdout" } } },
      "compute.service.containerLogging",
      /firelensConfiguration/,
    );
    fails(
      { sidecars: [fluentBit, { ...fluentBit, name: "other" }] },
      "compute.service.sidecars",
      /at most one/,
    );
  });

  test("FireLens options holding a credential are refused", () => {
    fails(
      {
        sidecars: [fluentBit],
        containerLogging: { firelens: { Name: "http", uri: "https://u:p4ss@logs.example.com" } },
      },
      "compute.service.containerLogging.firelens.uri",
      /password/,
    );
  });

  test("reservations must leave room for the application in the task", () => {
    fails(
      { sidecars: [{ name: "big", image: "a/b:1", cpu: 256 }] },
      "compute.service.sidecars",
      /256 CPU units/,
    );
    fails(
      { sidecars: [{ name: "big", image: "a/b:1", memoryReservationMiB: 512 }] },
      "compute.service.sidecars",
      /512 MiB/,
    );
  });

  test("a low port is refused (the sidecar cannot bind it without root)", () => {
    fails(
      { sidecars: [{ name: "p", image: "a/b:1", portMappings: [{ containerPort: 80 }] }] },
      "compute.service.sidecars[0].portMappings[0].containerPort",
      /1024/,
    );
  });
});

const withEfs = synthesise((scope) => {
  const efs = new EfsVolume(scope, "efs", {
    naming: testNaming,
    purpose: "shared",
    vpcId: "vpc-0abc",
    subnetIds: ["subnet-a", "subnet-b"],
  });
  new FargateService(scope, "service", {
    ...minimal,
    volumes: [{ name: "shared", efs, containerPath: "/data" }],
  });
});

describe("EFS volumes", () => {
  test("the file system is encrypted and backed up, with a mount target in each subnet", () => {
    expect(withEfs.only("aws_efs_file_system")).toMatchObject({
      encrypted: true,
      creation_token: "acme-test-shared",
    });
    expect(withEfs.only("aws_efs_backup_policy").backup_policy).toEqual({ status: "ENABLED" });
    expect(withEfs.list("aws_efs_mount_target").map((m) => m.subnet_id)).toEqual(["subnet-a", "subnet-b"]);
  });

  test("the access point pins a non-root POSIX user and its own root directory", () => {
    expect(withEfs.only("aws_efs_access_point")).toMatchObject({
      posix_user: { uid: 1000, gid: 1000 },
      root_directory: {
        path: "/shared",
        creation_info: { owner_uid: 1000, owner_gid: 1000, permissions: "750" },
      },
    });
  });

  test("the file system policy refuses connections without TLS, outside the access point, and root", () => {
    const statements = policy(withEfs.only("aws_efs_file_system_policy").policy).Statement;
    expect(statements.every((s) => s.Effect === "Deny")).toBe(true);
    expect(statements).toContainEqual(
      expect.objectContaining({ Condition: { Bool: { "aws:SecureTransport": "false" } } }),
    );
    expect(statements).toContainEqual(
      expect.objectContaining({
        Condition: {
          StringNotEquals: {
            "elasticfilesystem:AccessPointArn": expect.stringMatching(/aws_efs_access_point/),
          },
        },
      }),
    );
    expect(statements).toContainEqual(
      expect.objectContaining({ Action: "elasticfilesystem:ClientRootAccess" }),
    );
  });

  test("the task definition mounts it with TLS in transit and IAM authorization through the access point", () => {
    const volumes = withEfs.only("aws_ecs_task_definition").volume as Array<Record<string, unknown>>;
    expect(volumes).toContainEqual({
      name: "shared",
      efs_volume_configuration: {
        file_system_id: expect.stringMatching(/aws_efs_file_system/),
        root_directory: "/",
        transit_encryption: "ENABLED",
        authorization_config: {
          access_point_id: expect.stringMatching(/aws_efs_access_point/),
          iam: "ENABLED",
        },
      },
    });
    const app = named(withEfs, "app");
    expect(app.mountPoints).toContainEqual({
      sourceVolume: "shared",
      containerPath: "/data",
      readOnly: false,
    });
    expect(app.readonlyRootFilesystem).toBe(true);
  });

  test("the task role may mount and write this file system only through its access point", () => {
    expect(statementsOn(withEfs, "task-role")).toEqual([
      expect.objectContaining({
        Action: ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"],
        Resource: expect.stringMatching(/aws_efs_file_system\.[\w-]+\.arn/),
        Condition: {
          StringEquals: { "elasticfilesystem:AccessPointArn": expect.stringMatching(/aws_efs_access_point/) },
        },
      }),
    ]);
  });

  test("the mount targets admit the tasks' group on NFS (2049) only, and the tasks may reach them", () => {
    const ingress = withEfs.list("aws_vpc_security_group_ingress_rule");
    expect(ingress).toEqual([
      expect.objectContaining({
        from_port: 2049,
        to_port: 2049,
        ip_protocol: "tcp",
        security_group_id: expect.stringMatching(/efs_security-group/),
        referenced_security_group_id: expect.stringMatching(/service_security-group/),
      }),
    ]);
    expect(withEfs.list("aws_vpc_security_group_egress_rule")).toContainEqual(
      expect.objectContaining({
        from_port: 2049,
        security_group_id: expect.stringMatching(/service_security-group/),
      }),
    );
  });

  test("a read-only mount grants ClientMount alone", () => {
    const s = synthesise((scope) => {
      const efs = new EfsVolume(scope, "efs", {
        naming: testNaming,
        purpose: "ro",
        vpcId: "v",
        subnetIds: ["s"],
      });
      new FargateService(scope, "service", {
        ...minimal,
        volumes: [{ name: "ro", efs, containerPath: "/ro", readOnly: true }],
      });
    });
    expect(statementsOn(s, "task-role")[0]?.Action).toBe("elasticfilesystem:ClientMount");
    expect(named(s, "app").mountPoints).toContainEqual({
      sourceVolume: "ro",
      containerPath: "/ro",
      readOnly: true,
    });
  });

  test("a volume over /tmp, a root posix user or no subnet is refused, naming the field", () => {
    expect(() =>
      synthesise((scope) => {
        const efs = new EfsVolume(scope, "efs", {
          naming: testNaming,
          purpose: "x",
          vpcId: "v",
          subnetIds: ["s"],
        });
        new FargateService(scope, "service", {
          ...minimal,
          volumes: [{ name: "x", efs, containerPath: "/tmp" }],
        });
      }),
    ).toThrow(/compute\.service\.volumes\[0\]\.containerPath.*already mounted/);
    expect(() =>
      synthesise((scope) => {
        new EfsVolume(scope, "efs", {
          naming: testNaming,
          purpose: "x",
          vpcId: "v",
          subnetIds: ["s"],
          posixUser: { uid: 0, gid: 0 },
        });
      }),
    ).toThrow(/compute\.efsVolume\.posixUser\.uid/);
    expect(() =>
      synthesise((scope) => {
        new EfsVolume(scope, "efs", { naming: testNaming, purpose: "x", vpcId: "v", subnetIds: [] });
      }),
    ).toThrow(/compute\.efsVolume\.subnetIds/);
  });
});

const scheduled = synthesise((scope) => {
  const service = new FargateService(scope, "service", { ...minimal, migration: { command: ["report"] } });
  new ScheduledTask(scope, "nightly", {
    naming: testNaming,
    name: "nightly-report",
    schedule: "cron(0 3 * * ? *)",
    timezone: "Europe/Berlin",
    cluster: minimal.cluster,
    taskDefinition: service.migrationTaskDefinition!,
    network: service.runTaskNetwork,
  });
});

describe("scheduled tasks", () => {
  const schedule = () => scheduled.only("aws_scheduler_schedule");
  test("EventBridge Scheduler runs the task definition on Fargate in the service's network, no flexible window", () => {
    expect(schedule()).toMatchObject({
      name: "acme-test-nightly-report",
      schedule_expression: "cron(0 3 * * ? *)",
      schedule_expression_timezone: "Europe/Berlin",
      state: "ENABLED",
      flexible_time_window: { mode: "OFF" },
      target: {
        arn: minimal.cluster.clusterArn,
        ecs_parameters: {
          task_definition_arn: expect.stringMatching(/aws_ecs_task_definition\.[\w-]+migration[\w-]+\.arn/),
          launch_type: "FARGATE",
          task_count: 1,
          network_configuration: {
            subnets: ["subnet-a", "subnet-b"],
            security_groups: [expect.stringMatching(/aws_security_group/)],
            assign_public_ip: false,
          },
        },
        retry_policy: { maximum_retry_attempts: 2, maximum_event_age_in_seconds: 3600 },
      },
    });
  });

  test("its role is assumable by the scheduler for this schedule only", () => {
    const role = scheduled.list("aws_iam_role").find((r) => r.name === "acme-test-nightly-report-scheduler")!;
    expect(policy(role.assume_role_policy).Statement[0]).toMatchObject({
      Principal: { Service: "scheduler.amazonaws.com" },
      Condition: {
        StringEquals: { "aws:SourceAccount": "123456789012" },
        ArnLike: {
          "aws:SourceArn":
            "arn:aws:scheduler:us-east-1:123456789012:schedule/default/acme-test-nightly-report",
        },
      },
    });
  });

  test("least privilege: RunTask on that family in that cluster, PassRole on that task's two roles only", () => {
    const statements = statementsOn(scheduled, "role");
    expect(statements).toContainEqual(
      expect.objectContaining({
        Action: "ecs:RunTask",
        Resource: expect.stringMatching(
          /^arn:aws:ecs:us-east-1:123456789012:task-definition\/\$\{aws_ecs_task_definition\.[\w-]+\.family\}:\*$/,
        ),
        Condition: { ArnEquals: { "ecs:cluster": minimal.cluster.clusterArn } },
      }),
    );
    const pass = statements.find((s) => s.Action === "iam:PassRole")!;
    expect(pass.Resource).toEqual([
      expect.stringMatching(/execution_role_arn/),
      expect.stringMatching(/task_role_arn/),
    ]);
    expect(pass.Condition).toEqual({ StringEquals: { "iam:PassedToService": "ecs-tasks.amazonaws.com" } });
  });

  test.each(["cron(0 3 * * ?)", "rate(0 minutes)", "every day", "rate(1 week)"])(
    "the schedule expression %s is refused",
    (expression) => {
      expect(() =>
        synthesise((scope) => {
          const service = new FargateService(scope, "service", minimal);
          new ScheduledTask(scope, "t", {
            naming: testNaming,
            name: "t",
            schedule: expression,
            cluster: minimal.cluster,
            taskDefinition: service.taskDefinition,
            network: service.runTaskNetwork,
          });
        }),
      ).toThrow(/compute\.scheduledTask\.schedule/);
    },
  );
});

describe("scheduled scaling", () => {
  const s = build({
    autoscaling: {
      minCount: 1,
      maxCount: 4,
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
          maxCount: 4,
        },
      ],
    },
  });
  // In the order given (the synthesised JSON sorts them by name).
  const actions = () =>
    ["acme-test-app-night", "acme-test-app-morning"].map(
      (name) => s.list("aws_appautoscaling_scheduled_action").find((a) => a.name === name) as ResourceConfig,
    );

  test("each schedule sets the range of the service's scalable target at its time, down to zero", () => {
    expect(actions()).toEqual([
      expect.objectContaining({
        name: "acme-test-app-night",
        schedule: "cron(0 20 ? * MON-FRI *)",
        timezone: "Europe/Berlin",
        service_namespace: expect.stringMatching(/aws_appautoscaling_target/),
        resource_id: expect.stringMatching(/aws_appautoscaling_target\.[\w-]+\.resource_id/),
        scalable_target_action: { min_capacity: "0", max_capacity: "0" },
      }),
      expect.objectContaining({
        name: "acme-test-app-morning",
        scalable_target_action: { min_capacity: "1", max_capacity: "4" },
      }),
    ]);
  });

  test("target tracking stays alongside the schedules; the actions are created one after another", () => {
    expect(s.only("aws_appautoscaling_policy").policy_type).toBe("TargetTrackingScaling");
    expect(actions()[1]?.depends_on).toEqual([expect.stringMatching(/aws_appautoscaling_scheduled_action/)]);
  });

  test("a bad schedule, a duplicate name or a max below the min is refused, naming the field", () => {
    const scaling = (schedule: Record<string, unknown>) => ({
      autoscaling: {
        minCount: 1,
        maxCount: 2,
        schedules: [{ name: "n", schedule: "rate(1 day)", minCount: 0, maxCount: 1, ...schedule }],
      },
    });
    expect(() => build(scaling({ schedule: "daily" }) as never)).toThrow(
      /autoscaling\.schedules\[0\]\.schedule/,
    );
    expect(() => build(scaling({ minCount: 2, maxCount: 1 }) as never)).toThrow(
      /autoscaling\.schedules\[0\]\.maxCount/,
    );
    expect(() => build(scaling({ name: "Night" }) as never)).toThrow(/autoscaling\.schedules\[0\]\.name/);
  });
});
