import { describe, expect, test } from "vitest";
import { CONTAINER_INSTANCE_POLICIES } from "../compute/ec2-capacity.js";
import { Naming } from "../naming/naming.js";
import { policy, synthesise, testNaming } from "../testing/synthesised.js";
import { INSTANCE_ROLE_MANAGED_POLICY_ARNS, InstanceBoundary } from "./instance-boundary.js";
import { WorkloadBoundary } from "./workload-boundary.js";

type Statement = Record<string, unknown>;

const RELEASE_REPOSITORY = "arn:aws:ecr:us-east-1:123456789012:repository/acme-shared-app";
let boundary: InstanceBoundary | undefined;
const synthesised = synthesise((scope) => {
  boundary = new InstanceBoundary(scope, "boundary", {
    naming: testNaming,
    environment: testNaming.withEnvironment("staging"),
    repositoryArn: RELEASE_REPOSITORY,
  });
});
const document = synthesised.only("aws_iam_policy");
const statements = policy(document.policy).Statement;
const list = (value: unknown) => [value].flat().map(String);
const actions = statements.flatMap((s) => list(s.Action));
const sid = (name: string): Statement => {
  const found = statements.find((s) => s.Sid === name);
  if (!found) throw new Error(`no statement ${name}`);
  return found;
};

describe("the policy", () => {
  test("is one customer managed policy per environment, named <project>-<bootstrap>-<env>-instance-boundary, its ARN computed from the name", () => {
    expect(synthesised.addresses()).toHaveLength(1);
    expect(document.name).toBe("acme-test-staging-instance-boundary");
    expect(boundary?.policyName).toBe("acme-test-staging-instance-boundary");
    expect(boundary?.policyArn).toBe("arn:aws:iam::123456789012:policy/acme-test-staging-instance-boundary");
    expect(InstanceBoundary.arnFor(testNaming, "staging")).toBe(boundary?.policyArn);
    expect(InstanceBoundary.arnFor(testNaming, "staging")).not.toBe(
      WorkloadBoundary.arnFor(testNaming, "staging"),
    );
  });

  test("allows only, names every action: no '*', no service-wide 'svc:*', no pattern", () => {
    for (const s of statements) {
      expect(s.Effect, String(s.Sid)).toBe("Allow");
      for (const action of list(s.Action)) expect(action, String(s.Sid)).toMatch(/^[a-z0-9-]+:[A-Za-z]+$/);
    }
  });

  test("allows the agents' services only: ECS, ECR, logs, EC2 tags, SSM and its message channels", () => {
    const services = new Set(actions.map((a) => a.split(":")[0]));
    expect([...services].sort()).toEqual(["ec2", "ec2messages", "ecr", "ecs", "logs", "ssm", "ssmmessages"]);
    expect(actions.filter((a) => a.startsWith("ec2:"))).toEqual(["ec2:DescribeTags"]);
  });

  test("allows no IAM, no task or service control, no S3, no Secrets Manager, no parameter read, no cluster creation", () => {
    for (const forbidden of [
      /^iam:/,
      /^sts:/,
      /^s3:/,
      /^secretsmanager:/,
      /^kms:/,
      /^rds/,
      /^ecs:(RunTask|StartTask|StopTask|CreateService|UpdateService|DeleteService|CreateCluster|RegisterTaskDefinition)$/,
      /^ssm:(GetParameter|GetParameters|GetDocument|SendCommand|StartSession|PutParameter)$/,
    ]) {
      expect(
        actions.filter((a) => forbidden.test(a)),
        String(forbidden),
      ).toEqual([]);
    }
  });

  test("the managed policies it caps are the ones Ec2Capacity attaches", () => {
    expect([...INSTANCE_ROLE_MANAGED_POLICY_ARNS].sort()).toEqual(
      Object.values(CONTAINER_INSTANCE_POLICIES).sort(),
    );
  });

  test("refuses an environment of another project or account, and a repository pattern", () => {
    const build =
      (environment: Naming, repositoryArn = RELEASE_REPOSITORY) =>
      () =>
        synthesise((scope) => {
          new InstanceBoundary(scope, "boundary", { naming: testNaming, environment, repositoryArn });
        });
    expect(
      build(
        new Naming({ project: "other", environment: "dev", accountId: "123456789012", region: "us-east-1" }),
      ),
    ).toThrow(/^instanceBoundary\.environment: other in 123456789012 must be the project acme/);
    expect(
      build(
        new Naming({ project: "acme", environment: "dev", accountId: "210987654321", region: "us-east-1" }),
      ),
    ).toThrow(/^instanceBoundary\.environment: /);
    expect(
      build(testNaming.withEnvironment("dev"), "arn:aws:ecr:us-east-1:123456789012:repository/*"),
    ).toThrow(/^instanceBoundary\.repositoryArn: /);
  });
});

describe("scoped to the environment wherever the service allows", () => {
  test("ECS: registers with, and reports to, the environment's clusters only, in its region", () => {
    expect(sid("JoinEnvironmentClusters")).toMatchObject({
      Action: expect.arrayContaining(["ecs:RegisterContainerInstance", "ecs:DeregisterContainerInstance"]),
      Resource: "arn:aws:ecs:us-east-1:123456789012:cluster/acme-staging-*",
    });
    expect(sid("RunAsEnvironmentContainerInstance")).toMatchObject({
      Action: ["ecs:Poll", "ecs:StartTelemetrySession", "ecs:UpdateContainerInstancesState"],
      Resource: "arn:aws:ecs:us-east-1:123456789012:container-instance/acme-staging-*/*",
    });
    expect(sid("TagOwnRegistration")).toMatchObject({
      Action: "ecs:TagResource",
      Condition: { StringEquals: { "ecs:CreateAction": "RegisterContainerInstance" } },
    });
  });

  test("ECR: pulls from the release repository only; logs: the environment's container groups only", () => {
    expect(sid("PullReleaseImages").Resource).toBe(RELEASE_REPOSITORY);
    expect(sid("WriteEnvironmentLogs")).toMatchObject({
      Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
      Resource: "arn:aws:logs:us-east-1:123456789012:log-group:/ecs/acme-staging-*",
    });
  });

  test("what takes only '*' is each action named, the ECS and EC2 ones held to the environment's region", () => {
    const unscoped = statements.filter((s) => list(s.Resource).includes("*"));
    expect(unscoped.flatMap((s) => list(s.Action)).sort()).toEqual(
      [
        "ec2:DescribeTags",
        "ec2messages:AcknowledgeMessage",
        "ec2messages:DeleteMessage",
        "ec2messages:FailMessage",
        "ec2messages:GetEndpoint",
        "ec2messages:GetMessages",
        "ec2messages:SendReply",
        "ecr:GetAuthorizationToken",
        "ecs:DiscoverPollEndpoint",
        "ssmmessages:CreateControlChannel",
        "ssmmessages:CreateDataChannel",
        "ssmmessages:OpenControlChannel",
        "ssmmessages:OpenDataChannel",
      ].sort(),
    );
    expect(sid("AgentActionsWithoutResourceScope").Condition).toEqual({
      StringEquals: { "aws:RequestedRegion": "us-east-1" },
    });
  });

  test("names no other environment", () => {
    expect(JSON.stringify(statements)).not.toMatch(/acme-(dev|prod|pr)-/);
  });
});
