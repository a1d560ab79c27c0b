/**
 * What prod must have whatever its config says. The environment schema refuses a prod config below
 * these; the policy rule CKV_AWS_133 (infra/policy/rules/rds-backup-retention.ts) holds plans to the
 * same backup floor.
 */
export const PROD_MINIMUMS = {
  /** Days of automated database backups. */
  backupRetentionDays: 7,
  /** Running service tasks: one per zone. */
  desiredCount: 2,
} as const;
