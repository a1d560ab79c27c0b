/**
 * `ScheduledTask`: an EventBridge Scheduler schedule that starts a Fargate task definition
 * (`RunTask`) on a cron or rate expression, placed like the service (`service.runTaskNetwork`),
 * with a role that may start only that task definition family in that cluster.
 */
import type { EcsTaskDefinition } from "@cdktf/provider-aws/lib/ecs-task-definition/index.js";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role/index.js";
import { SchedulerSchedule } from "@cdktf/provider-aws/lib/scheduler-schedule/index.js";
import { Token } from "cdktf";
import { Construct } from "constructs";
import { attachPolicy, serviceTrustPolicy } from "../iam/policy.js";
import { NAME_LIMITS, type Naming } from "../naming/naming.js";
import { PropError } from "../validation/prop-error.js";
import { assertIntegerInRange } from "../validation/validators.js";
import { assertCapacityProviderStrategy, type CapacityProviderStrategyItem } from "./capacity.js";
import type { ClusterRef } from "./cluster.js";
import type { RunTaskNetwork } from "./run-task.js";

/** `cron(<6 fields>)`, `rate(<n> <unit>)` or `at(yyyy-mm-ddThh:mm:ss)`. */
export const SCHEDULE_EXPRESSION =
  /^(cron\((\S+ ){5}\S+\)|rate\([1-9]\d* (minute|minutes|hour|hours|day|days)\)|at\(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\))$/;
/** What a schedule expression must be. */
export const SCHEDULE_EXPRESSION_RULE =
  "must be cron(<minutes> <hours> <day-of-month> <month> <day-of-week> <year>), rate(<n> minutes|hours|days) or at(yyyy-mm-ddThh:mm:ss)";
/** An IANA time zone name (`Europe/Berlin`, `UTC`). */
export const TIMEZONE = /^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/;

/** Throws, naming the field, unless `expression` is a cron, rate or at expression (references pass). */
export function assertScheduleExpression(expression: string, field: string): void {
  if (Token.isUnresolved(expression)) return;
  if (!SCHEDULE_EXPRESSION.test(expression)) {
    throw new PropError(field, `"${expression}" ${SCHEDULE_EXPRESSION_RULE}`);
  }
}

/** Throws, naming the field, unless `timezone` looks like an IANA time zone name. */
export function assertTimezone(timezone: string, field: string): void {
  if (Token.isUnresolved(timezone)) return;
  if (!TIMEZONE.test(timezone))
    throw new PropError(field, `"${timezone}" must be an IANA time zone such as Europe/Berlin`);
}

/** Props of `ScheduledTask`. */
export interface ScheduledTaskProps {
  /** Names and tags every resource. */
  readonly naming: Naming;
  /** What the task does; the schedule and its role are named `<project>-<env>-<name>`. */
  readonly name: string;
  /** When: `cron(0 3 * * ? *)`, `rate(1 hour)` or `at(2027-01-01T00:00:00)`. */
  readonly schedule: string;
  /**
   * The time zone the cron expression is read in.
   * @default "UTC"
   */
  readonly timezone?: string;
  /** The cluster to run in (the service's). */
  readonly cluster: ClusterRef;
  /**
   * The task definition to run: e.g. the service's `migrationTaskDefinition`, or one of your own.
   * Its task and execution roles are the only roles the schedule may pass.
   */
  readonly taskDefinition: EcsTaskDefinition;
  /** Where to place it: the service's `runTaskNetwork` (its subnets, security groups, public IP). */
  readonly network: RunTaskNetwork;
  /**
   * Run by a capacity provider strategy (e.g. `FARGATE_SPOT`) instead of the `FARGATE` launch type.
   * @default - the `FARGATE` launch type
   */
  readonly capacityProviderStrategy?: readonly CapacityProviderStrategyItem[];
  /**
   * Tasks started each time.
   * @default 1
   */
  readonly taskCount?: number;
  /**
   * Times the scheduler retries a `RunTask` that failed (e.g. no capacity), within an hour.
   * @default 2
   */
  readonly retryAttempts?: number;
  /**
   * Whether the schedule fires.
   * @default true
   */
  readonly enabled?: boolean;
}

/**
 * An EventBridge Scheduler schedule (no flexible time window) that runs a task definition on
 * Fargate with the given network configuration, and its role: `ecs:RunTask` on that task
 * definition family in that cluster only, `ecs:TagResource` on the tasks it starts, and
 * `iam:PassRole` on the task definition's task and execution roles only, to ECS tasks only.
 */
