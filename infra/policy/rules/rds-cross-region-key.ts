import { isUnset, type PlannedResource, writtenText } from "../../plan/plan-model.js";
import { defineRule, fail, pass } from "../rule.js";

/** A replica whose source is given by ARN: RDS takes an ARN only for a source in another region. */
function crossRegionReplica(db: PlannedResource): boolean {
  const source = writtenText(db.values.replicate_source_db) ?? writtenText(db.config.replicate_source_db);
  if (source === undefined) return false;
  return source.startsWith("arn:") || /\.arn\}$/.test(source);
}

/**
 * A copy of a database in another region (a cross-region read replica, replicated automated
 * backups) is encrypted there only with a key of that region, named explicitly: without one, the
 * replica of an encrypted source cannot be created, and the backups of an unencrypted one are copied
 * unencrypted.
 */
export const rdsCrossRegionKey = defineRule({
  id: "KIT_RDS_1",
  title: "RDS copies in another region name a KMS key of that region",
  severity: "high",
  resourceTypes: ["aws_db_instance", "aws_db_instance_automated_backups_replication"],
  check(resource) {
    if (resource.type === "aws_db_instance" && !crossRegionReplica(resource)) return pass();
    if (!isUnset(resource.values.kms_key_id)) return pass();
    return fail(
      resource.type === "aws_db_instance"
        ? "a cross-region read replica without kms_key_id: its storage has no key in its region"
        : "replicated automated backups without kms_key_id: the copies are not encrypted with a key of the destination region",
    );
  },
  fix: "Set kms_key_id to a KMS key ARN in the destination region (Database's backupReplication and addReadReplica's crossRegion create one, rotated, unless given).",
});
