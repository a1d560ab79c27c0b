/**
 * Storage: a private, versioned, encrypted, TLS-only S3 bucket with lifecycle rules (expiry,
 * storage-class transitions), replication, access logs, EventBridge notifications and grants;
 * `Bucket.fromAttributes` for one created elsewhere.
 *
 * @packageDocumentation
 */
export * from "./bucket.js";
export {
  type BucketAccess,
  type BucketAttributes,
  type BucketRef,
  type GrantOptions,
  ImportedBucket,
} from "./bucket-ref.js";
export {
  ARCHIVE_ACCESS_DAYS,
  type BucketTransition,
  DEEP_ARCHIVE_ACCESS_DAYS,
  INFREQUENT_ACCESS_CLASSES,
  INFREQUENT_ACCESS_MIN_DAYS,
  INTELLIGENT_TIERING_ARCHIVE_RULE,
  type IntelligentTieringArchive,
  TRANSITION_DAYS,
  TRANSITION_ORDER_RULE,
  TRANSITION_STORAGE_CLASSES,
  type TransitionStorageClass,
} from "./lifecycle.js";
export {
  type BucketReplication,
  REPLICA_STORAGE_CLASSES,
  REPLICATION_KMS_RULE,
  REPLICATION_VERSIONING_RULE,
} from "./replication.js";
