/**
 * Secrets: a Secrets Manager secret or an SSM Parameter Store `SecureString` whose value is written
 * once and never stored in state, behind one grant surface (`SecretRef`).
 *
 * @packageDocumentation
 */
export * from "./secret-ref.js";
export * from "./write-only-parameter.js";
export * from "./write-only-secret.js";
