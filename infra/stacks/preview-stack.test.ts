/**
 * Previews synthesised together with their host (dev): what they add, what they share, and that two
 * of them never collide. The offline plan of a sample preview runs in infra/app.test.ts.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { testOutdir } from "@aws-platform-kit/modules/testing";
import { Testing } from "cdktf";
import { describe, expect, test } from "vitest";
import { buildApp } from "../app.js";
import { ConfigError } from "../environments/index.js";
import { parsePrNumber } from "../environments/preview.js";
import {
  previewRepository,
  previewWorkloadBoundaryArn,
  project,
  sharedRepository,
} from "../environments/project.js";
import { parseImageTag } from "../environments/release.js";
import { REMOTE_STATE_FIXTURES } from "../terraform/offline-plan.js";
import { HOST_OUTPUTS_READ } from "./preview-stack.js";

type Resources = Record<string, Record<string, Record<string, unknown>>>;
type StackJson = {
  resource: Resources;
  output: Record<string, unknown>;
  terraform: Record<string, unknown>;
} & Record<string, unknown>;

const now = new Date("2026-11-23T15:00:00Z");
const app = buildApp({
  outdir: testOutdir(),
  environments: ["dev"],
  bootstrap: false,
  previews: [
    { prNumber: 7, imageTag: "3f2c1a9" },
    { prNumber: 8, imageTag: "v1.4.2-rc.1" },
  ],
  now,
});
const stacks = Object.fromEntries(
  app.node.children.map((stack) => [stack.node.id, JSON.parse(Testing.synth(stack as never)) as StackJson]),
);
const pr7 = stacks["preview-pr-7"] as StackJson;
const pr8 = stacks["preview-pr-8"] as StackJson;
const dev = stacks.dev as StackJson;
/** How a synthesised reference to one of the host's outputs reads. */
const hostOutput = (name: string) => `\${data.terraform_remote_state.host.outputs.${name}}`;
const all = (stack: StackJson, type: string) => Object.values(stack.resource[type] ?? {});
const one = (stack: StackJson, type: string) => {
  const found = all(stack, type);
  expect(found).toHaveLength(1);
  return found[0] as Record<string, unknown>;
};

