import { PROD_MINIMUMS } from "../../environments/production.js";
import { isUnset, show, Unresolved } from "../../plan/plan-model.js";
import { isProduction } from "../context.js";
import { defineRule, fail, pass, unverified } from "../rule.js";

/** Days of automated backups required in production (the environments' own floor); elsewhere ≥ 1. */
const PRODUCTION_BACKUP_DAYS = PROD_MINIMUMS.backupRetentionDays;

export const rdsBackupRetention = defineRule({
  id: "CKV_AWS_133",
  title: `RDS keeps automated backups (≥ ${PRODUCTION_BACKUP_DAYS} days in prod)`,
  severity: "medium",
  resourceTypes: ["aws_db_instance", "aws_rds_cluster"],
  check(db, stack) {
    // Read replicas take no automated backups of their own.
    if (!isUnset(db.values.replicate_source_db) && db.values.replicate_source_db !== "") return pass();
    const minimum = isProduction(stack) ? PRODUCTION_BACKUP_DAYS : 1;
    const days = db.values.backup_retention_period;
    if (days instanceof Unresolved && !isUnset(days))
      return unverified(`backup_retention_period is ${show(days)}`);
    // Not set: the RDS API default is 1 day.
    const effective = isUnset(days) ? 1 : Number(days);
    if (effective >= minimum) return pass();
    const shown = isUnset(days) ? "not set (RDS default: 1 day)" : `${effective} day(s)`;
    return fail(
      `backup_retention_period is ${shown}; ${minimum === 1 ? "0 turns automated backups off" : `prod needs at least ${minimum}`}`,
    );
  },
  fix: `Set backup_retention_period to at least ${PRODUCTION_BACKUP_DAYS} in prod (1 or more elsewhere).`,
});
