import { SsmParameter } from "@cdktf/provider-aws/lib/ssm-parameter/index.js";
import { describe, expect, test } from "vitest";
import { policy, type Synthesised, synthesise, testNaming } from "../testing/synthesised.js";
import { FargateService } from "./fargate-service.js";
import type { FargateServiceProps } from "./fargate-service-props.js";

const parameterArn = "arn:aws:ssm:us-east-1:123456789012:parameter/acme-test/api-key";
const secretArn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:acme-test-db-AbCdEf";
const kmsKey = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";

const minimal: FargateServiceProps = {
  naming: testNaming,
  cluster: { clusterArn: "arn:aws:ecs:us-east-1:123456789012:cluster/acme-test-cluster", clusterName: "c" },
  repository: {
    repositoryUrl: "123456789012.dkr.ecr.us-east-1.amazonaws.com/acme-test-app",
    repositoryArn: "arn:aws:ecr:us-east-1:123456789012:repository/acme-test-app",
  },
  imageTag: "3f2c1a9",
  vpcId: "vpc-0abc",
  subnetIds: ["subnet-a", "subnet-b"],
};
const build = (secrets: FargateServiceProps["secrets"]) =>
  synthesise((scope) => {
    new FargateService(scope, "service", { ...minimal, secrets });
  });
const executionStatements = (s: Synthesised) =>
  s
    .list("aws_iam_role_policy")
    .filter((p) => String(p.role).includes("_execution-role_"))
    .flatMap((p) => policy(p.policy).Statement);
const secretsOf = (s: Synthesised) =>
  (JSON.parse(String(s.only("aws_ecs_task_definition").container_definitions)) as { secrets: unknown }[])[0]
    ?.secrets;

describe("secrets from SSM Parameter Store", () => {
  const both = build({
    API_KEY: { secretArn: parameterArn, kmsKeyArn: kmsKey },
    DB_PASSWORD: { secretArn, jsonKey: "password" },
  });

  test("a parameter ARN is injected as it is, beside a Secrets Manager secret", () => {
    expect(secretsOf(both)).toEqual([
      { name: "API_KEY", valueFrom: parameterArn },
      { name: "DB_PASSWORD", valueFrom: `${secretArn}:password::` },
    ]);
  });

  test("the execution role gets ssm:GetParameters on the parameter, GetSecretValue on the secret, each key via its service", () => {
    const reads = executionStatements(both).filter((s) =>
      /^(ReadSecrets|ReadParameters|Decrypt)/.test(String(s.Sid)),
    );
    expect(reads).toEqual([
      { Sid: "ReadSecrets", Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: secretArn },
      { Sid: "ReadParameters", Effect: "Allow", Action: "ssm:GetParameters", Resource: parameterArn },
      {
        Sid: "DecryptParameters",
        Effect: "Allow",
        Action: "kms:Decrypt",
        Resource: kmsKey,
        Condition: { StringEquals: { "kms:ViaService": "ssm.us-east-1.amazonaws.com" } },
      },
    ]);
  });

  test("a parameter given as a reference is granted through SSM when its store is named", () => {
    const s = synthesise((scope) => {
      const parameter = new SsmParameter(scope, "p", { name: "/x", type: "SecureString", valueWo: "x" });
      new FargateService(scope, "service", {
        ...minimal,
        secrets: { API_KEY: { secretArn: parameter.arn, store: "ssm" } },
      });
    });
    expect(executionStatements(s)).toContainEqual({
      Sid: "ReadParameters",
      Effect: "Allow",
      Action: "ssm:GetParameters",
      Resource: expect.stringMatching(/^\$\{aws_ssm_parameter\.[\w-]+\.arn\}$/),
    });
    expect(executionStatements(s).some((st) => st.Sid === "ReadSecrets")).toBe(false);
  });

  test.each<[string, NonNullable<FargateServiceProps["secrets"]>[string], string]>([
    ["a wildcard parameter", { secretArn: `${parameterArn}*` }, "compute.service.secrets.X.secretArn"],
    ["a secret ARN said to be in SSM", { secretArn, store: "ssm" }, "compute.service.secrets.X.secretArn"],
    [
      "a parameter ARN said to be in Secrets Manager",
      { secretArn: parameterArn, store: "secretsmanager" },
      "compute.service.secrets.X.secretArn",
    ],
    [
      "a JSON key of a parameter",
      { secretArn: parameterArn, jsonKey: "k" },
      "compute.service.secrets.X.jsonKey",
    ],
    ["an unknown store", { secretArn, store: "vault" as never }, "compute.service.secrets.X.store"],
  ])("%s is refused, naming the field", (_, secret, field) => {
    expect(() => build({ X: secret })).toThrow(field);
  });
});
