/**
 * `database.restore` in an environment config (npm run db:restore): the restored instance is built
 * beside the current one, then in its place, and the replaced instance leaves the stack without being
 * destroyed. Synthesised, then planned offline with the real provider against a state that holds the
 * replaced instance.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App } from "cdktf";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type EnvironmentInput, environmentInputs, parseEnvironment } from "../environments/index.js";
import { enablePolicyChecks } from "../policy/aspect.js";
import { type PlanJson, planStackOffline, type StackPlan } from "../terraform/offline-plan.js";
import { prepareToolchain } from "../terraform/toolchain.js";
import { KEPT_DATABASE_RESOURCES, keptDatabaseAddresses, PlatformStack } from "./platform-stack.js";

type Resource = Record<string, unknown>;
type StackJson = {
  resource: Record<string, Record<string, Resource>>;
  output: Record<string, { value: unknown }>;
  removed?: Array<{ from: string; lifecycle: { destroy: boolean } }>;
};

const outdir = mkdtempSync(join(tmpdir(), "database-restore-"));
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

/** dev's config with `database.restore` set. */
function devWith(restore: Record<string, unknown>): EnvironmentInput {
  const dev = environmentInputs.dev;
  return { ...dev, database: { ...dev.database, restore } } as EnvironmentInput;
}

/** Synthesises the dev stack of `input` into `<outdir>/<name>` and returns its JSON and folder. */
function synthDev(name: string, input: EnvironmentInput): { json: StackJson; appDir: string } {
  const appDir = join(outdir, name);
  const app = new App({ outdir: appDir });
  new PlatformStack(app, "dev", { config: parseEnvironment("dev", input) });
  enablePolicyChecks(app);
  app.synth();
  const json = JSON.parse(readFileSync(join(appDir, "stacks", "dev", "cdk.tf.json"), "utf8")) as StackJson;
  return { json, appDir };
}

/** The addresses of the original database's kept resources in dev. */
const originalKept = () =>
  keptDatabaseAddresses(
    new PlatformStack(new App({ outdir: join(outdir, "names") }), "dev", {
      config: parseEnvironment("dev", environmentInputs.dev),
    }),
    "database",
  );
const instances = (json: StackJson) => json.resource.aws_db_instance ?? {};
const fixture = JSON.parse(
  readFileSync(join(import.meta.dirname, "..", "fixtures", "resource-addresses.json"), "utf8"),
) as Record<string, string[]>;

const standby = synthDev(
  "standby",
  devWith({ id: "r202612060930", snapshot: "rds:acme-dev-db-2026-12-06-03-10", active: false }),
);
const switched = synthDev(
  "switched",
  devWith({ id: "r202612060930", pointInTime: "2026-12-06T09:30:00Z", active: true }),
);

describe("active: false — the restore is built beside the current instance", () => {
  test("two instances: the current one unchanged at its address, the restore named after its id", () => {
    const all = instances(standby.json);
    expect(Object.keys(all).sort()).toEqual([
      "database-r202612060930_instance_F067EDA4",
      "database_instance_D7FC2283",
    ]);
    expect(all.database_instance_D7FC2283).toMatchObject({
      identifier: "acme-dev-db",
      username: "platform_admin",
    });
    expect(all["database-r202612060930_instance_F067EDA4"]).toMatchObject({
      identifier: "acme-dev-db-r202612060930",
      snapshot_identifier: "rds:acme-dev-db-2026-12-06-03-10",
    });
  });

  test("every address of the dev stack without a restore is still there, so nothing is replaced", () => {
    const addressesOf = (json: StackJson) =>
      Object.entries(json.resource).flatMap(([type, byName]) =>
        Object.keys(byName).map((n) => `${type}.${n}`),
      );
    const now = new Set(addressesOf(standby.json));
    const without = addressesOf(synthDev("without", environmentInputs.dev).json);
    expect(without.filter((a) => !now.has(a))).toEqual([]);
    expect(standby.json.removed).toBeUndefined();
  });

  test("the service still uses the current instance; the migration task may read the restore's secret to check it", () => {
    const service = Object.entries(standby.json.resource.aws_ecs_task_definition ?? {}).find(([k]) =>
      k.startsWith("service_task-definition"),
    )?.[1];
    expect(String(service?.container_definitions)).toContain(
      "aws_db_instance.database_instance_D7FC2283.address",
    );
    const policies = Object.keys(standby.json.resource.aws_iam_role_policy ?? {});
    expect(
      policies.some((k) => k.startsWith("database-r202612060930_grant-read-credentials-service_migration")),
    ).toBe(true);
    expect(policies.some((k) => k.startsWith("database-r202612060930_grant-connect"))).toBe(false);
  });
});

