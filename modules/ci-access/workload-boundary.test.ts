import { describe, expect, test } from "vitest";
import { Naming } from "../naming/naming.js";
import { policy, synthesise, testNaming } from "../testing/synthesised.js";
import {
  PreviewWorkloadBoundary,
  type PreviewWorkloadBoundaryProps,
  WorkloadBoundary,
} from "./workload-boundary.js";

type Statement = Record<string, unknown>;

const RELEASE_REPOSITORY = "arn:aws:ecr:us-east-1:123456789012:repository/acme-shared-app";
let boundary: WorkloadBoundary | undefined;
const synthesised = synthesise((scope) => {
  boundary = new WorkloadBoundary(scope, "boundary", {
    naming: testNaming,
    environment: testNaming.withEnvironment("staging"),
    repositoryArn: RELEASE_REPOSITORY,
  });
});
const document = synthesised.only("aws_iam_policy");
const statements = policy(document.policy).Statement;
const allows = statements.filter((s) => s.Effect === "Allow");
const list = (value: unknown) => [value].flat().map(String);
const sid = (name: string): Statement => {
  const found = statements.find((s) => s.Sid === name);
  if (!found) throw new Error(`no statement ${name}`);
  return found;
};

describe("the policy", () => {
  test("is one customer managed policy per environment, named <project>-<bootstrap>-<env>-workload-boundary, its ARN computed from the name", () => {
    expect(synthesised.addresses()).toHaveLength(1);
    expect(document.name).toBe("acme-test-staging-workload-boundary");
    expect(boundary?.policyName).toBe("acme-test-staging-workload-boundary");
    expect(boundary?.policyArn).toBe("arn:aws:iam::123456789012:policy/acme-test-staging-workload-boundary");
    expect(WorkloadBoundary.arnFor(testNaming, "staging")).toBe(boundary?.policyArn);
  });

  test("names every action: no '*', no service-wide 'svc:*', no pattern", () => {
    for (const s of statements) {
      for (const action of list(s.Action)) expect(action, String(s.Sid)).toMatch(/^[a-z0-9-]+:[A-Za-z]+$/);
    }
  });

  test("allows no control-plane service: no IAM, STS, EC2, ECS, RDS management or KMS key administration", () => {
    const services = new Set(allows.flatMap((s) => list(s.Action).map((a) => a.split(":")[0])));
    expect([...services].sort()).toEqual([
      "ecr",
      "kms",
      "logs",
      "rds-db",
      "s3",
      "secretsmanager",
      "ssm",
      "ssmmessages",
    ]);
  });

  test("refuses an environment of another project or account", () => {
    expect(() =>
      synthesise((scope) => {
        new WorkloadBoundary(scope, "boundary", {
          naming: testNaming,
          environment: new Naming({
            project: "other",
            environment: "dev",
            accountId: "123456789012",
            region: "us-east-1",
          }),
          repositoryArn: RELEASE_REPOSITORY,
        });
      }),
    ).toThrow(/^workloadBoundary\.environment: other in 123456789012 must be the project acme/);
  });
});

