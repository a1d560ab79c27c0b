/**
 * Account baseline: CloudTrail, GuardDuty, IAM Access Analyzer, CIS alarms and account-wide defaults.
 *
 * @packageDocumentation
 */
export * from "./account-baseline.js";
export * from "./baseline-key.js";
export * from "./cis-controls.js";
export * from "./security-alarms.js";
export * from "./threat-detection.js";
export * from "./trail.js";
