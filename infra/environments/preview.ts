import { ConfigError } from "./schema.js";

/**
 * Pull request numbers a preview may have. The ALB gives each preview's host rule the priority
 * `PREVIEW_PRIORITY_BASE + N`, which must stay within the ALB's 1–50000 range.
 */
export const MAX_PR_NUMBER = 49_000;
export const PREVIEW_PRIORITY_BASE = 1_000;

/** What identifies one preview environment. */
export interface PreviewRequest {
  readonly prNumber: number;
  readonly imageTag: string;
}

/** Validates `PR_NUMBER` (a positive integer ≤ MAX_PR_NUMBER, digits only); throws ConfigError. */
export function parsePrNumber(value: string | number, field = "PR_NUMBER"): number {
  const text = String(value);
  if (!/^[1-9]\d{0,5}$/.test(text) || Number(text) > MAX_PR_NUMBER) {
    throw new ConfigError([
      `${field}: ${JSON.stringify(text.slice(0, 40))} is not a pull request number (a whole number from 1 to ${MAX_PR_NUMBER})`,
    ]);
  }
  return Number(text);
}

/** `preview-pr-<N>`: the stack, and the folder under cdktf.out/stacks/. */
export function previewStackName(prNumber: number): string {
  return `preview-pr-${prNumber}`;
}

/** The Naming environment of a preview: its resources are `<project>-pr-<N>-<thing>`. */
export function previewEnvironment(prNumber: number): string {
  return `pr-${prNumber}`;
}

/** The PostgreSQL schema a preview's service uses in the host environment's database. */
export function previewSchema(prNumber: number): string {
  return `pr_${prNumber}`;
}

/** ALB listener rule priority: unique per pull request, above the host environment's own rules. */
export function previewPriority(prNumber: number): number {
  return PREVIEW_PRIORITY_BASE + prNumber;
}

/** Where a preview's state lives in the state bucket. */
export function previewStateKey(project: string, prNumber: number): string {
  return `${project}/preview/pr-${prNumber}/terraform.tfstate`;
}
