import { IamRole } from "@cdktf/provider-aws/lib/iam-role/index.js";
import { expect, test } from "vitest";
import { policy, synthesise, testNaming } from "../testing/synthesised.js";
import { WriteOnlySecret } from "./write-only-secret.js";

const s = synthesise((scope) => {
  const secret = new WriteOnlySecret(scope, "signing-key", {
    naming: testNaming,
    purpose: "app-signing-key",
    description: "Signs session tokens",
  });
  secret.grantRead(new IamRole(scope, "task", { name: "task", assumeRolePolicy: "{}" }));
});

test("the value comes from an ephemeral, sensitive, required variable", () => {
  expect(s.json.variable?.app_signing_key).toMatchObject({
    type: "string",
    sensitive: true,
    nullable: false,
    ephemeral: true,
  });
});

test("the value is written through the write-only attribute, never secret_string", () => {
  const version = s.only("aws_secretsmanager_secret_version");
  expect(version.secret_string_wo).toBe(`\${var.app_signing_key}`);
  expect(version.secret_string_wo_version).toBe(1);
  expect(version.secret_string).toBeUndefined();
});

test("the secret is named <project>-<env>/<purpose> and recoverable for 30 days", () => {
  expect(s.only("aws_secretsmanager_secret")).toMatchObject({
    name: "acme-test/app-signing-key",
    recovery_window_in_days: 30,
  });
});

test("grantRead allows GetSecretValue on this secret only", () => {
  expect(policy(s.only("aws_iam_role_policy").policy).Statement).toEqual([
    {
      Sid: "ReadSecret",
      Effect: "Allow",
      Action: "secretsmanager:GetSecretValue",
      Resource: expect.stringMatching(/^\$\{aws_secretsmanager_secret\.[\w-]+\.arn\}$/),
    },
  ]);
});

test("a recovery window AWS refuses is rejected at synth", () => {
  expect(() =>
    synthesise((scope) => {
      new WriteOnlySecret(scope, "x", {
        naming: testNaming,
        purpose: "x",
        description: "x",
        recoveryWindowDays: 3,
      });
    }),
  ).toThrow("secrets.recoveryWindowDays");
});