describe("resources are scoped to the environment wherever the service allows", () => {
  test("S3: object actions on <project>-<env>-* buckets' objects, ListBucket on those buckets", () => {
    expect(sid("EnvironmentObjects")).toMatchObject({
      Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"],
      Resource: "arn:aws:s3:::acme-staging-*/*",
    });
    expect(sid("ListEnvironmentBuckets")).toMatchObject({
      Action: "s3:ListBucket",
      Resource: "arn:aws:s3:::acme-staging-*",
    });
  });

  test("Secrets Manager: the environment's secrets, and the RDS-managed ones of its instances only", () => {
    expect(sid("ReadEnvironmentSecrets")).toMatchObject({
      Action: ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
      Resource: [
        "arn:aws:secretsmanager:us-east-1:123456789012:secret:acme-staging-*",
        "arn:aws:secretsmanager:us-east-1:123456789012:secret:acme-staging/*",
      ],
    });
    expect(sid("ReadEnvironmentDatabaseMasterSecrets")).toMatchObject({
      Resource: "arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!*",
      Condition: {
        StringLike: {
          "secretsmanager:ResourceTag/aws:rds:primaryDBInstanceArn":
            "arn:aws:rds:us-east-1:123456789012:db:acme-staging-*",
        },
      },
    });
  });

  test("KMS: decrypt and data keys only through Secrets Manager, S3 or Parameter Store, keys of this account and region", () => {
    expect(sid("UseKeysThroughSecretsManagerAndS3")).toMatchObject({
      Action: ["kms:Decrypt", "kms:GenerateDataKey"],
      Resource: "arn:aws:kms:us-east-1:123456789012:key/*",
      Condition: {
        StringEquals: {
          "kms:ViaService": [
            "secretsmanager.us-east-1.amazonaws.com",
            "s3.us-east-1.amazonaws.com",
            "ssm.us-east-1.amazonaws.com",
          ],
        },
      },
    });
  });

  test("Parameter Store: read only the environment's own parameters", () => {
    expect(sid("ReadEnvironmentParameters")).toMatchObject({
      Action: ["ssm:GetParameters", "ssm:GetParameter"],
      Resource: "arn:aws:ssm:us-east-1:123456789012:parameter/acme-staging/*",
    });
  });

  test("Logs: write only to the environment's container and flow-log groups", () => {
    expect(sid("WriteEnvironmentLogs")).toMatchObject({
      Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
      Resource: [
        "arn:aws:logs:us-east-1:123456789012:log-group:/ecs/acme-staging-*",
        "arn:aws:logs:us-east-1:123456789012:log-group:/vpc/acme-staging-*",
      ],
    });
  });

  test("ECR: pull only from the release repository, never the preview repository", () => {
    expect(sid("PullReleaseImages")).toMatchObject({
      Action: ["ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage"],
      Resource: RELEASE_REPOSITORY,
    });
  });

  test("RDS IAM authentication: databases of this account and region (the ARN carries no name)", () => {
    expect(sid("ConnectToDatabases")).toMatchObject({
      Action: "rds-db:connect",
      Resource: "arn:aws:rds-db:us-east-1:123456789012:dbuser:*/*",
    });
  });

  test("no statement names another environment, a preview or the bootstrap stack", () => {
    expect(JSON.stringify(statements)).not.toMatch(/acme-(dev|prod|pr|test)-/);
  });

  test("'*' only for the two actions that accept no other resource, each in a statement of its own", () => {
    const unscoped = allows.filter((s) => list(s.Resource).includes("*"));
    expect(unscoped).toEqual([
      { Sid: "EcrLogin", Effect: "Allow", Action: "ecr:GetAuthorizationToken", Resource: "*" },
      {
        Sid: "EcsExecChannels",
        Effect: "Allow",
        Action: [
          "ssmmessages:CreateControlChannel",
          "ssmmessages:CreateDataChannel",
          "ssmmessages:OpenControlChannel",
          "ssmmessages:OpenDataChannel",
        ],
        Resource: "*",
      },
    ]);
  });
});

