/**
 * Logs: the retention periods CloudWatch Logs accepts.
 *
 * @packageDocumentation
 */
export * from "./retention.js";
