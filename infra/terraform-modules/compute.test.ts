/**
 * The compute module from HCL (issue 17): the example plans offline with the real provider, the
 * policy rules pass on it (read-only root, not privileged, no plaintext secrets, Container Insights,
 * log retention, IAM), the cluster is created unless `cluster_arn` is given, the optional parts
 * (load balancer, autoscaling, secrets, ECS Exec) follow their variables, and a wrong value fails
 * the plan with the variable's own message.
 */
import { describe, expect, test } from "vitest";
import { ecsContainerInsights } from "../policy/rules/ecs-container-insights.js";
import { ecsNotPrivileged } from "../policy/rules/ecs-not-privileged.js";
import { ecsPlaintextSecrets } from "../policy/rules/ecs-plaintext-secrets.js";
import { ecsReadOnlyRoot } from "../policy/rules/ecs-read-only-root.js";
import { logGroupRetention } from "../policy/rules/log-group-retention.js";
import { exampleSuite, onlyPlanned, plannedOfType, policyOf } from "./example-plan.js";

const ACCOUNT = "123456789012";
const TARGET_GROUP = `arn:aws:elasticloadbalancing:eu-west-1:${ACCOUNT}:targetgroup/payments-dev-app/0123456789abcdef`;
const APP_SECRET = `arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret:payments-dev-app-AbCdEf`;
const DB_SECRET = `arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret:rds!db-0123-AbCdEf`;
const KMS_KEY = `arn:aws:kms:eu-west-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const SHARED_CLUSTER = `arn:aws:ecs:eu-west-1:${ACCOUNT}:cluster/payments-shared`;
const REPOSITORY = `${ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com/team/payments-api`;
const DIGEST = `sha256:${"0123456789abcdef".repeat(4)}`;

const CASES = {
  default: {},
  full: {
    cpu: 512,
    memory: 2048,
    autoscaling: { min_count: 2, max_count: 4, requests_per_target: 200 },
    target_group_arn: TARGET_GROUP,
    request_count_resource_label:
      "app/payments-dev-alb/0123456789abcdef/targetgroup/payments-dev-app/0123456789abcdef",
    environment: { LOG_LEVEL: "info", TOKEN_TTL_SECONDS: "900", APP_NOTE: 'say "hi"' },
    secrets: {
      APP_SECRET: { secret_arn: APP_SECRET },
      DB_PASSWORD: { secret_arn: DB_SECRET, json_key: "password", kms_key_arn: KMS_KEY },
    },
    enable_execute_command: true,
  },
  givenCluster: { cluster_arn: SHARED_CLUSTER, image: `${REPOSITORY}@${DIGEST}` },
  spot: {
    capacity_provider_strategy: [
      { capacity_provider: "FARGATE", base: 1, weight: 0 },
      { capacity_provider: "FARGATE_SPOT", weight: 1 },
    ],
  },
  arm: { cpu_architecture: "ARM64" },
  armSpot: {
    cpu_architecture: "ARM64",
    capacity_provider_strategy: [
      { capacity_provider: "FARGATE_SPOT", weight: 1 },
      { capacity_provider: "FARGATE_SPOT", weight: 2 },
    ],
  },
  badSizes: { memory: 4096, container_port: 70000, image: "nginx:1.25" },
  badSecrets: {
    environment: { DB_PASSWORD: "hunter2" },
    image: `${REPOSITORY}:latest`,
    autoscaling: { min_count: 3, max_count: 2 },
  },
} as const;

const { example, planOf } = exampleSuite("compute", CASES);

/** The planned values of the one resource of `type`. */
const planned = (name: keyof typeof CASES, type: string) => onlyPlanned(planOf(name), type);

/** The task definition's one container, parsed from its planned JSON. */
function container(name: keyof typeof CASES): Record<string, unknown> {
  const definitions = JSON.parse(String(planned(name, "aws_ecs_task_definition").container_definitions));
  expect(definitions).toHaveLength(1);
  return definitions[0] as Record<string, unknown>;
}

describe("compute example plans offline", () => {
  test("terraform validate finds nothing to report", () => {
    expect(example().validation).toEqual([]);
  });

  test("with only the required variables (and the example's own), it plans", () => {
    expect(planOf("default").errors).toEqual([]);
    expect(planOf("default").ok).toBe(true);
  });

  test("the policy rules pass on the plans", () => {
    for (const name of ["default", "full", "givenCluster"] as const) {
      const findings = policyOf(planOf(name)).findings;
      const violations = findings.filter((f) => f.status === "violation");
      expect(
        violations.map((f) => `${f.rule} ${f.address}: ${f.message}`),
        name,
      ).toEqual([]);
      // The ECS and log rules read planned values (the container JSON, the cluster's setting): they
      // pass outright, none is left unverified.
      const read = [
        ecsReadOnlyRoot,
        ecsNotPrivileged,
        ecsPlaintextSecrets,
        ecsContainerInsights,
        logGroupRetention,
      ];
      expect(
        findings.filter((f) => read.some((rule) => rule.id === f.rule)).map((f) => `${f.rule}: ${f.message}`),
        name,
      ).toEqual([]);
    }
  });
});

describe("the cluster is created unless one is given", () => {
  test("no cluster_arn: one cluster, with Container Insights, and the service runs in it", () => {
    expect(plannedOfType(planOf("default"), "aws_ecs_cluster")).toHaveLength(1);
    expect(planned("default", "aws_ecs_cluster").setting).toEqual([
      { name: "containerInsights", value: "enabled" },
    ]);
    expect(planned("default", "aws_ecs_cluster").name).toBe("payments-dev-cluster");
  });

  test("cluster_arn given: no cluster is planned, and the service uses the given one", () => {
    expect(plannedOfType(planOf("givenCluster"), "aws_ecs_cluster")).toEqual([]);
    expect(planned("givenCluster", "aws_ecs_service").cluster).toBe(SHARED_CLUSTER);
  });
});

describe("the service and its task definition follow the variables", () => {
  test("defaults: a hardened container, one task, no load balancer, no scaling, no secrets policy", () => {
    const app = container("default");
    expect(app).toMatchObject({
      name: "app",
      image: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/payments-api:3f2c1a9",
      readonlyRootFilesystem: true,
      privileged: false,
      user: "1000:1000",
      portMappings: [{ containerPort: 8080, hostPort: 8080, protocol: "tcp" }],
      environment: [],
      secrets: [],
      mountPoints: [{ sourceVolume: "tmp", containerPath: "/tmp", readOnly: false }],
      stopTimeout: 30,
    });
    expect(app.linuxParameters).toEqual({ capabilities: { drop: ["ALL"] }, initProcessEnabled: true });
    expect(planned("default", "aws_ecs_task_definition")).toMatchObject({ cpu: "256", memory: "512" });
    const service = planned("default", "aws_ecs_service");
    expect(service).toMatchObject({ name: "payments-dev-app", desired_count: 1, load_balancer: [] });
    expect(service.network_configuration).toEqual([
      expect.objectContaining({
        assign_public_ip: false,
        subnets: expect.arrayContaining(["subnet-0123456789abcdef0", "subnet-0fedcba9876543210"]),
      }),
    ]);
    for (const type of ["aws_appautoscaling_target", "aws_appautoscaling_policy"]) {
      expect(plannedOfType(planOf("default"), type)).toEqual([]);
    }
    const policies = plannedOfType(planOf("default"), "aws_iam_role_policy");
    expect(policies).toHaveLength(1);
    expect(planned("default", "aws_cloudwatch_log_group")).toMatchObject({
      name: "/ecs/payments-dev-app",
      retention_in_days: 30,
    });
  });

  test("a digest runs as <repository>@sha256:…", () => {
    expect(container("givenCluster").image).toBe(`${REPOSITORY}@${DIGEST}`);
  });

  test("environment and secrets: sorted by name, escaped, a JSON key as <arn>:<key>::", () => {
    const app = container("full");
    expect(app.environment).toEqual([
      { name: "APP_NOTE", value: 'say "hi"' },
      { name: "LOG_LEVEL", value: "info" },
      { name: "TOKEN_TTL_SECONDS", value: "900" },
    ]);
    expect(app.secrets).toEqual([
      { name: "APP_SECRET", valueFrom: APP_SECRET },
      { name: "DB_PASSWORD", valueFrom: `${DB_SECRET}:password::` },
    ]);
  });

  test("secrets: the execution role reads exactly them, and decrypts with their key through Secrets Manager", () => {
    const policies = (planOf("full").plan?.resource_changes ?? []).filter(
      (rc) => rc.type === "aws_iam_role_policy",
    ) as unknown as Array<{ address: string; change: { after: { name: string; policy: string } } }>;
    const read = policies.find((p) => p.change.after.name === "read-secrets");
    expect(read?.address).toMatch(/\[0\]$/);
    const statements = JSON.parse(String(read?.change.after.policy)).Statement;
    expect(statements).toEqual([
      {
        Sid: "ReadSecrets",
        Effect: "Allow",
        Action: "secretsmanager:GetSecretValue",
        Resource: [APP_SECRET, DB_SECRET],
      },
      {
        Sid: "DecryptSecrets",
        Effect: "Allow",
        Action: "kms:Decrypt",
        Resource: [KMS_KEY],
        Condition: { StringEquals: { "kms:ViaService": "secretsmanager.eu-west-1.amazonaws.com" } },
      },
    ]);
  });

  test("a load balancer, autoscaling and ECS Exec each add what they need", () => {
    const service = planned("full", "aws_ecs_service");
    expect(service.load_balancer).toEqual([
      expect.objectContaining({
        target_group_arn: TARGET_GROUP,
        container_name: "app",
        container_port: 8080,
      }),
    ]);
    expect(service).toMatchObject({
      health_check_grace_period_seconds: 60,
      desired_count: 2,
      enable_execute_command: true,
    });
    expect(planned("full", "aws_appautoscaling_target")).toMatchObject({ min_capacity: 2, max_capacity: 4 });
    expect(plannedOfType(planOf("full"), "aws_appautoscaling_policy")).toHaveLength(2);
    expect(planned("full", "aws_ecs_task_definition")).toMatchObject({ cpu: "512", memory: "2048" });
    expect(container("full").mountPoints).toHaveLength(3);
    const policies = plannedOfType(planOf("full"), "aws_iam_role_policy");
    expect(policies.filter((address) => address.includes("execute-command"))).toHaveLength(1);
  });
});

describe("capacity provider strategy and CPU architecture", () => {
  test("no strategy: the FARGATE launch type, no capacity providers associated", () => {
    const service = planned("default", "aws_ecs_service");
    expect(service.launch_type).toBe("FARGATE");
    expect(service.capacity_provider_strategy).toEqual([]);
    expect(plannedOfType(planOf("default"), "aws_ecs_cluster_capacity_providers")).toEqual([]);
    expect(planned("default", "aws_ecs_task_definition").runtime_platform).toEqual([
      { operating_system_family: "LINUX", cpu_architecture: "X86_64" },
    ]);
  });

  test("a strategy: the service runs by it (no launch type), the created cluster gets both providers", () => {
    const service = planned("spot", "aws_ecs_service");
    expect(service.launch_type ?? null).toBeNull();
    expect(service.force_new_deployment).toBe(true);
    expect(service.capacity_provider_strategy).toEqual(
      expect.arrayContaining([
        { capacity_provider: "FARGATE", base: 1, weight: 0 },
        { capacity_provider: "FARGATE_SPOT", base: 0, weight: 1 },
      ]),
    );
    expect(planned("spot", "aws_ecs_cluster_capacity_providers")).toMatchObject({
      capacity_providers: ["FARGATE", "FARGATE_SPOT"],
      cluster_name: "payments-dev-cluster",
    });
  });

  test("ARM64: the task definition's runtime platform", () => {
    expect(planned("arm", "aws_ecs_task_definition").runtime_platform).toEqual([
      { operating_system_family: "LINUX", cpu_architecture: "ARM64" },
    ]);
  });
});

describe("a wrong value fails the plan naming the variable", () => {
  test.each([
    ["armSpot", "capacity_provider_strategy: FARGATE_SPOT runs only X86_64 tasks"],
    ["armSpot", "capacity_provider_strategy: a capacity provider is listed twice"],
    ["badSizes", "memory: must be a size Fargate pairs with the cpu (256 → 512, 1024, 2048;"],
    ["badSizes", "container_port: must be 1024–65535"],
    ["badSizes", "image: must be an ECR image"],
    ["badSecrets", "environment: a name that looks like a secret"],
    ["badSecrets", 'image: "latest" names no particular image'],
    ["badSecrets", "autoscaling: max_count must be a whole number from min_count to 1000"],
  ] as const)("%s: %s", (name, message) => {
    const result = planOf(name);
    expect(result.ok).toBe(false);
    expect(result.errors.join("\n")).toContain("Invalid value for variable");
    expect(result.errors.join("\n")).toContain(message);
  });

  test("the value of a secret-looking variable is never echoed", () => {
    expect(planOf("badSecrets").errors.join("\n")).not.toContain("hunter2");
  });
});
