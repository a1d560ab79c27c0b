/**
 * What the workload roles (task, execution, migration and flow-logs roles of every environment and
 * preview) can and cannot do, evaluated offline from the synthesised stacks, each role with its
 * policies and its permissions boundary, with an IAM policy simulator (infra/policy/iam-simulation.ts).
 */

import { testOutdir } from "@aws-platform-kit/modules/testing";
import { Testing } from "cdktf";
import { beforeAll, describe, expect, test } from "vitest";
import { buildApp } from "../app.js";
import { ENVIRONMENT_NAMES, loadEnvironment, parseEnvironment, project } from "../environments/index.js";
import { previewRepository, sharedRepository } from "../environments/project.js";
import {
  ADMIN_POLICY,
  CONTAINER_INSTANCE_MANAGED_POLICIES,
  type Expectation,
  handWrittenRole,
  type Request,
  type SimulatedRole,
  type StackJson,
  SynthesisedIam,
  unexpected,
  userCredentialRequests,
} from "../policy/iam-simulation.js";
import { devOnEc2, EC2_ENVIRONMENT } from "./ec2-environment.js";
import { PlatformStack } from "./platform-stack.js";

const A = project.state.accountId;
const P = project.name;
const PR = 123;
const OTHER_PR = 124;
const PREVIEW_STACK = `preview-pr-${PR}`;
const ENVIRONMENTS = ENVIRONMENT_NAMES;
type Env = (typeof ENVIRONMENTS)[number];
const host = loadEnvironment(project.previews.hostEnvironment).name as Env;

/** dev on ECS container instances (infra/stacks/ec2-environment.ts), built beside the shipped stacks. */
const EC2_ENV = EC2_ENVIRONMENT satisfies Env;
const ec2Input = devOnEc2();

let iam: SynthesisedIam;
beforeAll(async () => {
  const app = buildApp({
    outdir: testOutdir(),
    environments: ENVIRONMENTS.filter((e) => e !== EC2_ENV),
    previews: [{ prNumber: PR, imageTag: "3f2c1a9" }],
  });
  new PlatformStack(app, EC2_ENV, { config: parseEnvironment(EC2_ENV, ec2Input) });
  const stacks = Object.fromEntries(
    app.node.children.map((stack) => [stack.node.id, JSON.parse(Testing.synth(stack as never)) as StackJson]),
  );
  iam = await SynthesisedIam.fromStacks(stacks, { awsManagedPolicies: CONTAINER_INSTANCE_MANAGED_POLICIES });
});

const rows = (who: SimulatedRole, requests: readonly Request[], allowed: boolean): Expectation[] =>
  requests.map((request) => ({ role: who, allowed, ...request }));

/**
 * What a workload (an environment's service, or a preview's) owns and uses, by the kit's names
 * (`<project>-<env>-<thing>`, `<project>-pr-<N>-<thing>`); the first test checks the names against
 * the synthesised stacks.
 */
function workload(stack: string, prefix: string, databaseStack: Env) {
  const r = loadEnvironment(databaseStack).region;
  const db = iam.only(databaseStack, "aws_db_instance");
  const dbArn = iam.attribute(databaseStack, db, "arn");
  const taskDefinition = iam
    .addresses(stack, "aws_ecs_task_definition")
    .find((address) => iam.config(stack, address).family === `${prefix}-app`);
  const containers = taskDefinition
    ? (JSON.parse(String(iam.config(stack, taskDefinition).container_definitions)) as Array<{
        environment?: Array<{ name: string; value: string }>;
      }>)
    : [];
  return {
    stack,
    tags: iam.defaultTags(stack),
    // Looked up when used, so a missing role fails only the tests about it.
    get taskRole() {
      return iam.role(`${prefix}-app-task`);
    },
    get executionRole() {
      return iam.role(`${prefix}-app-execution`);
    },
    get migrationRole() {
      return iam.role(`${prefix}-app-migrate-task`);
    },
    uploads: `arn:aws:s3:::${prefix}-uploads-${A}-${r}`,
    signingKey: `arn:aws:secretsmanager:${r}:${A}:secret:${prefix}/app-signing-key-AbCdEf`,
    /** The database it uses: its own environment's, or for a preview the host's. */
    database: {
      arn: dbArn,
      masterSecret: iam.attribute(databaseStack, db, "master_user_secret[0].secret_arn"),
      dbuser: (user: string) =>
        `arn:aws:rds-db:${r}:${A}:dbuser:${iam.attribute(databaseStack, db, "resource_id")}/${user}`,
    },
    /** The PostgreSQL user the service signs in as through IAM (`DATABASE_IAM_USER` of its task definition). */
    iamUser: containers.flatMap((c) => c.environment ?? []).find((e) => e.name === "DATABASE_IAM_USER")
      ?.value,
  };
}
const environment = (env: Env) => workload(env, `${P}-${env}`, env);
const preview = () => workload(PREVIEW_STACK, `${P}-pr-${PR}`, host);

