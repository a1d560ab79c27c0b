import { LbListenerRule } from "@cdktf/provider-aws/lib/lb-listener-rule/index.js";
import { SecretsmanagerSecret } from "@cdktf/provider-aws/lib/secretsmanager-secret/index.js";
import { TerraformLocal, TerraformVariable, Token } from "cdktf";
import { describe, expect, test } from "vitest";
import { Bucket } from "../storage/bucket.js";
import {
  policy,
  type ResourceConfig,
  type Synthesised,
  synthesise,
  testNaming,
} from "../testing/synthesised.js";
import {
  SPOT_ARM64_RULE,
  STRATEGY_ONE_BASE_RULE,
  STRATEGY_WEIGHT_RULE,
  tasksPerProvider,
} from "./capacity.js";
import { Cluster } from "./cluster.js";
import { FargateService } from "./fargate-service.js";
import type { FargateServiceProps } from "./fargate-service-props.js";
import { ContainerRepository } from "./repository.js";

const dbSecretArn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:acme-test-db-AbCdEf";
const kmsKey = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const targetGroupArn =
  "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/acme-test-app/0123456789abcdef";
const boundaryArn = "arn:aws:iam::123456789012:policy/acme-bootstrap-workload-boundary";
const requestLabel = "app/acme-test-alb/0123456789abcdef/targetgroup/acme-test-app/0123456789abcdef";
const previewRepository = {
  repositoryUrl: "123456789012.dkr.ecr.us-east-1.amazonaws.com/acme-dev-app",
  repositoryArn: "arn:aws:ecr:us-east-1:123456789012:repository/acme-dev-app",
};
const previewCluster = {
  clusterArn: "arn:aws:ecs:us-east-1:123456789012:cluster/acme-dev-cluster",
  clusterName: "acme-dev-cluster",
};

/** The smallest valid props, with plain references (as a preview stack passes them). */
const minimal: FargateServiceProps = {
  naming: testNaming,
  cluster: previewCluster,
  repository: previewRepository,
  imageTag: "3f2c1a9",
  vpcId: "vpc-0abc",
  subnetIds: ["subnet-a", "subnet-b"],
};
const build = (overrides: Partial<FargateServiceProps>) =>
  synthesise((scope) => {
    new FargateService(scope, "service", { ...minimal, ...overrides });
  });

const defaults = synthesise((scope) => {
  const repository = new ContainerRepository(scope, "repo", { naming: testNaming });
  const cluster = new Cluster(scope, "cluster", { naming: testNaming });
  new FargateService(scope, "service", { ...minimal, cluster, repository });
});

const options = synthesise((scope) => {
  const repository = new ContainerRepository(scope, "repo", { naming: testNaming });
  const cluster = new Cluster(scope, "cluster", { naming: testNaming });
  const appSecret = new SecretsmanagerSecret(scope, "app-secret", { name: "acme-test-app" });
  const listenerRule = new LbListenerRule(scope, "listener-rule", {
    listenerArn: "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/acme-test-alb/0123/4567",
    action: [{ type: "forward", targetGroupArn }],
    condition: [{ hostHeader: { values: ["app.example.com"] } }],
  });
  const service = new FargateService(scope, "service", {
    ...minimal,
    cluster,
    repository,
    imageTag: "v1.2.3",
    cpu: 512,
    memoryMiB: 1024,
    cpuArchitecture: "ARM64",
    desiredCount: 3,
    containerPort: 8080,
    healthCheckPath: "/health",
    user: "node",
    stopTimeoutSeconds: 45,
    assignPublicIp: true,
    environment: {
      NODE_ENV: "production",
      DATABASE_SECRET_ARN: dbSecretArn,
      APP_SECRET_ARN: appSecret.arn,
      TOKEN_TTL_SECONDS: "900",
    },
    secrets: {
      DATABASE_PASSWORD: { secretArn: dbSecretArn, jsonKey: "password" },
      DATABASE_USER: { secretArn: dbSecretArn, jsonKey: "username" },
      APP_SECRET: { secretArn: appSecret.arn, kmsKeyArn: kmsKey },
    },
    logRetentionDays: 90,
    loadBalancer: {
      targetGroupArn,
      requestCountResourceLabel: requestLabel,
      healthCheckGracePeriodSeconds: 120,
      dependsOn: [listenerRule],
    },
    autoscaling: { minCount: 2, maxCount: 6, cpuTargetPercent: 70, requestsPerTarget: 400 },
    migration: { command: ["node", "dist/migrate/deploy.js"] },
    deploymentMinHealthyPercent: 50,
    deploymentMaxPercent: 150,
    enableExecuteCommand: true,
    permissionsBoundaryArn: boundaryArn,
  });
  service.allowFrom({ id: "sg-alb" });
  service.allowFrom(
    { id: "sg-preview-alb" },
    { description: "preview load balancer to the service", egressOnSource: false },
  );
  service.grantReadSecret(dbSecretArn);
  service.grantReadSecret(dbSecretArn);
  new Bucket(scope, "uploads", { naming: testNaming, purpose: "uploads" }).grantReadWrite(service.taskRole);
});

const preview = synthesise((scope) => {
  new FargateService(scope, "service", {
    ...minimal,
    naming: testNaming.withEnvironment("pr-42"),
    imageTag: "pr-42-3f2c1a9",
    desiredCount: 1,
    additionalSecurityGroupIds: ["sg-shared-previews"],
  });
});

function taskDefinition(s: Synthesised, family: string): ResourceConfig {
  const found = s.list("aws_ecs_task_definition").find((t) => t.family === family);
  if (!found) throw new Error(`no task definition ${family}`);
  return found;
}
function container(s: Synthesised, family: string): Record<string, unknown> {
  return (
    JSON.parse(String(taskDefinition(s, family).container_definitions)) as Record<string, unknown>[]
  )[0]!;
}
/** The statements of the inline policies on a role (`execution-role` or `task-role`). */
function statementsOf(s: Synthesised, role: "execution-role" | "task-role") {
  return s
    .list("aws_iam_role_policy")
    .filter((p) => String(p.role).includes(`_${role}_`))
    .flatMap((p) => policy(p.policy).Statement);
}
function trustOf(s: Synthesised, role: "execution-role" | "task-role") {
  const [name, config] = Object.entries(s.resources("aws_iam_role")).find(([n]) => n.includes(`_${role}_`))!;
  return { name, statements: policy(config.assume_role_policy).Statement };
}

