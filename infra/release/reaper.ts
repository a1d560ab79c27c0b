/** Which preview environments to destroy: the safety net for a missed "pull request closed" event. */
import { previewOfTags, prNumberOfStateKey } from "../environments/preview.js";

export interface LivePreview {
  readonly prNumber: number;
  /** From the preview's `ExpiresAt` tag; absent when only its state object was found. */
  readonly expiresAt?: string;
}

export interface ReapDecision {
  readonly prNumber: number;
  readonly reason: "closed" | "expired";
}

/**
 * Previews whose pull request is no longer open, or whose `ExpiresAt` has passed, in PR order.
 * A preview with an unreadable ExpiresAt is kept if its PR is open (a bad tag must not destroy
 * someone's running preview) and reaped if it is closed.
 */
export function selectPreviewsToReap(
  previews: readonly LivePreview[],
  openPullRequests: readonly number[],
  now: Date,
): ReapDecision[] {
  const open = new Set(openPullRequests);
  const byNumber = new Map<number, LivePreview>();
  for (const preview of previews) {
    const known = byNumber.get(preview.prNumber);
    // The same preview found twice (tag and state listing): keep the one that knows when it expires.
    if (!known || (!known.expiresAt && preview.expiresAt)) byNumber.set(preview.prNumber, preview);
  }
  const decisions: ReapDecision[] = [];
  for (const preview of [...byNumber.values()].sort((a, b) => a.prNumber - b.prNumber)) {
    if (!open.has(preview.prNumber)) {
      decisions.push({ prNumber: preview.prNumber, reason: "closed" });
      continue;
    }
    const expires = preview.expiresAt ? Date.parse(preview.expiresAt) : Number.NaN;
    if (!Number.isNaN(expires) && expires <= now.getTime()) {
      decisions.push({ prNumber: preview.prNumber, reason: "expired" });
    }
  }
  return decisions;
}

/** Parses the open PR list the workflow passes: a JSON array of positive integers. */
export function parseOpenPullRequests(json: string): number[] {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw new Error(`--open-prs: not JSON: ${json.slice(0, 80)}`);
  }
  if (!Array.isArray(value) || !value.every((n) => Number.isInteger(n) && n > 0)) {
    throw new Error("--open-prs: expected a JSON array of pull request numbers, e.g. [12, 15]");
  }
  return value as number[];
}

/**
 * Previews named in the tagging API's answer (`aws resourcegroupstaggingapi get-resources`):
 * each resource a preview tagged (`previewTags`) names its pull request and expiry.
 */
export function previewsFromTags(answer: {
  ResourceTagMappingList?: Array<{ Tags?: Array<{ Key: string; Value: string }> }>;
}): LivePreview[] {
  return (answer.ResourceTagMappingList ?? []).flatMap((mapping) => {
    const preview = previewOfTags(Object.fromEntries((mapping.Tags ?? []).map((t) => [t.Key, t.Value])));
    return preview ? [preview] : [];
  });
}

/** Previews that still have a state object (`previewStateKey`). */
export function previewsFromStateKeys(keys: readonly string[], project: string): LivePreview[] {
  return keys.flatMap((key) => {
    const prNumber = prNumberOfStateKey(project, key);
    return prNumber === undefined ? [] : [{ prNumber }];
  });
}
