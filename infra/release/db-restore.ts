/**
 * `npm run db:restore`: restores an environment's database into a new instance and switches the
 * environment to it, through its config (`database.restore`) and reviewed Terraform plans. Three
 * phases, each a run of the same command; which one runs follows from the config:
 *
 * 1. prepare (no matching `database.restore` yet): protect the current instance, check the restore
 *    source exists, print the config block to commit (`active: false`), stop.
 * 2. standby (`active: false`): plan (the restore is created beside the current instance; nothing is
 *    destroyed), apply with `--yes`, wait until it is available, check it with a read-only query
 *    from a one-off migration task, print the next step (`active: true`).
 * 3. switch (`active: true`): protect the replaced instance again, plan (the service moves to the
 *    restore; the replaced instance is forgotten, never destroyed), apply with `--yes`, wait for the
 *    service and /readyz.
 *
 * A dry run prints every phase in turn, with the config of each made in memory.
 */

import { rmSync } from "node:fs";
import { join } from "node:path";
import { RDS_IDENTIFIER_MAX } from "@aws-platform-kit/modules/database";
import { App } from "cdktf";
import { type EnvironmentConfig, loadEnvironment, parseEnvironment } from "../environments/index.js";
import { environmentNaming } from "../environments/project.js";
import { PLACEHOLDER_IMAGE_TAG, parseImageTag } from "../environments/release.js";
import { type DatabaseRestoreConfig, ENVIRONMENT_NAMES, RESTORE_ID } from "../environments/schema.js";
import { enablePolicyChecks } from "../policy/aspect.js";
import { databaseSlot, PlatformStack } from "../stacks/platform-stack.js";
import { type OutputValues, PLATFORM_OUTPUTS, SERVICE_OUTPUTS } from "../stacks/stack-outputs.js";
import { OVERRIDE_FILE } from "../terraform/offline-plan.js";
import { runToCompletion, waitForStableService } from "./ecs.js";
import { waitUntilReady } from "./readiness.js";
import type { Runner } from "./runner.js";
import { planOffline } from "./stack-dir.js";
import * as terraform from "./terraform.js";

export const DB_RESTORE_PLAN = "db-restore.tfplan";

/** Where the restored data comes from (the command's `--snapshot`, `--to` or `--latest`). */
export type RestoreSource =
  | { readonly snapshot: string }
  | { readonly pointInTime: string /* ISO time, or "latest" */ };

export interface DbRestoreOptions {
  /** dev, staging or prod. */
  readonly env: string;
  readonly source: RestoreSource;
  readonly outdir: string;
  /** The new restore's id. @default - r<yyyymmddhhmm> of `now` */
  readonly id?: string;
  /** Apply the reviewed plan of the standby or switch phase. @default false */
  readonly yes?: boolean;
  /** In a dry run, also plan the stack offline. @default true */
  readonly offlinePlan?: boolean;
  /** @default the current time */
  readonly now?: Date;
  /** The config to start from. @default - loadEnvironment(env) */
  readonly config?: EnvironmentConfig;
}

export type DbRestoreOutcome =
  /** Phase 1 done: the printed block must be committed to the config. */
  | "config-needed"
  /** A plan was printed and nothing applied (no --yes). */
  | "planned-only"
  /** Phase 2 done: the restore exists and answered the read-only query. */
  | "restored"
  /** Phase 3 done: the environment runs on the restore. */
  | "switched";

/** The outputs db:restore reads from the environment's state. */
export const DB_RESTORE_OUTPUTS = {
  ...SERVICE_OUTPUTS,
  database_address: PLATFORM_OUTPUTS.database_address,
  database_secret_arn: PLATFORM_OUTPUTS.database_secret_arn,
} as const;
type Outputs = OutputValues<typeof DB_RESTORE_OUTPUTS>;