/** The master secret's request: RDS tags the secret with its instance's ARN. */
const masterSecretOf = (w: ReturnType<typeof workload>): Request => ({
  action: "secretsmanager:GetSecretValue",
  resource: w.database.masterSecret,
  resourceTags: { "aws:rds:primaryDBInstanceArn": w.database.arn },
});
const object = (bucket: string, key: string) => `${bucket}/${key}`;
const objectRequests = (bucket: string, key: string): Request[] => [
  { action: "s3:GetObject", resource: object(bucket, key) },
  { action: "s3:PutObject", resource: object(bucket, key) },
];

describe("the requests these tests make aim at what the stacks really create", () => {
  test("buckets and secrets match the synthesised stacks, and each service names its IAM database user", () => {
    const names = (stack: string, type: string, field: string) =>
      iam.addresses(stack, type).map((a) => String(iam.config(stack, a)[field]));
    for (const w of [...ENVIRONMENTS.map(environment), preview()]) {
      expect(names(w.stack, "aws_s3_bucket", "bucket")).toContain(w.uploads.replace("arn:aws:s3:::", ""));
      expect(names(w.stack, "aws_secretsmanager_secret", "name").map((n) => `${n}-AbCdEf`)).toContain(
        w.signingKey.split(":secret:")[1],
      );
      expect({ stack: w.stack, iamUser: w.iamUser }).toEqual({ stack: w.stack, iamUser: expect.any(String) });
    }
  });
});

describe.each(ENVIRONMENTS)("the %s service", (env) => {
  test("its task role reads and writes its uploads bucket under users/ only", () => {
    const own = environment(env);
    const elsewhere = [
      ...objectRequests(own.uploads, "other/42/avatar.png"),
      ...objectRequests(own.uploads, "avatar.png"),
      ...ENVIRONMENTS.filter((e) => e !== env).flatMap((e) =>
        objectRequests(environment(e).uploads, "users/42/avatar.png"),
      ),
      ...objectRequests(preview().uploads, "users/42/avatar.png"),
    ];
    expect(
      unexpected([
        ...rows(own.taskRole, objectRequests(own.uploads, "users/42/avatar.png"), true),
        ...rows(own.taskRole, elsewhere, false),
      ]),
    ).toEqual([]);
  });

  test("its signing key is read by its execution role (ECS injects it), no other environment's by either role", () => {
    const own = environment(env);
    const read = (resource: string, tags: Record<string, string>): Request => ({
      action: "secretsmanager:GetSecretValue",
      resource,
      resourceTags: tags,
    });
    const othersKeys = [
      ...ENVIRONMENTS.filter((e) => e !== env).map((e) =>
        read(environment(e).signingKey, environment(e).tags),
      ),
      read(preview().signingKey, preview().tags),
    ];
    expect(
      unexpected([
        ...rows(own.executionRole, [read(own.signingKey, own.tags)], true),
        ...rows(own.executionRole, othersKeys, false),
        ...rows(own.taskRole, othersKeys, false),
      ]),
    ).toEqual([]);
  });

  test("only its migration task role reads its database's master secret, and no other environment's", () => {
    const own = environment(env);
    const otherSecrets = ENVIRONMENTS.filter((e) => e !== env).map((e) => masterSecretOf(environment(e)));
    // The service's roles first: they must not read it even before the migration role exists.
    expect(
      unexpected([
        ...rows(own.taskRole, [masterSecretOf(own), ...otherSecrets], false),
        ...rows(own.executionRole, [masterSecretOf(own), ...otherSecrets], false),
      ]),
    ).toEqual([]);
    expect(
      unexpected([
        ...rows(own.migrationRole, [masterSecretOf(own)], true),
        ...rows(own.migrationRole, otherSecrets, false),
      ]),
    ).toEqual([]);
  });

  test("the service signs in to its own database only, as the user its task definition names", () => {
    const own = environment(env);
    const user = own.iamUser ?? "(no DATABASE_IAM_USER in its task definition)";
    const elsewhere = ENVIRONMENTS.filter((e) => e !== env).map((e) => ({
      action: "rds-db:connect",
      resource: environment(e).database.dbuser(user),
    }));
    expect(
      unexpected([
        ...rows(own.taskRole, [{ action: "rds-db:connect", resource: own.database.dbuser(user) }], true),
        ...rows(own.taskRole, elsewhere, false),
      ]),
    ).toEqual([]);
  });
});