describe("a preview adds only what belongs to its pull request", () => {
  test.each([
    "aws_vpc",
    "aws_subnet",
    "aws_nat_gateway",
    "aws_lb",
    "aws_lb_listener",
    "aws_db_instance",
    "aws_ecs_cluster",
    "aws_ecr_repository",
    "aws_cloudfront_distribution",
    "aws_wafv2_web_acl",
    "aws_acm_certificate",
    "aws_kms_key",
  ])("no %s", (type) => {
    expect(all(pr7, type)).toEqual([]);
  });

  test("exactly: a service with its task and migration definitions, roles, log group, target group, host rule, bucket and signing key (no DNS record: the host's wildcard serves it)", () => {
    const types = Object.keys(pr7.resource).sort();
    expect(types).toEqual(
      [
        "aws_cloudwatch_log_group",
        "aws_ecs_service",
        "aws_ecs_task_definition",
        "aws_iam_role",
        "aws_iam_role_policy",
        "aws_lb_listener_rule",
        "aws_lb_target_group",
        "aws_s3_bucket",
        "aws_s3_bucket_lifecycle_configuration",
        "aws_s3_bucket_ownership_controls",
        "aws_s3_bucket_policy",
        "aws_s3_bucket_public_access_block",
        "aws_s3_bucket_server_side_encryption_configuration",
        "aws_s3_bucket_versioning",
        "aws_secretsmanager_secret",
        "aws_secretsmanager_secret_version",
        "aws_security_group",
        "aws_vpc_security_group_egress_rule",
        "aws_vpc_security_group_ingress_rule",
      ].sort(),
    );
    expect(one(pr7, "aws_ecs_service")).toMatchObject({ desired_count: 1 });
    expect(all(pr7, "aws_appautoscaling_target")).toEqual([]);
  });

  test("it runs the pull request's image, from the preview repository, at the smallest Fargate size", () => {
    const definitions = all(pr7, "aws_ecs_task_definition");
    for (const definition of definitions) {
      expect(definition).toMatchObject({ cpu: "256", memory: "512" });
      const [container] = JSON.parse(String(definition.container_definitions)) as Array<{ image: string }>;
      expect(container?.image).toBe(`${previewRepository().repositoryUrl}:3f2c1a9`);
    }
    // The release repository's name is a prefix of the preview one's: match it whole.
    const release = sharedRepository().repositoryArn.split("/")[1] as string;
    expect(JSON.stringify(pr7.resource)).not.toMatch(new RegExp(`/${release}(?![\\w-])`));
  });

  test("every role it creates carries the preview workload boundary, not the general one", () => {
    const roles = all(pr7, "aws_iam_role");
    // execution, service task and migration task
    expect(roles).toHaveLength(3);
    for (const role of roles) {
      expect(role.permissions_boundary).toBe(previewWorkloadBoundaryArn(project.state.accountId));
      expect(role.permissions_boundary).toBe(
        `arn:aws:iam::${project.state.accountId}:policy/${project.name}-bootstrap-preview-workload-boundary`,
      );
    }
  });

  test("it shares the host's VPC, ALB listener, cluster and database through the host's state", () => {
    const remote = (pr7.data as Record<string, Record<string, Record<string, unknown>>>)
      .terraform_remote_state;
    expect(remote?.host).toMatchObject({ backend: "s3", config: { key: "acme/dev/terraform.tfstate" } });
    expect(one(pr7, "aws_lb_listener_rule").listener_arn).toBe(hostOutput("alb_https_listener_arn"));
    expect(one(pr7, "aws_ecs_service").cluster).toBe(hostOutput("cluster_arn"));
  });

  test("its state lives under <project>/preview/pr-<N>/ and every resource is tagged as a preview", () => {
    expect((pr7.terraform.backend as Record<string, Record<string, unknown>>).s3?.key).toBe(
      "acme/preview/pr-7/terraform.tfstate",
    );
    const [provider] = (
      pr7.provider as { aws: Array<{ default_tags: Array<{ tags: Record<string, string> }> }> }
    ).aws;
    expect(provider?.default_tags[0]?.tags).toMatchObject({
      Preview: "true",
      PullRequest: "7",
      Environment: "pr-7",
      ExpiresAt: "2026-11-30T00:00:00Z",
    });
  });

  test("nothing in it is protected from destroy: the bucket empties itself, no snapshot, no protection", () => {
    expect(one(pr7, "aws_s3_bucket").force_destroy).toBe(true);
    const text = JSON.stringify(pr7.resource);
    expect(text).not.toMatch(/"prevent_destroy":true|"deletion_protection":true|"final_snapshot_identifier"/);
  });
});

type Statement = { Action: string | string[]; Resource: string | string[] };
/** The statements of the inline policies on the role whose Terraform name contains `roleName`. */
const statementsOf = (stack: StackJson, roleName: string): Statement[] =>
  all(stack, "aws_iam_role_policy")
    .filter((p) => String(p.role) === `\${aws_iam_role.${roleName}.name}`)
    .flatMap((p) => (JSON.parse(String(p.policy)) as { Statement: Statement[] }).Statement);
const roleKey = (stack: StackJson, suffix: string) =>
  Object.keys(stack.resource.aws_iam_role ?? {}).find((key) =>
    key.startsWith(`service_${suffix}_`),
  ) as string;
const containerOf = (definition: Record<string, unknown>) =>
  (
    JSON.parse(String(definition.container_definitions)) as Array<{
      environment: Array<{ name: string; value: string }>;
      secrets: Array<{ name: string; valueFrom: string }>;
    }>
  )[0]!;
const envOf = (definition: Record<string, unknown>) =>
  Object.fromEntries(containerOf(definition).environment.map((e) => [e.name, e.value]));