describe("task definition: secure defaults", () => {
  test("Fargate, awsvpc, 256 CPU / 512 MiB on X86_64 Linux, family <project>-<env>-app", () => {
    expect(taskDefinition(defaults, "acme-test-app")).toMatchObject({
      requires_compatibilities: ["FARGATE"],
      network_mode: "awsvpc",
      cpu: "256",
      memory: "512",
      runtime_platform: { operating_system_family: "LINUX", cpu_architecture: "X86_64" },
    });
  });

  test("the container runs as uid 1000, not privileged, with a read-only root and every capability dropped", () => {
    const c = container(defaults, "acme-test-app");
    expect(c).toMatchObject({ user: "1000:1000", readonlyRootFilesystem: true, privileged: false });
    expect(c.linuxParameters).toEqual({ capabilities: { drop: ["ALL"] }, initProcessEnabled: true });
  });

  test("/tmp is a writable task-storage volume", () => {
    expect(taskDefinition(defaults, "acme-test-app").volume).toEqual([{ name: "tmp" }]);
    expect(container(defaults, "acme-test-app").mountPoints).toEqual([
      { sourceVolume: "tmp", containerPath: "/tmp", readOnly: false },
    ]);
  });

  test("SIGKILL comes 30 s after SIGTERM, after the service's own 28 s shutdown deadline", () => {
    expect(container(defaults, "acme-test-app").stopTimeout).toBe(30);
  });

  test("the health check fetches /healthz on the container port with node, not curl", () => {
    const check = container(defaults, "acme-test-app").healthCheck as { command: string[] };
    expect(check.command.slice(0, 3)).toEqual(["CMD", "node", "-e"]);
    expect(check.command[3]).toContain("fetch('http://127.0.0.1:3000/healthz'");
    expect(check).toMatchObject({ interval: 15, timeout: 5, retries: 3 });
  });

  test("the image is the repository URL with the tag, and the port is mapped over TCP", () => {
    const c = container(defaults, "acme-test-app");
    expect(c.image).toMatch(/^\$\{aws_ecr_repository\.[\w-]+\.repository_url\}:3f2c1a9$/);
    expect(c.portMappings).toEqual([{ containerPort: 3000, hostPort: 3000, protocol: "tcp" }]);
  });

  test("logs go to the service's log group through awslogs, with region and stream prefix", () => {
    const logs = container(defaults, "acme-test-app").logConfiguration as {
      logDriver: string;
      options: Record<string, string>;
    };
    expect(logs.logDriver).toBe("awslogs");
    expect(logs.options).toMatchObject({
      "awslogs-group": expect.stringMatching(/^\$\{aws_cloudwatch_log_group\.[\w-]+\.name\}$/),
      "awslogs-region": "us-east-1",
      "awslogs-stream-prefix": "app",
    });
  });

  test("the log group is /ecs/<project>-<env>-app, kept 30 days", () => {
    expect(defaults.only("aws_cloudwatch_log_group")).toMatchObject({
      name: "/ecs/acme-test-app",
      retention_in_days: 30,
    });
  });

  test("superseded revisions stay registered, so the circuit breaker can roll back to them", () => {
    expect(taskDefinition(defaults, "acme-test-app").skip_destroy).toBe(true);
  });

  test("no environment, no secrets and no migration task definition unless given", () => {
    const c = container(defaults, "acme-test-app");
    expect(c.environment).toEqual([]);
    expect(c.secrets).toEqual([]);
    expect(defaults.list("aws_ecs_task_definition")).toHaveLength(1);
  });
});

describe("service: secure defaults", () => {
  test("runs one task on Fargate LATEST in the given subnets, without public IPs", () => {
    expect(defaults.only("aws_ecs_service")).toMatchObject({
      name: "acme-test-app",
      launch_type: "FARGATE",
      platform_version: "LATEST",
      desired_count: 1,
      network_configuration: {
        subnets: ["subnet-a", "subnet-b"],
        assign_public_ip: false,
        security_groups: [expect.stringMatching(/^\$\{aws_security_group\.[\w-]+\.id\}$/)],
      },
    });
  });

  test("a failed deployment trips the circuit breaker and rolls back; deployments keep 100% up, 200% max", () => {
    expect(defaults.only("aws_ecs_service")).toMatchObject({
      deployment_circuit_breaker: { enable: true, rollback: true },
      deployment_minimum_healthy_percent: 100,
      deployment_maximum_percent: 200,
    });
  });

  test("tags propagate from the service to tasks, with ECS-managed tags; ECS Exec is off", () => {
    expect(defaults.only("aws_ecs_service")).toMatchObject({
      propagate_tags: "SERVICE",
      enable_ecs_managed_tags: true,
      enable_execute_command: false,
    });
  });

  test("the service waits for the execution role's permissions", () => {
    expect(defaults.only("aws_ecs_service").depends_on).toEqual([
      expect.stringMatching(/^aws_iam_role_policy\.[\w-]*execution-policy/),
    ]);
  });

  test("without a load balancer or autoscaling: no target group, no grace period, Terraform owns desired_count", () => {
    const service = defaults.only("aws_ecs_service");
    expect(service.load_balancer).toBeUndefined();
    expect(service.health_check_grace_period_seconds).toBeUndefined();
    expect(service.lifecycle).toBeUndefined();
    expect(defaults.list("aws_appautoscaling_target")).toHaveLength(0);
    expect(defaults.list("aws_appautoscaling_policy")).toHaveLength(0);
  });
});

describe("network: secure defaults", () => {
  test("the task security group starts with no ingress at all", () => {
    expect(defaults.list("aws_vpc_security_group_ingress_rule")).toHaveLength(0);
    expect(defaults.only("aws_security_group")).toMatchObject({
      name: "acme-test-app-tasks",
      vpc_id: "vpc-0abc",
    });
  });

  test("the only egress is HTTPS to anywhere (AWS APIs and ECR; no interface endpoints)", () => {
    expect(defaults.only("aws_vpc_security_group_egress_rule")).toMatchObject({
      ip_protocol: "tcp",
      from_port: 443,
      to_port: 443,
      cidr_ipv4: "0.0.0.0/0",
      description: expect.any(String),
    });
  });
});

