/**
 * Storage: a private, versioned, encrypted, TLS-only S3 bucket with lifecycle rules and grants;
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
