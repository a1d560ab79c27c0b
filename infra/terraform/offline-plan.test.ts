import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  countChanges,
  offlineOverride,
  placeholderVariables,
  planStackOffline,
  planStacksOffline,
  REMOTE_STATE_FIXTURES,
} from "./offline-plan.js";
import { prepareToolchain, type Toolchain } from "./toolchain.js";

const scratch = mkdtempSync(join(tmpdir(), "offline-plan-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("offlineOverride", () => {
  test("local backend, and fake credentials with every AWS call-out skipped for each provider alias", () => {
    const override = offlineOverride({ provider: { aws: [{}, { alias: "us_east_1" }] } }) as {
      terraform: unknown;
      provider: { aws: Array<Record<string, unknown>> };
    };
    expect(override.terraform).toEqual({ backend: { local: { path: "offline.tfstate" } } });
    expect(override.provider.aws.map((p) => p.alias)).toEqual([undefined, "us_east_1"]);
    for (const provider of override.provider.aws) {
      expect(provider).toMatchObject({
        skip_credentials_validation: true,
        skip_requesting_account_id: true,
        skip_metadata_api_check: "true",
        allowed_account_ids: null,
      });
    }
  });

  test("an S3 remote state is read from the committed fixture of that environment", () => {
    const override = offlineOverride({
      data: {
        terraform_remote_state: { host: { backend: "s3", config: { key: "acme/dev/terraform.tfstate" } } },
      },
    }) as { data: { terraform_remote_state: Record<string, { backend: string; config: { path: string } }> } };
    const path = override.data.terraform_remote_state.host?.config.path as string;
    expect(path).toBe(join(REMOTE_STATE_FIXTURES, "dev.state.json"));
    expect(JSON.parse(readFileSync(path, "utf8")).outputs.vpc_id.value).toMatch(/^vpc-/);
  });

  test("a remote state with no fixture is an error naming the key and where the fixture belongs", () => {
    expect(() =>
      offlineOverride({
        data: {
          terraform_remote_state: { x: { backend: "s3", config: { key: "acme/qa/terraform.tfstate" } } },
        },
      }),
    ).toThrow(
      /no remote-state fixture for key "acme\/qa\/terraform\.tfstate" \(expected .*<environment>\.state\.json\)/,
    );
  });
});

test("variables without a default get a placeholder through TF_VAR_*, never in a file", () => {
  expect(
    placeholderVariables({
      variable: { app_signing_key: { ephemeral: true }, region: { default: "us-east-1" } },
    }),
  ).toEqual({ TF_VAR_app_signing_key: "offline-plan-placeholder-not-a-secret" });
});

test("changes are counted as terraform counts them: a replacement is one add and one destroy", () => {
  expect(
    countChanges({
      resource_changes: [
        { address: "a.x", mode: "managed", change: { actions: ["create"] } },
        { address: "a.y", mode: "managed", change: { actions: ["update"] } },
        { address: "a.z", mode: "managed", change: { actions: ["delete", "create"] } },
        { address: "a.w", mode: "managed", change: { actions: ["no-op"] } },
        { address: "data.d", mode: "data", change: { actions: ["read"] } },
      ],
    }),
  ).toEqual({ resources: 4, add: 2, change: 1, destroy: 1 });
});

test("a stack that cannot be prepared fails on its own with the reason, instead of crashing the run", async () => {
  const dir = join(scratch, "stacks", "orphan");
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, "cdk.tf.json"),
    JSON.stringify({
      data: {
        terraform_remote_state: { x: { backend: "s3", config: { key: "acme/qa/terraform.tfstate" } } },
      },
    }),
  );
  const toolchain = {
    terraform: "terraform-not-run",
    terraformVersion: "0",
    providerSource: { kind: "mirror", path: "" } as const,
    mirror: "",
    cliConfig: "",
  };
  const plan = await planStackOffline(scratch, "orphan", toolchain);
  expect(plan.ok).toBe(false);
  expect(plan.errors).toEqual([
    expect.stringMatching(/^preparing the offline plan: no remote-state fixture/),
  ]);
});

