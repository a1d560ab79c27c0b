/**
 * Releasing an environment stack (dev, staging, prod) in two steps that may run in different jobs,
 * with an approval between them: `plan` writes a saved plan, its summary and a manifest of what it
 * was made for; `apply` migrates the database with the new image, applies exactly that saved plan
 * (which rolls the service to the new image), then waits for the service to be stable and ready.
 * Nothing is applied that was not planned.
 *
 * An environment's first release (its state has no outputs yet) has no database to migrate before
 * the apply. Its plan is made with the service at 0 tasks (`initialRelease`), so the apply creates
 * the database, the cluster, the migration task definition and an idle service; then the migration
 * runs, and only then is the service scaled to its configured count. No task ever starts against an
 * unmigrated schema.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadEnvironment } from "../environments/index.js";
import { sharedRepository } from "../environments/project.js";
import { ENVIRONMENT_NAMES } from "../environments/schema.js";
import { APP_DATABASE_ROLE } from "../stacks/service-contract.js";
import { type OutputValues, SERVICE_OUTPUTS } from "../stacks/stack-outputs.js";
import {
  desiredCountOf,
  registerWithImage,
  runToCompletion,
  scaleService,
  waitForStableService,
} from "./ecs.js";
import { waitUntilReady } from "./readiness.js";
import type { Runner } from "./runner.js";
import { planOffline, synthesiseStack } from "./stack-dir.js";
import * as terraform from "./terraform.js";

export const RELEASE_PLAN = "release.tfplan";
export const PLAN_SUMMARY = "plan-summary.md";
/** What the saved plan was made for, beside it: `apply` reads it (it may run in another job). */
export const RELEASE_MANIFEST = "release.json";

/** The contents of `release.json`. */
export interface ReleaseManifest {
  readonly stack: string;
  readonly imageTag: string;
  /**
   * The stack had no outputs when it was planned: the saved plan creates it with the service at
   * 0 tasks, and `apply` migrates after the apply, then scales the service to `desiredCount`.
   */
  readonly firstRelease: boolean;
  /** The service's configured task count (`<env>.service.desiredCount`). */
  readonly desiredCount: number;
}

export interface ReleaseOptions {
  /** An environment stack: dev, staging or prod. */
  readonly stack: string;
  readonly imageTag: string;
  readonly outdir: string;
  /** In a dry run, also validate and plan the stack offline. @default true */
  readonly offlinePlan?: boolean;
  /**
   * A dry run of `plan` as if the stack had never been applied: what its first release does. (A
   * dry run of `apply` follows the manifest its plan wrote.)
   * @default false
   */
  readonly dryRunFirstRelease?: boolean;
}

function assertEnvironmentStack(stack: string): void {
  if (!(ENVIRONMENT_NAMES as readonly string[]).includes(stack)) {
    throw new Error(`release: "${stack}" is not an environment stack (${ENVIRONMENT_NAMES.join(", ")})`);
  }
}

type ServiceOutputs = OutputValues<typeof SERVICE_OUTPUTS>;

const dryRunOutputs: ServiceOutputs = {
  url: "https://<domain>",
  cluster_arn: "<cluster arn>",
  service_name: "<service name>",
  migration_task_definition_arn: "<current migration task definition arn>",
  run_task_network: {
    awsvpcConfiguration: {
      subnets: ["<subnet>"],
      securityGroups: ["<security group>"],
      assignPublicIp: "DISABLED",
    },
  },
};

/**
 * The stack's service outputs from its state, or undefined before its first apply. A dry run
 * pretends the stack exists, unless `asFirstRelease`.
 */
function currentOutputs(
  runner: Runner,
  dir: string,
  stack: string,
  asFirstRelease: boolean,
): Promise<ServiceOutputs | undefined> {
  const pretend = runner.dryRun && asFirstRelease ? ({} as ServiceOutputs) : dryRunOutputs;
  return terraform.readOutputs(runner, dir, stack, SERVICE_OUTPUTS, pretend);
}

/**
 * Synthesises the stack for `imageTag` and saves its plan, a Markdown summary and the release
 * manifest beside it. A stack without outputs (never applied) is planned for its first release.
 */
