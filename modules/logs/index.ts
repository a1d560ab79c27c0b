/**
 * Logs: the retention periods CloudWatch Logs accepts, and its log classes.
 *
 * @packageDocumentation
 */
export * from "./log-group-class.js";
export * from "./retention.js";
