/** ECS on Fargate (tasks × vCPU and memory, public IPs) and ECR storage. */
import { blocks, isUnset, lookup, referencesOf } from "../../plan/plan-model.js";
import { type CostLine, hourly, notPriced, type Pricer, usage } from "../line.js";

const usesFargate = (v: Record<string, unknown>) =>
  v.launch_type === "FARGATE" ||
  blocks(v.capacity_provider_strategy).some((s) => s.capacity_provider === "FARGATE");

export const ecsService: Pricer = (ctx) => {
  const v = ctx.resource.values;
  if (blocks(v.capacity_provider_strategy).some((s) => s.capacity_provider === "FARGATE_SPOT"))
    return [notPriced("Fargate Spot tasks", "Spot prices vary; not in the price table")];
  if (!usesFargate(v))
    return [
      notPriced(
        "ECS tasks",
        "only the Fargate launch type is priced (EC2 capacity is priced on its instances)",
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
  const lines: CostLine[] = [
    hourly(
      ctx,
      `Fargate vCPU: ${count} task(s) × ${vcpu} vCPU (${arch})`,
      `fargate-${arch}-vcpu-hour`,
      count * vcpu,
    ),
    hourly(
      ctx,
      `Fargate memory: ${count} task(s) × ${gb} GB (${arch})`,
      `fargate-${arch}-gb-hour`,
      count * gb,
    ),
  ];
  if (blocks(v.network_configuration).some((n) => n.assign_public_ip === true))
    lines.push(hourly(ctx, `public IPv4 address per task × ${count}`, "public-ipv4-hour", count));
  return lines;
};

export const ecrRepository: Pricer = (ctx) => [
  usage(ctx, "image storage", "storage_gb", "ecr-storage-gb-month", "GB-month"),
];

/** A cluster has no charge; Container Insights metrics do, and are not estimated. */
export const ecsCluster: Pricer = (ctx) => {
  const insights = blocks(ctx.resource.values.setting).find((s) => s.name === "containerInsights")?.value;
  if (insights === "enabled" || insights === "enhanced")
    return [
      notPriced(
        `Container Insights (${insights})`,
        "billed as CloudWatch metrics and log ingestion per task; not estimated",
      ),
    ];
  return isUnset(insights) || insights === "disabled" ? { free: "an ECS cluster has no charge" } : [];
};
