/**
 * `@aws-platform-kit/modules`: CDK for Terraform constructs for an AWS platform — network,
 * database, storage, compute, edge, observability, state, CI access and the account baseline —
 * secure and cheap by default. Import a module from its own entry point
 * (`@aws-platform-kit/modules/network`) to load only what it needs; this root entry re-exports
 * them all.
 *
 * @packageDocumentation
 */
export * from "./account-baseline/index.js";
export * from "./ci-access/index.js";
export * from "./compute/index.js";
export * from "./database/index.js";
export * from "./edge/index.js";
export * from "./iam/index.js";
export * from "./logs/index.js";
export * from "./naming/index.js";
export * from "./network/index.js";
export * from "./observability/index.js";
export * from "./secrets/index.js";
export * from "./state/index.js";
export * from "./storage/index.js";
export * from "./validation/index.js";
