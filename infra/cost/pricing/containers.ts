/**
 * ECS on Fargate (tasks × vCPU and memory, on demand or Spot, x86 or ARM; public IPs), Container
 * Insights on a cluster (CloudWatch custom metrics and performance-log ingestion), ECR storage.
 */
import {
  attachedTo,
  blocks,
  isUnset,
  lookup,
  type PlannedResource,
  referencesOf,
} from "../../plan/plan-model.js";
import {
  type CostLine,
  hourly,
  monthly,
  notPriced,
  type Pricer,
  type PricingContext,
  usage,
} from "../line.js";

/** The Fargate capacity providers a strategy may name. */
const FARGATE_PROVIDERS = new Set(["FARGATE", "FARGATE_SPOT"]);

interface StrategyItem {
  readonly provider: string;
  readonly base: number;
  readonly weight: number;
}

/** The service's capacity provider strategy, or undefined for a launch type. */
function strategyOf(values: Readonly<Record<string, unknown>>): StrategyItem[] | undefined {
  const items = blocks(values.capacity_provider_strategy);
  if (items.length === 0) return undefined;
  return items.map((s) => ({
    provider: String(s.capacity_provider),
    base: typeof s.base === "number" ? s.base : 0,
    weight: typeof s.weight === "number" ? s.weight : 0,
  }));
}

/**
 * Tasks per provider as ECS places `count` tasks by `strategy`: the base first on its provider, the
 * rest split by weight (fractions kept: the long-run share). The compute module's
 * `tasksPerProvider` does the same; not imported, so the estimate loads no CDKTF code.
 */
function tasksPerProvider(strategy: readonly StrategyItem[], count: number): Map<string, number> {
  const tasks = new Map<string, number>();
  let rest = count;
  for (const item of strategy) {
    const base = Math.min(item.base, rest);
    if (base > 0) tasks.set(item.provider, (tasks.get(item.provider) ?? 0) + base);
    rest -= base;
  }
  const total = strategy.reduce((sum, item) => sum + item.weight, 0);
  for (const item of strategy) {
    if (rest > 0 && total > 0 && item.weight > 0)
      tasks.set(item.provider, (tasks.get(item.provider) ?? 0) + (rest * item.weight) / total);
  }
  return tasks;
}

const plural = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(2));

export const ecsService: Pricer = (ctx) => {
  const v = ctx.resource.values;
  const strategy = strategyOf(v);
  // Tasks on an EC2 capacity provider (ECS takes no mix with Fargate's) cost nothing beyond the
  // instances, which are priced on their autoscaling group.
  if (strategy?.every((s) => !FARGATE_PROVIDERS.has(s.provider)))
    return { free: "its tasks run on EC2 capacity: billed as the autoscaling group's instances" };
  if (strategy?.some((s) => !FARGATE_PROVIDERS.has(s.provider)))
    return [
      notPriced(
        "ECS tasks",
        "a strategy with EC2 capacity providers is priced on its instances, not as Fargate",
      ),
    ];
  if (!strategy && v.launch_type !== "FARGATE")
    return [
      notPriced(
        "ECS tasks",
        "only Fargate (the launch type or a FARGATE / FARGATE_SPOT strategy) is priced (EC2 capacity is priced on its instances)",
      ),
    ];
  const count = v.desired_count;
  if (typeof count !== "number")
    return [notPriced("Fargate tasks", "desired_count is not known before apply")];
  const taskRef = referencesOf(ctx.resource, "task_definition")[0];
  const task = taskRef ? lookup(ctx.stack, taskRef) : undefined;
  if (!task)
    return [
      notPriced(
        `Fargate tasks × ${count}`,
        "the task definition is not in this stack, so its size is unknown",
      ),
    ];
  const vcpu = Number(task.values.cpu) / 1024;
  const gb = Number(task.values.memory) / 1024;
  if (!(vcpu > 0) || !(gb > 0))
    return [notPriced(`Fargate tasks × ${count}`, `${task.address} has no task-level cpu and memory`)];
  const arm = blocks(task.values.runtime_platform).some((p) => p.cpu_architecture === "ARM64");
  const arch = arm ? "arm" : "x86";

  // On demand, or by the strategy: the base first on its provider, the rest split by weight.
  const tasks = strategy ? tasksPerProvider(strategy, count) : new Map([["FARGATE", count]]);
  const lines: CostLine[] = [];
  for (const [provider, n] of tasks) {
    if (n <= 0) continue;
    const spot = provider === "FARGATE_SPOT";
    if (spot && arm) {
      lines.push(
        notPriced(
          `Fargate Spot tasks × ${plural(n)} (arm)`,
          "Fargate Spot runs only X86_64 tasks; ECS would not place these",
        ),
      );
      continue;
    }
    const kind = spot ? "spot-x86" : arch;
    const what = spot ? "x86, Spot" : arch;
    lines.push(
      hourly(
        ctx,
        `Fargate vCPU: ${plural(n)} task(s) × ${vcpu} vCPU (${what})`,
        `fargate-${kind}-vcpu-hour`,
        n * vcpu,
      ),
      hourly(
        ctx,
        `Fargate memory: ${plural(n)} task(s) × ${gb} GB (${what})`,
        `fargate-${kind}-gb-hour`,
        n * gb,
      ),
    );
  }
  if (blocks(v.network_configuration).some((n) => n.assign_public_ip === true))
    lines.push(hourly(ctx, `public IPv4 address per task × ${count}`, "public-ipv4-hour", count));
  return lines;
};

