/** Load balancers: hours, capacity units, and the public IPv4 address in each AZ of an internet-facing one. */
import { blocks } from "../../plan/plan-model.js";
import { hourly, notPriced, type Pricer, usage } from "../line.js";
import { subnetCount } from "./network.js";

export const loadBalancer: Pricer = (ctx) => {
  const v = ctx.resource.values;
  const type = typeof v.load_balancer_type === "string" ? v.load_balancer_type : "application";
  if (type !== "application")
    return [notPriced(`${type} load balancer`, "only Application Load Balancers are in the price table")];
  const lines = [
    hourly(ctx, "Application Load Balancer", "alb-hour"),
    usage(ctx, "capacity units (average LCUs)", "lcu", "alb-lcu-hour", "LCU"),
  ];
  const lcu = lines[1];
  // LCUs are billed per hour: the assumption is an average, the line is that × hours.
  if (lcu && lcu.monthlyUsd !== null && lcu.quantity !== null && lcu.unitUsd !== null) {
    lines[1] = {
      ...lcu,
      quantity: lcu.quantity * ctx.hoursPerMonth,
      unit: "LCU-hours",
      monthlyUsd: lcu.quantity * ctx.hoursPerMonth * lcu.unitUsd,
    };
  }
  if (v.internal !== true) {
    const azs = subnetCount(ctx.resource, "subnets") || blocks(v.subnet_mapping).length;
    lines.push(
      azs
        ? hourly(ctx, `public IPv4 addresses (one per AZ) × ${azs}`, "public-ipv4-hour", azs)
        : notPriced("public IPv4 addresses", "the load balancer's subnets are not known"),
    );
  }
  return lines;
};