/** The read-only check run in the restored database, with the migration's sign-in (the image's code). */
export const VERIFY_SCRIPT = [
  'import pg from "pg";',
  'import { migrationConnectionFromEnv } from "./dist/service/migrate/connection.js";',
  "const { client: settings, schema } = await migrationConnectionFromEnv();",
  "const client = new pg.Client(settings);",
  "await client.connect();",
  "try {",
  '  await client.query("BEGIN READ ONLY");',
  "  const s = '\"' + schema.replaceAll('\"', '\"\"') + '\"';",
  '  const counts = ["users", "tasks", "files"].map((t) => "(SELECT count(*) FROM " + s + "." + t + ") AS " + t);',
  '  const last = "(SELECT max(finished_at) FROM " + s + "._prisma_migrations) AS last_migration";',
  '  const { rows } = await client.query("SELECT " + [...counts, last].join(", "));',
  '  console.log("db:restore check: " + JSON.stringify(rows[0]));',
  '  await client.query("ROLLBACK");',
  "} finally {",
  "  await client.end();",
  "}",
].join("\n");
export const VERIFY_COMMAND = ["node", "--input-type=module", "-e", VERIFY_SCRIPT] as const;

/** `r<yyyymmddhhmm>` of `now`, UTC. */
export function restoreIdAt(now: Date): string {
  return `r${now.toISOString().slice(0, 16).replace(/[-T:]/g, "")}`;
}

/** The config block a source asks for. */
function sourceFields(source: RestoreSource): Pick<DatabaseRestoreConfig, "snapshot" | "pointInTime"> {
  return "snapshot" in source ? { snapshot: source.snapshot } : { pointInTime: source.pointInTime };
}

function sameSource(restore: DatabaseRestoreConfig, source: RestoreSource): boolean {
  const wanted = sourceFields(source);
  return restore.snapshot === wanted.snapshot && restore.pointInTime === wanted.pointInTime;
}

/** The identifier of the instance the environment uses under `config`. */
export function activeIdentifier(config: EnvironmentConfig): string {
  const restore = config.database.restore;
  const id = restore?.active ? restore.id : restore?.replaces;
  return environmentNaming(config).name(databaseSlot(id).purpose, RDS_IDENTIFIER_MAX);
}

/** The identifier `restore` creates. */
function restoredIdentifier(config: EnvironmentConfig, restore: DatabaseRestoreConfig): string {
  return environmentNaming(config).name(databaseSlot(restore.id).purpose, RDS_IDENTIFIER_MAX);
}

function withRestore(config: EnvironmentConfig, restore: DatabaseRestoreConfig): EnvironmentConfig {
  return parseEnvironment(config.name, { ...config, database: { ...config.database, restore } });
}

/** The block to write under `database` in infra/environments/<env>.ts, as TypeScript. */
export function restoreBlock(restore: DatabaseRestoreConfig): string {
  const fields = Object.entries(restore)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}: ${JSON.stringify(v)}`)
    .join(", ");
  return `restore: { ${fields} },`;
}

function dryRunOutputs(config: EnvironmentConfig): Outputs {
  return {
    url: `https://${config.dns.domain}`,
    cluster_arn: "<cluster arn>",
    service_name: "<service name>",
    migration_task_definition_arn: "<migration task definition arn>",
    run_task_network: {
      awsvpcConfiguration: {
        subnets: ["<subnet>"],
        securityGroups: ["<service security group>"],
        assignPublicIp: "DISABLED",
      },
    },
    database_address: `${activeIdentifier(config)}.<id>.${config.region}.rds.amazonaws.com`,
    database_secret_arn: "<master secret arn>",
  };
}

/** Synthesises the environment's stack from `config` (which may hold an uncommitted restore). */
function synthesise(runner: Runner, outdir: string, config: EnvironmentConfig, imageTag: string): string {
  runner.step(
    `synthesise ${config.name}${config.database.restore ? ` with ${restoreBlock(config.database.restore)}` : ""}`,
  );
  const app = new App({ outdir });
  new PlatformStack(app, config.name, { config, imageTag });
  enablePolicyChecks(app);
  app.synth();
  const dir = join(outdir, "stacks", config.name);
  rmSync(join(dir, OVERRIDE_FILE), { force: true });
  runner.note(`wrote ${join(dir, "cdk.tf.json")}`);
  return dir;
}