describe("active: true — the stack switches to the restore", () => {
  test("one instance, the restore, restored to the point in time of the replaced instance", () => {
    const all = instances(switched.json);
    expect(Object.keys(all)).toEqual(["database-r202612060930_instance_F067EDA4"]);
    expect(all["database-r202612060930_instance_F067EDA4"]?.restore_to_point_in_time).toEqual({
      source_db_instance_identifier: "acme-dev-db",
      restore_time: "2026-12-06T09:30:00Z",
    });
  });

  test("the replaced instance and the groups it needs are removed from the stack with destroy = false, at their real addresses", () => {
    const removed = switched.json.removed ?? [];
    expect(removed.map((r) => r.lifecycle)).toEqual(KEPT_DATABASE_RESOURCES.map(() => ({ destroy: false })));
    for (const { from } of removed) expect(fixture.dev).toContain(from);
    expect(removed.map((r) => r.from)).toContain("aws_db_instance.database_instance_D7FC2283");
  });

  test("the switch leaves every resource of the restore as the standby built it (nothing of it changes or is replaced)", () => {
    const ofRestore = (json: StackJson) =>
      Object.fromEntries(
        Object.entries(json.resource).flatMap(([type, byName]) =>
          Object.entries(byName)
            .filter(([name]) => name.startsWith("database-r202612060930_"))
            .map(([name, config]) => [`${type}.${name}`, { ...config, "//": undefined }]),
        ),
      );
    const before = ofRestore(standby.json);
    const after = ofRestore(switched.json);
    // The standby is restored from a snapshot and the switched stack from a time: the source is
    // the one difference, and the instance ignores it after creation.
    const instance = "aws_db_instance.database-r202612060930_instance_F067EDA4";
    for (const side of [before, after]) {
      const config = side[instance] as Record<string, unknown>;
      delete config.snapshot_identifier;
      delete config.restore_to_point_in_time;
    }
    for (const [address, config] of Object.entries(before)) expect(after[address], address).toEqual(config);
  });

  test("the outputs name the restore", () => {
    expect(JSON.stringify(switched.json.output.database_address)).toContain(
      "database-r202612060930_instance_F067EDA4",
    );
  });

  test("a second restore replaces the first: its removed blocks name the first restore's construct", () => {
    const second = synthDev(
      "second",
      devWith({ id: "r202612071200", replaces: "r202612060930", pointInTime: "latest", active: true }),
    );
    const from = (second.json.removed ?? []).map((r) => r.from);
    expect(from).toContain(`aws_db_instance.${Object.keys(instances(switched.json))[0]}`);
    expect(Object.values(instances(second.json))[0]?.restore_to_point_in_time).toEqual({
      source_db_instance_identifier: "acme-dev-db-r202612060930",
      use_latest_restorable_time: true,
    });
  });
});

describe("config checks", () => {
  test.each<[string, Record<string, unknown>, string]>([
    [
      "both a snapshot and a time",
      { id: "r20261206", snapshot: "s1", pointInTime: "latest", active: false },
      "dev.database.restore: give exactly one of snapshot and pointInTime",
    ],
    [
      "a bad id",
      { id: "restore-1", pointInTime: "latest", active: false },
      "dev.database.restore.id: must be r<yyyymmdd>",
    ],
    [
      "a local time",
      { id: "r20261206", pointInTime: "2026-12-06 09:30", active: false },
      'dev.database.restore.pointInTime: must be "latest" or an ISO 8601 time',
    ],
    [
      "replacing itself",
      { id: "r20261206", replaces: "r20261206", pointInTime: "latest", active: false },
      "dev.database.restore.replaces: must name another restore",
    ],
  ])("refuses %s", (_, restore, message) => {
    expect(() => parseEnvironment("dev", devWith(restore))).toThrow(message);
  });
});

