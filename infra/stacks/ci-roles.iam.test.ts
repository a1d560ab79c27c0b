/**
 * What the CI roles can and cannot do, evaluated offline from the synthesised bootstrap stack (and
 * the stacks whose resources they must or must not reach) with an IAM policy simulator
 * (infra/policy/iam-simulation.ts). Each table states requests and the decision they must get; a
 * failure lists every row that got the other one, with the statements that decided it.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { testOutdir } from "@aws-platform-kit/modules/testing";
import { expandIamActions } from "@cloud-copilot/iam-expand";
import { Testing } from "cdktf";
import { beforeAll, describe, expect, test } from "vitest";
import { buildApp } from "../app.js";
import { ENVIRONMENT_NAMES, loadEnvironment, parseEnvironment, project } from "../environments/index.js";
import { previewRepository, sharedRepository } from "../environments/project.js";
import {
  ADMIN_POLICY,
  type AssumeExpectation,
  actionData,
  CONTAINER_INSTANCE_MANAGED_POLICIES,
  type Expectation,
  handWrittenRole,
  type Request,
  type SimulatedRole,
  type StackJson,
  SynthesisedIam,
  statementsOf,
  unexpected,
  unexpectedAssumptions,
  userCredentialRequests,
  webIdentity,
} from "../policy/iam-simulation.js";
import { REMOTE_STATE_FIXTURES } from "../terraform/offline-plan.js";
import { devOnEc2, EC2_ENVIRONMENT } from "./ec2-environment.js";
import { PlatformStack } from "./platform-stack.js";

const A = project.state.accountId;
const P = project.name;
const REPO = `repo:${project.github.owner}/${project.github.repository}`;
const PR = 123;
const PREVIEW_STACK = `preview-pr-${PR}`;
const ENVIRONMENTS = ENVIRONMENT_NAMES;
type Env = (typeof ENVIRONMENTS)[number];

const PLAN = `${P}-bootstrap-ci-plan`;
const PREVIEW = `${P}-bootstrap-ci-preview`;
const applyRole = (env: Env) => `${P}-bootstrap-ci-apply-${env}`;
const PREVIEW_BOUNDARY_ARN = `arn:aws:iam::${A}:policy/${P}-bootstrap-preview-workload-boundary`;

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

const role = (name: string) => iam.role(name);
const others = (env: Env) => ENVIRONMENTS.filter((e) => e !== env);
const region = (env: Env) => loadEnvironment(env).region;
const host = loadEnvironment(project.previews.hostEnvironment).name as Env;
const hostFixture = (output: string) =>
  (
    JSON.parse(readFileSync(join(REMOTE_STATE_FIXTURES, `${host}.state.json`), "utf8")) as {
      outputs: Record<string, { value: unknown }>;
    }
  ).outputs[output]?.value;

/** A fixed fake id of `digits` hex digits, different per environment (ids AWS assigns). */
const fakeId = (env: string, digits: number) =>
  Buffer.from(`${env}-${"0".repeat(digits)}`)
    .toString("hex")
    .slice(0, digits);

/**
 * One environment's resources, as the kit names them (`<project>-<env>-<thing>`; the first test
 * checks every name against the synthesised stack), with the tags its provider's default_tags put
 * on them and the ids AWS would give them.
 */
function environment(env: Env) {
  const r = region(env);
  const arn = (service: string, rest: string) => `arn:aws:${service}:${r}:${A}:${rest}`;
  const db = iam.only(env, "aws_db_instance");
  const key = iam.only(env, "aws_kms_key");
  return {
    env,
    tags: iam.defaultTags(env),
    db: arn("rds", `db:${P}-${env}-db`),
    masterSecret: iam.attribute(env, db, "master_user_secret[0].secret_arn"),
    cluster: arn("ecs", `cluster/${P}-${env}-cluster`),
    service: arn("ecs", `service/${P}-${env}-cluster/${P}-${env}-app`),
    taskDefinition: (family: string, revision: number) =>
      arn("ecs", `task-definition/${P}-${env}-${family}:${revision}`),
    uploads: `arn:aws:s3:::${P}-${env}-uploads-${A}-${r}`,
    signingKey: arn("secretsmanager", `secret:${P}-${env}/app-signing-key-AbCdEf`),
    loadBalancer: iam.attribute(env, iam.only(env, "aws_lb"), "arn"),
    logGroup: arn("logs", `log-group:/ecs/${P}-${env}-app`),
    taskRole: `arn:aws:iam::${A}:role/${P}-${env}-app-task`,
    /** The boundary its workload roles carry: what its apply role must put on roles it creates. */
    boundary: iam.role(`${P}-${env}-app-task`).permissionsBoundary?.arn ?? "(none)",
    key: {
      arn: iam.attribute(env, key, "arn"),
      policy: JSON.parse(iam.resolve(env, String(iam.config(env, key).policy))),
    },
    vpc: arn("ec2", `vpc/vpc-${fakeId(env, 17)}`),
    instance: arn("ec2", `instance/i-${fakeId(env, 17)}`),
    securityGroup: arn("ec2", `security-group/sg-${fakeId(env, 17)}`),
    distribution: `arn:aws:cloudfront::${A}:distribution/E${fakeId(env, 13).toUpperCase()}`,
    // The distribution's web ACL is global (CloudFront), kept in us-east-1; the ALB's is regional.
    cdnWebAcl: `arn:aws:wafv2:us-east-1:${A}:global/webacl/${P}-${env}-cdn/${fakeId(env, 8)}-0000-4000-8000-${fakeId(env, 12)}`,
    albWebAcl: arn(
      "wafv2",
      `regional/webacl/${P}-${env}-alb/${fakeId(env, 8)}-0000-4000-8000-${fakeId(env, 12)}`,
    ),
    subnet: `subnet-${fakeId(`${env}-subnet`, 17)}`,
  };
}
type Environment = ReturnType<typeof environment>;

/** Changes and reads a CI role must not make to another environment's resources. */
function writesTo(t: Environment, options: { masterSecret: boolean } = { masterSecret: true }): Request[] {
  const tagged = { resourceTags: t.tags };
  const rdsSecret = { resourceTags: { "aws:rds:primaryDBInstanceArn": t.db } };
  return [
    { action: "rds:DeleteDBInstance", resource: t.db, ...tagged },
    { action: "rds:ModifyDBInstance", resource: t.db, ...tagged },
    { action: "ec2:DeleteVpc", resource: t.vpc, ...tagged },
    { action: "ec2:TerminateInstances", resource: t.instance, ...tagged },
    { action: "ec2:AuthorizeSecurityGroupIngress", resource: t.securityGroup, ...tagged },
    { action: "ec2:DeleteSecurityGroup", resource: t.securityGroup, ...tagged },
    { action: "ecs:UpdateService", resource: t.service, ...tagged, context: { "ecs:cluster": t.cluster } },
    { action: "ecs:DeleteService", resource: t.service, ...tagged, context: { "ecs:cluster": t.cluster } },
    { action: "ecs:RegisterTaskDefinition", resource: t.taskDefinition("app", 42), requestTags: t.tags },
    { action: "s3:DeleteBucket", resource: t.uploads },
    { action: "s3:PutBucketPolicy", resource: t.uploads },
    { action: "s3:GetObject", resource: `${t.uploads}/users/42/avatar.png` },
    { action: "secretsmanager:GetSecretValue", resource: t.signingKey, ...tagged },
    { action: "secretsmanager:DeleteSecret", resource: t.signingKey, ...tagged },
    ...(options.masterSecret
      ? [
          { action: "secretsmanager:GetSecretValue", resource: t.masterSecret, ...rdsSecret },
          { action: "secretsmanager:DeleteSecret", resource: t.masterSecret, ...rdsSecret },
        ]
      : []),
    { action: "elasticloadbalancing:DeleteLoadBalancer", resource: t.loadBalancer, ...tagged },
    {
      action: "iam:PutRolePolicy",
      resource: t.taskRole,
      ...tagged,
      context: { "iam:PermissionsBoundary": t.boundary },
    },
    { action: "logs:DeleteLogGroup", resource: t.logGroup, ...tagged },
    { action: "kms:ScheduleKeyDeletion", resource: t.key.arn, ...tagged, resourcePolicy: t.key.policy },
    { action: "cloudfront:DeleteDistribution", resource: t.distribution, ...tagged },
    { action: "wafv2:DeleteWebACL", resource: t.cdnWebAcl, ...tagged },
    { action: "wafv2:DeleteWebACL", resource: t.albWebAcl, ...tagged },
  ];
}

