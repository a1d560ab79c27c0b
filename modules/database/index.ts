/**
 * Database: RDS for PostgreSQL, private and encrypted, its master password managed in Secrets Manager
 * (by RDS, or written from a write-only variable); read replicas;
 * `Database.fromAttributes` for one created elsewhere.
 *
 * @packageDocumentation
 */
export * from "./database.js";
export {
  type DatabaseAttributes,
  type DatabaseRef,
  ImportedDatabase,
} from "./database-ref.js";
export {
  ADVANCED_INSIGHTS_RETENTION_DAYS,
  DATABASE_INSIGHTS_MODE_RULE,
  DATABASE_INSIGHTS_MODES,
  type DatabaseInsightsMode,
  ENHANCED_MONITORING_POLICY,
  GP3_IOPS,
  GP3_PROVISIONING_THRESHOLD_GB,
  GP3_THRESHOLD_RULE,
  GP3_THROUGHPUT_MIBPS,
  MONITORING_INTERVAL_RULE,
  MONITORING_INTERVALS,
  type MonitoringInterval,
  SECRET_ROTATION_DAYS,
} from "./instance-options.js";
export * from "./max-connections.js";
export * from "./read-replica.js";