export const ecrRepository: Pricer = (ctx) => [
  usage(ctx, "image storage", "storage_gb", "ecr-storage-gb-month", "GB-month"),
];

/**
 * Container Insights (standard, "enabled") for Amazon ECS on Fargate, billed as CloudWatch custom
 * metrics: about this many metrics per cluster, per service and per task definition family a
 * service runs (CloudWatch User Guide, "Amazon ECS Container Insights metrics": the ClusterName,
 * ClusterName+ServiceName and ClusterName+TaskDefinitionFamily dimensions, less the EC2-only ones).
 * A one-off task's family (the migration) has metrics only in the hours it runs: left out.
 */
export const CONTAINER_INSIGHTS_METRICS = { cluster: 14, service: 15, taskFamily: 11 } as const;
/** Performance log events per running task: about 2 KB a minute (a task event and a container event). */
export const CONTAINER_INSIGHTS_GB_PER_TASK_HOUR = (2 * 60) / 1_000_000;

/** A cluster has no charge; Container Insights does: custom metrics and performance-log ingestion. */
export const ecsCluster: Pricer = (ctx) => {
  const insights = blocks(ctx.resource.values.setting).find((s) => s.name === "containerInsights")?.value;
  if (insights !== "enabled" && insights !== "enhanced") {
    return isUnset(insights) || insights === "disabled" ? { free: "an ECS cluster has no charge" } : [];
  }
  const services = attachedTo(ctx.stack, ctx.resource, ["aws_ecs_service"], "cluster", ["arn", "id"]);
  const m = CONTAINER_INSIGHTS_METRICS;
  const metrics = m.cluster + services.length * (m.service + m.taskFamily);
  const tasks = services.reduce(
    (sum, s: PlannedResource) => sum + (numberOr(s.values.desired_count) ?? 0),
    0,
  );
  const lines: CostLine[] = [
    monthly(
      ctx,
      `Container Insights metrics: cluster + ${services.length} service(s) ≈ ${metrics} custom metrics`,
      "cloudwatch-custom-metric-month",
      metrics,
      "metric-months",
    ),
    performanceLogs(ctx, tasks),
  ];
  if (insights === "enhanced")
    lines.push(
      notPriced(
        "Container Insights enhanced observability (task and container level)",
        "priced per observation on top of the standard metrics; not estimated",
      ),
    );
  return lines;
};

/** The performance log events of `tasks` running all month, at the Standard ingestion price. */
function performanceLogs(ctx: PricingContext, tasks: number): CostLine {
  const label = `Container Insights performance logs: ${tasks} task(s) × ~2 KB/min`;
  const priceId = "cloudwatch-logs-ingest-gb";
  const unitUsd = ctx.price(priceId);
  if (unitUsd === undefined) return notPriced(label, `no price "${priceId}" in the price table`);
  const gb = tasks * CONTAINER_INSIGHTS_GB_PER_TASK_HOUR * ctx.hoursPerMonth;
  return {
    label,
    kind: "fixed",
    quantity: gb,
    unit: "GB",
    unitUsd,
    monthlyUsd: gb * unitUsd,
    priceId,
    assumption:
      "about 2 KB of performance log events per running task per minute (a task and a container event)",
  };
}

function numberOr(value: unknown): number | undefined {
  return typeof value === "number" ? value : undefined;
}
