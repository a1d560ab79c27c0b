/**
 * Usage assumptions per environment (usage/<environment>.json): the quantities usage-based prices
 * need (GB through a NAT gateway, LCUs, stored GB, requests), each with the reason it was chosen.
 * Values apply per resource of a type, and can be overridden for resources matched by address.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { PlannedResource } from "../plan/plan-model.js";

export interface UsageAssumption {
  readonly value: number;
  /** Why this number: shown beside the line it prices. */
  readonly why: string;
}

export type UsageValues = Readonly<Record<string, UsageAssumption>>;

export interface UsageFile {
  /** Where it was read from. */
  readonly file: string;
  readonly environment: string;
  readonly description: string;
  /** Per resource type: `aws_nat_gateway: { data_processed_gb: { value, why } }`. */
  readonly byType: Readonly<Record<string, UsageValues>>;
  /** Per resource, by address pattern (`*` matches anything), over the type's values. */
  readonly byResource?: ReadonlyArray<{ readonly match: string; readonly values: UsageValues }>;
}

export const DEFAULT_USAGE_DIR = join(import.meta.dirname, "usage");

/** Reads a usage file; every value needs a non-negative number and a reason. */
export function loadUsageFile(file: string): UsageFile {
  const parsed = JSON.parse(readFileSync(file, "utf8")) as Omit<UsageFile, "file">;
  const problems: string[] = [];
  const check = (where: string, values: UsageValues) => {
    for (const [key, v] of Object.entries(values)) {
      if (typeof v?.value !== "number" || v.value < 0)
        problems.push(`${where}.${key}: value must be a number ≥ 0`);
      if (typeof v?.why !== "string" || v.why.trim() === "")
        problems.push(`${where}.${key}: say why (the assumption)`);
    }
  };
  for (const [type, values] of Object.entries(parsed.byType ?? {})) check(`byType.${type}`, values);
  for (const [i, o] of (parsed.byResource ?? []).entries()) check(`byResource[${i}] (${o.match})`, o.values);
  if (problems.length) throw new Error(`${file}:\n  ${problems.join("\n  ")}`);
  return { ...parsed, byType: parsed.byType ?? {}, file };
}

/** Preview stacks (`preview-pr-<N>`) share one usage file; other stacks use their environment's. */
export function usageFileName(stack: string, environment: string): string {
  return /^preview-pr-\d+$/.test(stack) ? "preview.json" : `${environment}.json`;
}

/** The usage file for a stack, when `dir` has one. */
export function usageFor(dir: string, stack: string, environment: string): UsageFile | undefined {
  const file = join(dir, usageFileName(stack, environment));
  return existsSync(file) ? loadUsageFile(file) : undefined;
}

const glob = (pattern: string) =>
  new RegExp(
    `^${pattern
      .split("*")
      .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
      .join(".*")}$`,
  );

/** The assumption for `key` on `resource`: an address match first, then the resource type's. */
export function assumption(
  usage: UsageFile | undefined,
  resource: PlannedResource,
  key: string,
): UsageAssumption | undefined {
  if (!usage) return undefined;
  for (const override of usage.byResource ?? []) {
    if (glob(override.match).test(resource.address) && override.values[key]) return override.values[key];
  }
  return usage.byType[resource.type]?.[key];
}
