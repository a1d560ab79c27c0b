/**
 * Everything derived from a pull request's number, in one place: the preview stack's name, its
 * naming, tags, host name, listener rule priority, database schema and role, and where its state
 * lives — and the way back, from a state key or a resource's tags to the pull request.
 */
import { PREVIEW_TAG } from "@aws-platform-kit/modules/ci-access";
import { Naming } from "@aws-platform-kit/modules/naming";
import { ConfigError, type ServiceCapacity } from "./schema.js";

export { PREVIEW_TAG };

/**
 * Pull request numbers a preview may have. The ALB gives each preview's host rule the priority
 * `PREVIEW_PRIORITY_BASE + N`, which must stay within the ALB's 1–50000 range.
 */
export const MAX_PR_NUMBER = 49_000;
export const PREVIEW_PRIORITY_BASE = 1_000;

/**
 * Where a preview's one task runs: on Fargate Spot, like dev's (an interruption costs a preview
 * nothing; ECS starts a new task), hence X86_64 — Fargate Spot runs no ARM64 tasks. The host's
 * cluster has the Spot capacity provider associated because it hosts previews.
 */
export const PREVIEW_CAPACITY: ServiceCapacity = "spot";
/** A preview task's CPU architecture (Fargate Spot needs X86_64). */
export const PREVIEW_CPU_ARCHITECTURE = "X86_64";

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

/** A preview's naming: the host environment's project, account and region, environment `pr-<N>`. */
export function previewNaming(
  host: { readonly project: string; readonly accountId: string; readonly region: string },
  prNumber: number,
): Naming {
  return new Naming({
    project: host.project,
    environment: previewEnvironment(prNumber),
    accountId: host.accountId,
    region: host.region,
  });
}

/** Where a preview is served: `pr-<N>.<previews domain>`. */
export function previewHostName(prNumber: number, previewsDomain: string): string {
  return `${previewEnvironment(prNumber)}.${previewsDomain}`;
}

/** The PostgreSQL schema a preview's service uses in the host environment's database. */
export function previewSchema(prNumber: number): string {
  return `pr_${prNumber}`;
}

/**
 * The PostgreSQL role a preview's service signs in as (IAM authentication): named like its schema,
 * the only one whose rows it may read and write.
 */
export function previewDatabaseRole(prNumber: number): string {
  return previewSchema(prNumber);
}

/** ALB listener rule priority: unique per pull request, above the host environment's own rules. */
export function previewPriority(prNumber: number): number {
  return PREVIEW_PRIORITY_BASE + prNumber;
}

/** Where every preview's state lives in the state bucket: `<project>/preview/`. */
export function previewStateKeyPrefix(project: string): string {
  return `${project}/preview/`;
}

/** Where a preview's state lives in the state bucket. */
export function previewStateKey(project: string, prNumber: number): string {
  return `${previewStateKeyPrefix(project)}${previewEnvironment(prNumber)}/terraform.tfstate`;
}

/**
 * The pull request whose state `key` is, or undefined for any other object (a lockfile, another
 * project's state): the number in the key, kept only if `previewStateKey` gives back that very key.
 */
export function prNumberOfStateKey(project: string, key: string): number | undefined {
  const prefix = previewStateKeyPrefix(project);
  const digits = key.startsWith(prefix) ? /\d+/.exec(key.slice(prefix.length))?.[0] : undefined;
  const prNumber = Number(digits);
  return Number.isSafeInteger(prNumber) && previewStateKey(project, prNumber) === key ? prNumber : undefined;
}

/** The tags a preview's resources carry besides the host's: how the reaper finds them. */
export const PREVIEW_TAG_KEYS = { pullRequest: "PullRequest", expiresAt: "ExpiresAt" } as const;

/** A preview's own tags: `Preview=true`, its pull request, and when the reaper may destroy it. */
export function previewTags(prNumber: number, expiresAt: Date): Record<string, string> {
  return {
    [PREVIEW_TAG.key]: PREVIEW_TAG.value,
    [PREVIEW_TAG_KEYS.pullRequest]: String(prNumber),
    // Day precision: pushes on the same day do not retag every resource.
    [PREVIEW_TAG_KEYS.expiresAt]: `${expiresAt.toISOString().slice(0, 10)}T00:00:00Z`,
  };
}

/**
 * The preview a resource belongs to, from its tags (`previewTags`), or undefined when it is not a
 * preview's. `expiresAt` is the tag as written, absent when the resource has none.
 */
export function previewOfTags(
  tags: Readonly<Record<string, string>>,
): { readonly prNumber: number; readonly expiresAt?: string } | undefined {
  if (tags[PREVIEW_TAG.key] !== PREVIEW_TAG.value) return undefined;
  const prNumber = Number(tags[PREVIEW_TAG_KEYS.pullRequest]);
  if (!(Number.isInteger(prNumber) && prNumber > 0)) return undefined;
  const expiresAt = tags[PREVIEW_TAG_KEYS.expiresAt];
  return expiresAt ? { prNumber, expiresAt } : { prNumber };
}