describe("roles: least privilege", () => {
  test("both roles can be assumed only by ECS tasks of this account; the task role only in this region", () => {
    for (const role of ["execution-role", "task-role"] as const) {
      const [statement] = trustOf(defaults, role).statements;
      expect(statement).toMatchObject({
        Principal: { Service: "ecs-tasks.amazonaws.com" },
        Action: "sts:AssumeRole",
        Condition: expect.objectContaining({ StringEquals: { "aws:SourceAccount": "123456789012" } }),
      });
    }
    expect(trustOf(defaults, "task-role").statements[0]?.Condition).toMatchObject({
      ArnLike: { "aws:SourceArn": "arn:aws:ecs:us-east-1:123456789012:*" },
    });
  });

  test("the execution role pulls only this repository and writes only this log group", () => {
    expect(statementsOf(defaults, "execution-role")).toEqual([
      { Sid: "EcrLogin", Effect: "Allow", Action: "ecr:GetAuthorizationToken", Resource: "*" },
      {
        Sid: "PullImages",
        Effect: "Allow",
        Action: ["ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage"],
        Resource: expect.stringMatching(/^\$\{aws_ecr_repository\.[\w-]+\.arn\}$/),
      },
      {
        Sid: "WriteLogs",
        Effect: "Allow",
        Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
        Resource: [
          expect.stringMatching(/^\$\{aws_cloudwatch_log_group\.[\w-]+\.arn\}$/),
          expect.stringMatching(/^\$\{aws_cloudwatch_log_group\.[\w-]+\.arn\}:log-stream:\*$/),
        ],
      },
    ]);
  });

  test("the task role has no permissions until another module grants some", () => {
    expect(statementsOf(defaults, "task-role")).toEqual([]);
  });

  test("by default neither role has a permissions boundary", () => {
    for (const role of defaults.list("aws_iam_role")) expect(role.permissions_boundary).toBeUndefined();
  });

  test("permissionsBoundaryArn is the boundary of both the task and the execution role", () => {
    const roles = options.list("aws_iam_role");
    expect(roles.map((r) => [r.name, r.permissions_boundary])).toEqual([
      ["acme-test-app-execution", boundaryArn],
      ["acme-test-app-task", boundaryArn],
    ]);
  });

  test("roles are named <project>-<env>-app-execution and -task", () => {
    expect(defaults.list("aws_iam_role").map((r) => r.name)).toEqual([
      "acme-test-app-execution",
      "acme-test-app-task",
    ]);
  });
});

describe("secrets", () => {
  test("the execution role can read only the given secret ARNs", () => {
    const reads = statementsOf(options, "execution-role").filter((s) =>
      [s.Action].flat().some((a) => String(a).startsWith("secretsmanager:")),
    );
    expect(reads).toEqual([
      {
        Sid: "ReadSecrets",
        Effect: "Allow",
        Action: "secretsmanager:GetSecretValue",
        Resource: [dbSecretArn, expect.stringMatching(/^\$\{aws_secretsmanager_secret\.[\w-]+\.arn\}$/)],
      },
    ]);
  });

  test("a secret's customer-managed key may be used to decrypt only through Secrets Manager", () => {
    expect(statementsOf(options, "execution-role")).toContainEqual({
      Sid: "DecryptSecrets",
      Effect: "Allow",
      Action: "kms:Decrypt",
      Resource: kmsKey,
      Condition: { StringEquals: { "kms:ViaService": "secretsmanager.us-east-1.amazonaws.com" } },
    });
  });

  test("secrets are injected by reference; a JSON key becomes <arn>:<key>::", () => {
    expect(container(options, "acme-test-app").secrets).toEqual([
      {
        name: "APP_SECRET",
        valueFrom: expect.stringMatching(/^\$\{aws_secretsmanager_secret\.[\w-]+\.arn\}$/),
      },
      { name: "DATABASE_PASSWORD", valueFrom: `${dbSecretArn}:password::` },
      { name: "DATABASE_USER", valueFrom: `${dbSecretArn}:username::` },
    ]);
  });

  test("plain variables are written sorted; secret ARNs and unit settings are allowed as plain values", () => {
    expect(container(options, "acme-test-app").environment).toEqual([
      {
        name: "APP_SECRET_ARN",
        value: expect.stringMatching(/^\$\{aws_secretsmanager_secret\.[\w-]+\.arn\}$/),
      },
      { name: "DATABASE_SECRET_ARN", value: dbSecretArn },
      { name: "NODE_ENV", value: "production" },
      { name: "TOKEN_TTL_SECONDS", value: "900" },
    ]);
  });

  test("grantReadSecret lets the task role read exactly that secret, once however often it is called", () => {
    const reads = statementsOf(options, "task-role").filter(
      (s) => s.Action === "secretsmanager:GetSecretValue",
    );
    expect(reads).toEqual([
      { Sid: "ReadSecrets", Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: dbSecretArn },
    ]);
  });

  test.each([
    ["APP_SECRET", "0123456789abcdef0123456789abcdef"],
    ["DB_PASSWORD", "hunter2hunter2"],
    ["GITHUB_TOKEN", "ghp_abcdef"],
    ["STRIPE_API_KEY", "sk_live_abc"],
    ["AWS_SECRET_ACCESS_KEY", "abc/def"],
    ["AWS_ACCESS_KEY_ID", "EXAMPLEKEYID"],
    ["SESSION_SECRET_ARN", "not-an-arn"],
  ])("a plain variable named %s holding a value is refused, without echoing the value", (name, value) => {
    expect(() => build({ environment: { [name]: value } })).toThrow(`compute.service.environment.${name}:`);
    expect(() => build({ environment: { [name]: value } })).not.toThrow(value);
  });

  test.each([
    ["DATABASE_URL", "postgres://app:s3cret@db.internal:5432/app", "a URL with a password"],
    ["UPSTREAM", "AKIAIOSFODNN7EXAMPLE", "an AWS access key id"],
    ["TLS_KEY_PEM", "-----BEGIN RSA PRIVATE KEY-----\nMIIE...", "a private key"],
  ])("a plain variable %s whose value is a credential is refused whatever its name", (name, value, what) => {
    expect(() => build({ environment: { [name]: value } })).toThrow(what);
  });

  test("the migration's own variables are checked like the service's", () => {
    expect(() =>
      build({ migration: { command: ["node", "m.js"], environment: { DB_PASSWORD: "hunter2hunter2" } } }),
    ).toThrow("compute.service.migration.environment.DB_PASSWORD:");
  });

  test("a migration with its own task role gets its own variables, and secrets granted to it alone", () => {
    let service: FargateService | undefined;
    const s = synthesise((scope) => {
      service = new FargateService(scope, "service", {
        ...minimal,
        environment: { MODE: "app", KEEP: "1" },
        migration: {
          command: ["node", "m.js"],
          environment: { MODE: "migrate", KEEP: undefined },
          ownTaskRole: true,
        },
      });
      service.grantReadSecret(dbSecretArn, { to: "migration" });
    });
    const definitions = s.list("aws_ecs_task_definition");
    const env = (d: ResourceConfig) =>
      (JSON.parse(String(d.container_definitions)) as Array<{ environment: unknown }>)[0]?.environment;
    const migrate = definitions.find((d) => String(d.family).endsWith("-migrate"))!;
    const app = definitions.find((d) => !String(d.family).endsWith("-migrate"))!;
    expect(env(app)).toEqual([
      { name: "KEEP", value: "1" },
      { name: "MODE", value: "app" },
    ]);
    expect(env(migrate)).toEqual([{ name: "MODE", value: "migrate" }]);
    expect(migrate.task_role_arn).not.toEqual(app.task_role_arn);
    const grants = s.list("aws_iam_role_policy").filter((p) => String(p.policy).includes(dbSecretArn));
    expect(grants.map((p) => String(p.role))).toEqual([expect.stringContaining("migration-task-role")]);
  });

  test("a grant to the migration alone needs a migration with its own role", () => {
    expect(() =>
      synthesise((scope) => {
        new FargateService(scope, "service", minimal).grantReadSecret(dbSecretArn, { to: "migration" });
      }),
    ).toThrow('compute.service.grantReadSecret.to: "migration" needs a migration task with its own role');
  });

  test("a secret given both as a plain variable and as a secret is refused", () => {
    expect(() =>
      build({ environment: { DB_HOST: "db" }, secrets: { DB_HOST: { secretArn: dbSecretArn } } }),
    ).toThrow("compute.service.secrets.DB_HOST: a name must not also be set in environment");
  });

  test("a wildcard secret ARN is refused: the execution role reads exact secrets only", () => {
    expect(() =>
      build({
        secrets: { DB: { secretArn: "arn:aws:secretsmanager:us-east-1:123456789012:secret:acme-*" } },
      }),
    ).toThrow("compute.service.secrets.DB.secretArn");
  });

  test("a JSON key with ':' is refused (it would break valueFrom)", () => {
    expect(() => build({ secrets: { DB: { secretArn: dbSecretArn, jsonKey: "a:b" } } })).toThrow(
      "compute.service.secrets.DB.jsonKey",
    );
  });
});

