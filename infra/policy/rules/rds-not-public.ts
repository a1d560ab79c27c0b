import { isUnset, show, Unresolved } from "../../plan/plan-model.js";
import { defineRule, fail, pass, unverified } from "../rule.js";

export const rdsNotPublic = defineRule({
  id: "CKV_AWS_17",
  title: "RDS instance is not publicly accessible",
  severity: "high",
  resourceTypes: ["aws_db_instance", "aws_rds_cluster_instance"],
  check(db) {
    const value = db.values.publicly_accessible;
    if (value === true)
      return fail("publicly_accessible is true: the instance gets a public DNS name and IP");
    if (value instanceof Unresolved && !isUnset(value))
      return unverified(`publicly_accessible is ${show(value)}`);
    return pass();
  },
  fix: "Set publicly_accessible = false and reach the database from inside the VPC (security group rules, a bastion or SSM).",
});