/** The current outputs and the image tag the service runs (a restore must not roll the service). */
async function readCurrent(
  runner: Runner,
  outdir: string,
  config: EnvironmentConfig,
): Promise<{ outputs: Outputs; imageTag: string }> {
  const dir = synthesise(runner, outdir, config, PLACEHOLDER_IMAGE_TAG);
  runner.step("terraform init (state in S3), then read the stack's outputs");
  await terraform.init(runner, dir);
  const outputs = await terraform.requireOutputs(
    runner,
    dir,
    config.name,
    DB_RESTORE_OUTPUTS,
    dryRunOutputs(config),
  );
  const expected = activeIdentifier(config);
  if (!outputs.database_address.startsWith(`${expected}.`)) {
    throw new Error(
      `${config.name}: the stack's database is ${outputs.database_address.split(".")[0]}, but the config says ${expected}; is the config in step with what was applied?`,
    );
  }
  runner.step("read the image tag the service runs (the plan must keep it)");
  const taskDefinition = await runner.run(
    [
      "aws",
      "ecs",
      "describe-services",
      "--cluster",
      outputs.cluster_arn,
      "--services",
      outputs.service_name,
      "--query",
      "services[0].taskDefinition",
      "--output",
      "text",
    ],
    { capture: true, dryRunOutput: "<service task definition arn>" },
  );
  const image = await runner.run(
    [
      "aws",
      "ecs",
      "describe-task-definition",
      "--task-definition",
      taskDefinition.stdout.trim(),
      "--query",
      "taskDefinition.containerDefinitions[0].image",
      "--output",
      "text",
    ],
    { capture: true, dryRunOutput: "123456789012.dkr.ecr.us-east-1.amazonaws.com/acme-shared-app:0000000" },
  );
  const tag = parseImageTag(image.stdout.trim().split(":").pop(), "the service's image tag");
  if (!tag) throw new Error(`${config.name}: cannot tell the image tag of ${image.stdout.trim()}`);
  runner.note(`the service runs ${tag}`);
  return { outputs, imageTag: tag };
}

/** Turns deletion protection on for `identifier`, at once. */
async function protect(runner: Runner, identifier: string): Promise<void> {
  runner.step(`protect ${identifier}: deletion protection on, before anything else`);
  await runner.run([
    "aws",
    "rds",
    "modify-db-instance",
    "--db-instance-identifier",
    identifier,
    "--deletion-protection",
    "--apply-immediately",
    "--query",
    "DBInstance.DeletionProtection",
    "--output",
    "text",
  ]);
}

/** Checks the snapshot exists, or the time lies in the current instance's restorable window. */
async function checkSource(runner: Runner, source: RestoreSource, current: string): Promise<void> {
  if ("snapshot" in source) {
    runner.step(`check snapshot ${source.snapshot} is available`);
    const found = await runner.run(
      [
        "aws",
        "rds",
        "describe-db-snapshots",
        "--db-snapshot-identifier",
        source.snapshot,
        "--query",
        "DBSnapshots[0].[Status,Encrypted,SnapshotCreateTime]",
        "--output",
        "text",
      ],
      { capture: true, dryRunOutput: "available\tTrue\t<time>" },
    );
    const [status, encrypted] = found.stdout.trim().split("\t");
    if (status !== "available")
      throw new Error(`snapshot ${source.snapshot} is ${status ?? "not found"}, not available`);
    if (encrypted !== "True")
      throw new Error(
        `snapshot ${source.snapshot} is not encrypted; the module restores only encrypted data`,
      );
    return;
  }
  runner.step(`check ${source.pointInTime} lies in ${current}'s restorable window`);
  const window = await runner.run(
    [
      "aws",
      "rds",
      "describe-db-instance-automated-backups",
      "--db-instance-identifier",
      current,
      "--query",
      "DBInstanceAutomatedBackups[0].RestoreWindow.[EarliestTime,LatestTime]",
      "--output",
      "text",
    ],
    { capture: true, dryRunOutput: "2026-01-01T00:00:00Z\t2999-01-01T00:00:00Z" },
  );
  const [earliest, latest] = window.stdout.trim().split("\t");
  runner.note(`restorable from ${earliest} to ${latest}`);
  if (source.pointInTime !== "latest") {
    const at = Date.parse(source.pointInTime);
    if (!(earliest && latest && Date.parse(earliest) <= at && at <= Date.parse(latest))) {
      throw new Error(
        `${source.pointInTime} is outside ${current}'s restorable window (${earliest} to ${latest})`,
      );
    }
  }
}

