/**
 * The lifecycle of one preview environment, step by step. Every step is safe to repeat, so a run
 * that failed half-way is finished by running the same command again:
 * terraform converges, migrations are idempotent, the schema drop and state removal accept
 * "already gone".
 */
import { rmSync } from "node:fs";
import { StateBackend } from "@aws-platform-kit/modules/state";
import { loadEnvironment } from "../environments/index.js";
import {
  previewHostName,
  previewNaming,
  previewSchema,
  previewStackName,
  previewStateKey,
} from "../environments/preview.js";
import { bootstrapNaming, project } from "../environments/project.js";
import { PLACEHOLDER_IMAGE_TAG } from "../environments/release.js";
import { type OutputValues, SERVICE_OUTPUTS } from "../stacks/stack-outputs.js";
import { runToCompletion, waitForStableService } from "./ecs.js";
import { waitUntilReady } from "./readiness.js";
import type { Runner } from "./runner.js";
import { planOffline, synthesiseStack } from "./stack-dir.js";
import * as terraform from "./terraform.js";

/** The command `preview:down` runs in the preview's migration task to drop its schema. */
export const DROP_SCHEMA_COMMAND = ["node", "dist/scripts/db-drop-schema.js"] as const;

export interface PreviewOptions {
  readonly prNumber: number;
  readonly outdir: string;
  /** In a dry run, also validate and plan the stack offline. @default true */
  readonly offlinePlan?: boolean;
}

/** What a dry run pretends the stack's outputs are, so every later command can be printed. */
function dryRunOutputs(prNumber: number): OutputValues<typeof SERVICE_OUTPUTS> {
  const host = loadEnvironment(project.previews.hostEnvironment);
  return {
    url: `https://${previewHostName(prNumber, host.previews?.domain ?? "<previews domain>")}`,
    cluster_arn: "<cluster arn>",
    service_name: previewNaming(host, prNumber).name("app"),
    migration_task_definition_arn: "<migration task definition arn>",
    run_task_network: {
      awsvpcConfiguration: {
        subnets: ["<subnet>"],
        securityGroups: ["<security group>"],
        assignPublicIp: "ENABLED",
      },
    },
  };
}

/** Creates or updates the preview of `prNumber` running `imageTag`; returns its URL. */
export async function previewUp(
  runner: Runner,
  options: PreviewOptions & { imageTag: string },
): Promise<string> {
  const stack = previewStackName(options.prNumber);
  const dir = synthesiseStack(runner, options.outdir, stack, {
    environments: [],
    bootstrap: false,
    previews: [{ prNumber: options.prNumber, imageTag: options.imageTag }],
  });
  if (runner.dryRun && options.offlinePlan !== false) await planOffline(runner, options.outdir, stack);

  runner.step("terraform init (state in S3)");
  await terraform.init(runner, dir);
  runner.step("terraform plan, then apply exactly that plan");
  await terraform.plan(runner, dir, "preview.tfplan");
  await terraform.applySaved(runner, dir, "preview.tfplan");

  const out = await terraform.requireOutputs(
    runner,
    dir,
    stack,
    SERVICE_OUTPUTS,
    dryRunOutputs(options.prNumber),
  );
  runner.step(
    `migrate: create schema ${previewSchema(options.prNumber)} if needed and apply pending migrations`,
  );
  await runToCompletion(runner, {
    cluster: out.cluster_arn,
    taskDefinition: out.migration_task_definition_arn,
    network: out.run_task_network,
  });
  runner.step("wait for the service to be stable");
  await waitForStableService(runner, out.cluster_arn, out.service_name);
  const url = out.url;
  runner.step("wait for the preview to answer /readyz");
  await waitUntilReady(runner, `${url}/readyz`);
  return url;
}

/** Destroys the preview of `prNumber`: its schema, its resources, then its state. */
export async function previewDown(runner: Runner, options: PreviewOptions): Promise<void> {
  const stack = previewStackName(options.prNumber);
  // The image tag does not matter for a destroy; the placeholder keeps synth from asking for one.
  const dir = synthesiseStack(runner, options.outdir, stack, {
    environments: [],
    bootstrap: false,
    previews: [{ prNumber: options.prNumber, imageTag: PLACEHOLDER_IMAGE_TAG }],
  });
  if (runner.dryRun && options.offlinePlan !== false) await planOffline(runner, options.outdir, stack);

  runner.step("terraform init (state in S3)");
  await terraform.init(runner, dir);
  // None when an earlier run already destroyed the resources.
  const out = await terraform.readOutputs(
    runner,
    dir,
    stack,
    SERVICE_OUTPUTS,
    dryRunOutputs(options.prNumber),
  );

  if (out?.migration_task_definition_arn) {
    runner.step(
      `drop schema ${previewSchema(options.prNumber)} (one-off task of the preview's migration definition)`,
    );
    await runToCompletion(runner, {
      cluster: out.cluster_arn,
      taskDefinition: out.migration_task_definition_arn,
      network: out.run_task_network,
      command: DROP_SCHEMA_COMMAND,
    });
  } else {
    runner.step("drop schema: skipped, the stack has no resources left (already destroyed)");
  }

  runner.step("terraform destroy (plan the destroy, then apply exactly that plan)");
  await terraform.plan(runner, dir, "destroy.tfplan", true);
  await terraform.applySaved(runner, dir, "destroy.tfplan");

  const { bucket, lockTable } = StateBackend.names(bootstrapNaming());
  const key = previewStateKey(project.name, options.prNumber);
  runner.step("remove the preview's state object, lockfile and lock-table digest");
  await runner.run(["aws", "s3", "rm", `s3://${bucket}/${key}`]);
  await runner.run(["aws", "s3", "rm", `s3://${bucket}/${key}.tflock`]);
  await runner.run([
    "aws",
    "dynamodb",
    "delete-item",
    "--table-name",
    lockTable,
    "--key",
    JSON.stringify({ LockID: { S: `${bucket}/${key}-md5` } }),
  ]);
  if (!runner.dryRun) rmSync(dir, { recursive: true, force: true });
}
