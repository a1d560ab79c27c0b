import { isUnset, show, Unresolved } from "../../plan/plan-model.js";
import { isProduction } from "../context.js";
import { defineRule, fail, pass, unverified } from "../rule.js";

export const rdsMultiAz = defineRule({
  id: "CKV_AWS_157",
  title: "RDS instance is Multi-AZ in prod",
  severity: "medium",
  resourceTypes: ["aws_db_instance"],
  check(db, stack) {
    if (!isProduction(stack)) return pass();
    // A read replica's availability comes from its source.
    if (!isUnset(db.values.replicate_source_db) && db.values.replicate_source_db !== "") return pass();
    const value = db.values.multi_az;
    if (value === true) return pass();
    if (value instanceof Unresolved && !isUnset(value)) return unverified(`multi_az is ${show(value)}`);
    return fail(
      `multi_az is ${isUnset(value) ? "not set (false)" : show(value)} in prod: an AZ outage takes the database down`,
    );
  },
  fix: "Set multi_az = true for production databases (the environment config's database.multiAz).",
});
