import { isUnset, show, Unresolved } from "../../plan/plan-model.js";
import { isProduction } from "../context.js";
import { defineRule, fail, pass, unverified } from "../rule.js";

export const rdsDeletionProtection = defineRule({
  id: "CKV_AWS_293",
  title: "RDS has deletion protection in prod",
  severity: "medium",
  resourceTypes: ["aws_db_instance", "aws_rds_cluster"],
  check(db, stack) {
    if (!isProduction(stack)) return pass();
    const value = db.values.deletion_protection;
    if (value === true) return pass();
    if (value instanceof Unresolved && !isUnset(value))
      return unverified(`deletion_protection is ${show(value)}`);
    return fail(`deletion_protection is ${isUnset(value) ? "not set (false)" : show(value)} in prod`);
  },
  fix: "Set deletion_protection = true for production databases (the environment config's deletionProtection).",
});
