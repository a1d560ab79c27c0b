/**
 * The retention periods CloudWatch Logs accepts. The list and its check live with the kit's shared
 * validators (`@aws-platform-kit/modules/validation`); this entry point keeps the names it has always
 * exported.
 */
export {
  assertLogRetentionDays as assertLogRetention,
  LOG_RETENTION_DAYS,
} from "../validation/validators.js";
