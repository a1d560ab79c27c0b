/**
 * IAM: policy statements as typed values, rendered and attached in one place.
 *
 * @packageDocumentation
 */
export * from "./policy.js";
