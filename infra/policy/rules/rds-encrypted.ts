import { isUnset, show, Unresolved } from "../../plan/plan-model.js";
import { defineRule, fail, pass, unverified } from "../rule.js";

export const rdsEncrypted = defineRule({
  id: "CKV_AWS_16",
  title: "RDS storage is encrypted",
  severity: "high",
  resourceTypes: ["aws_db_instance", "aws_rds_cluster"],
  check(db) {
    const encrypted = db.values.storage_encrypted;
    if (encrypted === true) return pass();
    if (encrypted instanceof Unresolved && !isUnset(encrypted))
      return unverified(`storage_encrypted is ${show(encrypted)}`);
    return fail(`storage_encrypted is ${isUnset(encrypted) ? "not set (false)" : show(encrypted)}`);
  },
  fix: "Set storage_encrypted = true (with kms_key_id for a customer-managed key); existing databases need a snapshot restore.",
});