describe(`the pr-${PR} preview`, () => {
  const otherPreview = (thing: "uploads" | "signingKey") =>
    preview()[thing].replace(`${P}-pr-${PR}`, `${P}-pr-${OTHER_PR}`);

  test("its task role reads and writes its own uploads bucket under users/ only", () => {
    const p = preview();
    const elsewhere = [
      ...objectRequests(p.uploads, "other/42/avatar.png"),
      ...objectRequests(otherPreview("uploads"), "users/42/avatar.png"),
      ...ENVIRONMENTS.flatMap((e) => objectRequests(environment(e).uploads, "users/42/avatar.png")),
    ];
    expect(
      unexpected([
        ...rows(p.taskRole, objectRequests(p.uploads, "users/42/avatar.png"), true),
        ...rows(p.taskRole, elsewhere, false),
      ]),
    ).toEqual([]);
  });

  test("its execution role reads its own signing key, not the host's or another preview's", () => {
    const p = preview();
    const read = (resource: string, tags: Record<string, string>): Request => ({
      action: "secretsmanager:GetSecretValue",
      resource,
      resourceTags: tags,
    });
    const elsewhere = [
      read(otherPreview("signingKey"), { ...p.tags, PullRequest: String(OTHER_PR) }),
      ...ENVIRONMENTS.map((e) => read(environment(e).signingKey, environment(e).tags)),
    ];
    expect(
      unexpected([
        ...rows(p.executionRole, [read(p.signingKey, p.tags)], true),
        ...rows(p.executionRole, elsewhere, false),
        ...rows(p.taskRole, elsewhere, false),
      ]),
    ).toEqual([]);
  });

  test(`only its migration task role reads the ${host} database's master secret (to create its schema), no other`, () => {
    const p = preview();
    const otherSecrets = ENVIRONMENTS.filter((e) => e !== host).map((e) => masterSecretOf(environment(e)));
    expect(
      unexpected([
        ...rows(p.migrationRole, [masterSecretOf(p)], true),
        ...rows(p.migrationRole, otherSecrets, false),
        ...rows(p.taskRole, [masterSecretOf(p), ...otherSecrets], false),
        ...rows(p.executionRole, [masterSecretOf(p), ...otherSecrets], false),
      ]),
    ).toEqual([]);
  });

  test(`its service signs in to the ${host} database as pr_${PR} only`, () => {
    const p = preview();
    const elsewhere: Request[] = [
      { action: "rds-db:connect", resource: p.database.dbuser(`pr_${OTHER_PR}`) },
      ...(environment(host).iamUser
        ? [{ action: "rds-db:connect", resource: p.database.dbuser(environment(host).iamUser as string) }]
        : []),
      ...ENVIRONMENTS.filter((e) => e !== host).map((e) => ({
        action: "rds-db:connect",
        resource: environment(e).database.dbuser(`pr_${PR}`),
      })),
    ];
    expect(p.iamUser).toBe(`pr_${PR}`);
    expect(
      unexpected([
        ...rows(p.taskRole, [{ action: "rds-db:connect", resource: p.database.dbuser(`pr_${PR}`) }], true),
        ...rows(p.taskRole, elsewhere, false),
      ]),
    ).toEqual([]);
  });
});

