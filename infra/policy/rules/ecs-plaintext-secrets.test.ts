import { expect, test } from "vitest";
import { outcome } from "../rule-fixture.js";
import { ecsPlaintextSecrets } from "./ecs-plaintext-secrets.js";
import { taskDefinition } from "./ecs-task-fixture.js";

const env = (vars: Record<string, string>) =>
  taskDefinition([{ environment: Object.entries(vars).map(([name, value]) => ({ name, value })) }]);

test("passes configuration values, references and secrets passed through valueFrom", () => {
  const task = taskDefinition([
    {
      environment: [
        { name: "NODE_ENV", value: "production" },
        { name: "UPLOADS_BUCKET", value: `\${aws_s3_bucket.uploads.id}` },
        { name: "DB_SECRET_ARN", value: "arn:aws:secretsmanager:us-east-1:123456789012:secret:db" },
        { name: "TOKEN_TTL_SECONDS", value: "3600" },
      ],
      secrets: [{ name: "DB_PASSWORD", valueFrom: `\${aws_secretsmanager_secret.db.arn}:password::` }],
    },
  ]);
  expect(outcome(ecsPlaintextSecrets, [task])).toEqual({ plan: "pass", synth: "pass" });
});

test("fails a password in plain text", () => {
  expect(outcome(ecsPlaintextSecrets, [env({ DB_PASSWORD: "hunter2" })])).toMatchObject({
    plan: "violation",
    synth: "violation",
    message: 'secret-looking plaintext environment variables: container "app": DB_PASSWORD',
  });
});

test("fails secret-shaped values whatever the variable is called", () => {
  const result = outcome(ecsPlaintextSecrets, [
    env({ DATABASE_URL: "postgres://app:s3cret@db:5432/app", KEY_ID: "AKIAABCDEFGHIJKLMNOP" }),
  ]);
  expect(result.message).toContain("DATABASE_URL");
  expect(result.message).toContain("KEY_ID");
});
