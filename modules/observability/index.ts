/**
 * Observability: an encrypted alarm topic, CloudWatch alarms, a dashboard and a monthly budget.
 *
 * @packageDocumentation
 */
export * from "./observability.js";
export * from "./targets.js";
