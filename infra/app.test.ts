/**
 * The whole app, synthesised once, then validated and planned with the real Terraform CLI and AWS
 * provider (offline). This is what catches what type-checking cannot: a wrong attribute, a bad
 * reference, a value the provider rejects.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { buildApp } from "./app.js";
import { loadEnvironment, project } from "./environments/index.js";
import { listStacks, planStacksOffline, type StackPlan } from "./terraform/offline-plan.js";
import { prepareToolchain } from "./terraform/toolchain.js";

type StackJson = {
  terraform: { backend: Record<string, Record<string, unknown>>; required_version?: string };
  provider: { aws: Array<Record<string, unknown>> };
  resource: Record<string, Record<string, Record<string, unknown>>>;
  data?: Record<string, unknown>;
};

const outdir = mkdtempSync(join(tmpdir(), "platform-app-"));
let plans: StackPlan[] = [];
const stackJson = (stack: string) =>
  JSON.parse(readFileSync(join(outdir, "stacks", stack, "cdk.tf.json"), "utf8")) as StackJson;
const resourcesOf = (stack: string, type: string) => Object.values(stackJson(stack).resource[type] ?? {});

beforeAll(async () => {
  buildApp({ outdir }).synth();
  const toolchain = await prepareToolchain(join(outdir, "terraform.rc"));
  plans = await planStacksOffline(outdir, listStacks(outdir), toolchain, { concurrency: 2 });
});
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

describe("offline validate and plan with the real provider", () => {
  test("the app has the bootstrap stack and one stack per environment", () => {
    expect(plans.map((p) => p.stack).sort()).toEqual(["bootstrap", "dev", "prod", "staging"]);
  });

  test("every stack validates and plans with no errors and no warnings", () => {
    for (const plan of plans) {
      expect({ stack: plan.stack, errors: plan.errors, warnings: plan.warnings }).toEqual({
        stack: plan.stack,
        errors: [],
        warnings: [],
      });
      expect(plan.ok).toBe(true);
    }
  });

  test("each plan creates exactly the resources synthesised, and changes or destroys nothing", () => {
    for (const plan of plans) {
      const synthesised = Object.values(stackJson(plan.stack).resource).reduce(
        (n, r) => n + Object.keys(r).length,
        0,
      );
      expect({ stack: plan.stack, add: plan.add, change: plan.change, destroy: plan.destroy }).toEqual({
        stack: plan.stack,
        add: synthesised,
        change: 0,
        destroy: 0,
      });
    }
  });
});

describe("state", () => {
  test.each(["dev", "staging", "prod"])(
    "%s keeps encrypted, locked state in the S3 backend under its own key",
    (env) => {
      const { terraform } = stackJson(env);
      expect(terraform.backend.s3).toEqual({
        bucket: `${project.name}-bootstrap-tfstate-${project.state.accountId}-${project.state.region}`,
        key: `${project.name}/${env}/terraform.tfstate`,
        region: project.state.region,
        encrypt: true,
        dynamodb_table: `${project.name}-bootstrap-tfstate-lock`,
        use_lockfile: true,
      });
      expect(terraform.required_version).toBe(">= 1.10.0");
    },
  );

  test("the bootstrap stack starts on local state and creates the bucket and table the others use", () => {
    const bootstrap = stackJson("bootstrap");
    expect(Object.keys(bootstrap.terraform.backend)).toEqual(["local"]);
    const bucket = resourcesOf("bootstrap", "aws_s3_bucket")[0];
    expect(bucket?.bucket).toBe(stackJson("dev").terraform.backend.s3?.bucket);
    expect(resourcesOf("bootstrap", "aws_dynamodb_table")[0]?.name).toBe(
      stackJson("dev").terraform.backend.s3?.dynamodb_table,
    );
  });
});

describe("no AWS API is needed to synthesise or plan", () => {
  test.each(["bootstrap", "dev", "staging", "prod"])("%s reads no data source that calls AWS", (stack) => {
    // aws_iam_policy_document is computed by the provider locally; every other data source calls AWS.
    const dataSources = Object.keys(stackJson(stack).data ?? {}).filter(
      (type) => type !== "aws_iam_policy_document",
    );
    expect(dataSources).toEqual([]);
  });

  test.each(["dev", "staging", "prod"])(
    "%s's provider is locked to the configured account and region",
    (env) => {
      const config = loadEnvironment(env);
      expect(stackJson(env).provider.aws[0]).toMatchObject({
        region: config.region,
        allowed_account_ids: [config.accountId],
        default_tags: [{ tags: { Project: project.name, Environment: env, ManagedBy: "cdktf" } }],
      });
    },
  );
});

describe("environments differ only where their configs do", () => {
  test("NAT gateways follow natMode: none in dev, one in staging, one per AZ in prod", () => {
    expect(resourcesOf("dev", "aws_nat_gateway")).toHaveLength(0);
    expect(resourcesOf("staging", "aws_nat_gateway")).toHaveLength(1);
    expect(resourcesOf("prod", "aws_nat_gateway")).toHaveLength(
      loadEnvironment("prod").availabilityZones.length,
    );
  });

  test("subnets span each environment's configured AZs", () => {
    for (const env of ["dev", "staging", "prod"]) {
      const zones = new Set(resourcesOf(env, "aws_subnet").map((s) => s.availability_zone));
      expect([...zones]).toEqual(loadEnvironment(env).availabilityZones);
    }
  });

  test("VPC ranges and flow-log retention come from config", () => {
    for (const env of ["dev", "staging", "prod"]) {
      const config = loadEnvironment(env);
      expect(resourcesOf(env, "aws_vpc")[0]?.cidr_block).toBe(config.network.cidr);
      const flowLogGroup = resourcesOf(env, "aws_cloudwatch_log_group").find((g) =>
        String(g.name).startsWith("/vpc/"),
      );
      expect(flowLogGroup?.retention_in_days).toBe(config.network.flowLogRetentionDays);
    }
  });

  test("the uploads bucket can be force-destroyed only where deletion protection is off", () => {
    for (const env of ["dev", "staging", "prod"]) {
      const uploads = resourcesOf(env, "aws_s3_bucket").find((b) => String(b.bucket).includes("-uploads-"));
      expect(uploads?.force_destroy).toBe(!loadEnvironment(env).deletionProtection);
    }
  });
});
