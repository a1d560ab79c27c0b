/**
 * Validation: `PropError`, the error every module throws for a prop it refuses (the prop's path as
 * data), and the shared checks behind it — ranges, log retention, DNS names, ARNs, lists, wildcards.
 *
 * @packageDocumentation
 */
export * from "./prop-error.js";
export * from "./validators.js";