describe("the preview workload boundary", () => {
  const PREVIEW_REPOSITORY = "arn:aws:ecr:us-east-1:123456789012:repository/acme-shared-app-preview";
  const HOST_DATABASE = "arn:aws:rds:us-east-1:123456789012:db:acme-dev-db";
  const HOST_DATABASE_RESOURCE_ID = "db-ABCDEFGHIJKLMNOPQRSTUVWXY0";
  const hostNaming = testNaming.withEnvironment("dev");
  let preview: PreviewWorkloadBoundary | undefined;
  const previewSynthesised = synthesise((scope) => {
    preview = new PreviewWorkloadBoundary(scope, "preview-boundary", {
      naming: testNaming,
      hostNaming,
      hostDatabaseArn: HOST_DATABASE,
      hostDatabaseResourceId: HOST_DATABASE_RESOURCE_ID,
      repositoryArn: PREVIEW_REPOSITORY,
    });
  });
  const previewDocument = previewSynthesised.only("aws_iam_policy");
  const previewStatements = policy(previewDocument.policy).Statement;
  const previewAllows = previewStatements.filter((s) => s.Effect === "Allow");
  const previewSid = (name: string): Statement => {
    const found = previewStatements.find((s) => s.Sid === name);
    if (!found) throw new Error(`no statement ${name}`);
    return found;
  };

  test("is one customer managed policy named <project>-<env>-preview-workload-boundary, its ARN computed from the name", () => {
    expect(previewSynthesised.addresses()).toHaveLength(1);
    expect(previewDocument.name).toBe("acme-test-preview-workload-boundary");
    expect(preview?.policyArn).toBe("arn:aws:iam::123456789012:policy/acme-test-preview-workload-boundary");
    expect(PreviewWorkloadBoundary.arnFor(testNaming)).toBe(preview?.policyArn);
    expect(preview?.policyArn).not.toBe(WorkloadBoundary.arnFor(testNaming, "dev"));
  });

  test("names every action, and allows no control-plane service and rds-db:connect only as previews' users", () => {
    const actions = previewAllows.flatMap((s) => list(s.Action));
    for (const action of actions) expect(action).toMatch(/^[a-z0-9-]+:[A-Za-z]+$/);
    expect([...new Set(actions.map((a) => a.split(":")[0]))].sort()).toEqual([
      "ecr",
      "kms",
      "logs",
      "rds-db",
      "s3",
      "secretsmanager",
      "ssmmessages",
    ]);
    expect(previewAllows.filter((s) => list(s.Action).includes("rds-db:connect"))).toEqual([
      {
        Sid: "ConnectAsPreviewDatabaseUsers",
        Effect: "Allow",
        Action: "rds-db:connect",
        Resource: `arn:aws:rds-db:us-east-1:123456789012:dbuser:${HOST_DATABASE_RESOURCE_ID}/pr_*`,
      },
    ]);
  });

  test("without the host database's resource id, previews' users may sign in to no database", () => {
    const withoutId = synthesise((scope) => {
      new PreviewWorkloadBoundary(scope, "preview-boundary", {
        naming: testNaming,
        hostNaming,
        hostDatabaseArn: HOST_DATABASE,
        repositoryArn: PREVIEW_REPOSITORY,
      });
    });
    expect(withoutId.only("aws_iam_policy").policy).not.toContain("rds-db:connect");
  });

  test("S3: object actions and ListBucket on preview buckets (<project>-pr-*) only", () => {
    expect(previewSid("PreviewObjects")).toEqual({
      Sid: "PreviewObjects",
      Effect: "Allow",
      Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"],
      Resource: "arn:aws:s3:::acme-pr-*/*",
    });
    expect(previewSid("ListPreviewBuckets")).toEqual({
      Sid: "ListPreviewBuckets",
      Effect: "Allow",
      Action: "s3:ListBucket",
      Resource: "arn:aws:s3:::acme-pr-*",
    });
    const s3Resources = previewAllows
      .filter((s) => list(s.Action).some((a) => a.startsWith("s3:")))
      .flatMap((s) => list(s.Resource));
    for (const resource of s3Resources) expect(resource).toMatch(/^arn:aws:s3:::acme-pr-\*/);
  });

  test("Secrets Manager: previews' own secrets by name, in the host's region, and none of the host's", () => {
    expect(previewSid("ReadPreviewSecrets")).toEqual({
      Sid: "ReadPreviewSecrets",
      Effect: "Allow",
      Action: ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
      Resource: "arn:aws:secretsmanager:us-east-1:123456789012:secret:acme-pr-*",
    });
    expect(JSON.stringify(previewAllows)).not.toContain("secret:acme-dev");
  });

  test("Secrets Manager: only the host database's RDS-managed master secret, by the tag RDS puts on it", () => {
    expect(previewSid("ReadHostDatabaseMasterSecret")).toEqual({
      Sid: "ReadHostDatabaseMasterSecret",
      Effect: "Allow",
      Action: ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
      Resource: "arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!db-*",
      Condition: {
        StringEquals: { "secretsmanager:ResourceTag/aws:rds:primaryDBInstanceArn": HOST_DATABASE },
      },
    });
    const unconditioned = previewAllows.filter(
      (s) => !s.Condition && list(s.Resource).some((r) => r.includes("secret:rds!") || r.includes("acme-*")),
    );
    expect(unconditioned).toEqual([]);
  });

  test("KMS: decrypt and data keys only through Secrets Manager or S3 in the host's region", () => {
    expect(previewSid("UseKeysThroughSecretsManagerAndS3")).toMatchObject({
      Action: ["kms:Decrypt", "kms:GenerateDataKey"],
      Resource: "arn:aws:kms:us-east-1:123456789012:key/*",
      Condition: {
        StringEquals: {
          "kms:ViaService": ["secretsmanager.us-east-1.amazonaws.com", "s3.us-east-1.amazonaws.com"],
        },
      },
    });
  });

  test("Logs: write only to preview services' log groups", () => {
    expect(previewSid("WritePreviewLogs")).toMatchObject({
      Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
      Resource: "arn:aws:logs:us-east-1:123456789012:log-group:/ecs/acme-pr-*",
    });
  });

  test("ECR: pull only from the preview repository, never the release one", () => {
    expect(previewSid("PullPreviewImages")).toEqual({
      Sid: "PullPreviewImages",
      Effect: "Allow",
      Action: ["ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage"],
      Resource: PREVIEW_REPOSITORY,
    });
  });

  test("'*' only for ECR login and the ECS Exec channels, as in the general boundary", () => {
    const unscoped = previewAllows.filter((s) => list(s.Resource).includes("*"));
    expect(unscoped).toEqual(allows.filter((s) => list(s.Resource).includes("*")));
  });

  test.each([
    [
      { hostDatabaseArn: "arn:aws:rds:us-east-1:123456789012:db:*" },
      "previewWorkloadBoundary.hostDatabaseArn",
    ],
    [
      { hostDatabaseArn: "arn:aws:rds:us-east-1:210987654321:db:acme-dev-db" },
      "previewWorkloadBoundary.hostDatabaseArn",
    ],
    [
      { repositoryArn: "arn:aws:ecr:us-east-1:123456789012:repository/acme-*" },
      "previewWorkloadBoundary.repositoryArn",
    ],
    [
      {
        hostNaming: new Naming({
          project: "acme",
          environment: "dev",
          accountId: "210987654321",
          region: "us-east-1",
        }),
      },
      "previewWorkloadBoundary.hostNaming",
    ],
  ] as Array<[Partial<PreviewWorkloadBoundaryProps>, string]>)("%o is refused with %s", (props, field) => {
    expect(() =>
      synthesise((scope) => {
        new PreviewWorkloadBoundary(scope, "preview-boundary", {
          naming: testNaming,
          hostNaming,
          hostDatabaseArn: HOST_DATABASE,
          repositoryArn: PREVIEW_REPOSITORY,
          ...props,
        });
      }),
    ).toThrow(field);
  });
});