/** A pull request's preview: what it creates in the host environment. */
function preview() {
  const r = region(host);
  const arn = (service: string, rest: string) => `arn:aws:${service}:${r}:${A}:${rest}`;
  const name = `${P}-pr-${PR}`;
  const hostCluster = `${P}-${host}-cluster`;
  return {
    tags: iam.defaultTags(PREVIEW_STACK),
    cluster: arn("ecs", `cluster/${hostCluster}`),
    service: arn("ecs", `service/${hostCluster}/${name}-app`),
    taskDefinition: (family: string, revision: number) =>
      arn("ecs", `task-definition/${name}-${family}:${revision}`),
    uploads: `arn:aws:s3:::${name}-uploads-${A}-${r}`,
    signingKey: arn("secretsmanager", `secret:${name}/app-signing-key-AbCdEf`),
    logGroup: arn("logs", `log-group:/ecs/${name}-app`),
    targetGroup: arn("elasticloadbalancing", `targetgroup/${name}-app-3000/${fakeId(name, 16)}`),
    securityGroup: arn("ec2", `security-group/sg-${fakeId(name, 17)}`),
    taskRole: `arn:aws:iam::${A}:role/${name}-app-task`,
    boundary: iam.role(`${name}-app-task`).permissionsBoundary?.arn ?? "(none)",
    hostSubnets: hostFixture("service_subnet_ids") as string[],
  };
}

/** Changes a CI role other than the preview role must not make to a preview's resources. */
function writesToPreview(): Request[] {
  const p = preview();
  const tagged = { resourceTags: p.tags };
  return [
    { action: "ecs:UpdateService", resource: p.service, ...tagged, context: { "ecs:cluster": p.cluster } },
    { action: "ecs:DeleteService", resource: p.service, ...tagged, context: { "ecs:cluster": p.cluster } },
    { action: "ecs:RegisterTaskDefinition", resource: p.taskDefinition("app", 2), requestTags: p.tags },
    { action: "s3:DeleteBucket", resource: p.uploads },
    { action: "s3:GetObject", resource: `${p.uploads}/users/42/avatar.png` },
    { action: "secretsmanager:DeleteSecret", resource: p.signingKey, ...tagged },
    { action: "logs:DeleteLogGroup", resource: p.logGroup, ...tagged },
    { action: "elasticloadbalancing:DeleteTargetGroup", resource: p.targetGroup, ...tagged },
    { action: "ec2:DeleteSecurityGroup", resource: p.securityGroup, ...tagged },
    {
      action: "iam:PutRolePolicy",
      resource: p.taskRole,
      ...tagged,
      context: { "iam:PermissionsBoundary": p.boundary },
    },
  ];
}

/** The state bucket and lock table, and a stack's state object and lock items. */
function state() {
  const bucketAddress = iam
    .addresses("bootstrap", "aws_s3_bucket")
    .find((a) => String(iam.config("bootstrap", a).bucket).includes("-tfstate-"));
  const tableAddress = iam
    .addresses("bootstrap", "aws_dynamodb_table")
    .find((a) => String(iam.config("bootstrap", a).name).includes("-tfstate-lock"));
  if (!bucketAddress || !tableAddress) throw new Error("bootstrap: no state bucket or lock table");
  const bucket = iam.attribute("bootstrap", bucketAddress, "bucket");
  const key = (stack: string) => `${P}/${stack}/terraform.tfstate`;
  return {
    bucket: `arn:aws:s3:::${bucket}`,
    table: iam.attribute("bootstrap", tableAddress, "arn"),
    object: (stack: string, suffix = "") => `arn:aws:s3:::${bucket}/${key(stack)}${suffix}`,
    /** The lock table's items of a stack: its lock and its state digest. */
    lockIds: (stack: string) => [`${bucket}/${key(stack)}`, `${bucket}/${key(stack)}-md5`],
  };
}

const rows = (who: SimulatedRole, requests: readonly Request[], allowed: boolean): Expectation[] =>
  requests.map((request) => ({ role: who, allowed, ...request }));

