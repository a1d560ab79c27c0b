/** One-off ECS tasks (database migrations) and service rollouts, through the AWS CLI. */
import type { RunTaskNetworkConfiguration } from "../stacks/stack-outputs.js";
import type { Runner } from "./runner.js";

export interface OneOffTask {
  readonly cluster: string;
  readonly taskDefinition: string;
  /** The stack's `run_task_network` output: where the service's tasks run. */
  readonly network: RunTaskNetworkConfiguration;
  /** Replaces the container's command (e.g. the schema drop of `preview:down`). */
  readonly command?: readonly string[];
  /**
   * Environment variables set in the container for this run only, over the task definition's.
   * @default - the task definition's
   */
  readonly environment?: Readonly<Record<string, string>>;
  /** The container to override: the task definition's only container. @default "app" */
  readonly container?: string;
}

/**
 * Runs a task to completion and fails unless its container exited 0. Safe to repeat: migrations
 * are idempotent, so a re-run after a failure just runs them again.
 */
export async function runToCompletion(runner: Runner, task: OneOffTask): Promise<void> {
  const environment = Object.entries(task.environment ?? {}).map(([name, value]) => ({ name, value }));
  const override = {
    ...(task.command ? { command: task.command } : {}),
    ...(environment.length > 0 ? { environment } : {}),
  };
  const overrides =
    Object.keys(override).length > 0
      ? [
          "--overrides",
          JSON.stringify({ containerOverrides: [{ name: task.container ?? "app", ...override }] }),
        ]
      : [];
  const started = await runner.run(
    [
      "aws",
      "ecs",
      "run-task",
      "--cluster",
      task.cluster,
      "--task-definition",
      task.taskDefinition,
      "--launch-type",
      "FARGATE",
      "--network-configuration",
      JSON.stringify(task.network),
      ...overrides,
      "--started-by",
      "platform-release",
      "--query",
      "tasks[0].taskArn",
      "--output",
      "text",
    ],
    { capture: true, dryRunOutput: "arn:aws:ecs:dry-run:000000000000:task/dry-run/0" },
  );
  const taskArn = started.stdout.trim();
  if (!taskArn || taskArn === "None") throw new Error(`ECS did not start the task ${task.taskDefinition}`);
  await runner.run(["aws", "ecs", "wait", "tasks-stopped", "--cluster", task.cluster, "--tasks", taskArn]);
  const exit = await runner.run(
    [
      "aws",
      "ecs",
      "describe-tasks",
      "--cluster",
      task.cluster,
      "--tasks",
      taskArn,
      "--query",
      "tasks[0].[containers[0].exitCode, stoppedReason]",
      "--output",
      "text",
    ],
    { capture: true, dryRunOutput: "0\tEssential container in task exited" },
  );
  const [code, ...reason] = exit.stdout.trim().split(/\s+/);
  if (code !== "0") {
    throw new Error(
      `one-off task ${taskArn} failed (exit code ${code ?? "unknown"}: ${reason.join(" ")}); see its logs`,
    );
  }
  runner.note(`task ${taskArn} finished with exit code 0`);
}

/**
 * Registers a copy of `taskDefinitionArn` whose container runs `image`: how the migration of a new
 * release runs before the saved plan that rolls the service to it is applied. Returns the new ARN.
 */
export async function registerWithImage(
  runner: Runner,
  taskDefinitionArn: string,
  image: string,
): Promise<string> {
  const described = await runner.run(
    [
      "aws",
      "ecs",
      "describe-task-definition",
      "--task-definition",
      taskDefinitionArn,
      "--query",
      "taskDefinition",
    ],
    { capture: true, dryRunOutput: JSON.stringify(dryRunTaskDefinition) },
  );
  const definition = JSON.parse(described.stdout) as Record<string, unknown> & {
    containerDefinitions: Array<Record<string, unknown>>;
  };
  const input = Object.fromEntries(
    Object.entries(definition).filter(([key]) => REGISTER_FIELDS.includes(key)),
  ) as typeof definition;
  input.containerDefinitions = definition.containerDefinitions.map((c) => ({ ...c, image }));
  const registered = await runner.run(
    [
      "aws",
      "ecs",
      "register-task-definition",
      "--cli-input-json",
      JSON.stringify(input),
      "--query",
      "taskDefinition.taskDefinitionArn",
      "--output",
      "text",
    ],
    { capture: true, dryRunOutput: "arn:aws:ecs:dry-run:000000000000:task-definition/dry-run-migrate:2" },
  );
  return registered.stdout.trim();
}

/** Waits until the service's deployment has finished (ECS's own waiter: up to 10 minutes). */
export async function waitForStableService(runner: Runner, cluster: string, service: string): Promise<void> {
  await runner.run(["aws", "ecs", "wait", "services-stable", "--cluster", cluster, "--services", service]);
}

/** The number of tasks the service is set to run (its desired count). */
export async function desiredCountOf(
  runner: Runner,
  cluster: string,
  service: string,
  dryRunCount: number,
): Promise<number> {
  const described = await runner.run(
    [
      "aws",
      "ecs",
      "describe-services",
      "--cluster",
      cluster,
      "--services",
      service,
      "--query",
      "services[0].desiredCount",
      "--output",
      "text",
    ],
    { capture: true, dryRunOutput: String(dryRunCount) },
  );
  const count = Number(described.stdout.trim());
  if (!Number.isInteger(count)) {
    throw new Error(`ECS service ${service}: desired count "${described.stdout.trim()}" is not a number`);
  }
  return count;
}

/**
 * Sets the service's desired count: how a first release starts the service it created with 0 tasks,
 * once the database is migrated. No new deployment: the tasks run the service's task definition.
 */
export async function scaleService(
  runner: Runner,
  cluster: string,
  service: string,
  desiredCount: number,
): Promise<void> {
  await runner.run(
    [
      "aws",
      "ecs",
      "update-service",
      "--cluster",
      cluster,
      "--service",
      service,
      "--desired-count",
      String(desiredCount),
      "--query",
      "service.desiredCount",
      "--output",
      "text",
    ],
    { capture: true, dryRunOutput: String(desiredCount) },
  );
}

/** The fields `register-task-definition` accepts from a `describe-task-definition` result. */
const REGISTER_FIELDS = [
  "family",
  "taskRoleArn",
  "executionRoleArn",
  "networkMode",
  "containerDefinitions",
  "volumes",
  "placementConstraints",
  "requiresCompatibilities",
  "cpu",
  "memory",
  "runtimePlatform",
  "ephemeralStorage",
];

const dryRunTaskDefinition = {
  family: "dry-run-migrate",
  containerDefinitions: [{ name: "app", image: "dry-run" }],
  revision: 1,
  status: "ACTIVE",
};
