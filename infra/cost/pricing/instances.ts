/**
 * EC2 instances an autoscaling group keeps (on-demand Linux hours by instance type) and their EBS
 * volumes (GB-months by volume type), read from the group's launch template: the compute module's
 * `Ec2Capacity`. ECS tasks placed on those instances cost nothing more.
 */
import { blocks, lookup, type PlannedResource, referencesOf, refersTo } from "../../plan/plan-model.js";
import { type CostLine, hourly, monthly, notPriced, type Pricer } from "../line.js";

/** EBS volume types with a price in the table: `ebs-<type>-gb-month`. */
const EBS_TYPES = new Set(["gp3"]);

const whole = (value: unknown): number | undefined =>
  typeof value === "number" && Number.isFinite(value) ? value : undefined;

export const autoscalingGroup: Pricer = (ctx) => {
  const v = ctx.resource.values;
  if (blocks(v.mixed_instances_policy).length > 0)
    return [notPriced("EC2 instances", "a mixed instances policy (several types, Spot) is not estimated")];
  // The count the group starts with; ECS managed scaling adds instances when tasks need them.
  const count = whole(v.desired_capacity) ?? whole(v.min_size);
  if (count === undefined) return [notPriced("EC2 instances", "desired_capacity and min_size are not known")];
  const template = launchTemplateOf(ctx.stack, ctx.resource);
  if (!template)
    return [
      notPriced(
        `EC2 instances × ${count}`,
        "the launch template is not in this stack, so the type is unknown",
      ),
    ];
  const type = template.values.instance_type;
  if (typeof type !== "string")
    return [notPriced(`EC2 instances × ${count}`, `${template.address} has no known instance_type`)];
  const lines: CostLine[] = [
    hourly(
      ctx,
      `EC2 ${type} × ${count} (on demand, Linux; desired capacity at creation)`,
      `ec2-${type}-hour`,
      count,
    ),
  ];
  for (const device of blocks(template.values.block_device_mappings)) {
    const ebs = blocks(device.ebs)[0];
    if (!ebs) continue;
    const volumeType = typeof ebs.volume_type === "string" ? ebs.volume_type : "gp3";
    const size = whole(ebs.volume_size);
    const label = `EBS ${volumeType} ${String(device.device_name ?? "volume")}: ${count} × ${size ?? "?"} GB`;
    if (!EBS_TYPES.has(volumeType)) lines.push(notPriced(label, `no price for EBS ${volumeType} volumes`));
    else if (size === undefined)
      lines.push(notPriced(label, "volume_size is not set (the image's snapshot size)"));
    else lines.push(monthly(ctx, label, `ebs-${volumeType}-gb-month`, count * size, "GB-month"));
  }
  return lines;
};

/** The launch template a group launches from, when it is in the same stack. */
function launchTemplateOf(
  stack: Parameters<typeof lookup>[0],
  group: PlannedResource,
): PlannedResource | undefined {
  const reference = referencesOf(group, "launch_template").find((r) => refersTo(r, "aws_launch_template"));
  return reference ? lookup(stack, reference) : undefined;
}