describe("options", () => {
  test("CPU, memory, architecture, port, health check path, user and stop timeout are configurable", () => {
    expect(taskDefinition(options, "acme-test-app")).toMatchObject({
      cpu: "512",
      memory: "1024",
      runtime_platform: { cpu_architecture: "ARM64" },
    });
    const c = container(options, "acme-test-app");
    expect(c).toMatchObject({ user: "node", stopTimeout: 45, image: expect.stringMatching(/:v1\.2\.3$/) });
    expect(c.portMappings).toEqual([{ containerPort: 8080, hostPort: 8080, protocol: "tcp" }]);
    expect((c.healthCheck as { command: string[] }).command[3]).toContain("http://127.0.0.1:8080/health'");
  });

  test("an image digest is pulled by digest", () => {
    const digest = `sha256:${"a".repeat(64)}`;
    expect(container(build({ imageTag: digest }), "acme-test-app").image).toBe(
      `${previewRepository.repositoryUrl}@${digest}`,
    );
  });

  test("log retention is configurable", () => {
    expect(options.only("aws_cloudwatch_log_group").retention_in_days).toBe(90);
  });

  test("behind a load balancer: the target group, a grace period, and a wait for the listener rule", () => {
    const service = options.only("aws_ecs_service");
    expect(service.load_balancer).toEqual([
      { target_group_arn: targetGroupArn, container_name: "app", container_port: 8080 },
    ]);
    expect(service.health_check_grace_period_seconds).toBe(120);
    expect(service.depends_on).toContainEqual(expect.stringMatching(/^aws_lb_listener_rule\./));
  });

  test("public IPs, desired count, deployment percentages and ECS Exec are configurable", () => {
    expect(options.only("aws_ecs_service")).toMatchObject({
      desired_count: 3,
      network_configuration: { assign_public_ip: true },
      deployment_minimum_healthy_percent: 50,
      deployment_maximum_percent: 150,
      enable_execute_command: true,
    });
  });

  test("ECS Exec also gets writable SSM agent directories, since the root filesystem stays read-only", () => {
    expect(taskDefinition(options, "acme-test-app").volume).toEqual([
      { name: "tmp" },
      { name: "ssm-state" },
      { name: "ssm-logs" },
    ]);
    expect(container(options, "acme-test-app")).toMatchObject({
      readonlyRootFilesystem: true,
      mountPoints: [
        { sourceVolume: "tmp", containerPath: "/tmp", readOnly: false },
        { sourceVolume: "ssm-state", containerPath: "/var/lib/amazon", readOnly: false },
        { sourceVolume: "ssm-logs", containerPath: "/var/log/amazon", readOnly: false },
      ],
    });
  });

  test("ECS Exec gives the task role the SSM message channels, which take no resource but '*'", () => {
    expect(statementsOf(options, "task-role")).toContainEqual({
      Sid: "EcsExecChannels",
      Effect: "Allow",
      Action: [
        "ssmmessages:CreateControlChannel",
        "ssmmessages:CreateDataChannel",
        "ssmmessages:OpenControlChannel",
        "ssmmessages:OpenDataChannel",
      ],
      Resource: "*",
    });
  });

  test("other modules grant to the task role (bucket.grantReadWrite(service.taskRole))", () => {
    expect(statementsOf(options, "task-role").map((s) => s.Sid)).toEqual(
      expect.arrayContaining(["ListBucket", "Objects"]),
    );
  });
});

