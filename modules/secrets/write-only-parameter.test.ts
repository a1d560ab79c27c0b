import { IamRole } from "@cdktf/provider-aws/lib/iam-role/index.js";
import { expect, test } from "vitest";
import { policy, synthesise, testNaming } from "../testing/synthesised.js";
import type { SecretRef } from "./secret-ref.js";
import { WriteOnlyParameter } from "./write-only-parameter.js";
import { WriteOnlySecret } from "./write-only-secret.js";

const KEY = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";

const s = synthesise((scope) => {
  const parameter = new WriteOnlyParameter(scope, "signing-key", {
    naming: testNaming,
    purpose: "app-signing-key",
    description: "Signs session tokens",
  });
  parameter.grantRead(new IamRole(scope, "task", { name: "task", assumeRolePolicy: "{}" }));
});

test("the value comes from an ephemeral, sensitive, required variable named like the secret's", () => {
  expect(s.json.variable?.app_signing_key).toMatchObject({
    type: "string",
    sensitive: true,
    nullable: false,
    ephemeral: true,
  });
});

test("a Standard SecureString under /<project>-<env>/<purpose>, its value write-only, AWS-managed key", () => {
  const parameter = s.only("aws_ssm_parameter");
  expect(parameter).toMatchObject({
    name: "/acme-test/app-signing-key",
    type: "SecureString",
    tier: "Standard",
    value_wo: `\${var.app_signing_key}`,
    value_wo_version: 1,
  });
  expect(parameter.value).toBeUndefined();
  expect(parameter.insecure_value).toBeUndefined();
  expect(parameter.key_id).toBeUndefined();
});

test("grantRead allows GetParameter(s) on this parameter only, no KMS statement for the AWS key", () => {
  expect(policy(s.only("aws_iam_role_policy").policy).Statement).toEqual([
    {
      Sid: "ReadParameter",
      Effect: "Allow",
      Action: ["ssm:GetParameter", "ssm:GetParameters"],
      Resource: expect.stringMatching(/^\$\{aws_ssm_parameter\.[\w-]+\.arn\}$/),
    },
  ]);
});

test("a customer key encrypts the parameter and is granted for decryption through SSM only", () => {
  const t = synthesise((scope) => {
    const parameter = new WriteOnlyParameter(scope, "p", {
      naming: testNaming,
      purpose: "api-key",
      description: "x",
      kmsKeyArn: KEY,
      version: 3,
      tier: "Advanced",
    });
    expect(parameter.containerSecret).toEqual({
      secretArn: parameter.parameterArn,
      store: "ssm",
      kmsKeyArn: KEY,
    });
    parameter.grantRead(new IamRole(scope, "task", { name: "task", assumeRolePolicy: "{}" }));
  });
  expect(t.only("aws_ssm_parameter")).toMatchObject({ key_id: KEY, tier: "Advanced", value_wo_version: 3 });
  expect(policy(t.only("aws_iam_role_policy").policy).Statement[1]).toEqual({
    Sid: "DecryptParameter",
    Effect: "Allow",
    Action: "kms:Decrypt",
    Resource: KEY,
    Condition: { StringEquals: { "kms:ViaService": `ssm.${testNaming.region}.amazonaws.com` } },
  });
});

test("an alias is refused as the KMS key (it cannot scope the grant), naming the field", () => {
  expect(() =>
    synthesise((scope) => {
      new WriteOnlyParameter(scope, "x", {
        naming: testNaming,
        purpose: "x",
        description: "x",
        kmsKeyArn: "alias/aws/ssm",
      });
    }),
  ).toThrow("secrets.kmsKeyArn");
});

test("a tier SSM does not have is refused, naming the field", () => {
  expect(() =>
    synthesise((scope) => {
      new WriteOnlyParameter(scope, "x", {
        naming: testNaming,
        purpose: "x",
        description: "x",
        tier: "Intelligent-Tiering" as never,
      });
    }),
  ).toThrow("secrets.tier");
});

test("both stores offer the same SecretRef: arn, store and containerSecret", () => {
  synthesise((scope) => {
    const refs: SecretRef[] = [
      new WriteOnlySecret(scope, "a", { naming: testNaming, purpose: "a", description: "a" }),
      new WriteOnlyParameter(scope, "b", { naming: testNaming, purpose: "b", description: "b" }),
    ];
    expect(
      refs.map((r) => [r.store, r.containerSecret.store, r.containerSecret.secretArn === r.arn]),
    ).toEqual([
      ["secretsmanager", "secretsmanager", true],
      ["ssm", "ssm", true],
    ]);
    expect(refs.map((r) => r.variableName)).toEqual(["a", "b"]);
  });
});