describe("plan reports what validate would, without a separate validate", () => {
  // Two tiny stacks planned with the real Terraform CLI and AWS provider: one with a deprecated
  // argument (a warning), one with an argument the provider does not have (an error).
  const stack = (name: string, bucket: Record<string, unknown>) => {
    const dir = join(scratch, "stacks", name);
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, "cdk.tf.json"),
      JSON.stringify({
        terraform: { required_providers: { aws: { source: "hashicorp/aws", version: "5.100.0" } } },
        provider: { aws: [{ region: "us-east-1" }] },
        resource: { aws_s3_bucket: { logs: { bucket: `offline-plan-${name}`, ...bucket } } },
      }),
    );
  };
  let plans: Awaited<ReturnType<typeof planStacksOffline>> = [];
  beforeAll(async () => {
    stack("deprecated", { acl: "private" });
    stack("invalid", { no_such_argument: true });
    const toolchain = await prepareToolchain(join(scratch, "terraform.rc"));
    plans = await planStacksOffline(scratch, ["deprecated", "invalid"], toolchain, { concurrency: 2 });
  }, 300_000);
  const planOf = (name: string) => plans.find((p) => p.stack === name);

  test("a deprecated argument plans, with the provider's warning naming it", () => {
    expect(planOf("deprecated")).toMatchObject({ ok: true, errors: [], add: 1 });
    expect(planOf("deprecated")?.warnings).toEqual([expect.stringMatching(/deprecated/i)]);
  });

  test("an unknown argument fails the plan with terraform's error, not a bare exit code", () => {
    expect(planOf("invalid")?.ok).toBe(false);
    expect(planOf("invalid")?.errors).toEqual([expect.stringMatching(/no_such_argument/)]);
  });
});

describe("the verified provider run in place plans what init + plan plans", () => {
  // The same tiny stack, once through the direct provider (no init) and once through terraform init.
  const write = (name: string, config: Record<string, unknown>) => {
    const dir = join(scratch, "stacks", name);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "cdk.tf.json"), JSON.stringify(config));
    return dir;
  };
  const bucketStack = {
    terraform: { required_providers: { aws: { source: "hashicorp/aws", version: "5.100.0" } } },
    provider: { aws: [{ region: "us-east-1" }] },
    resource: {
      aws_s3_bucket: { logs: { bucket: "offline-plan-direct" } },
      aws_s3_bucket_versioning: {
        // A Terraform reference, as cdk.tf.json holds it.
        logs: {
          bucket: ["$", "{aws_s3_bucket.logs.id}"].join(""),
          versioning_configuration: { status: "Enabled" },
        },
      },
    },
  };
  let toolchain: Toolchain;
  let direct: Awaited<ReturnType<typeof planStackOffline>>;
  let usual: Awaited<ReturnType<typeof planStackOffline>>;
  let fallback: Awaited<ReturnType<typeof planStackOffline>>;
  beforeAll(async () => {
    toolchain = await prepareToolchain(join(scratch, "direct.rc"));
    write("direct", bucketStack);
    write("usual", bucketStack);
    // A provider the direct config cannot run: only terraform init could install it.
    write("other-provider", {
      ...bucketStack,
      terraform: {
        required_providers: {
          ...bucketStack.terraform.required_providers,
          random: { source: "hashicorp/random" },
        },
      },
    });
    const { direct: _, ...withoutDirect } = toolchain;
    [direct, usual, fallback] = await Promise.all([
      planStackOffline(scratch, "direct", toolchain, { planDir: join(scratch, "plans-direct") }),
      planStackOffline(scratch, "usual", withoutDirect, { planDir: join(scratch, "plans-usual") }),
      planStackOffline(scratch, "other-provider", toolchain, { planDir: join(scratch, "plans-other") }),
    ]);
  }, 300_000);

  test("this machine takes the direct path (its mirror matches the published checksum)", () => {
    expect(toolchain.direct?.providerDir).toContain("registry.terraform.io/hashicorp/aws/5.100.0/");
  });

  test("same plan, no terraform init in the direct folder, and no warning of our own in the result", () => {
    expect(direct).toMatchObject({ ok: true, add: 2, errors: [], warnings: [] });
    expect(usual).toMatchObject({ ok: true, add: 2, errors: [], warnings: [] });
    const changes = (file: string) =>
      (JSON.parse(readFileSync(file, "utf8")) as { resource_changes: unknown[] }).resource_changes;
    expect(changes(direct.planJson!)).toEqual(changes(usual.planJson!));
    expect(existsSync(join(scratch, "stacks", "direct", ".terraform.lock.hcl"))).toBe(false);
    expect(existsSync(join(scratch, "stacks", "usual", ".terraform.lock.hcl"))).toBe(true);
  });

  test("a stack that needs terraform init (another provider) goes down the usual path", () => {
    // The usual path ran init, which cannot install hashicorp/random offline: its error, not the direct path's.
    expect(fallback.ok).toBe(false);
    expect(fallback.errors).toEqual([expect.stringMatching(/^terraform init failed: .*hashicorp\/random/s)]);
  });
});
