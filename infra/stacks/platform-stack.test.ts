/**
 * Who may sign in to PostgreSQL as whom, read from the synthesised stacks of every environment and
 * of a preview: the running service signs in with IAM authentication as its application role and
 * can read no database credential; only the migration task, with a role of its own, reads the RDS
 * master secret. The offline plan of the same stacks runs in infra/app.test.ts.
 */

import { testOutdir } from "@aws-platform-kit/modules/testing";
import { Testing } from "cdktf";
import { beforeAll, describe, expect, test } from "vitest";
import { buildApp } from "../app.js";
import { ENVIRONMENT_NAMES } from "../environments/index.js";
import { APP_DATABASE_ROLE } from "./service-contract.js";

type Resource = Record<string, unknown>;
type StackJson = { resource: Record<string, Record<string, Resource>> };
type Statement = { Action: string | string[]; Resource: string | string[] };
type Container = {
  environment: Array<{ name: string; value: string }>;
  secrets?: Array<{ name: string; valueFrom: string }>;
};

const PREVIEW = "preview-pr-7";
let stacks: Record<string, StackJson> = {};

beforeAll(() => {
  const app = buildApp({
    outdir: testOutdir(),
    bootstrap: false,
    previews: [{ prNumber: 7, imageTag: "3f2c1a9" }],
    now: new Date("2026-11-23T15:00:00Z"),
  });
  stacks = Object.fromEntries(
    app.node.children.map((stack) => [stack.node.id, JSON.parse(Testing.synth(stack as never)) as StackJson]),
  );
});

const resources = (stack: StackJson, type: string) => Object.entries(stack.resource[type] ?? {});
/** The Terraform name of the only resource of `type` whose name starts with `prefix`. */
const named = (stack: StackJson, type: string, prefix: string): [string, Resource] => {
  const found = resources(stack, type).filter(([key]) => key.startsWith(prefix));
  expect(found, `${type} ${prefix}*`).toHaveLength(1);
  return found[0] as [string, Resource];
};
const serviceDefinition = (stack: StackJson) =>
  named(stack, "aws_ecs_task_definition", "service_task-definition")[1];
const migrationDefinition = (stack: StackJson) =>
  named(stack, "aws_ecs_task_definition", "service_migration-task-definition")[1];
const containerOf = (definition: Resource) =>
  (JSON.parse(String(definition.container_definitions)) as Container[])[0] as Container;
const envOf = (definition: Resource) =>
  Object.fromEntries(containerOf(definition).environment.map((e) => [e.name, e.value]));
const roleRef = (stack: StackJson, prefix: string) => named(stack, "aws_iam_role", prefix)[0];

/** Every statement of every inline policy, with the Terraform name of the role it is on. */
const grants = (stack: StackJson) =>
  resources(stack, "aws_iam_role_policy").flatMap(([, policy]) =>
    (JSON.parse(String(policy.policy)) as { Statement: Statement[] }).Statement.map((statement) => ({
      role: /^\$\{aws_iam_role\.([^.]+)\.name\}$/.exec(String(policy.role))?.[1],
      actions: [statement.Action].flat(),
      resources: [statement.Resource].flat(),
    })),
  );

/** How the stack refers to the master secret: its own instance's, or the host's (previews). */
const masterSecret = (name: string) => {
  if (name === PREVIEW) return `\${data.terraform_remote_state.host.outputs.database_secret_arn}`;
  const [instance] = named(stacks[name] as StackJson, "aws_db_instance", "database_instance");
  return `\${aws_db_instance.${instance}.master_user_secret[0].secret_arn}`;
};

const cases = [
  ...ENVIRONMENT_NAMES.map((name) => ({ name, appRole: APP_DATABASE_ROLE })),
  { name: PREVIEW, appRole: "pr_7" },
];

describe.each(cases)(
  "$name: the service signs in as $appRole, never as the master user",
  ({ name, appRole }) => {
    const stack = () => stacks[name] as StackJson;

    test("its container gets IAM authentication settings and no master secret, in its environment or its secrets", () => {
      const container = containerOf(serviceDefinition(stack()));
      const env = envOf(serviceDefinition(stack()));
      expect(env).toMatchObject({ DATABASE_IAM_USER: appRole, DATABASE_SSL: "verify-full" });
      expect(Object.keys(env)).not.toContain("DATABASE_SECRET_ARN");
      expect(Object.keys(env)).not.toContain("DATABASE_APP_ROLE");
      expect(container.secrets?.map((s) => s.name)).toEqual(["APP_SECRET"]);
      expect(JSON.stringify(container)).not.toContain(masterSecret(name));
    });

    test("its task role may connect as exactly that database user, and read no secret", () => {
      const taskRole = roleRef(stack(), "service_task-role");
      const own = grants(stack()).filter((g) => g.role === taskRole);
      const connect = own.filter((g) => g.actions.includes("rds-db:connect"));
      const resourceId =
        name === PREVIEW
          ? `\${data.terraform_remote_state.host.outputs.database_resource_id}`
          : `\${aws_db_instance.${named(stack(), "aws_db_instance", "database_instance")[0]}.resource_id}`;
      expect(connect.flatMap((g) => g.resources)).toEqual([
        `arn:aws:rds-db:us-east-1:123456789012:dbuser:${resourceId}/${appRole}`,
      ]);
      expect(own.flatMap((g) => g.actions).filter((a) => a.startsWith("secretsmanager:"))).toEqual([]);
    });

    test("only the migration task role, its own and not the service's, is granted the master secret", () => {
      const migrationRole = roleRef(stack(), "service_migration-task-role");
      expect(migrationDefinition(stack()).task_role_arn).toBe(`\${aws_iam_role.${migrationRole}.arn}`);
      expect(serviceDefinition(stack()).task_role_arn).not.toBe(migrationDefinition(stack()).task_role_arn);
      const readers = grants(stack()).filter((g) => g.resources.includes(masterSecret(name)));
      // Every inline policy of the stack (task, execution and migration roles): one grant, the migration's.
      expect(readers.map((g) => g.role)).toEqual([migrationRole]);
      expect(readers[0]?.actions).toContain("secretsmanager:GetSecretValue");
      // No managed policy mentions it either.
      expect(JSON.stringify(resources(stack(), "aws_iam_policy"))).not.toContain(masterSecret(name));
    });

    test("the migration signs in with the master secret to create and grant that role", () => {
      const env = envOf(migrationDefinition(stack()));
      expect(env).toMatchObject({ DATABASE_SECRET_ARN: masterSecret(name), DATABASE_APP_ROLE: appRole });
      expect(Object.keys(env)).not.toContain("DATABASE_IAM_USER");
    });
  },
);

describe.each(ENVIRONMENT_NAMES.map((name) => ({ name })))("$name's database", ({ name }) => {
  test("accepts IAM authentication", () => {
    const [, instance] = named(stacks[name] as StackJson, "aws_db_instance", "database_instance");
    expect(instance.iam_database_authentication_enabled).toBe(true);
  });
});