describe("every workload role of every stack", () => {
  const workloadRoles = () => iam.roles.filter((r) => r.stack !== "bootstrap");

  test("carries a permissions boundary", () => {
    expect(
      workloadRoles()
        .filter((r) => !r.permissionsBoundary)
        .map((r) => r.name),
    ).toEqual([]);
  });

  test("can create no IAM user, access key or password, and attach no policy to a user", () => {
    const requests = userCredentialRequests(A);
    expect(workloadRoles().length).toBeGreaterThan(0);
    expect(unexpected(workloadRoles().flatMap((r) => rows(r, requests, false)))).toEqual([]);
  });

  test("can change nothing about the platform: no role, service, database, network or key", () => {
    const requests = (stack: string): Request[] => {
      const tags = iam.defaultTags(stack);
      const region = loadEnvironment(stack.startsWith("preview-") ? host : (stack as Env)).region;
      const name = stack.startsWith("preview-") ? `${P}-pr-${PR}` : `${P}-${stack}`;
      const hostName = stack.startsWith("preview-") ? `${P}-${host}` : name;
      const arn = (service: string, rest: string) => `arn:aws:${service}:${region}:${A}:${rest}`;
      return [
        { action: "iam:CreateRole", resource: `arn:aws:iam::${A}:role/${name}-anything`, context: {} },
        { action: "iam:PutRolePolicy", resource: `arn:aws:iam::${A}:role/${name}-app-task` },
        {
          action: "iam:PassRole",
          resource: `arn:aws:iam::${A}:role/${name}-app-task`,
          context: { "iam:PassedToService": "ecs-tasks.amazonaws.com" },
        },
        { action: "sts:AssumeRole", resource: `arn:aws:iam::${A}:role/${P}-bootstrap-ci-apply-prod` },
        {
          action: "ecs:UpdateService",
          resource: arn("ecs", `service/${hostName}-cluster/${name}-app`),
          resourceTags: tags,
        },
        {
          action: "ecs:RegisterTaskDefinition",
          resource: arn("ecs", `task-definition/${name}-app:9`),
          requestTags: tags,
        },
        { action: "rds:DeleteDBInstance", resource: arn("rds", `db:${hostName}-db`), resourceTags: tags },
        {
          action: "ec2:AuthorizeSecurityGroupIngress",
          resource: arn("ec2", "security-group/sg-0123456789abcdef0"),
          resourceTags: tags,
        },
        { action: "s3:PutBucketPolicy", resource: `arn:aws:s3:::${name}-uploads-${A}-${region}` },
        {
          action: "secretsmanager:PutSecretValue",
          resource: arn("secretsmanager", `secret:${name}/app-signing-key-AbCdEf`),
          resourceTags: tags,
        },
        {
          action: "logs:DeleteLogGroup",
          resource: arn("logs", `log-group:/ecs/${name}-app`),
          resourceTags: tags,
        },
      ];
    };
    expect(unexpected(workloadRoles().flatMap((r) => rows(r, requests(r.stack), false)))).toEqual([]);
  });
});

