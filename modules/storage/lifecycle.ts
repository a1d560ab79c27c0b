/**
 * Lifecycle transitions and S3 Intelligent-Tiering archive tiers: the types, S3's rules for them,
 * and the synth-time checks that name the field breaking one.
 */
import { Token } from "cdktf";
import { PropError } from "../validation/prop-error.js";
import { assertIntegerInRange, type IntegerRange, oneOfRule } from "../validation/validators.js";

/**
 * The storage classes a lifecycle rule can move objects to, in the order S3 allows moves
 * ("waterfall"): an object only ever moves rightwards.
 */
export const TRANSITION_STORAGE_CLASSES = [
  "STANDARD_IA",
  "INTELLIGENT_TIERING",
  "ONEZONE_IA",
  "GLACIER_IR",
  "GLACIER",
  "DEEP_ARCHIVE",
] as const;

/** A storage class a lifecycle transition moves objects to. */
export type TransitionStorageClass = (typeof TRANSITION_STORAGE_CLASSES)[number];

/** The infrequent-access classes: S3 moves objects there only after 30 days, and keeps them 30 more. */
export const INFREQUENT_ACCESS_CLASSES: readonly TransitionStorageClass[] = ["STANDARD_IA", "ONEZONE_IA"];

/** `transitions[].days`: any whole number of days (0 = as soon as S3's daily run sees the object). */
export const TRANSITION_DAYS: IntegerRange = { min: 0, unit: "days" };
/** `transitions[].days` to `STANDARD_IA` or `ONEZONE_IA`: S3 refuses fewer than 30. */
export const INFREQUENT_ACCESS_MIN_DAYS = 30;

/** S3's rules for a rule's transitions, in words. */
export const TRANSITION_ORDER_RULE = `must move objects in S3's order (${TRANSITION_STORAGE_CLASSES.join(" → ")}), each later than the one before, with at least ${INFREQUENT_ACCESS_MIN_DAYS} days in STANDARD_IA or ONEZONE_IA before the next move`;

/** One lifecycle transition: move objects to `storageClass` `days` days after creation (or after they became noncurrent). */
export interface BucketTransition {
  /**
   * Days after the object was created (current versions) or replaced (noncurrent versions).
   * At least 30 for `STANDARD_IA` and `ONEZONE_IA`.
   */
  readonly days: number;
  /** The storage class objects move to. */
  readonly storageClass: TransitionStorageClass;
}

/** S3 Intelligent-Tiering's opt-in archive tiers, for objects in `INTELLIGENT_TIERING` not read for a while. */
export interface IntelligentTieringArchive {
  /**
   * Move objects not read for this many days to the Archive Access tier (90–730). Reading one back
   * then takes a restore (minutes to hours).
   * @default - no Archive Access tier
   */
  readonly archiveAccessDays?: number;
  /**
   * Move objects not read for this many days to the Deep Archive Access tier (180–730; later than
   * `archiveAccessDays`). A restore takes up to 12 hours.
   * @default - no Deep Archive Access tier
   */
  readonly deepArchiveAccessDays?: number;
}

/** `intelligentTieringArchive.archiveAccessDays`. */
export const ARCHIVE_ACCESS_DAYS: IntegerRange = { min: 90, max: 730, unit: "days" };
/** `intelligentTieringArchive.deepArchiveAccessDays`. */
export const DEEP_ARCHIVE_ACCESS_DAYS: IntegerRange = { min: 180, max: 730, unit: "days" };
/** What `intelligentTieringArchive` must be, in words. */
export const INTELLIGENT_TIERING_ARCHIVE_RULE =
  "must set archiveAccessDays, deepArchiveAccessDays or both (deepArchiveAccessDays the later)";

/**
 * Checks one rule's transitions against S3's rules (`TRANSITION_ORDER_RULE`), naming
 * `<field>[i]` in the error. A Terraform reference is let through (judged at plan); returns the
 * last transition's days, or undefined without transitions.
 */
export function checkTransitions(
  transitions: readonly BucketTransition[] | undefined,
  field: string,
): number | undefined {
  if (transitions === undefined || Token.isUnresolved(transitions)) return undefined;
  let previous: BucketTransition | undefined;
  transitions.forEach((t, i) => {
    const at = `${field}[${i}]`;
    if (!Token.isUnresolved(t.storageClass) && !TRANSITION_STORAGE_CLASSES.includes(t.storageClass)) {
      throw new PropError(
        `${at}.storageClass`,
        `"${t.storageClass}" ${oneOfRule(TRANSITION_STORAGE_CLASSES)}`,
      );
    }
    const infrequent = INFREQUENT_ACCESS_CLASSES.includes(t.storageClass);
    assertIntegerInRange(
      t.days,
      `${at}.days`,
      infrequent ? { min: INFREQUENT_ACCESS_MIN_DAYS, unit: "days" } : TRANSITION_DAYS,
    );
    if (previous) {
      const rank = (c: TransitionStorageClass) => TRANSITION_STORAGE_CLASSES.indexOf(c);
      const gap = INFREQUENT_ACCESS_CLASSES.includes(previous.storageClass) ? INFREQUENT_ACCESS_MIN_DAYS : 1;
      if (rank(t.storageClass) <= rank(previous.storageClass) || t.days < previous.days + gap) {
        throw new PropError(
          at,
          `${t.storageClass} after ${previous.days} days → ${previous.storageClass}: transitions ${TRANSITION_ORDER_RULE}`,
        );
      }
    }
    previous = t;
  });
  return previous?.days;
}

/** Checks `intelligentTieringArchive` (a Terraform reference is let through). */
export function checkIntelligentTieringArchive(
  archive: IntelligentTieringArchive | undefined,
  field: string,
): void {
  if (archive === undefined || Token.isUnresolved(archive)) return;
  const { archiveAccessDays: archiveDays, deepArchiveAccessDays: deepDays } = archive;
  if (archiveDays === undefined && deepDays === undefined) {
    throw new PropError(field, INTELLIGENT_TIERING_ARCHIVE_RULE);
  }
  if (archiveDays !== undefined)
    assertIntegerInRange(archiveDays, `${field}.archiveAccessDays`, ARCHIVE_ACCESS_DAYS);
  if (deepDays !== undefined) {
    assertIntegerInRange(deepDays, `${field}.deepArchiveAccessDays`, DEEP_ARCHIVE_ACCESS_DAYS);
    if (
      archiveDays !== undefined &&
      !Token.isUnresolved(archiveDays) &&
      !Token.isUnresolved(deepDays) &&
      deepDays <= archiveDays
    ) {
      throw new PropError(
        `${field}.deepArchiveAccessDays`,
        `${deepDays} ${INTELLIGENT_TIERING_ARCHIVE_RULE}`,
      );
    }
  }
}