describe("a preview shares no credential with its host", () => {
  const definitions = Object.entries(pr7.resource.aws_ecs_task_definition ?? {});
  const service = definitions.find(([key]) => !key.includes("migration"))?.[1] as Record<string, unknown>;
  const migration = definitions.find(([key]) => key.includes("migration"))?.[1] as Record<string, unknown>;
  const ownSecret = Object.keys(pr7.resource.aws_secretsmanager_secret ?? {})[0];

  test("the service signs in to PostgreSQL as pr_<N> with IAM authentication, with no password anywhere", () => {
    const env = envOf(service);
    expect(env).toMatchObject({
      DATABASE_IAM_USER: "pr_7",
      DATABASE_SCHEMA: "pr_7",
      DATABASE_SSL: "verify-full",
    });
    expect(env.DATABASE_SECRET_ARN).toBeUndefined();
    const connect = statementsOf(pr7, roleKey(pr7, "task-role")).filter((s) =>
      [s.Action].flat().includes("rds-db:connect"),
    );
    expect(connect.flatMap((s) => [s.Resource].flat())).toEqual([
      `arn:aws:rds-db:us-east-1:123456789012:dbuser:${hostOutput("database_resource_id")}/pr_7`,
    ]);
  });

  test("the running service can read no secret; it gets only its own signing key, injected at start", () => {
    const taskActions = statementsOf(pr7, roleKey(pr7, "task-role")).flatMap((s) => [s.Action].flat());
    expect(taskActions.filter((a) => a.startsWith("secretsmanager:"))).toEqual([]);
    expect(containerOf(service).secrets).toEqual([
      { name: "APP_SECRET", valueFrom: `\${aws_secretsmanager_secret.${ownSecret}.arn}` },
    ]);
    const executionSecrets = statementsOf(pr7, roleKey(pr7, "execution-role"))
      .filter((s) => [s.Action].flat().some((a) => a.startsWith("secretsmanager:")))
      .flatMap((s) => [s.Resource].flat());
    expect(executionSecrets).toEqual([`\${aws_secretsmanager_secret.${ownSecret}.arn}`]);
    expect(JSON.stringify(pr7)).not.toContain("app_signing_key_arn");
  });

  test("only the migration task, with its own role, reads the host's master secret, to manage pr_<N>", () => {
    expect(migration.task_role_arn).not.toEqual(service.task_role_arn);
    expect(migration.task_role_arn).toBe(`\${aws_iam_role.${roleKey(pr7, "migration-task-role")}.arn}`);
    const env = envOf(migration);
    expect(env).toMatchObject({
      DATABASE_SECRET_ARN: hostOutput("database_secret_arn"),
      DATABASE_APP_ROLE: "pr_7",
      DATABASE_SCHEMA: "pr_7",
    });
    expect(env.DATABASE_IAM_USER).toBeUndefined();
    const reads = statementsOf(pr7, roleKey(pr7, "migration-task-role"))
      .filter((s) => [s.Action].flat().includes("secretsmanager:GetSecretValue"))
      .flatMap((s) => [s.Resource].flat());
    expect(reads).toEqual([hostOutput("database_secret_arn")]);
  });

  test("destroy leaves its task definitions registered: deregistering would need an account-wide grant", () => {
    expect(definitions.length).toBe(2);
    for (const [, definition] of definitions) expect(definition.skip_destroy).toBe(true);
  });
});

describe("two previews never collide", () => {
  const pick = (stack: StackJson) => ({
    host: (one(stack, "aws_lb_listener_rule").condition as Array<{ host_header: { values: string[] } }>)[0]
      ?.host_header.values,
    priority: one(stack, "aws_lb_listener_rule").priority,
    bucket: one(stack, "aws_s3_bucket").bucket,
    service: one(stack, "aws_ecs_service").name,
    targetGroup: one(stack, "aws_lb_target_group").name,
    schema: (
      JSON.parse(String(all(stack, "aws_ecs_task_definition")[0]?.container_definitions)) as Array<{
        environment: Array<{ name: string; value: string }>;
      }>
    )[0]?.environment.find((e) => e.name === "DATABASE_SCHEMA")?.value,
  });

  test("each has its own host, priority, bucket, names and schema", () => {
    expect(pick(pr7)).toEqual({
      host: ["pr-7.preview.dev.platform.example.com"],
      priority: 1007,
      bucket: "acme-pr-7-uploads-123456789012-us-east-1",
      service: "acme-pr-7-app",
      targetGroup: "acme-pr-7-app-3000",
      schema: "pr_7",
    });
    const a = pick(pr7);
    const b = pick(pr8);
    for (const key of Object.keys(a) as (keyof typeof a)[]) expect(b[key]).not.toEqual(a[key]);
  });

  test("each task role may touch only its own bucket", () => {
    for (const [stack, own] of [
      [pr7, "acme-pr-7-uploads"],
      [pr8, "acme-pr-8-uploads"],
    ] as const) {
      const bucketRef = Object.keys(stack.resource.aws_s3_bucket ?? {})[0];
      const policies = all(stack, "aws_iam_role_policy").filter((p) => String(p.role).includes("task-role"));
      const s3Resources = policies.flatMap((p) =>
        (
          JSON.parse(String(p.policy)) as {
            Statement: Array<{ Action: string | string[]; Resource: string | string[] }>;
          }
        ).Statement.filter((s) => [s.Action].flat().some((a) => a.startsWith("s3:"))).flatMap((s) =>
          [s.Resource].flat(),
        ),
      );
      expect(s3Resources.length).toBeGreaterThan(0);
      for (const resource of s3Resources) expect(resource).toContain(`aws_s3_bucket.${bucketRef}.arn`);
      expect(one(stack, "aws_s3_bucket").bucket).toMatch(new RegExp(`^${own}-`));
    }
  });

  test("each listener rule matches only its own host, nothing else", () => {
    const conditions = one(pr7, "aws_lb_listener_rule").condition as Array<Record<string, unknown>>;
    expect(conditions).toEqual([{ host_header: { values: ["pr-7.preview.dev.platform.example.com"] } }]);
  });
});

