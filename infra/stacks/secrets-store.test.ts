/**
 * `secrets.store`: the app signing key in Secrets Manager (the default, its address unchanged) or in
 * SSM Parameter Store, injected into the service the same way; the database master secret stays in
 * Secrets Manager either way. Read from synthesised stacks; the SSM parameter's offline plan runs in
 * infra/capabilities (secrets-ssm).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { testOutdir } from "@aws-platform-kit/modules/testing";
import { App } from "cdktf";
import { beforeAll, describe, expect, test } from "vitest";
import { loadEnvironment } from "../environments/index.js";
import { ConfigError, parseEnvironment } from "../environments/schema.js";
import { modelFromSynth, type SynthesisedJson } from "../plan/plan-model.js";
import { evaluate } from "../policy/engine.js";
import { RULES } from "../policy/rules/index.js";
import { PlatformStack } from "./platform-stack.js";

type Resource = Record<string, unknown>;
type StackJson = SynthesisedJson & {
  resource: Record<string, Record<string, Resource>>;
  output: Record<string, { value: unknown }>;
  variable: Record<string, Resource>;
};

const synth = (store: "secretsmanager" | "ssm" | undefined, id: string): StackJson => {
  const outdir = testOutdir();
  const app = new App({ outdir });
  const config = { ...loadEnvironment("dev"), ...(store ? { secrets: { store } } : {}) };
  new PlatformStack(app, id, { config });
  app.synth();
  return JSON.parse(readFileSync(join(outdir, "stacks", id, "cdk.tf.json"), "utf8")) as StackJson;
};
const names = (stack: StackJson, type: string) => Object.keys(stack.resource[type] ?? {});
const appSecretOf = (stack: StackJson) => {
  const [, definition] = Object.entries(stack.resource.aws_ecs_task_definition ?? {}).find(([name]) =>
    name.startsWith("service_task-definition"),
  )!;
  const [container] = JSON.parse(String(definition.container_definitions)) as {
    secrets: { name: string; valueFrom: string }[];
  }[];
  return container?.secrets.find((s) => s.name === "APP_SECRET")?.valueFrom;
};
const executionGrants = (stack: StackJson) =>
  Object.entries(stack.resource.aws_iam_role_policy ?? {})
    .filter(([, p]) => String(p.role).includes("execution-role"))
    .flatMap(
      ([, p]) =>
        (JSON.parse(String(p.policy)) as { Statement: { Action: unknown; Resource: unknown }[] }).Statement,
    );

let byDefault: StackJson;
let inSecretsManager: StackJson;
let inSsm: StackJson;
beforeAll(() => {
  byDefault = synth(undefined, "default-store");
  inSecretsManager = synth("secretsmanager", "secretsmanager-store");
  inSsm = synth("ssm", "ssm-store");
});

describe("secrets.store", () => {
  test("unset or secretsmanager: the signing key is the same Secrets Manager secret, at the same address", () => {
    for (const stack of [byDefault, inSecretsManager]) {
      expect(names(stack, "aws_secretsmanager_secret")).toEqual([
        expect.stringMatching(/^app-signing-key_secret_[0-9A-F]{8}$/),
      ]);
      expect(names(stack, "aws_ssm_parameter")).toEqual([]);
      expect(appSecretOf(stack)).toMatch(
        /^\$\{aws_secretsmanager_secret\.app-signing-key_secret_\w+\.arn\}$/,
      );
    }
    expect(names(inSecretsManager, "aws_secretsmanager_secret")).toEqual(
      names(byDefault, "aws_secretsmanager_secret"),
    );
  });

  test("ssm: a Standard SecureString from the same ephemeral variable, injected and granted through SSM", () => {
    expect(names(inSsm, "aws_secretsmanager_secret")).toEqual([]);
    const [name, parameter] = Object.entries(inSsm.resource.aws_ssm_parameter ?? {})[0]!;
    expect(parameter).toMatchObject({
      name: "/acme-dev/app-signing-key",
      type: "SecureString",
      tier: "Standard",
      value_wo: `\${var.app_signing_key}`,
    });
    expect(inSsm.variable.app_signing_key).toMatchObject({ ephemeral: true, sensitive: true });
    const arn = `\${aws_ssm_parameter.${name}.arn}`;
    expect(appSecretOf(inSsm)).toBe(arn);
    expect(inSsm.output.app_signing_key_arn?.value).toBe(arn);
    const grants = executionGrants(inSsm);
    expect(grants).toContainEqual(expect.objectContaining({ Action: "ssm:GetParameters", Resource: arn }));
    // The only Secrets Manager read left is none: the master secret is read by the migration's role.
    expect(grants.some((s) => JSON.stringify(s.Action).includes("secretsmanager:"))).toBe(false);
  });

  test("ssm: the database master secret stays in Secrets Manager, managed and rotated by RDS", () => {
    const [, instance] = Object.entries(inSsm.resource.aws_db_instance ?? {})[0]!;
    expect(instance.manage_master_user_password).toBe(true);
  });

  test("ssm: the policy rules find no violation the Secrets Manager store does not", () => {
    const violations = (stack: StackJson, id: string) =>
      evaluate(modelFromSynth(id, stack), RULES)
        .findings.filter((f) => f.status === "violation")
        .map((f) => f.rule)
        .sort();
    expect(violations(inSsm, "ssm-store")).toEqual(violations(inSecretsManager, "secretsmanager-store"));
  });

  test("an unknown store is refused, naming the field", () => {
    const input = { ...loadEnvironment("dev"), secrets: { store: "vault" } };
    expect(() => parseEnvironment("dev", input)).toThrow(ConfigError);
    expect(() => parseEnvironment("dev", input)).toThrow(
      /dev\.secrets\.store: must be "secretsmanager" or "ssm"/,
    );
  });
});
