/**
 * Releasing an environment stack (staging, prod) in two steps that may run in different jobs, with
 * an approval between them: `plan` writes a saved plan and its summary; `apply` migrates the
 * database with the new image, applies exactly that saved plan (which rolls the service to the new
 * image), then waits for the service to be stable and ready. Nothing is applied that was not planned.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { sharedRepository } from "../environments/project.js";
import { ENVIRONMENT_NAMES } from "../environments/schema.js";
import { APP_DATABASE_ROLE } from "../stacks/service-contract.js";
import { type OutputValues, SERVICE_OUTPUTS } from "../stacks/stack-outputs.js";
import { registerWithImage, runToCompletion, waitForStableService } from "./ecs.js";
import { waitUntilReady } from "./readiness.js";
import type { Runner } from "./runner.js";
import { planOffline, synthesiseStack } from "./stack-dir.js";
import * as terraform from "./terraform.js";

export const RELEASE_PLAN = "release.tfplan";
export const PLAN_SUMMARY = "plan-summary.md";

export interface ReleaseOptions {
  /** An environment stack: dev, staging or prod. */
  readonly stack: string;
  readonly imageTag: string;
  readonly outdir: string;
  /** In a dry run, also validate and plan the stack offline. @default true */
  readonly offlinePlan?: boolean;
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

/** Synthesises the stack for `imageTag` and saves its plan and a Markdown summary beside it. */
export async function releasePlan(runner: Runner, options: ReleaseOptions): Promise<string> {
  assertEnvironmentStack(options.stack);
  const dir = synthesiseStack(runner, options.outdir, options.stack, {
    environments: [options.stack],
    bootstrap: false,
    imageTag: options.imageTag,
  });
  if (runner.dryRun && options.offlinePlan !== false)
    await planOffline(runner, options.outdir, options.stack);
  runner.step("terraform init (state in S3)");
  await terraform.init(runner, dir);
  runner.step(`terraform plan -out=${RELEASE_PLAN}`);
  const summary = await terraform.plan(runner, dir, RELEASE_PLAN);
  const markdown = summary
    ? terraform.planMarkdown(options.stack, summary)
    : `### \`${options.stack}\`: dry run, no plan\n`;
  writeFileSync(join(dir, PLAN_SUMMARY), markdown);
  runner.note(`summary in ${join(dir, PLAN_SUMMARY)}`);
  return markdown;
}

/** Migrates, applies the saved plan, and waits until the new release serves. */
export async function releaseApply(runner: Runner, options: ReleaseOptions): Promise<void> {
  assertEnvironmentStack(options.stack);
  const dir = join(options.outdir, "stacks", options.stack);
  runner.step("terraform init (state in S3)");
  await terraform.init(runner, dir);
  // None before the environment's first apply.
  const before = await terraform.readOutputs(runner, dir, options.stack, SERVICE_OUTPUTS, dryRunOutputs);
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

  if (!before?.migration_task_definition_arn) {
    runner.step("first release of this environment: migrate now that the migration task exists");
    await migrate(after.migration_task_definition_arn, after);
  }
  runner.step("wait for the service to be stable");
  await waitForStableService(runner, after.cluster_arn, after.service_name);
  runner.step("wait for /readyz");
  await waitUntilReady(runner, `${after.url}/readyz`);
}