describe("the host opens the shared paths once, so previews never edit its rules", () => {
  test("dev admits a preview-tasks group to its database, and previews join it", () => {
    expect(dev.output.preview_tasks_security_group_id).toBeDefined();
    const groups = (one(pr7, "aws_ecs_service").network_configuration as { security_groups: string[] })
      .security_groups;
    expect(groups).toContain(hostOutput("preview_tasks_security_group_id"));
    // The only ingress rule a preview writes is on its own group.
    for (const rule of all(pr7, "aws_vpc_security_group_ingress_rule")) {
      expect(String(rule.security_group_id)).toMatch(/^\$\{aws_security_group\./);
    }
  });

  test("every output a preview reads exists in the host stack and in the offline fixture", () => {
    const fixture = JSON.parse(readFileSync(join(REMOTE_STATE_FIXTURES, "dev.state.json"), "utf8")) as {
      outputs: Record<string, unknown>;
    };
    for (const output of HOST_OUTPUTS_READ) {
      expect(dev.output[output], `dev output ${output}`).toBeDefined();
      expect(fixture.outputs[output], `fixture output ${output}`).toBeDefined();
    }
    const read = JSON.stringify(pr7).match(/terraform_remote_state\.host\.outputs\.(\w+)/g) ?? [];
    for (const ref of new Set(read)) expect(HOST_OUTPUTS_READ).toContain(ref.split(".").pop());
  });
});

describe("bad pull request numbers and image tags fail synth with a clear message", () => {
  test.each(["0", "-1", "1.5", "abc", "007", "49001", "12; rm -rf /", ""])("PR_NUMBER=%j", (value) => {
    expect(() => parsePrNumber(value)).toThrow(ConfigError);
    expect(() => parsePrNumber(value)).toThrow(
      /^PR_NUMBER: .* is not a pull request number \(a whole number from 1 to 49000\)$/,
    );
  });

  test.each(["latest", "3F2C1A9", "abc", "$(id)", "v1.2", "feature/x", "a".repeat(41)])(
    "IMAGE_TAG=%j",
    (value) => {
      expect(() => parseImageTag(value)).toThrow(/^IMAGE_TAG: .* is not a git commit sha/);
    },
  );

  test.each(["3f2c1a9", "0123456789abcdef0123456789abcdef01234567", "1.4.2", "v1.4.2-rc.1"])(
    "IMAGE_TAG=%j is accepted",
    (value) => {
      expect(parseImageTag(value)).toBe(value);
    },
  );

  test("the same pull request twice is refused", () => {
    expect(() =>
      buildApp({
        outdir: testOutdir(),
        environments: [],
        bootstrap: false,
        previews: [
          { prNumber: 9, imageTag: "3f2c1a9" },
          { prNumber: 9, imageTag: "3f2c1a9" },
        ],
      }),
    ).toThrow("PR_NUMBER: 9 is given twice");
  });
});
