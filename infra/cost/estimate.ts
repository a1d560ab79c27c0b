/**
 * The cost estimate of a planned stack: each resource priced by its pricer (pricing/), fixed lines
 * from the plan alone, usage lines from the environment's usage file. A resource or line without a
 * price is "not priced", and counted, never shown as $0.
 */
import { readdirSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { environmentOf, modelFromPlan, type PlanJson, type StackModel } from "../plan/plan-model.js";
import type { CostLine, PricingContext } from "./line.js";
import { loadPriceTable, type PriceTable, regionMultiplier } from "./prices.js";
import { NO_CHARGE, PRICERS } from "./pricing/index.js";
import { assumption, DEFAULT_USAGE_DIR, type UsageFile, usageFileName, usageFor } from "./usage.js";

export type ResourceStatus = "priced" | "partly priced" | "free" | "not priced";

export interface ResourceCost {
  readonly address: string;
  readonly type: string;
  readonly status: ResourceStatus;
  /** Sum of the priced lines. */
  readonly monthlyUsd: number;
  readonly lines: readonly CostLine[];
  /** Why it is free, or why it is not priced. */
  readonly note?: string;
}

export interface StackEstimate {
  readonly stack: string;
  readonly environment: string;
  readonly region?: string;
  /** Set for preview stacks (`preview-pr-<N>`). */
  readonly pullRequest?: number;
  readonly monthlyUsd: number;
  readonly fixedMonthlyUsd: number;
  readonly usageMonthlyUsd: number;
  /** Preview stacks: what one more day of the environment costs (monthly ÷ days per month). */
  readonly perDayUsd?: number;
  readonly resources: readonly ResourceCost[];
  /** Resources and lines without a price: the total leaves them out. */
  readonly notPriced: number;
  readonly usageFile?: string;
  /** A region had no prices: amounts are at base-region prices. */
  readonly approximate: boolean;
  readonly warnings: readonly string[];
}

export interface EstimateOptions {
  /** @default prices.json beside this file */
  readonly prices?: PriceTable;
  /** Where `<environment>.json` and `preview.json` usage files are. @default usage/ beside this file */
  readonly usageDir?: string;
}

/** Resource types priced the same everywhere (global services): no region multiplier. */
const GLOBAL_TYPES = new Set([
  "aws_cloudfront_distribution",
  "aws_cloudfront_function",
  "aws_route53_zone",
  "aws_route53_record",
  "aws_budgets_budget",
  "aws_wafv2_web_acl",
]);

const PREVIEW = /^preview-pr-(\d+)$/;

export function estimateStack(stack: StackModel, options: EstimateOptions = {}): StackEstimate {
  const prices = options.prices ?? loadPriceTable();
  const environment = environmentOf(stack);
  const usageDir = options.usageDir ?? DEFAULT_USAGE_DIR;
  const usageFile: UsageFile | undefined = usageFor(usageDir, stack.stack, environment);
  const warnings: string[] = [];
  if (!usageFile) {
    warnings.push(
      `${stack.stack}: no usage file ${join(usageDir, usageFileName(stack.stack, environment))}; usage-based lines are not priced`,
    );
  }
  const regionsWithoutPrices = new Set<string>();
  if (!stack.region)
    warnings.push(`${stack.stack}: the provider's region is not in the plan; priced as ${prices.baseRegion}`);

  const resources = stack.resources.map((resource): ResourceCost => {
    const region = resource.region ?? stack.region ?? prices.baseRegion;
    let multiplier = 1;
    if (!GLOBAL_TYPES.has(resource.type)) {
      const known = regionMultiplier(prices, region);
      if (known === undefined) regionsWithoutPrices.add(region);
      multiplier = known ?? 1;
    }
    const ctx: PricingContext = {
      stack,
      resource,
      hoursPerMonth: prices.hoursPerMonth,
      daysPerMonth: prices.daysPerMonth,
      price: (id) => {
        const price = prices.prices[id];
        return price ? price.usd * multiplier : undefined;
      },
      usage: (key) => assumption(usageFile, resource, key),
      usageFile: usageFile ? basename(usageFile.file) : undefined,
    };
    const base = { address: resource.address, type: resource.type };
    const pricer = PRICERS[resource.type];
    const outcome = pricer ? pricer(ctx) : NO_CHARGE[resource.type];
    if (!outcome)
      return {
        ...base,
        status: "not priced",
        monthlyUsd: 0,
        lines: [],
        note: `no price for ${resource.type}`,
      };
    if ("free" in outcome) return { ...base, status: "free", monthlyUsd: 0, lines: [], note: outcome.free };
    const priced = outcome.filter((l) => l.monthlyUsd !== null);
    const status: ResourceStatus =
      priced.length === outcome.length ? "priced" : priced.length === 0 ? "not priced" : "partly priced";
    const monthlyUsd = priced.reduce((sum, l) => sum + (l.monthlyUsd ?? 0), 0);
    return { ...base, status, monthlyUsd, lines: outcome };
  });

  for (const region of regionsWithoutPrices) {
    warnings.push(
      `${stack.stack}: no prices for region ${region} (infra/cost/prices.json has ${Object.keys(prices.regions).join(", ")}): ` +
        `amounts use ${prices.baseRegion} list prices and are approximate; add ${region} to "regions" with a multiplier`,
    );
  }
  const lines = resources.flatMap((r) => r.lines);
  const sum = (kind?: CostLine["kind"]) =>
    lines.filter((l) => kind === undefined || l.kind === kind).reduce((s, l) => s + (l.monthlyUsd ?? 0), 0);
  const monthlyUsd = sum();
  const pr = PREVIEW.exec(stack.stack);
  return {
    stack: stack.stack,
    environment,
    ...(stack.region ? { region: stack.region } : {}),
    ...(pr ? { pullRequest: Number(pr[1]), perDayUsd: monthlyUsd / prices.daysPerMonth } : {}),
    monthlyUsd,
    fixedMonthlyUsd: sum("fixed"),
    usageMonthlyUsd: sum("usage"),
    resources,
    notPriced:
      resources.filter((r) => r.status === "not priced" && r.lines.length === 0).length +
      lines.filter((l) => l.monthlyUsd === null).length,
    ...(usageFile ? { usageFile: usageFile.file } : {}),
    approximate: regionsWithoutPrices.size > 0,
    warnings,
  };
}

/** Estimates one plan file; the stack name is the file name (`plans/dev.json` → `dev`). */
export function estimatePlanFile(file: string, options: EstimateOptions = {}): StackEstimate {
  const plan = JSON.parse(readFileSync(file, "utf8")) as PlanJson;
  return estimateStack(modelFromPlan(basename(file, ".json"), plan), options);
}

/** Estimates every `<stack>.json` in a plan directory, sorted by stack name. */
export function estimatePlanDir(dir: string, options: EstimateOptions = {}): StackEstimate[] {
  const prices = options.prices ?? loadPriceTable();
  return readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .sort()
    .map((f) => estimatePlanFile(join(dir, f), { ...options, prices }));
}

export interface CostDriver {
  readonly address: string;
  readonly label: string;
  readonly monthlyUsd: number;
}

/** The `count` priced lines that cost the most. */
export function topDrivers(estimate: StackEstimate, count = 5): CostDriver[] {
  return estimate.resources
    .flatMap((r) =>
      r.lines
        .filter((l) => l.monthlyUsd !== null)
        .map((l) => ({ address: r.address, label: l.label, monthlyUsd: l.monthlyUsd ?? 0 })),
    )
    .sort((a, b) => b.monthlyUsd - a.monthlyUsd)
    .slice(0, count);
}
