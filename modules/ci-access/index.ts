/**
 * CI access: the GitHub OIDC provider, the plan, preview and per-environment apply roles, and the workload permissions boundaries.
 *
 * @packageDocumentation
 */
export * from "./apply-permissions.js";
export * from "./ci-access.js";
export * from "./permissions.js";
export * from "./preview-permissions.js";
export * from "./read-permissions.js";
export * from "./workload-boundary.js";