describe("allowFrom", () => {
  test("opens the container port, and only it, from each given group", () => {
    const ingress = options.list("aws_vpc_security_group_ingress_rule");
    expect(ingress.map((r) => r.referenced_security_group_id)).toEqual(["sg-alb", "sg-preview-alb"]);
    for (const rule of ingress) {
      expect(rule).toMatchObject({
        ip_protocol: "tcp",
        from_port: 8080,
        to_port: 8080,
        security_group_id: expect.stringMatching(/^\$\{aws_security_group\.[\w-]+\.id\}$/),
        description: expect.any(String),
      });
    }
  });

  test("writes the egress side on the source group unless told the source belongs to another stack", () => {
    const toService = options
      .list("aws_vpc_security_group_egress_rule")
      .filter((r) => r.from_port === 8080)
      .map((r) => r.security_group_id);
    expect(toService).toEqual(["sg-alb"]);
  });
});

describe("autoscaling", () => {
  test("scales the service's desired count between min and max with the service-linked role", () => {
    expect(options.only("aws_appautoscaling_target")).toMatchObject({
      service_namespace: "ecs",
      scalable_dimension: "ecs:service:DesiredCount",
      resource_id: expect.stringMatching(
        /^service\/\$\{aws_ecs_cluster\.[\w-]+\.name\}\/\$\{aws_ecs_service\.[\w-]+\.name\}$/,
      ),
      min_capacity: 2,
      max_capacity: 6,
    });
    expect(options.only("aws_appautoscaling_target").role_arn).toBeUndefined();
  });

  test("tracks average CPU and ALB requests per target", () => {
    const policies = options.list("aws_appautoscaling_policy");
    expect(policies.map((p) => p.target_tracking_scaling_policy_configuration)).toEqual([
      expect.objectContaining({
        target_value: 70,
        predefined_metric_specification: { predefined_metric_type: "ECSServiceAverageCPUUtilization" },
      }),
      expect.objectContaining({
        target_value: 400,
        predefined_metric_specification: {
          predefined_metric_type: "ALBRequestCountPerTarget",
          resource_label: requestLabel,
        },
      }),
    ]);
    for (const p of policies) expect(p.policy_type).toBe("TargetTrackingScaling");
  });

  test("Terraform ignores desired_count so it does not fight the scaler", () => {
    expect(options.only("aws_ecs_service").lifecycle).toEqual({ ignore_changes: ["desired_count"] });
  });

  test("without a request-count label only the CPU policy exists, aiming at 60% by default", () => {
    const s = build({ autoscaling: { minCount: 1, maxCount: 3 } });
    expect(s.only("aws_appautoscaling_policy").target_tracking_scaling_policy_configuration).toMatchObject({
      target_value: 60,
    });
    expect(s.only("aws_ecs_service").desired_count).toBe(1);
  });
});

describe("migration task definition", () => {
  test("runs the same image, environment, secrets and roles with the command overridden", () => {
    const service = container(options, "acme-test-app");
    const migrate = container(options, "acme-test-app-migrate");
    expect(migrate.command).toEqual(["node", "dist/migrate/deploy.js"]);
    for (const key of [
      "image",
      "environment",
      "secrets",
      "user",
      "readonlyRootFilesystem",
      "linuxParameters",
    ]) {
      expect(migrate[key]).toEqual(service[key]);
    }
    const [td, mtd] = [
      taskDefinition(options, "acme-test-app"),
      taskDefinition(options, "acme-test-app-migrate"),
    ];
    expect(mtd.execution_role_arn).toBe(td.execution_role_arn);
    expect(mtd.task_role_arn).toBe(td.task_role_arn);
  });

  test("logs under its own stream prefix, with no port and no health check", () => {
    const migrate = container(options, "acme-test-app-migrate");
    expect(
      (migrate.logConfiguration as { options: Record<string, string> }).options["awslogs-stream-prefix"],
    ).toBe("migrate");
    expect(migrate.portMappings).toBeUndefined();
    expect(migrate.healthCheck).toBeUndefined();
  });
});

