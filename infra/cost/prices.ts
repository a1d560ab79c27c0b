/**
 * The price table (prices.json): list prices with, for each, its region, unit, value, source and the
 * date it was read. Regional prices other than us-east-1 come from a documented multiplier; a region
 * without one is estimated at us-east-1 prices with a warning, never silently at zero.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";

export interface Price {
  readonly id: string;
  readonly service: string;
  /** The AWS Price List API service code the price is listed under (`AmazonEC2`, `AWSELB`). */
  readonly serviceCode: string;
  /**
   * The price's usage type in the price list, in the table's region (`NatGateway-Hours`,
   * `USE1-Fargate-vCPU-Hours:perCPU`): with `serviceCode`, where to check the price by hand.
   */
  readonly usageType: string;
  /** false: the usage type was not confirmed against a price-list extract (`usageTypeNote` says why). @default true */
  readonly usageTypeVerified?: boolean;
  readonly usageTypeNote?: string;
  readonly description: string;
  readonly region: string;
  readonly unit: string;
  readonly usd: number;
  readonly source: string;
  /** When the value was read from the source (YYYY-MM-DD). */
  readonly read: string;
  readonly note?: string;
}

export interface RegionPricing {
  /** Applied to every base-region price. */
  readonly multiplier: number;
  readonly source?: string;
  readonly note?: string;
}

export interface PriceTable {
  readonly currency: string;
  /** Monthly = hourly × this (730). */
  readonly hoursPerMonth: number;
  /** Per-day figures = monthly ÷ this (30.4). */
  readonly daysPerMonth: number;
  readonly baseRegion: string;
  readonly regions: Readonly<Record<string, RegionPricing>>;
  readonly prices: Readonly<Record<string, Price>>;
}

export const DEFAULT_PRICE_FILE = join(import.meta.dirname, "prices.json");

/** The citations whose usage type was not confirmed against a price-list extract. */
export function unverifiedUsageTypes(table: PriceTable): Price[] {
  return Object.values(table.prices).filter((p) => p.usageTypeVerified === false);
}

/**
 * Reads and checks a price table: every price needs its price-list citation (service code, usage
 * type), a region, unit, value, source and read date.
 */
export function loadPriceTable(file: string = DEFAULT_PRICE_FILE): PriceTable {
  const table = JSON.parse(readFileSync(file, "utf8")) as PriceTable;
  const problems: string[] = [];
  for (const [id, price] of Object.entries(table.prices ?? {})) {
    if (price.id !== id) problems.push(`${id}: id is "${price.id}"`);
    if (!(price.usd > 0)) problems.push(`${id}: usd must be a positive number`);
    for (const field of [
      "service",
      "serviceCode",
      "usageType",
      "description",
      "region",
      "unit",
      "source",
      "read",
    ] as const) {
      if (typeof price[field] !== "string" || price[field] === "")
        problems.push(`${id}: ${field} is missing`);
    }
    if (price.usageTypeVerified !== undefined && typeof price.usageTypeVerified !== "boolean")
      problems.push(`${id}: usageTypeVerified must be true or false`);
    if (price.usageTypeVerified === false && !price.usageTypeNote)
      problems.push(`${id}: usageTypeVerified is false: say why in usageTypeNote`);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(price.read ?? ""))
      problems.push(`${id}: read must be a date (YYYY-MM-DD)`);
  }
  if (!(table.hoursPerMonth > 0) || !(table.daysPerMonth > 0))
    problems.push("hoursPerMonth and daysPerMonth are required");
  if (!table.regions?.[table.baseRegion])
    problems.push(`regions: the base region ${table.baseRegion} is missing`);
  if (problems.length) throw new Error(`${file}:\n  ${problems.join("\n  ")}`);
  return table;
}

/** The multiplier for `region`, or undefined when the table has none (the caller warns). */
export function regionMultiplier(table: PriceTable, region: string): number | undefined {
  return table.regions[region]?.multiplier;
}