export class ScheduledTask extends Construct {
  /** The EventBridge Scheduler schedule. */
  readonly schedule: SchedulerSchedule;
  /** The role the scheduler assumes to start the task. */
  readonly role: IamRole;

  constructor(scope: Construct, id: string, props: ScheduledTaskProps) {
    super(scope, id);
    const f = "compute.scheduledTask";
    const { naming, taskDefinition } = props;
    assertScheduleExpression(props.schedule, `${f}.schedule`);
    const timezone = props.timezone ?? "UTC";
    assertTimezone(timezone, `${f}.timezone`);
    const taskCount = props.taskCount ?? 1;
    assertIntegerInRange(taskCount, `${f}.taskCount`, { min: 1, max: 10 });
    const retryAttempts = props.retryAttempts ?? 2;
    assertIntegerInRange(retryAttempts, `${f}.retryAttempts`, { min: 0, max: 185 });
    if (props.network.subnetIds.length === 0)
      throw new PropError(`${f}.network.subnetIds`, "give at least one subnet");
    if (props.capacityProviderStrategy !== undefined) {
      assertCapacityProviderStrategy(props.capacityProviderStrategy, `${f}.capacityProviderStrategy`);
    }
    const name = naming.name(props.name, 64);
    const arnPrefix = `arn:aws:ecs:${naming.region}:${naming.accountId}`;

    this.role = new IamRole(this, "role", {
      name: naming.name(`${props.name}-scheduler`, NAME_LIMITS.iamRole),
      description: `Lets EventBridge Scheduler start ${name} tasks`,
      assumeRolePolicy: serviceTrustPolicy(
        "scheduler.amazonaws.com",
        naming.accountId,
        `arn:aws:scheduler:${naming.region}:${naming.accountId}:schedule/default/${name}`,
      ),
    });
    const policy = attachPolicy(this, "policy", this.role, "run-task", [
      {
        sid: "RunThisTaskDefinition",
        actions: ["ecs:RunTask"],
        resources: [`${arnPrefix}:task-definition/${taskDefinition.family}:*`],
        conditions: { ArnEquals: { "ecs:cluster": props.cluster.clusterArn } },
      },
      {
        sid: "TagStartedTasks",
        actions: ["ecs:TagResource"],
        resources: [`${arnPrefix}:task/${props.cluster.clusterName}/*`],
        conditions: { StringEquals: { "ecs:CreateAction": "RunTask" } },
      },
      {
        sid: "PassTaskRoles",
        actions: ["iam:PassRole"],
        resources: [taskDefinition.executionRoleArn, taskDefinition.taskRoleArn],
        conditions: { StringEquals: { "iam:PassedToService": "ecs-tasks.amazonaws.com" } },
      },
    ]);

    const strategy = props.capacityProviderStrategy;
    this.schedule = new SchedulerSchedule(this, "schedule", {
      name,
      groupName: "default",
      description: `Runs ${taskDefinition.family} on ${props.schedule}`,
      scheduleExpression: props.schedule,
      scheduleExpressionTimezone: timezone,
      state: (props.enabled ?? true) ? "ENABLED" : "DISABLED",
      flexibleTimeWindow: { mode: "OFF" },
      target: {
        arn: props.cluster.clusterArn,
        roleArn: this.role.arn,
        ecsParameters: {
          taskDefinitionArn: taskDefinition.arn,
          taskCount,
          ...(strategy
            ? {
                capacityProviderStrategy: strategy.map((item) => ({
                  capacityProvider: item.capacityProvider,
                  base: item.base ?? 0,
                  weight: item.weight,
                })),
              }
            : { launchType: "FARGATE" }),
          platformVersion: "LATEST",
          networkConfiguration: {
            subnets: [...props.network.subnetIds],
            securityGroups: [...props.network.securityGroupIds],
            assignPublicIp: props.network.assignPublicIp,
          },
          enableEcsManagedTags: true,
          propagateTags: "TASK_DEFINITION",
        },
        retryPolicy: { maximumRetryAttempts: retryAttempts, maximumEventAgeInSeconds: 3600 },
      },
      // The role must be able to start the task before the first run.
      dependsOn: [policy],
    });
  }
}