describe(`the ${EC2_ENV} container instances' role (service.compute "ec2")`, () => {
  const OTHER = "staging" satisfies Env;
  const instanceRole = () => iam.role(`${P}-${EC2_ENV}-ec2-instance`);
  /** The most any role under the instance boundary could be granted. */
  const anyInstanceRole = () =>
    handWrittenRole({
      name: `${P}-${EC2_ENV}-anything`,
      accountId: A,
      policies: [ADMIN_POLICY],
      permissionsBoundary: iam.policy(`arn:aws:iam::${A}:policy/${P}-bootstrap-${EC2_ENV}-instance-boundary`),
    });
  const r = loadEnvironment(EC2_ENV).region;
  const arn = (service: string, rest: string, region = r) => `arn:aws:${service}:${region}:${A}:${rest}`;
  const cluster = (env: Env) => arn("ecs", `cluster/${P}-${env}-cluster`, loadEnvironment(env).region);
  const containerInstance = (env: Env) =>
    arn(
      "ecs",
      `container-instance/${P}-${env}-cluster/0123456789abcdef0123456789abcdef`,
      loadEnvironment(env).region,
    );
  const inRegion = { context: { "aws:RequestedRegion": r } };
  /** What the ECS and SSM agents do on an instance of the environment. */
  const agentRequests = (): Request[] => {
    const tags = iam.defaultTags(EC2_ENV);
    return [
      { action: "ecs:DiscoverPollEndpoint", resource: "*", ...inRegion },
      { action: "ecs:RegisterContainerInstance", resource: cluster(EC2_ENV), resourceTags: tags },
      { action: "ecs:Poll", resource: containerInstance(EC2_ENV) },
      { action: "ecs:StartTelemetrySession", resource: containerInstance(EC2_ENV) },
      { action: "ecs:SubmitTaskStateChange", resource: cluster(EC2_ENV), resourceTags: tags },
      { action: "ecs:SubmitContainerStateChange", resource: cluster(EC2_ENV), resourceTags: tags },
      { action: "ecs:UpdateContainerInstancesState", resource: containerInstance(EC2_ENV) },
      { action: "ecs:DeregisterContainerInstance", resource: cluster(EC2_ENV), resourceTags: tags },
      { action: "ec2:DescribeTags", resource: "*", ...inRegion },
      { action: "ecr:GetAuthorizationToken", resource: "*" },
      { action: "ecr:BatchGetImage", resource: sharedRepository().repositoryArn },
      { action: "ecr:GetDownloadUrlForLayer", resource: sharedRepository().repositoryArn },
      {
        action: "logs:PutLogEvents",
        resource: arn("logs", `log-group:/ecs/${P}-${EC2_ENV}-app:log-stream:agent-1`),
      },
      { action: "ssm:UpdateInstanceInformation", resource: arn("ec2", "instance/i-0123456789abcdef0") },
      { action: "ssm:ListInstanceAssociations", resource: arn("ec2", "instance/i-0123456789abcdef0") },
      { action: "ssmmessages:CreateControlChannel", resource: "*" },
      { action: "ssmmessages:OpenDataChannel", resource: "*" },
      { action: "ec2messages:GetMessages", resource: "*" },
    ];
  };
  /** What neither the agents nor anything else on the instances may do. */
  const forbidden = (): Request[] => {
    const tags = iam.defaultTags(EC2_ENV);
    const own = environment(EC2_ENV);
    return [
      {
        action: "ecs:RunTask",
        resource: arn("ecs", `task-definition/${P}-${EC2_ENV}-app:1`),
        requestTags: tags,
        context: { "ecs:cluster": cluster(EC2_ENV) },
      },
      {
        action: "ecs:CreateService",
        resource: arn("ecs", `service/${P}-${EC2_ENV}-cluster/${P}-${EC2_ENV}-other`),
        requestTags: tags,
      },
      {
        action: "ecs:CreateCluster",
        resource: arn("ecs", `cluster/${P}-${EC2_ENV}-other`),
        requestTags: tags,
      },
      {
        action: "ecs:RegisterContainerInstance",
        resource: cluster(OTHER),
        resourceTags: iam.defaultTags(OTHER),
      },
      { action: "ecs:SubmitTaskStateChange", resource: cluster(OTHER), resourceTags: iam.defaultTags(OTHER) },
      { action: "ecs:Poll", resource: containerInstance(OTHER) },
      { action: "ecs:DiscoverPollEndpoint", resource: "*", context: { "aws:RequestedRegion": "eu-west-1" } },
      masterSecretOf(own),
      { action: "secretsmanager:GetSecretValue", resource: own.signingKey, resourceTags: own.tags },
      { action: "ssm:GetParameter", resource: arn("ssm", `parameter/${P}-${EC2_ENV}/app-signing-key`) },
      ...objectRequests(own.uploads, "users/42/avatar.png"),
      { action: "ecr:BatchGetImage", resource: previewRepository().repositoryArn },
      {
        action: "logs:PutLogEvents",
        resource: arn("logs", `log-group:/ecs/${P}-${OTHER}-app:log-stream:agent-1`),
      },
      { action: "iam:CreateRole", resource: `arn:aws:iam::${A}:role/${P}-${EC2_ENV}-anything`, context: {} },
      {
        action: "iam:PassRole",
        resource: `arn:aws:iam::${A}:role/${P}-${EC2_ENV}-app-task`,
        context: { "iam:PassedToService": "ecs-tasks.amazonaws.com" },
      },
      { action: "sts:AssumeRole", resource: `arn:aws:iam::${A}:role/${P}-${EC2_ENV}-app-task` },
      ...userCredentialRequests(A),
    ];
  };

  test("is the stack's instance role: the agents' two AWS managed policies, under the instance boundary", () => {
    expect(instanceRole().permissionsBoundary?.name).toBe(`${P}-bootstrap-${EC2_ENV}-instance-boundary`);
    expect(
      instanceRole()
        .policies.map((p) => p.name)
        .sort(),
    ).toEqual(["AmazonEC2ContainerServiceforEC2Role", "AmazonSSMManagedInstanceCore"]);
  });

  test(`lets the ECS and SSM agents register with ${EC2_ENV}'s cluster, pull its image, write its logs and open sessions`, () => {
    expect(unexpected(rows(instanceRole(), agentRequests(), true))).toEqual([]);
  });

  test(`runs no task, reads no secret, parameter or object, joins no cluster of ${OTHER}, touches no IAM`, () => {
    expect(unexpected(rows(instanceRole(), forbidden(), false))).toEqual([]);
  });

  test("no role under the instance boundary can do more, whatever its policies (administrator access here)", () => {
    expect(
      unexpected([
        ...rows(anyInstanceRole(), agentRequests(), true),
        ...rows(anyInstanceRole(), forbidden(), false),
      ]),
    ).toEqual([]);
  });
});