/** Plans `config`; refuses a plan that destroys or replaces any database instance. */
async function reviewedPlan(
  runner: Runner,
  options: DbRestoreOptions,
  config: EnvironmentConfig,
  imageTag: string,
): Promise<{ dir: string; apply: boolean }> {
  const dir = synthesise(runner, options.outdir, config, imageTag);
  if (runner.dryRun && options.offlinePlan !== false) await planOffline(runner, options.outdir, config.name);
  runner.step(`terraform init, then plan -out=${DB_RESTORE_PLAN}`);
  await terraform.init(runner, dir);
  const summary = await terraform.plan(runner, dir, DB_RESTORE_PLAN);
  if (summary) {
    runner.note(terraform.planMarkdown(config.name, summary).trim());
    const lost = summary.destroyed.filter((address) => address.startsWith("aws_db_instance."));
    if (lost.length > 0) {
      throw new Error(`the plan would destroy a database instance (${lost.join(", ")}); nothing applied`);
    }
  }
  const apply = runner.dryRun || options.yes === true;
  if (!apply) runner.note("nothing applied: review the plan above, then run the same command with --yes");
  return { dir, apply };
}

export async function dbRestore(runner: Runner, options: DbRestoreOptions): Promise<DbRestoreOutcome> {
  if (!(ENVIRONMENT_NAMES as readonly string[]).includes(options.env)) {
    throw new Error(`db:restore: "${options.env}" is not an environment (${ENVIRONMENT_NAMES.join(", ")})`);
  }
  const config = options.config ?? loadEnvironment(options.env);
  const inConfig = config.database.restore;

  // Which phase: a restore of this source in the config decides; otherwise a new one begins.
  if (inConfig && !inConfig.active && !sameSource(inConfig, options.source)) {
    throw new Error(
      `${config.name}.database.restore: ${inConfig.id} (from ${inConfig.snapshot ?? inConfig.pointInTime}) is under way; switch to it (active: true) or remove it before another restore`,
    );
  }
  if (inConfig && sameSource(inConfig, options.source) && (!options.id || options.id === inConfig.id)) {
    return inConfig.active ? switchPhase(runner, options, config) : standbyPhase(runner, options, config);
  }

  // Phase 1.
  const id = options.id ?? restoreIdAt(options.now ?? new Date());
  if (!RESTORE_ID.test(id)) throw new Error(`--id: "${id}" must be r<yyyymmdd> or r<yyyymmddhhmm>`);
  const restore: DatabaseRestoreConfig = {
    id,
    ...sourceFields(options.source),
    ...(inConfig?.active ? { replaces: inConfig.id } : {}),
    active: false,
  };
  const standby = withRestore(config, restore);
  const { outputs } = await readCurrent(runner, options.outdir, config);
  const current = activeIdentifier(config);
  await protect(runner, current);
  await checkSource(runner, options.source, current);
  runner.step(`commit the restore to the config: infra/environments/${config.name}.ts, under database`);
  runner.note(restoreBlock(restore));
  runner.note(
    `it creates ${restoredIdentifier(config, restore)} beside ${current} (${outputs.database_address}); the service keeps using ${current}`,
  );
  if (!runner.dryRun) {
    runner.note("merge that change, then run this command again: it plans the restore");
    return "config-needed";
  }
  runner.note("dry run: continuing with that config in memory");
  const restored = await standbyPhase(runner, options, standby);
  if (restored !== "restored") return restored;
  return switchPhase(runner, options, withRestore(config, { ...restore, active: true }));
}