describe("the requests these tests make aim at what the stacks really create", () => {
  test("names, families, buckets, secrets and log groups match the synthesised stacks", () => {
    const names = (stack: string, type: string, field: string) =>
      iam.addresses(stack, type).map((a) => String(iam.config(stack, a)[field]));
    for (const env of ENVIRONMENTS) {
      const t = environment(env);
      const last = (arn: string) => arn.split(/[:/]/).pop();
      expect(names(env, "aws_db_instance", "identifier")).toContain(last(t.db));
      expect(names(env, "aws_ecs_cluster", "name")).toContain(last(t.cluster));
      expect(names(env, "aws_ecs_service", "name")).toContain(last(t.service));
      expect(names(env, "aws_ecs_task_definition", "family")).toEqual(
        expect.arrayContaining([`${P}-${env}-app`, `${P}-${env}-app-migrate`]),
      );
      expect(names(env, "aws_s3_bucket", "bucket")).toContain(t.uploads.replace("arn:aws:s3:::", ""));
      expect(names(env, "aws_secretsmanager_secret", "name")).toContain(`${P}-${env}/app-signing-key`);
      expect(names(env, "aws_cloudwatch_log_group", "name")).toContain(`/ecs/${P}-${env}-app`);
      // One web ACL, CloudFront's (an environment that keeps an internet-facing ALB also gets
      // `<env>-alb`, which the requests above still cover).
      expect(names(env, "aws_wafv2_web_acl", "name")).toEqual([`${P}-${env}-cdn`]);
      expect(t.loadBalancer).toContain(`:loadbalancer/app/${P}-${env}-alb/`);
      expect(t.boundary).toMatch(/^arn:aws:iam::\d{12}:policy\//);
    }
    const p = preview();
    expect(names(PREVIEW_STACK, "aws_ecs_service", "name")).toEqual([`${P}-pr-${PR}-app`]);
    expect(names(PREVIEW_STACK, "aws_s3_bucket", "bucket")).toEqual([p.uploads.replace("arn:aws:s3:::", "")]);
    expect(names(PREVIEW_STACK, "aws_lb_target_group", "name")).toEqual([`${P}-pr-${PR}-app-3000`]);
    expect(p.tags).toMatchObject({ Preview: "true", Environment: `pr-${PR}` });
    expect(p.hostSubnets.length).toBeGreaterThan(0);
  });
});

describe("who can assume the CI roles", () => {
  const provider = () =>
    iam.attribute("bootstrap", iam.only("bootstrap", "aws_iam_openid_connect_provider"), "arn");
  const token = (sub: string, aud = "sts.amazonaws.com") => webIdentity(provider(), { sub, aud });
  const ciRoles = () => [PLAN, PREVIEW, ...ENVIRONMENTS.map(applyRole)];
  const assumable = (sub: string, roles: readonly string[]): AssumeExpectation[] =>
    ciRoles().map((name) => ({ role: role(name), allowed: roles.includes(name), ...token(sub) }));

  test("the bootstrap stack has one apply role per environment, a plan role and a preview role, and no other role GitHub can assume", () => {
    const federated = iam.roles.filter((r) =>
      statementsOf(r.trustPolicy).some((s) => JSON.stringify(s.Principal ?? {}).includes("Federated")),
    );
    expect(federated.map((r) => r.name).sort()).toEqual([...ciRoles()].sort());
  });

  test("each apply role trusts exactly its own environment's subject", () => {
    expect(
      unexpectedAssumptions(
        ENVIRONMENTS.flatMap((env) => assumable(`${REPO}:environment:${env}`, [applyRole(env)])),
      ),
    ).toEqual([]);
  });

  test("the plan and preview roles trust pull requests and the default branch", () => {
    expect(
      unexpectedAssumptions([
        ...assumable(`${REPO}:pull_request`, [PLAN, PREVIEW]),
        ...assumable(`${REPO}:ref:refs/heads/main`, [PLAN, PREVIEW]),
      ]),
    ).toEqual([]);
  });

  test("a pull request's token (any event it triggers, any environment name it declares) assumes no apply role", () => {
    const pullRequestSubjects = [
      `${REPO}:pull_request`,
      `${REPO}:ref:refs/heads/feature/login`,
      `${REPO}:ref:refs/heads/dependabot/npm_and_yarn/express-5.3.1`,
      `${REPO}:ref:refs/pull/7/merge`,
      `${REPO}:ref:refs/pull/7/head`,
      ...["preview", "Dev", "DEV", "prod-2", "production", "staging-old", "dev ", "*", "dev/x", ""].map(
        (name) => `${REPO}:environment:${name}`,
      ),
    ];
    const applyRoles = ENVIRONMENTS.map(applyRole);
    expect(
      unexpectedAssumptions(
        pullRequestSubjects.flatMap((sub) =>
          applyRoles.map((name) => ({ role: role(name), allowed: false, ...token(sub) })),
        ),
      ),
    ).toEqual([]);
  });

  test("an environment name other than exactly dev, staging or prod assumes no role at all", () => {
    const names = ["preview", "Dev", "prod-2", "production", "*", "Prod", "staging "];
    expect(
      unexpectedAssumptions(names.flatMap((name) => assumable(`${REPO}:environment:${name}`, []))),
    ).toEqual([]);
  });

  test("another repository's token assumes no role at all", () => {
    const forks = [
      "repo:evil/platform",
      `repo:${project.github.owner}/${project.github.repository}-fork`,
      `repo:evil/${project.github.repository}`,
      `repo:${project.github.owner}/other`,
    ];
    const events = [
      ":pull_request",
      ":ref:refs/heads/main",
      ...ENVIRONMENTS.map((env) => `:environment:${env}`),
    ];
    expect(
      unexpectedAssumptions(
        forks.flatMap((repo) => events.flatMap((event) => assumable(`${repo}${event}`, []))),
      ),
    ).toEqual([]);
  });

  test("no role accepts a token for another audience, or one from another identity provider", () => {
    const subjects = [
      `${REPO}:pull_request`,
      `${REPO}:ref:refs/heads/main`,
      ...ENVIRONMENTS.map((e) => `${REPO}:environment:${e}`),
    ];
    const gitlab = `arn:aws:iam::${A}:oidc-provider/gitlab.com`;
    const otherAccount = `arn:aws:iam::999999999999:oidc-provider/token.actions.githubusercontent.com`;
    expect(
      unexpectedAssumptions(
        subjects.flatMap((sub) =>
          ciRoles().flatMap((name) => [
            { role: role(name), allowed: false, ...token(sub, "sigstore") },
            { role: role(name), allowed: false, ...token(sub, `https://github.com/${project.github.owner}`) },
            { role: role(name), allowed: false, ...webIdentity(provider(), { sub }) },
            { role: role(name), allowed: false, ...webIdentity(gitlab, { sub, aud: "sts.amazonaws.com" }) },
            {
              role: role(name),
              allowed: false,
              ...webIdentity(otherAccount, { sub, aud: "sts.amazonaws.com" }),
            },
          ]),
        ),
      ),
    ).toEqual([]);
  });
});

describe.each(ENVIRONMENTS)("the %s apply role", (env) => {
  const apply = () => role(applyRole(env));

  // CloudFront's distribution actions take no tag or name condition (Service Authorization
  // Reference), so no apply role can be kept off another environment's distribution within one
  // account: the documented exception (modules/ci-access/README.md, "What an apply role can still
  // reach"), pinned by the next test so that it cannot grow unnoticed.
  const isCdn = (request: Request) => request.action.startsWith("cloudfront:");

  test("can change or delete none of the other environments' resources (CloudFront aside)", () => {
    expect(
      unexpected(
        others(env).flatMap((other) =>
          rows(
            apply(),
            writesTo(environment(other)).filter((r) => !isCdn(r)),
            false,
          ),
        ),
      ),
    ).toEqual([]);
  });

  test("the documented exception: another environment's CloudFront distribution, which IAM cannot scope", () => {
    const cdn = others(env).flatMap((other) => writesTo(environment(other)).filter(isCdn));
    expect(cdn.length).toBeGreaterThan(0);
    expect(unexpected(rows(apply(), cdn, true))).toEqual([]);
  });

  test("cannot move another environment's resources into its own by naming or tagging them", () => {
    const own = environment(env).tags;
    const laundering = others(env).flatMap((other): Request[] => {
      const t = environment(other);
      return [
        { action: "ecs:RegisterTaskDefinition", resource: t.taskDefinition("app", 43), requestTags: own },
        {
          action: "ec2:CreateTags",
          resource: t.vpc,
          resourceTags: t.tags,
          requestTags: { Environment: env },
        },
        {
          action: "ec2:CreateTags",
          resource: t.securityGroup,
          resourceTags: t.tags,
          requestTags: { Environment: env },
        },
        {
          action: "ec2:DeleteTags",
          resource: t.securityGroup,
          resourceTags: t.tags,
          requestTags: { Environment: t.env },
        },
        {
          action: "kms:TagResource",
          resource: t.key.arn,
          resourceTags: t.tags,
          requestTags: { Environment: env },
          resourcePolicy: t.key.policy,
        },
      ];
    });
    expect(unexpected(rows(apply(), laundering, false))).toEqual([]);
  });

  test("can change or delete none of the previews' resources", () => {
    expect(unexpected(rows(apply(), writesToPreview(), false))).toEqual([]);
  });

  test("can do all of that to its own environment's resources", () => {
    // Not the RDS-managed master secret: Terraform never reads or deletes it.
    expect(unexpected(rows(apply(), writesTo(environment(env), { masterSecret: false }), true))).toEqual([]);
  });

  test("publishes its own web front end (deploy.yml's web:publish) and no other environment's", () => {
    const publish = (target: (typeof ENVIRONMENTS)[number]): Request[] => {
      const t = environment(target);
      const assets = `arn:aws:s3:::${P}-${target}-assets-${A}-${region(target)}`;
      return [
        { action: "s3:PutObject", resource: `${assets}/index.html` },
        { action: "s3:PutObject", resource: `${assets}/assets/app-3f2c1a9.js` },
        { action: "cloudfront:CreateInvalidation", resource: t.distribution },
      ];
    };
    expect(unexpected(rows(apply(), publish(env), true))).toEqual([]);
    // Objects in another environment's bucket: refused (its distribution is the CloudFront exception).
    const others = ENVIRONMENTS.filter((other) => other !== env).flatMap((other) =>
      publish(other).filter((request) => request.action === "s3:PutObject"),
    );
    expect(unexpected(rows(apply(), others, false))).toEqual([]);
  });

  test(`pushes to the release repository only if it is the releasing environment's (${project.releases.pushEnvironment}: deploy.yml's first job builds the image), and never to the preview repository`, () => {
    const push = (repository: string): Request[] => [
      { action: "ecr:BatchGetImage", resource: repository },
      { action: "ecr:InitiateLayerUpload", resource: repository },
      { action: "ecr:UploadLayerPart", resource: repository },
      { action: "ecr:CompleteLayerUpload", resource: repository },
      { action: "ecr:PutImage", resource: repository },
    ];
    const releases = env === project.releases.pushEnvironment;
    expect(
      unexpected([
        ...rows(apply(), push(sharedRepository().repositoryArn), releases),
        ...rows(apply(), push(previewRepository().repositoryArn), false),
      ]),
    ).toEqual([]);
  });

  test("runs release:apply's ECS steps on its own service: copy and run the migration, read and set the task count", () => {
    const t = environment(env);
    const cluster = { "ecs:cluster": t.cluster };
    const requests: Request[] = [
      { action: "ecs:DescribeTaskDefinition", resource: "*" },
      {
        action: "ecs:RegisterTaskDefinition",
        resource: t.taskDefinition("app-migrate", 7),
        requestTags: t.tags,
      },
      {
        action: "ecs:RunTask",
        resource: t.taskDefinition("app-migrate", 7),
        resourceTags: t.tags,
        context: cluster,
      },
      { action: "ecs:DescribeServices", resource: t.service, resourceTags: t.tags, context: cluster },
      { action: "ecs:UpdateService", resource: t.service, resourceTags: t.tags, context: cluster },
    ];
    expect(unexpected(rows(apply(), requests, true))).toEqual([]);
  });

  test("creates the front door: a VPC origin carrying its environment's tag, and CloudFront's service-linked role", () => {
    const t = environment(env);
    const otherTags = { Environment: ENVIRONMENTS.find((other) => other !== env) as string };
    const role = (service: string, name: string): Request => ({
      action: "iam:CreateServiceLinkedRole",
      resource: `arn:aws:iam::${A}:role/aws-service-role/${service}/${name}`,
      context: { "iam:AWSServiceName": service },
    });
    expect(
      unexpected([
        ...rows(
          apply(),
          [{ action: "cloudfront:CreateVpcOrigin", resource: "*", requestTags: t.tags }],
          true,
        ),
        ...rows(
          apply(),
          [role("vpcorigin.cloudfront.amazonaws.com", "AWSServiceRoleForCloudFrontVPCOrigin")],
          true,
        ),
        // Untagged, or tagged for another environment: refused.
        ...rows(apply(), [{ action: "cloudfront:CreateVpcOrigin", resource: "*" }], false),
        ...rows(
          apply(),
          [{ action: "cloudfront:CreateVpcOrigin", resource: "*", requestTags: otherTags }],
          false,
        ),
        ...rows(apply(), [role("lambda.amazonaws.com", "AWSServiceRoleForLambda")], false),
      ]),
    ).toEqual([]);
  });

  test("manages its own environment's Parameter Store parameters, and no other environment's", () => {
    const other = ENVIRONMENTS.find((name) => name !== env) as string;
    const parameter = (name: string) =>
      `arn:aws:ssm:${region(env)}:${A}:parameter/${P}-${name}/app-signing-key`;
    const actions = ["ssm:PutParameter", "ssm:GetParameters", "ssm:DeleteParameter", "ssm:AddTagsToResource"];
    expect(
      unexpected([
        ...rows(
          apply(),
          actions.map((action) => ({ action, resource: parameter(env) })),
          true,
        ),
        ...rows(
          apply(),
          actions.map((action) => ({ action, resource: parameter(other) })),
          false,
        ),
        ...rows(apply(), [{ action: "ssm:DescribeParameters", resource: "*" }], true),
      ]),
    ).toEqual([]);
  });

  test("writes its own stack's state and no other stack's", () => {
    const s = state();
    const objects = (stack: string) => [s.object(stack), s.object(stack, ".tflock")];
    const write = (stack: string): Request[] =>
      objects(stack).flatMap((resource) => [
        { action: "s3:PutObject", resource },
        { action: "s3:DeleteObject", resource },
      ]);
    const otherStacks = [...others(env), "bootstrap", `preview/pr-${PR}`];
    expect(
      unexpected([...rows(apply(), write(env), true), ...rows(apply(), otherStacks.flatMap(write), false)]),
    ).toEqual([]);
  });

  test("cannot change the bootstrap stack: its roles, its policies, the state bucket and the lock table", () => {
    const s = state();
    const bootstrapRoles = iam.roles.filter((r) => r.stack === "bootstrap").map((r) => r.arn);
    const bootstrapPolicies = iam
      .addresses("bootstrap", "aws_iam_policy")
      .map((address) => iam.attribute("bootstrap", address, "arn"));
    const own = environment(env);
    const requests: Request[] = [
      ...bootstrapRoles.flatMap((arn): Request[] => [
        { action: "iam:PutRolePolicy", resource: arn },
        { action: "iam:PutRolePolicy", resource: arn, context: { "iam:PermissionsBoundary": own.boundary } },
        {
          action: "iam:AttachRolePolicy",
          resource: arn,
          context: { "iam:PolicyARN": ADMIN_POLICY.arn as string },
        },
        { action: "iam:UpdateAssumeRolePolicy", resource: arn },
        { action: "iam:DeleteRolePolicy", resource: arn },
        { action: "iam:DetachRolePolicy", resource: arn },
        { action: "iam:DeleteRole", resource: arn },
        { action: "iam:TagRole", resource: arn, requestTags: own.tags },
        {
          action: "iam:PassRole",
          resource: arn,
          context: { "iam:PassedToService": "ecs-tasks.amazonaws.com" },
        },
      ]),
      ...bootstrapPolicies.flatMap((arn): Request[] => [
        { action: "iam:CreatePolicyVersion", resource: arn },
        { action: "iam:SetDefaultPolicyVersion", resource: arn },
        { action: "iam:DeletePolicy", resource: arn },
      ]),
      { action: "s3:DeleteBucket", resource: s.bucket },
      { action: "s3:PutBucketPolicy", resource: s.bucket },
      { action: "s3:PutBucketVersioning", resource: s.bucket },
      { action: "s3:PutLifecycleConfiguration", resource: s.bucket },
      { action: "s3:DeleteObjectVersion", resource: s.object(env) },
      { action: "dynamodb:DeleteTable", resource: s.table },
      { action: "dynamodb:UpdateTable", resource: s.table },
    ];
    expect(unexpected(rows(apply(), requests, false))).toEqual([]);
  });
});

describe(`the ${EC2_ENV} apply role applies ECS container instances (service.compute "ec2")`, () => {
  const OTHER = "staging" satisfies Env;
  const ECS_AGENT_POLICY = "arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role";
  const SSM_POLICY = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore";
  const boundaryArn = (kind: "workload" | "instance", env: Env) =>
    `arn:aws:iam::${A}:policy/${P}-bootstrap-${env}-${kind}-boundary`;
  /** What an environment's EC2 capacity is, by the names `Ec2Capacity` gives it. */
  const capacity = (env: Env) => {
    const r = region(env);
    const arn = (service: string, rest: string) => `arn:aws:${service}:${r}:${A}:${rest}`;
    const name = `${P}-${env}-ec2`;
    return {
      env,
      name,
      tags: iam.defaultTags(env),
      group: arn(
        "autoscaling",
        `autoScalingGroup:${fakeId(env, 8)}-0000-4000-8000-${fakeId(env, 12)}:autoScalingGroupName/${name}`,
      ),
      launchTemplate: arn("ec2", `launch-template/lt-${fakeId(env, 17)}`),
      instance: arn("ec2", `instance/i-${fakeId(`${env}-ec2`, 17)}`),
      volume: arn("ec2", `volume/vol-${fakeId(env, 17)}`),
      networkInterface: arn("ec2", `network-interface/eni-${fakeId(env, 17)}`),
      subnet: arn("ec2", `subnet/subnet-${fakeId(env, 17)}`),
      securityGroup: arn("ec2", `security-group/sg-${fakeId(`${env}-ec2`, 17)}`),
      image: `arn:aws:ec2:${r}::image/ami-0123456789abcdef0`,
      role: `arn:aws:iam::${A}:role/${name}-instance`,
      profile: `arn:aws:iam::${A}:instance-profile/${name}-instance`,
      capacityProvider: arn("ecs", `capacity-provider/${name}`),
      cluster: arn("ecs", `cluster/${P}-${env}-cluster`),
    };
  };
  type Capacity = ReturnType<typeof capacity>;
  const apply = () => role(applyRole(EC2_ENV));
  const attach = (roleArn: string, policyArn: string, boundary: string): Request => ({
    action: "iam:AttachRolePolicy",
    resource: roleArn,
    context: { "iam:PolicyARN": policyArn, "iam:PermissionsBoundary": boundary },
  });
  /** Everything its apply makes of the EC2 capacity of `c`, in `c`'s names, tags and boundary. */
  const applyRequests = (c: Capacity): Request[] => {
    const tagged = { resourceTags: c.tags };
    const instanceBoundary = boundaryArn("instance", c.env);
    return [
      {
        action: "iam:CreateRole",
        resource: c.role,
        requestTags: c.tags,
        context: { "iam:PermissionsBoundary": instanceBoundary },
      },
      attach(c.role, ECS_AGENT_POLICY, instanceBoundary),
      attach(c.role, SSM_POLICY, instanceBoundary),
      { action: "iam:CreateInstanceProfile", resource: c.profile, requestTags: c.tags },
      { action: "iam:AddRoleToInstanceProfile", resource: c.profile },
      { action: "iam:PassRole", resource: c.role, context: { "iam:PassedToService": "ec2.amazonaws.com" } },
      { action: "ec2:CreateLaunchTemplate", resource: c.launchTemplate, requestTags: c.tags },
      { action: "autoscaling:CreateAutoScalingGroup", resource: c.group },
      { action: "autoscaling:UpdateAutoScalingGroup", resource: c.group },
      { action: "autoscaling:CreateOrUpdateTags", resource: c.group, requestTags: { Name: c.name } },
      { action: "autoscaling:StartInstanceRefresh", resource: c.group },
      { action: "autoscaling:SetInstanceProtection", resource: c.group },
      { action: "autoscaling:DeleteAutoScalingGroup", resource: c.group },
      // What launching from its template is authorised on (the group checks it on create).
      { action: "ec2:RunInstances", resource: c.launchTemplate, ...tagged },
      { action: "ec2:RunInstances", resource: c.subnet, ...tagged },
      { action: "ec2:RunInstances", resource: c.securityGroup, ...tagged },
      { action: "ec2:RunInstances", resource: c.instance, requestTags: c.tags },
      { action: "ec2:RunInstances", resource: c.volume, requestTags: c.tags },
      { action: "ec2:CreateTags", resource: c.instance, requestTags: c.tags },
      { action: "ecs:CreateCapacityProvider", resource: c.capacityProvider, requestTags: c.tags },
      { action: "ecs:PutClusterCapacityProviders", resource: c.cluster, ...tagged },
      { action: "iam:RemoveRoleFromInstanceProfile", resource: c.profile },
      { action: "iam:DeleteInstanceProfile", resource: c.profile },
    ];
  };

  test("the requests aim at what the stack creates: group, template, role, profile and capacity provider names, the instance boundary", () => {
    const c = capacity(EC2_ENV);
    const name = (type: string) => String(iam.config(EC2_ENV, iam.only(EC2_ENV, type)).name);
    expect(name("aws_autoscaling_group")).toBe(c.name);
    expect(name("aws_launch_template")).toBe(c.name);
    expect(name("aws_ecs_capacity_provider")).toBe(c.name);
    expect(name("aws_iam_instance_profile")).toBe(c.profile.split("/").pop());
    const instanceRole = iam.role(`${c.name}-instance`);
    expect(instanceRole.permissionsBoundary?.arn).toBe(boundaryArn("instance", EC2_ENV));
    expect(instanceRole.policies.map((p) => p.arn).sort()).toEqual([SSM_POLICY, ECS_AGENT_POLICY].sort());
    // Its workload roles keep the workload boundary.
    expect(iam.role(`${P}-${EC2_ENV}-app-task`).permissionsBoundary?.arn).toBe(
      boundaryArn("workload", EC2_ENV),
    );
  });

  test("creates and destroys its own: group, template, instance role and profile, the agents' policies, launching from Amazon's image", () => {
    const c = capacity(EC2_ENV);
    expect(
      unexpected(
        rows(
          apply(),
          [
            ...applyRequests(c),
            { action: "ec2:RunInstances", resource: c.image, context: { "ec2:Owner": "amazon" } },
            { action: "ec2:RunInstances", resource: c.networkInterface },
            {
              action: "iam:CreateServiceLinkedRole",
              resource: `arn:aws:iam::${A}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling`,
              context: { "iam:AWSServiceName": "autoscaling.amazonaws.com" },
            },
            // Reads: the read policy (`*` only).
            { action: "autoscaling:DescribeAutoScalingGroups", resource: "*" },
            { action: "autoscaling:DescribeScalingActivities", resource: "*" },
            { action: "iam:GetInstanceProfile", resource: c.profile },
            { action: "iam:ListInstanceProfilesForRole", resource: c.role },
          ],
          true,
        ),
      ),
    ).toEqual([]);
  });

  test(`does none of it in ${OTHER}'s names or with ${OTHER}'s tags or boundary`, () => {
    const c = capacity(OTHER);
    // Its own profile and group names, but another environment's role: still refused.
    const crossed: Request[] = [
      attach(capacity(EC2_ENV).role, ECS_AGENT_POLICY, boundaryArn("instance", OTHER)),
      {
        action: "iam:CreateRole",
        resource: capacity(EC2_ENV).role,
        requestTags: capacity(EC2_ENV).tags,
        context: { "iam:PermissionsBoundary": boundaryArn("instance", OTHER) },
      },
    ];
    expect(unexpected(rows(apply(), [...applyRequests(c), ...crossed], false))).toEqual([]);
  });

  test("attaches the agents' policies only to a role under its instance boundary, and no other AWS managed policy", () => {
    const c = capacity(EC2_ENV);
    const taskRole = `arn:aws:iam::${A}:role/${P}-${EC2_ENV}-app-task`;
    expect(
      unexpected(
        rows(
          apply(),
          [
            attach(taskRole, ECS_AGENT_POLICY, boundaryArn("workload", EC2_ENV)),
            attach(taskRole, SSM_POLICY, boundaryArn("workload", EC2_ENV)),
            attach(c.role, ECS_AGENT_POLICY, PREVIEW_BOUNDARY_ARN),
            attach(c.role, ADMIN_POLICY.arn as string, boundaryArn("instance", EC2_ENV)),
            attach(c.role, "arn:aws:iam::aws:policy/AmazonSSMFullAccess", boundaryArn("instance", EC2_ENV)),
            {
              action: "iam:AttachRolePolicy",
              resource: c.role,
              context: { "iam:PolicyARN": ECS_AGENT_POLICY },
            },
          ],
          false,
        ),
      ),
    ).toEqual([]);
  });

  test("creates no role without a boundary or with another one, launches no image but Amazon's, passes roles to no other service", () => {
    const c = capacity(EC2_ENV);
    const role = `arn:aws:iam::${A}:role/${P}-${EC2_ENV}-anything`;
    expect(
      unexpected(
        rows(
          apply(),
          [
            { action: "iam:CreateRole", resource: role, requestTags: c.tags, context: {} },
            {
              action: "iam:CreateRole",
              resource: role,
              requestTags: c.tags,
              context: { "iam:PermissionsBoundary": PREVIEW_BOUNDARY_ARN },
            },
            {
              action: "iam:CreateRole",
              resource: role,
              requestTags: c.tags,
              context: { "iam:PermissionsBoundary": boundaryArn("workload", OTHER) },
            },
            { action: "ec2:RunInstances", resource: c.image, context: { "ec2:Owner": "210987654321" } },
            { action: "ec2:RunInstances", resource: c.image, context: { "ec2:Owner": "aws-marketplace" } },
            {
              action: "iam:PassRole",
              resource: c.role,
              context: { "iam:PassedToService": "lambda.amazonaws.com" },
            },
            {
              action: "iam:CreateServiceLinkedRole",
              resource: `arn:aws:iam::${A}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling`,
              context: { "iam:AWSServiceName": "ec2scheduled.amazonaws.com" },
            },
            // The boundaries themselves stay as the bootstrap stack wrote them.
            { action: "iam:CreatePolicyVersion", resource: boundaryArn("instance", EC2_ENV) },
            { action: "iam:DeletePolicy", resource: boundaryArn("instance", OTHER) },
          ],
          false,
        ),
      ),
    ).toEqual([]);
  });

  test("the preview and plan roles can do none of it", () => {
    const c = capacity(EC2_ENV);
    const requests = [
      ...applyRequests(c),
      { action: "ec2:RunInstances", resource: c.image, context: { "ec2:Owner": "amazon" } },
    ].filter((r) => !r.action.startsWith("ec2:RunInstances") || r.resource === c.image);
    expect(
      unexpected([...rows(role(PREVIEW), requests, false), ...rows(role(PLAN), requests, false)]),
    ).toEqual([]);
  });
});

describe("the preview role", () => {
  const previewRole = () => role(PREVIEW);

  test("can change or delete no staging or prod resource", () => {
    const farther = ENVIRONMENTS.filter((env) => env !== host);
    expect(
      unexpected(farther.flatMap((env) => rows(previewRole(), writesTo(environment(env)), false))),
    ).toEqual([]);
  });

  test("cannot tag another environment's resources as a preview's", () => {
    const p = preview();
    const requests = ENVIRONMENTS.flatMap((env): Request[] => {
      const t = environment(env);
      return [
        {
          action: "ecs:TagResource",
          resource: t.service,
          resourceTags: t.tags,
          requestTags: { Preview: "true" },
        },
        {
          action: "ec2:CreateTags",
          resource: t.securityGroup,
          resourceTags: t.tags,
          requestTags: { Preview: "true" },
        },
        {
          action: "iam:TagRole",
          resource: t.taskRole,
          resourceTags: t.tags,
          requestTags: { Preview: "true" },
        },
        {
          action: "elasticloadbalancing:AddTags",
          resource: t.loadBalancer,
          resourceTags: t.tags,
          requestTags: { Preview: p.tags.Preview as string },
        },
      ];
    });
    expect(unexpected(rows(previewRole(), requests, false))).toEqual([]);
  });

  test(`cannot change ${host}'s database in any way`, async () => {
    const t = environment(host);
    const writes = (await expandIamActions("rds:*")).filter((action) => {
      const data = actionData(action);
      return (
        !["Read", "List"].includes(data.accessLevel) && data.resourceTypes.some((rt) => rt.name === "db")
      );
    });
    expect(writes.length).toBeGreaterThan(20);
    expect(
      unexpected(
        rows(
          previewRole(),
          writes.map((action) => ({ action, resource: t.db, resourceTags: t.tags })),
          false,
        ),
      ),
    ).toEqual([]);
  });

  test(`cannot change ${host}'s service`, () => {
    const t = environment(host);
    const p = preview();
    const context = { "ecs:cluster": t.cluster, "ecs:task-definition": p.taskDefinition("app", 1) };
    expect(
      unexpected(
        rows(
          previewRole(),
          [
            { action: "ecs:UpdateService", resource: t.service, resourceTags: t.tags, context },
            {
              action: "ecs:DeleteService",
              resource: t.service,
              resourceTags: t.tags,
              context: { "ecs:cluster": t.cluster },
            },
          ],
          false,
        ),
      ),
    ).toEqual([]);
  });

  test("registers and runs no task definition family but its previews'", () => {
    const p = preview();
    const requests = ENVIRONMENTS.flatMap((env): Request[] => {
      const t = environment(env);
      return ["app", "app-migrate"].flatMap((family): Request[] => [
        { action: "ecs:RegisterTaskDefinition", resource: t.taskDefinition(family, 9), requestTags: p.tags },
        {
          action: "ecs:RunTask",
          resource: t.taskDefinition(family, 3),
          resourceTags: t.tags,
          context: { "ecs:cluster": p.cluster },
        },
      ]);
    });
    expect(unexpected(rows(previewRole(), requests, false))).toEqual([]);
  });

  test("cannot run its service with another environment's task definition", () => {
    const p = preview();
    const otherDefinitions = ENVIRONMENTS.flatMap((env) => [
      environment(env).taskDefinition("app", 3),
      environment(env).taskDefinition("app-migrate", 3),
    ]);
    const requests = otherDefinitions.flatMap((taskDefinition): Request[] => {
      const context = {
        "ecs:cluster": p.cluster,
        "ecs:task-definition": taskDefinition,
        "ecs:subnet": p.hostSubnets,
      };
      return [
        { action: "ecs:CreateService", resource: p.service, requestTags: p.tags, context },
        { action: "ecs:UpdateService", resource: p.service, resourceTags: p.tags, context },
      ];
    });
    expect(unexpected(rows(previewRole(), requests, false))).toEqual([]);
  });

  test(`cannot place its service in a subnet outside ${host}'s VPC`, () => {
    const p = preview();
    const outside = ENVIRONMENTS.filter((env) => env !== host).map((env) => environment(env).subnet);
    const requests = [outside, [...p.hostSubnets, ...outside]].flatMap((subnets): Request[] => {
      const context = {
        "ecs:cluster": p.cluster,
        "ecs:task-definition": p.taskDefinition("app", 1),
        "ecs:subnet": subnets,
      };
      return [
        { action: "ecs:CreateService", resource: p.service, requestTags: p.tags, context },
        { action: "ecs:UpdateService", resource: p.service, resourceTags: p.tags, context },
      ];
    });
    expect(unexpected(rows(previewRole(), requests, false))).toEqual([]);
  });

  test("cannot deregister task definitions: ECS authorises it on no resource, so any grant reaches prod's", () => {
    // ecs:DeregisterTaskDefinition takes no resource or condition (Service Authorization Reference):
    // "of a non-preview family" cannot be asked of IAM; the only safe answer is no grant at all.
    expect(
      unexpected([
        { role: previewRole(), action: "ecs:DeregisterTaskDefinition", resource: "*", allowed: false },
      ]),
    ).toEqual([]);
  });

  test("manages its own preview: service, task definitions, bucket, logs, roles, secret", () => {
    const p = preview();
    const own = {
      "ecs:cluster": p.cluster,
      "ecs:task-definition": p.taskDefinition("app", 1),
      "ecs:subnet": p.hostSubnets,
    };
    const requests: Request[] = [
      { action: "ecs:CreateService", resource: p.service, requestTags: p.tags, context: own },
      { action: "ecs:UpdateService", resource: p.service, resourceTags: p.tags, context: own },
      {
        action: "ecs:DeleteService",
        resource: p.service,
        resourceTags: p.tags,
        context: { "ecs:cluster": p.cluster },
      },
      { action: "ecs:RegisterTaskDefinition", resource: p.taskDefinition("app", 2), requestTags: p.tags },
      {
        action: "ecs:RegisterTaskDefinition",
        resource: p.taskDefinition("app-migrate", 2),
        requestTags: p.tags,
      },
      {
        action: "ecs:RunTask",
        resource: p.taskDefinition("app-migrate", 2),
        resourceTags: p.tags,
        context: { "ecs:cluster": p.cluster },
      },
      { action: "s3:CreateBucket", resource: p.uploads },
      { action: "s3:PutBucketPolicy", resource: p.uploads },
      { action: "s3:DeleteBucket", resource: p.uploads },
      { action: "logs:CreateLogGroup", resource: p.logGroup, requestTags: p.tags },
      { action: "logs:DeleteLogGroup", resource: p.logGroup, resourceTags: p.tags },
      { action: "elasticloadbalancing:CreateTargetGroup", resource: p.targetGroup, requestTags: p.tags },
      { action: "elasticloadbalancing:DeleteTargetGroup", resource: p.targetGroup, resourceTags: p.tags },
      {
        action: "iam:CreateRole",
        resource: p.taskRole,
        requestTags: p.tags,
        context: { "iam:PermissionsBoundary": p.boundary },
      },
      {
        action: "iam:PutRolePolicy",
        resource: p.taskRole,
        resourceTags: p.tags,
        context: { "iam:PermissionsBoundary": p.boundary },
      },
      { action: "iam:DeleteRole", resource: p.taskRole, resourceTags: p.tags },
      {
        action: "iam:PassRole",
        resource: p.taskRole,
        context: { "iam:PassedToService": "ecs-tasks.amazonaws.com" },
      },
      { action: "secretsmanager:CreateSecret", resource: p.signingKey, requestTags: p.tags },
      { action: "secretsmanager:DeleteSecret", resource: p.signingKey, resourceTags: p.tags },
    ];
    expect(unexpected(rows(previewRole(), requests, true))).toEqual([]);
  });

  test("takes and releases state locks only for preview stacks", () => {
    const s = state();
    const lockWrites = (stack: string): Request[] => [
      { action: "s3:PutObject", resource: s.object(stack, ".tflock") },
      { action: "s3:DeleteObject", resource: s.object(stack, ".tflock") },
      ...s.lockIds(stack).flatMap((id): Request[] => [
        { action: "dynamodb:PutItem", resource: s.table, context: { "dynamodb:LeadingKeys": [id] } },
        { action: "dynamodb:DeleteItem", resource: s.table, context: { "dynamodb:LeadingKeys": [id] } },
      ]),
    ];
    expect(
      unexpected([
        ...rows(previewRole(), lockWrites(`preview/pr-${PR}`), true),
        ...rows(previewRole(), [...ENVIRONMENTS, "bootstrap"].flatMap(lockWrites), false),
      ]),
    ).toEqual([]);
  });

  test("a role it creates, whatever its policies, reaches no other environment and signs in to no database but previews' own", () => {
    const boundary = iam.policy(preview().boundary);
    const worst = handWrittenRole({
      name: `${P}-pr-${PR}-anything`,
      accountId: A,
      policies: [ADMIN_POLICY],
      permissionsBoundary: boundary,
    });
    const hostDb = environment(host);
    const dbuser = (resourceId: string, user: string) =>
      `arn:aws:rds-db:${region(host)}:${A}:dbuser:${resourceId}/${user}`;
    const resourceId = (env: Env) => iam.attribute(env, iam.only(env, "aws_db_instance"), "resource_id");
    const denied: Request[] = [
      ...ENVIRONMENTS.filter((env) => env !== host).map((env) => ({
        action: "rds-db:connect",
        resource: dbuser(resourceId(env), `pr_${PR}`),
      })),
      ...ENVIRONMENTS.flatMap((env): Request[] => {
        const t = environment(env);
        return [
          { action: "s3:GetObject", resource: `${t.uploads}/users/42/avatar.png` },
          { action: "secretsmanager:GetSecretValue", resource: t.signingKey, resourceTags: t.tags },
        ];
      }),
      ...ENVIRONMENTS.filter((env) => env !== host).map((env): Request => {
        const t = environment(env);
        return {
          action: "secretsmanager:GetSecretValue",
          resource: t.masterSecret,
          resourceTags: { "aws:rds:primaryDBInstanceArn": t.db },
        };
      }),
    ];
    const allowed: Request[] = [
      { action: "rds-db:connect", resource: dbuser(resourceId(host), `pr_${PR}`) },
      // Previews' migrations create their schema and role with the host database's master secret.
      {
        action: "secretsmanager:GetSecretValue",
        resource: hostDb.masterSecret,
        resourceTags: { "aws:rds:primaryDBInstanceArn": hostDb.db },
      },
      { action: "s3:GetObject", resource: `${preview().uploads}/users/42/avatar.png` },
    ];
    expect(unexpected([...rows(worst, denied, false), ...rows(worst, allowed, true)])).toEqual([]);
  });
});

describe("the plan role", () => {
  const plan = () => role(PLAN);

  test("is allowed nothing but reads and lists (every wildcard expanded)", async () => {
    const writes: string[] = [];
    for (const policy of plan().policies) {
      for (const [i, statement] of statementsOf(policy.document).entries()) {
        if (statement.Effect !== "Allow") continue;
        const at = `${policy.name}#${statement.Sid || i + 1}`;
        if (statement.NotAction !== undefined) {
          writes.push(`${at}: NotAction allows every action it does not list`);
          continue;
        }
        const patterns = [statement.Action ?? []].flat() as string[];
        for (const action of await expandIamActions(patterns, { expandAsterisk: true })) {
          const level = actionData(action).accessLevel;
          if (level !== "Read" && level !== "List") writes.push(`${at}: ${action} (${level})`);
        }
      }
    }
    expect(writes).toEqual([]);
  });

  test("takes no state lock, in the bucket or in the lock table", () => {
    const s = state();
    const stacks = [...ENVIRONMENTS, "bootstrap", `preview/pr-${PR}`];
    const requests = stacks.flatMap((stack): Request[] => [
      { action: "s3:PutObject", resource: s.object(stack, ".tflock") },
      { action: "s3:DeleteObject", resource: s.object(stack, ".tflock") },
      ...s.lockIds(stack).flatMap((id): Request[] => [
        { action: "dynamodb:PutItem", resource: s.table, context: { "dynamodb:LeadingKeys": [id] } },
        { action: "dynamodb:DeleteItem", resource: s.table, context: { "dynamodb:LeadingKeys": [id] } },
      ]),
    ]);
    expect(unexpected(rows(plan(), requests, false))).toEqual([]);
  });

  test("reads every stack's state", () => {
    const s = state();
    expect(
      unexpected(
        rows(
          plan(),
          ENVIRONMENTS.map((env) => ({ action: "s3:GetObject", resource: s.object(env) })),
          true,
        ),
      ),
    ).toEqual([]);
  });
});

describe("roles and users", () => {
  const ciRoleNames = () => [PLAN, PREVIEW, ...ENVIRONMENTS.map(applyRole)];

  test("no CI role, and no role a CI role may create, can create IAM users, their keys or passwords", () => {
    const requests = userCredentialRequests(A);
    const boundaries = [
      ...new Set(iam.roles.flatMap((r) => (r.permissionsBoundary?.arn ? [r.permissionsBoundary.arn] : []))),
    ];
    const underBoundaries = boundaries.map((arn) =>
      handWrittenRole({
        name: `${P}-admin-under-${arn.split("/").pop()}`,
        accountId: A,
        policies: [ADMIN_POLICY],
        permissionsBoundary: iam.policy(arn),
      }),
    );
    expect(boundaries.length).toBeGreaterThan(0);
    expect(
      unexpected(
        [...ciRoleNames().map(role), ...underBoundaries].flatMap((who) => rows(who, requests, false)),
      ),
    ).toEqual([]);
  });

  test("no CI role creates, grants or re-trusts a role without its own boundary (an apply role: its environment's workload or instance boundary)", () => {
    const instanceBoundaryOf = (env: Env) =>
      `arn:aws:iam::${A}:policy/${P}-bootstrap-${env}-instance-boundary`;
    const boundaries = [
      ...new Set([
        ...iam.roles.flatMap((r) => (r.permissionsBoundary?.arn ? [r.permissionsBoundary.arn] : [])),
        ...ENVIRONMENTS.map(instanceBoundaryOf),
      ]),
    ];
    // The role each CI role could otherwise manage, with the boundary it must carry.
    const targets: Array<{
      ci: string;
      role: string;
      tags: Record<string, string>;
      boundary: string;
      alsoAllowed?: string;
    }> = [
      ...ENVIRONMENTS.map((env) => {
        const t = environment(env);
        return {
          ci: applyRole(env),
          role: t.taskRole,
          tags: t.tags,
          boundary: t.boundary,
          alsoAllowed: instanceBoundaryOf(env),
        };
      }),
      { ci: PREVIEW, role: preview().taskRole, tags: preview().tags, boundary: preview().boundary },
      {
        ci: PLAN,
        role: environment(host).taskRole,
        tags: environment(host).tags,
        boundary: environment(host).boundary,
      },
    ];
    const requests = (target: (typeof targets)[number], boundary: string | undefined): Request[] => {
      const context: Record<string, string> = boundary ? { "iam:PermissionsBoundary": boundary } : {};
      return [
        { action: "iam:CreateRole", resource: target.role, requestTags: target.tags, context },
        { action: "iam:PutRolePolicy", resource: target.role, resourceTags: target.tags, context },
        {
          action: "iam:AttachRolePolicy",
          resource: target.role,
          resourceTags: target.tags,
          context: { ...context, "iam:PolicyARN": `arn:aws:iam::${A}:policy/${P}-anything` },
        },
        { action: "iam:UpdateAssumeRolePolicy", resource: target.role, resourceTags: target.tags, context },
      ];
    };
    const wrongBoundaries = (own: readonly string[]) => [
      undefined,
      ADMIN_POLICY.arn as string,
      ...boundaries.filter((arn) => !own.includes(arn)),
    ];
    expect(boundaries.length).toBeGreaterThan(ENVIRONMENTS.length * 2);
    expect(
      unexpected(
        targets.flatMap((target) =>
          wrongBoundaries([target.boundary, ...(target.alsoAllowed ? [target.alsoAllowed] : [])]).flatMap(
            (boundary) => rows(role(target.ci), requests(target, boundary), false),
          ),
        ),
      ),
    ).toEqual([]);
  });

  test("the apply and preview roles do create and grant roles with their own workload boundary", () => {
    const cases = [
      ...ENVIRONMENTS.map((env) => ({ ci: applyRole(env), t: environment(env) })),
      {
        ci: PREVIEW,
        t: { taskRole: preview().taskRole, tags: preview().tags, boundary: preview().boundary },
      },
    ];
    expect(
      unexpected(
        cases.flatMap(({ ci, t }) => {
          const context = { "iam:PermissionsBoundary": t.boundary };
          return rows(
            role(ci),
            [
              { action: "iam:CreateRole", resource: t.taskRole, requestTags: t.tags, context },
              { action: "iam:PutRolePolicy", resource: t.taskRole, resourceTags: t.tags, context },
              { action: "iam:UpdateAssumeRolePolicy", resource: t.taskRole, resourceTags: t.tags, context },
            ],
            true,
          );
        }),
      ),
    ).toEqual([]);
  });
});