describe("preview environments", () => {
  test("run in another stack's cluster and repository, given as plain references, creating neither", () => {
    expect(preview.list("aws_ecs_cluster")).toHaveLength(0);
    expect(preview.list("aws_ecr_repository")).toHaveLength(0);
    expect(preview.only("aws_ecs_service").cluster).toBe(previewCluster.clusterArn);
    expect(container(preview, "acme-pr-42-app").image).toBe(
      `${previewRepository.repositoryUrl}:pr-42-3f2c1a9`,
    );
    expect(statementsOf(preview, "execution-role").find((s) => s.Sid === "PullImages")?.Resource).toBe(
      previewRepository.repositoryArn,
    );
  });

  test("tasks join the extra security groups given, besides their own", () => {
    const groups = (preview.only("aws_ecs_service").network_configuration as { security_groups: string[] })
      .security_groups;
    expect(groups).toEqual([expect.stringMatching(/^\$\{aws_security_group\./), "sg-shared-previews"]);
    expect(
      (defaults.only("aws_ecs_service").network_configuration as { security_groups: string[] })
        .security_groups,
    ).toHaveLength(1);
  });

  test("every name is the preview's own, so it never collides with dev's", () => {
    expect(preview.only("aws_ecs_service").name).toBe("acme-pr-42-app");
    expect(preview.only("aws_cloudwatch_log_group").name).toBe("/ecs/acme-pr-42-app");
    expect(preview.list("aws_iam_role").map((r) => r.name)).toEqual([
      "acme-pr-42-app-execution",
      "acme-pr-42-app-task",
    ]);
  });

  test("a plain cluster name builds the autoscaling resource id", () => {
    expect(
      build({ autoscaling: { minCount: 1, maxCount: 2 } }).only("aws_appautoscaling_target").resource_id,
    ).toMatch(/^service\/acme-dev-cluster\/\$\{aws_ecs_service\.[\w-]+\.name\}$/);
  });
});

test("every log group has a retention", () => {
  const groups = [defaults, options, preview].flatMap((s) => s.list("aws_cloudwatch_log_group"));
  expect(groups.length).toBeGreaterThan(0);
  for (const group of groups) expect(group.retention_in_days).toEqual(expect.any(Number));
});

describe("invalid combinations fail at synth, naming the field", () => {
  test.each<[string, Partial<FargateServiceProps>, string]>([
    ["CPU Fargate does not offer", { cpu: 300 }, "compute.service.cpu"],
    ["memory that does not pair with the CPU", { cpu: 256, memoryMiB: 4096 }, "compute.service.memoryMiB"],
    ["the latest tag", { imageTag: "latest" }, "compute.service.imageTag"],
    ["no subnets", { subnetIds: [] }, "compute.service.subnetIds"],
    ["a privileged port", { containerPort: 80 }, "compute.service.containerPort"],
    [
      "a health check path with quotes",
      { healthCheckPath: "/h');process.exit(0)//" },
      "compute.service.healthCheckPath",
    ],
    ["root by name", { user: "root" }, "compute.service.user"],
    ["root by uid", { user: "0:1000" }, "compute.service.user"],
    [
      "a stop timeout over Fargate's 120 s",
      { stopTimeoutSeconds: 121 },
      "compute.service.stopTimeoutSeconds",
    ],
    ["a retention CloudWatch does not offer", { logRetentionDays: 45 }, "compute.service.logRetentionDays"],
    ["min above max", { autoscaling: { minCount: 3, maxCount: 2 } }, "compute.service.autoscaling.maxCount"],
    [
      "a desired count outside the scaling range",
      { desiredCount: 5, autoscaling: { minCount: 1, maxCount: 2 } },
      "compute.service.desiredCount",
    ],
    [
      "request scaling without a resource label",
      { autoscaling: { minCount: 1, maxCount: 2, requestsPerTarget: 100 } },
      "compute.service.autoscaling.requestsPerTarget",
    ],
    [
      "a malformed resource label",
      { loadBalancer: { targetGroupArn, requestCountResourceLabel: "acme-test-alb/acme-test-app" } },
      "compute.service.loadBalancer.requestCountResourceLabel",
    ],
    [
      "deployment percentages with no room to deploy",
      { deploymentMinHealthyPercent: 100, deploymentMaxPercent: 100 },
      "compute.service.deploymentMaxPercent",
    ],
    ["an empty migration command", { migration: { command: [] } }, "compute.service.migration.command"],
    [
      "a permissions boundary that is not a policy ARN",
      { permissionsBoundaryArn: "acme-bootstrap-workload-boundary" },
      "compute.service.permissionsBoundaryArn",
    ],
  ])("%s", (_, overrides, field) => {
    expect(() => build(overrides)).toThrow(`${field}:`);
  });
});

/**
 * Props given as Terraform references, as the Terraform module (`modules/hcl/compute.ts`) gives its
 * variables: the same resources, with what the values decide written in Terraform.
 */
describe("props given as Terraform references (a module's variables)", () => {
  const atPlan = synthesise((scope) => {
    const variable = (name: string, type: string) => new TerraformVariable(scope, name, { type });
    const optionalPart = (name: string, expression: string) =>
      Token.asAny(new TerraformLocal(scope, name, `\${${expression}}`).fqn);
    new FargateService(scope, "service", {
      ...minimal,
      imageTag: variable("tag", "string").stringValue,
      cpu: variable("cpu", "number").numberValue,
      memoryMiB: variable("memory", "number").numberValue,
      containerPort: variable("port", "number").numberValue,
      stopTimeoutSeconds: variable("stop", "number").numberValue,
      healthCheckPath: variable("path", "string").stringValue,
      user: variable("user", "string").stringValue,
      desiredCount: variable("desired", "number").numberValue,
      additionalSecurityGroupIds: variable("groups", "list(string)").listValue,
      environment: Token.asStringMap(variable("env", "map(string)").value),
      secrets: Token.asAnyMap(variable("secrets", "map(any)").value),
      enableExecuteCommand: variable("exec", "bool").booleanValue as unknown as boolean,
      loadBalancer: optionalPart(
        "lb",
        "{ targetGroupArn = var.tg, healthCheckGracePeriodSeconds = 60, requestCountResourceLabel = var.label }",
      ) as never,
      autoscaling: optionalPart("scaling", "null") as never,
    });
  });
  const definition = taskDefinition(atPlan, "acme-test-app");

  test("the container definition is jsonencode'd: numbers stay numbers, the maps become for expressions", () => {
    const json = String(definition.container_definitions);
    expect(json).toMatch(/^\$\{jsonencode\(\[\{/);
    expect(json).toContain('"portMappings" = [{"containerPort" = var.port, "hostPort" = var.port');
    expect(json).toContain('"stopTimeout" = var.stop');
    expect(json).toContain('"environment" = [ for key, val in var.env: { name = key, value = val }]');
    expect(json).toContain(
      'valueFrom = val.jsonKey == null ? val.secretArn : format("%s:%s::", val.secretArn, val.jsonKey)',
    );
    expect(json).toContain(`fetch('http://127.0.0.1:\${var.port}\${var.path}'`);
    // The hardening does not depend on any variable.
    expect(json).toContain('"readonlyRootFilesystem" = true, "privileged" = false');
    expect(definition).toMatchObject({ cpu: `\${var.cpu}`, memory: `\${var.memory}` });
  });

  test("a tag known only at plan: Terraform picks : or @ for a digest", () => {
    expect(String(definition.container_definitions)).toContain(
      `/acme-dev-app\${startswith(var.tag, "sha256:") ? "@" : ":"}\${var.tag}`,
    );
  });

  test("ECS Exec at plan: its policy is counted, its volumes and mounts chosen in Terraform", () => {
    const exec = atPlan.list("aws_iam_role_policy").find((p) => p.name === "ecs-exec");
    expect(exec?.count).toBe(`\${var.exec ? 1 : 0}`);
    expect(definition.dynamic).toMatchObject({
      volume: { for_each: `\${toset(var.exec ? ["tmp", "ssm-state", "ssm-logs"] : ["tmp"])}` },
    });
    expect(String(definition.container_definitions)).toContain('"mountPoints" = concat([');
  });

  test("secrets at plan: read in a policy of their own, counted, never in the execution policy", () => {
    const startTasks = atPlan.list("aws_iam_role_policy").find((p) => p.name === "start-tasks");
    expect(policy(startTasks?.policy).Statement.map((s) => s.Sid)).toEqual([
      "EcrLogin",
      "PullImages",
      "WriteLogs",
    ]);
    const read = atPlan.list("aws_iam_role_policy").find((p) => p.name === "read-secrets");
    expect(read?.count).toBe(`\${(length(var.secrets) >= 1) ? 1 : 0}`);
    expect(String(read?.policy)).toContain(
      '"Resource" = distinct([ for key, val in var.secrets: val.secretArn])',
    );
    expect(atPlan.only("aws_ecs_service").depends_on).toContain(
      `aws_iam_role_policy.${Object.keys(atPlan.resources("aws_iam_role_policy")).find((n) => n.includes("read-secrets"))}`,
    );
  });

  test("a load balancer at plan: a dynamic block with one entry or none (a null target group), and the grace period only with it", () => {
    const service = atPlan.only("aws_ecs_service");
    expect(service.dynamic).toEqual({
      load_balancer: {
        for_each: `\${toset((local.lb.targetGroupArn == null) ? [] : [local.lb])}`,
        iterator: "each",
        content: {
          target_group_arn: `\${each.value.targetGroupArn}`,
          container_name: "app",
          container_port: `\${var.port}`,
        },
      },
    });
    expect(service.load_balancer).toBeUndefined();
    expect(service.health_check_grace_period_seconds).toBe(
      `\${(local.lb.targetGroupArn == null) ? null : local.lb.healthCheckGracePeriodSeconds}`,
    );
  });

  test("autoscaling at plan: the target and policies are counted; Terraform always ignores desired_count", () => {
    expect(atPlan.only("aws_appautoscaling_target")).toMatchObject({
      count: `\${(local.scaling == null) ? 0 : 1}`,
      min_capacity: `\${local.scaling.minCount}`,
    });
    const policies = atPlan.list("aws_appautoscaling_policy");
    expect(policies.map((p) => p.count)).toEqual([
      `\${(local.scaling == null) ? 0 : 1}`,
      `\${((local.scaling == null) || (local.lb.requestCountResourceLabel == null)) ? 0 : 1}`,
    ]);
    expect(atPlan.only("aws_ecs_service")).toMatchObject({
      desired_count: `\${var.desired}`,
      lifecycle: { ignore_changes: ["desired_count"] },
    });
  });

  test("additional security groups at plan are concatenated to the service's own", () => {
    expect(
      (atPlan.only("aws_ecs_service").network_configuration as { security_groups: string }).security_groups,
    ).toMatch(/^\$\{concat\(\[aws_security_group\.[\w-]+\.id\], var\.groups\)\}$/);
    expect(atPlan.only("aws_security_group").description).toBe(
      `acme-test-app tasks: ingress only from allowed groups on port \${var.port}`,
    );
  });

  test("literal props keep their JSON and blocks (the static path)", () => {
    expect(String(taskDefinition(defaults, "acme-test-app").container_definitions)).toMatch(
      /^\[\{"name":"app"/,
    );
    expect(defaults.only("aws_ecs_service").dynamic).toBeUndefined();
  });
});

describe("cluster", () => {
  test("Container Insights is enabled by default, enhanced or disabled when asked, nothing else", () => {
    const setting = (s: Synthesised) => s.only("aws_ecs_cluster").setting;
    expect(setting(defaults)).toEqual([{ name: "containerInsights", value: "enabled" }]);
    for (const value of ["enhanced", "disabled"] as const) {
      const cluster = synthesise((scope) => {
        new Cluster(scope, "cluster", { naming: testNaming, containerInsights: value });
      });
      expect(setting(cluster)).toEqual([{ name: "containerInsights", value }]);
    }
    expect(() =>
      synthesise((scope) => {
        new Cluster(scope, "cluster", { naming: testNaming, containerInsights: "off" as "enabled" });
      }),
    ).toThrow('compute.cluster.containerInsights: "off" must be one of "enabled", "enhanced", "disabled"');
  });

  test("no capacity providers are associated unless asked (no change for existing clusters)", () => {
    expect(defaults.list("aws_ecs_cluster_capacity_providers")).toHaveLength(0);
  });

  test("capacityProviders associates FARGATE and FARGATE_SPOT, with a default strategy when given", () => {
    const plain = synthesise((scope) => {
      new Cluster(scope, "cluster", { naming: testNaming, capacityProviders: {} });
    });
    const association = plain.only("aws_ecs_cluster_capacity_providers");
    expect(association).toMatchObject({
      capacity_providers: ["FARGATE", "FARGATE_SPOT"],
      cluster_name: expect.stringMatching(/^\$\{aws_ecs_cluster\.[\w-]+\.name\}$/),
    });
    expect(association.default_capacity_provider_strategy).toBeUndefined();
    const withDefault = synthesise((scope) => {
      new Cluster(scope, "cluster", {
        naming: testNaming,
        capacityProviders: { defaultStrategy: [{ capacityProvider: "FARGATE_SPOT", weight: 1 }] },
      });
    });
    expect(withDefault.only("aws_ecs_cluster_capacity_providers").default_capacity_provider_strategy).toEqual(
      [{ capacity_provider: "FARGATE_SPOT", base: 0, weight: 1 }],
    );
    expect(() =>
      synthesise((scope) => {
        new Cluster(scope, "cluster", {
          naming: testNaming,
          capacityProviders: { defaultStrategy: [{ capacityProvider: "FARGATE", weight: 0 }] },
        });
      }),
    ).toThrow(`compute.cluster.capacityProviders.defaultStrategy: ${STRATEGY_WEIGHT_RULE}`);
  });
});

describe("capacity provider strategy and CPU architecture", () => {
  const spot = [{ capacityProvider: "FARGATE_SPOT", weight: 1 }] as const;
  const withStrategy = synthesise((scope) => {
    const cluster = new Cluster(scope, "cluster", { naming: testNaming, capacityProviders: {} });
    new FargateService(scope, "service", {
      ...minimal,
      cluster,
      capacityProviderStrategy: [
        { capacityProvider: "FARGATE", base: 1, weight: 0 },
        { capacityProvider: "FARGATE_SPOT", weight: 3 },
      ],
    });
  });

  test("without a strategy the service keeps the FARGATE launch type and nothing else changes", () => {
    const service = defaults.only("aws_ecs_service");
    expect(service.launch_type).toBe("FARGATE");
    expect(service.capacity_provider_strategy).toBeUndefined();
    expect(service.force_new_deployment).toBeUndefined();
  });

  test("with a strategy: capacity_provider_strategy blocks, no launch_type, in-place updates, after the association", () => {
    const service = withStrategy.only("aws_ecs_service");
    expect(service.launch_type).toBeUndefined();
    expect(service.capacity_provider_strategy).toEqual([
      { capacity_provider: "FARGATE", base: 1, weight: 0 },
      { capacity_provider: "FARGATE_SPOT", base: 0, weight: 3 },
    ]);
    expect(service.force_new_deployment).toBe(true);
    expect(service.depends_on).toContainEqual(
      expect.stringMatching(/^aws_ecs_cluster_capacity_providers\.[\w-]+$/),
    );
  });

  test("a cluster of another stack (a plain reference) adds no dependency", () => {
    const service = build({ capacityProviderStrategy: spot }).only("aws_ecs_service");
    expect(service.capacity_provider_strategy).toEqual([
      { capacity_provider: "FARGATE_SPOT", base: 0, weight: 1 },
    ]);
    expect(JSON.stringify(service.depends_on)).not.toContain("capacity_providers");
  });

  test("ARM64 sets runtime_platform on the service's and the migration's task definitions", () => {
    const arm = build({ cpuArchitecture: "ARM64", migration: { command: ["node", "migrate.js"] } });
    const platforms = arm.list("aws_ecs_task_definition").map((t) => t.runtime_platform);
    expect(platforms).toEqual([
      { operating_system_family: "LINUX", cpu_architecture: "ARM64" },
      { operating_system_family: "LINUX", cpu_architecture: "ARM64" },
    ]);
  });

  test("ARM64 with any Fargate Spot weight or base is refused, citing the limitation", () => {
    expect(() => build({ cpuArchitecture: "ARM64", capacityProviderStrategy: spot })).toThrow(
      `compute.service.capacityProviderStrategy[0].capacityProvider: ${SPOT_ARM64_RULE}`,
    );
    expect(() =>
      build({
        cpuArchitecture: "ARM64",
        capacityProviderStrategy: [
          { capacityProvider: "FARGATE", weight: 1 },
          { capacityProvider: "FARGATE_SPOT", base: 1, weight: 0 },
        ],
      }),
    ).toThrow("capacityProviderStrategy[1].capacityProvider: FARGATE_SPOT runs only X86_64 tasks");
    // ARM64 on on-demand capacity, and Spot with weight 0 and no base, are fine.
    const onDemand = build({
      cpuArchitecture: "ARM64",
      capacityProviderStrategy: [
        { capacityProvider: "FARGATE", base: 2, weight: 1 },
        { capacityProvider: "FARGATE_SPOT", weight: 0 },
      ],
    });
    expect(onDemand.only("aws_ecs_service").capacity_provider_strategy).toHaveLength(2);
  });

  test.each([
    [[], "compute.service.capacityProviderStrategy: give at least one capacity provider"],
    [
      [{ capacityProvider: "EC2", weight: 1 }],
      '[0].capacityProvider: "EC2" must be one of "FARGATE", "FARGATE_SPOT"',
    ],
    [
      [
        { capacityProvider: "FARGATE", weight: 1 },
        { capacityProvider: "FARGATE", weight: 2 },
      ],
      '[1].capacityProvider: "FARGATE" is listed twice',
    ],
    [
      [
        { capacityProvider: "FARGATE", base: 1, weight: 1 },
        { capacityProvider: "FARGATE_SPOT", base: 1, weight: 1 },
      ],
      `[1].base: ${STRATEGY_ONE_BASE_RULE}`,
    ],
    [
      [{ capacityProvider: "FARGATE_SPOT", weight: -1 }],
      "[0].weight: -1 must be a whole number from 0 to 1000",
    ],
    [
      [{ capacityProvider: "FARGATE_SPOT", weight: 1.5 }],
      "[0].weight: 1.5 must be a whole number from 0 to 1000",
    ],
    [
      [{ capacityProvider: "FARGATE", base: -1, weight: 1 }],
      "[0].base: -1 must be a whole number from 0 to 100000",
    ],
    [
      [{ capacityProvider: "FARGATE", base: 2, weight: 0 }],
      `capacityProviderStrategy: ${STRATEGY_WEIGHT_RULE}`,
    ],
  ])("strategy %j is refused", (strategy, message) => {
    expect(() =>
      build({ capacityProviderStrategy: strategy as FargateServiceProps["capacityProviderStrategy"] }),
    ).toThrow(message);
  });

  test("an unknown architecture is refused naming the field", () => {
    expect(() => build({ cpuArchitecture: "arm" as "ARM64" })).toThrow(
      'compute.service.cpuArchitecture: "arm" must be one of "X86_64", "ARM64"',
    );
  });

  test("tasksPerProvider: the base first on its provider, the rest by weight", () => {
    const strategy = [
      { capacityProvider: "FARGATE", base: 1, weight: 1 },
      { capacityProvider: "FARGATE_SPOT", weight: 3 },
    ] as const;
    expect(Object.fromEntries(tasksPerProvider(strategy, 5))).toEqual({ FARGATE: 2, FARGATE_SPOT: 3 });
    expect(Object.fromEntries(tasksPerProvider(strategy, 1))).toEqual({ FARGATE: 1 });
    expect(Object.fromEntries(tasksPerProvider(spot, 2))).toEqual({ FARGATE_SPOT: 2 });
  });
});