export async function releasePlan(runner: Runner, options: ReleaseOptions): Promise<string> {
  assertEnvironmentStack(options.stack);
  const config = loadEnvironment(options.stack);
  const build = { environments: [options.stack], bootstrap: false, imageTag: options.imageTag };
  let dir = synthesiseStack(runner, options.outdir, options.stack, build);
  rmSync(join(dir, RELEASE_MANIFEST), { force: true });
  runner.step("terraform init (state in S3)");
  await terraform.init(runner, dir);
  runner.step("read the stack's outputs (a stack with none is planned for its first release)");
  const before = await currentOutputs(runner, dir, options.stack, options.dryRunFirstRelease === true);
  const firstRelease = before === undefined;
  if (firstRelease) {
    runner.note(
      `${options.stack} has no outputs: its first release. The service is planned with 0 tasks and no autoscaling;`,
    );
    runner.note(`apply migrates the new database, then scales it to ${config.service.desiredCount}.`);
    dir = synthesiseStack(runner, options.outdir, options.stack, { ...build, initialRelease: true });
  }
  if (runner.dryRun && options.offlinePlan !== false)
    await planOffline(runner, options.outdir, options.stack);
  runner.step(`terraform plan -out=${RELEASE_PLAN}`);
  const summary = await terraform.plan(runner, dir, RELEASE_PLAN);
  const markdown = [
    summary ? terraform.planMarkdown(options.stack, summary) : `### \`${options.stack}\`: dry run, no plan\n`,
    ...(firstRelease
      ? [
          `\nFirst release of \`${options.stack}\`: the service is created with 0 tasks; \`release:apply\` migrates the new database, then scales it to ${config.service.desiredCount}. Autoscaling is added by the next release.\n`,
        ]
      : []),
  ].join("");
  writeFileSync(join(dir, PLAN_SUMMARY), markdown);
  const manifest: ReleaseManifest = {
    stack: options.stack,
    imageTag: options.imageTag,
    firstRelease,
    desiredCount: config.service.desiredCount,
  };
  writeFileSync(join(dir, RELEASE_MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
  runner.note(`summary in ${join(dir, PLAN_SUMMARY)}, manifest in ${join(dir, RELEASE_MANIFEST)}`);
  return markdown;
}

/** The manifest `releasePlan` saved in `dir`, checked against what is being applied. */
export function readManifest(dir: string, options: ReleaseOptions): ReleaseManifest {
  const file = join(dir, RELEASE_MANIFEST);
  if (!existsSync(file)) {
    throw new Error(
      `release:apply ${options.stack}: no ${file}; run release:plan first (it saves the plan with it)`,
    );
  }
  const manifest = JSON.parse(readFileSync(file, "utf8")) as ReleaseManifest;
  if (manifest.stack !== options.stack || manifest.imageTag !== options.imageTag) {
    throw new Error(
      `release:apply ${options.stack}: the saved plan is for ${manifest.stack} at ${manifest.imageTag}, not ${options.stack} at ${options.imageTag}; run release:plan again`,
    );
  }
  if (typeof manifest.firstRelease !== "boolean" || !Number.isInteger(manifest.desiredCount)) {
    throw new Error(`release:apply ${options.stack}: ${file} is not a release manifest`);
  }
  return manifest;
}

/**
 * Migrates, applies the saved plan, and waits until the new release serves. A first release
 * applies, migrates, then starts the service (see the module comment).
 */
export async function releaseApply(runner: Runner, options: ReleaseOptions): Promise<void> {
  assertEnvironmentStack(options.stack);
  const dir = join(options.outdir, "stacks", options.stack);
  const manifest = readManifest(dir, options);
  runner.step("terraform init (state in S3)");
  await terraform.init(runner, dir);
  // None before the environment's first apply.
  const before = await currentOutputs(runner, dir, options.stack, manifest.firstRelease);
  // Terraform refuses a saved plan whose state changed since; say why before migrating anything.
  if (manifest.firstRelease && before) {
    throw new Error(
      `release:apply ${options.stack}: the saved plan is for the stack's first release, but the stack has outputs now (applied since it was planned): run release:plan again; that release migrates and starts the service`,
    );
  }
  if (!manifest.firstRelease && !before) {
    throw new Error(
      `release:apply ${options.stack}: the saved plan updates the stack, but the stack has no outputs now (destroyed since it was planned?): run release:plan again`,
    );
  }
  const image = `${sharedRepository().repositoryUrl}:${options.imageTag}`;
  const migrate = async (taskDefinition: string, outputs: ServiceOutputs) =>
    runToCompletion(runner, {
      cluster: outputs.cluster_arn,
      taskDefinition,
      network: outputs.run_task_network,
      // The migration before the apply runs the current migration task definition, which may
      // predate the application role (an environment whose service still signed in as the master
      // user): the role must exist before the plan rolls out a service that signs in as it. Naming
      // it here is a no-op for task definitions that already carry it.
      environment: { DATABASE_APP_ROLE: APP_DATABASE_ROLE },
    });

  if (before?.migration_task_definition_arn) {
    // The saved plan rolls the service to the new image; the schema must be ready before that.
    runner.step(`migrate the database with ${image}, before the service update`);
    // The one-off revision stays registered: deregistering needs ecs:DeregisterTaskDefinition, which
    // IAM can grant only on every task definition of the account (the apply roles have none). The
    // next apply registers its own revision of the family; an extra one is inert and free.
    const migration = await registerWithImage(runner, before.migration_task_definition_arn, image);
    await migrate(migration, before);
  }

  runner.step(`terraform apply ${RELEASE_PLAN} (exactly the reviewed plan)`);
  await terraform.applySaved(runner, dir, RELEASE_PLAN);
  const after = await terraform.requireOutputs(runner, dir, options.stack, SERVICE_OUTPUTS, dryRunOutputs);

  const start = async (outputs: ServiceOutputs) => {
    runner.step(`start the service: ${manifest.desiredCount} task(s), now that the schema is migrated`);
    await scaleService(runner, outputs.cluster_arn, outputs.service_name, manifest.desiredCount);
  };
  if (manifest.firstRelease) {
    runner.step("first release: migrate the new database (the service runs 0 tasks until it is done)");
    await migrate(after.migration_task_definition_arn, after);
    await start(after);
  } else {
    // A first release that stopped between its apply and its scale step (a failed migration) left
    // the service at 0 tasks; this release has migrated, so it starts the service.
    runner.step("check that the service runs tasks");
    const running = await desiredCountOf(
      runner,
      after.cluster_arn,
      after.service_name,
      manifest.desiredCount,
    );
    if (running === 0) await start(after);
    else runner.note(`desired count ${running}`);
  }
  runner.step("wait for the service to be stable");
  await waitForStableService(runner, after.cluster_arn, after.service_name);
  runner.step("wait for /readyz");
  await waitUntilReady(runner, `${after.url}/readyz`);
}
