/**
 * Storage: a private, versioned, encrypted, TLS-only S3 bucket with lifecycle rules and grants.
 *
 * @packageDocumentation
 */
export * from "./bucket.js";