describe("offline plan of the switch, with the real provider, against a state holding the replaced instance", () => {
  let plan: StackPlan;
  let changes: NonNullable<PlanJson["resource_changes"]> = [];

  beforeAll(async () => {
    // The state the switch is planned against: the replaced database's kept resources, as the
    // standby apply leaves them (attributes Terraform needs to forget them; nothing is refreshed).
    const schemaVersions: Record<string, number> = { aws_db_instance: 2, aws_security_group: 1 };
    const names = originalKept();
    const state = {
      version: 4,
      terraform_version: "1.11.4",
      serial: 1,
      lineage: "4d1c5b4e-restore-test-0000-000000000000",
      outputs: {},
      resources: names.map((address) => {
        const [type, name] = address.split(".") as [string, string];
        return {
          mode: "managed",
          type,
          name,
          provider: 'provider["registry.terraform.io/hashicorp/aws"]',
          instances: [
            {
              schema_version: schemaVersions[type] ?? 0,
              attributes: { id: `${name}-id` },
              sensitive_attributes: [],
            },
          ],
        };
      }),
    };
    writeFileSync(join(switched.appDir, "stacks", "dev", "offline.tfstate"), JSON.stringify(state));
    const toolchain = await prepareToolchain(join(outdir, "terraform.rc"));
    plan = await planStackOffline(switched.appDir, "dev", toolchain);
    changes = plan.planJson
      ? ((JSON.parse(readFileSync(plan.planJson, "utf8")) as PlanJson).resource_changes ?? [])
      : [];
  }, 600_000);

  test("plans with no errors", () => {
    expect(plan.errors).toEqual([]);
    expect(plan.ok).toBe(true);
  });

  test("the replaced instance and its groups are forgotten, never deleted; nothing is destroyed", () => {
    const forgotten = changes.filter((rc) => rc.change.actions.includes("forget")).map((rc) => rc.address);
    expect(forgotten.sort()).toEqual(originalKept().sort());
    expect(changes.filter((rc) => rc.change.actions.includes("delete"))).toEqual([]);
  });

  test("the restore is created with restore_to_point_in_time from the replaced instance", () => {
    const created = changes.find(
      (rc) => rc.address === "aws_db_instance.database-r202612060930_instance_F067EDA4",
    ) as { change: { actions: string[]; after: Record<string, unknown> } } | undefined;
    expect(created?.change.actions).toEqual(["create"]);
    expect(created?.change.after.restore_to_point_in_time).toEqual([
      {
        restore_time: "2026-12-06T09:30:00Z",
        source_db_instance_identifier: "acme-dev-db",
        source_db_instance_automated_backups_arn: null,
        source_dbi_resource_id: null,
        use_latest_restorable_time: null,
      },
    ]);
  });
});

describe("offline plan of the standby, with the real provider", () => {
  let plan: StackPlan;
  beforeAll(async () => {
    const toolchain = await prepareToolchain(join(outdir, "terraform.rc"));
    plan = await planStackOffline(standby.appDir, "dev", toolchain);
  }, 600_000);

  test("plans with no errors, and creates the restore from the snapshot beside the current instance", () => {
    expect(plan.errors).toEqual([]);
    const changes = (
      JSON.parse(readFileSync(plan.planJson as string, "utf8")) as {
        resource_changes: Array<{
          address: string;
          change: { actions: string[]; after: Record<string, unknown> };
        }>;
      }
    ).resource_changes;
    const restored = changes.find(
      (rc) => rc.address === "aws_db_instance.database-r202612060930_instance_F067EDA4",
    );
    expect(restored?.change.after).toMatchObject({
      snapshot_identifier: "rds:acme-dev-db-2026-12-06-03-10",
      identifier: "acme-dev-db-r202612060930",
      storage_encrypted: true,
      manage_master_user_password: true,
    });
    expect(restored?.change.after.restore_to_point_in_time).toEqual([]);
    expect(
      changes.find((rc) => rc.address === "aws_db_instance.database_instance_D7FC2283")?.change.actions,
    ).toEqual(["create"]);
  });
});
