/**
 * Secrets: a Secrets Manager secret whose value is written once and never stored in state.
 *
 * @packageDocumentation
 */
export * from "./write-only-secret.js";
