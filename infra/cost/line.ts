/**
 * Cost lines: what one resource costs per month, one line per price dimension (an hour of NAT
 * gateway, a GB it processes). A line without a price is "not priced" (null), never $0.
 */
import type { PlannedResource, StackModel } from "../plan/plan-model.js";
import type { UsageAssumption } from "./usage.js";

export interface CostLine {
  readonly label: string;
  /** `fixed`: charged whatever the traffic; `usage`: from an assumption in the usage file. */
  readonly kind: "fixed" | "usage";
  readonly quantity: number | null;
  readonly unit: string;
  /** Per unit, after the region multiplier. */
  readonly unitUsd: number | null;
  /** null: not priced (see `notPriced`). */
  readonly monthlyUsd: number | null;
  readonly priceId?: string;
  /** The usage assumption behind a usage line. */
  readonly assumption?: string;
  /** Why the line has no price. */
  readonly notPriced?: string;
}

/** A resource type with no charge of its own (or one billed elsewhere), with the reason. */
export interface NoCharge {
  readonly free: string;
}

export interface PricingContext {
  readonly stack: StackModel;
  readonly resource: PlannedResource;
  readonly hoursPerMonth: number;
  readonly daysPerMonth: number;
  /** A price in USD per unit, region-adjusted; undefined when the table has no such price. */
  price(id: string): number | undefined;
  /** A usage assumption for this resource. */
  usage(key: string): UsageAssumption | undefined;
  /** The usage file in use, for messages (`usage/dev.json`), or undefined. */
  readonly usageFile: string | undefined;
}

export type Pricer = (ctx: PricingContext) => readonly CostLine[] | NoCharge;

export function notPriced(label: string, why: string, kind: CostLine["kind"] = "fixed"): CostLine {
  return { label, kind, quantity: null, unit: "", unitUsd: null, monthlyUsd: null, notPriced: why };
}

/** `count` of something billed per hour, all month. */
export function hourly(ctx: PricingContext, label: string, priceId: string, count = 1): CostLine {
  const unitUsd = ctx.price(priceId);
  if (unitUsd === undefined) return notPriced(label, `no price "${priceId}" in the price table`);
  const hours = count * ctx.hoursPerMonth;
  return {
    label,
    kind: "fixed",
    quantity: hours,
    unit: "hours",
    unitUsd,
    monthlyUsd: hours * unitUsd,
    priceId,
  };
}

/** `count` of something billed per month (a key, a secret, an alarm metric). */
export function monthly(
  ctx: PricingContext,
  label: string,
  priceId: string,
  count = 1,
  unit = "month",
): CostLine {
  const unitUsd = ctx.price(priceId);
  if (unitUsd === undefined) return notPriced(label, `no price "${priceId}" in the price table`);
  return { label, kind: "fixed", quantity: count, unit, unitUsd, monthlyUsd: count * unitUsd, priceId };
}

/**
 * A usage-based line: the usage file's `key` (per month) × the price. Without an assumption the
 * line is not priced, and says which key to add.
 */
export function usage(
  ctx: PricingContext,
  label: string,
  key: string,
  priceId: string,
  unit: string,
): CostLine {
  const unitUsd = ctx.price(priceId);
  const assumed = ctx.usage(key);
  if (unitUsd === undefined) return notPriced(label, `no price "${priceId}" in the price table`, "usage");
  if (!assumed) {
    const where = ctx.usageFile ?? "no usage file for this stack";
    return notPriced(label, `no usage assumption "${ctx.resource.type}.${key}" (${where})`, "usage");
  }
  return {
    label,
    kind: "usage",
    quantity: assumed.value,
    unit,
    unitUsd,
    monthlyUsd: assumed.value * unitUsd,
    priceId,
    assumption: assumed.why,
  };
}