/** Phase 2: create the restore beside the current instance, wait for it, check it read-only. */
async function standbyPhase(
  runner: Runner,
  options: DbRestoreOptions,
  config: EnvironmentConfig,
): Promise<DbRestoreOutcome> {
  const restore = config.database.restore as DatabaseRestoreConfig;
  const target = restoredIdentifier(config, restore);
  runner.step(`restore ${restore.id}: create ${target} beside ${activeIdentifier(config)}`);
  const { outputs, imageTag } = await readCurrent(runner, options.outdir, config);
  const { dir, apply } = await reviewedPlan(runner, options, config, imageTag);
  if (!apply) return "planned-only";
  runner.step(`terraform apply ${DB_RESTORE_PLAN} (exactly the reviewed plan)`);
  await terraform.applySaved(runner, dir, DB_RESTORE_PLAN);

  runner.step(`wait until ${target} is available`);
  await runner.run(["aws", "rds", "wait", "db-instance-available", "--db-instance-identifier", target]);
  const described = await runner.run(
    [
      "aws",
      "rds",
      "describe-db-instances",
      "--db-instance-identifier",
      target,
      "--query",
      "DBInstances[0].[Endpoint.Address,MasterUserSecret.SecretArn]",
      "--output",
      "text",
    ],
    {
      capture: true,
      dryRunOutput: `${target}.<id>.${config.region}.rds.amazonaws.com\t<restored-master-secret-arn>`,
    },
  );
  const [address, secretArn] = described.stdout.trim().split("\t");
  if (!address || !secretArn) throw new Error(`${target}: no endpoint or master secret yet`);

  runner.step(
    `check ${target} with a read-only query (one-off migration task, signed in with its master secret)`,
  );
  await runToCompletion(runner, {
    cluster: outputs.cluster_arn,
    taskDefinition: outputs.migration_task_definition_arn,
    network: outputs.run_task_network,
    command: VERIFY_COMMAND,
    environment: { DATABASE_HOST: address, DATABASE_SECRET_ARN: secretArn },
  });
  runner.note(
    "the counts it printed are in the task's log (the service's log group, /ecs/<project>-<env>-app)",
  );
  runner.step("next: switch the service to the restore");
  runner.note(`in infra/environments/${config.name}.ts: ${restoreBlock({ ...restore, active: true })}`);
  runner.note("merge that change, then run this command again: it plans the switch");
  return "restored";
}

/** Phase 3: protect the replaced instance, then apply the switch (which forgets it). */
async function switchPhase(
  runner: Runner,
  options: DbRestoreOptions,
  config: EnvironmentConfig,
): Promise<DbRestoreOutcome> {
  const restore = config.database.restore as DatabaseRestoreConfig;
  const replaced = environmentNaming(config).name(databaseSlot(restore.replaces).purpose, RDS_IDENTIFIER_MAX);
  runner.step(`switch ${config.name} to ${restoredIdentifier(config, restore)}; ${replaced} stays in AWS`);
  await protect(runner, replaced);
  // The outputs still name the replaced instance until this apply (or the restore, if it ran before).
  const before = { ...config, database: { ...config.database, restore: { ...restore, active: false } } };
  const { outputs, imageTag } = await readCurrentAfterSwitch(runner, options, before, config);
  const { dir, apply } = await reviewedPlan(runner, options, config, imageTag);
  if (!apply) return "planned-only";
  runner.step(`terraform apply ${DB_RESTORE_PLAN} (exactly the reviewed plan)`);
  await terraform.applySaved(runner, dir, DB_RESTORE_PLAN);
  runner.step("wait for the service to be stable on the restored database");
  await waitForStableService(runner, outputs.cluster_arn, outputs.service_name);
  runner.step("wait for /readyz");
  await waitUntilReady(runner, `${outputs.url}/readyz`);
  runner.step("done");
  runner.note(
    `${replaced} is no longer in the stack and keeps deletion protection; remove it on purpose when no longer needed (docs/runbooks/db-restore.md)`,
  );
  return "switched";
}

/** Outputs before a switch: the stack's state names the replaced instance, or already the restore (a re-run). */
async function readCurrentAfterSwitch(
  runner: Runner,
  options: DbRestoreOptions,
  before: EnvironmentConfig,
  after: EnvironmentConfig,
): Promise<{ outputs: Outputs; imageTag: string }> {
  try {
    return await readCurrent(runner, options.outdir, before);
  } catch (error) {
    if (
      runner.dryRun ||
      !(error instanceof Error) ||
      !error.message.includes("in step with what was applied")
    )
      throw error;
    return readCurrent(runner, options.outdir, after);
  }
}
