import { isUnset, show, Unresolved } from "../../plan/plan-model.js";
import { defineRule, fail, pass, unverified } from "../rule.js";

export const rdsIamAuth = defineRule({
  id: "CKV_AWS_161",
  title: "RDS accepts IAM database authentication",
  severity: "medium",
  resourceTypes: ["aws_db_instance", "aws_rds_cluster"],
  check(db) {
    const value = db.values.iam_database_authentication_enabled;
    if (value === true) return pass();
    if (value instanceof Unresolved && !isUnset(value))
      return unverified(`iam_database_authentication_enabled is ${show(value)}`);
    return fail(`iam_database_authentication_enabled is ${isUnset(value) ? "not set (false)" : show(value)}`);
  },
  fix: "Set iam_database_authentication_enabled = true so roles can connect with short-lived tokens instead of passwords.",
});
