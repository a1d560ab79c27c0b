/**
 * CI access: the GitHub OIDC provider, the plan, preview and per-environment apply roles, the workload permissions boundaries and the container instance boundaries.
 *
 * @packageDocumentation
 */
export * from "./apply-permissions.js";
export * from "./ci-access.js";
export * from "./instance-boundary.js";
export * from "./permissions.js";
export * from "./preview-permissions.js";
export * from "./read-permissions.js";
export * from "./workload-boundary.js";
