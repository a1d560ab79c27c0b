import { blocks, isUnset, type PlannedResource, type StackModel } from "../../plan/plan-model.js";
import { bucketCompanions } from "../context.js";
import { defineRule, fail, pass } from "../rule.js";

const enabled = (block: Record<string, unknown>) => block.status === "Enabled";

/** Whether the bucket's default encryption is SSE-KMS. */
function kmsEncrypted(stack: StackModel, bucket: PlannedResource): boolean {
  return bucketCompanions(stack, bucket, "aws_s3_bucket_server_side_encryption_configuration")
    .flatMap((c) => blocks(c.values.rule))
    .flatMap((r) => blocks(r.apply_server_side_encryption_by_default))
    .some((d) => d.sse_algorithm === "aws:kms" || d.sse_algorithm === "aws:kms:dsse");
}

/**
 * S3 replicates SSE-KMS objects only when a rule selects them (`sse_kms_encrypted_objects`), and
 * then only with a key to re-encrypt them with in the destination: a replication of an SSE-KMS
 * bucket without both silently leaves its objects out of the replica.
 */
export const s3ReplicationKms = defineRule({
  id: "KIT_S3_1",
  title: "S3 replication of an SSE-KMS bucket replicates its KMS-encrypted objects with a destination key",
  severity: "high",
  resourceTypes: ["aws_s3_bucket"],
  check(bucket, stack) {
    const rules = bucketCompanions(stack, bucket, "aws_s3_bucket_replication_configuration")
      .flatMap((c) => blocks(c.values.rule))
      .filter(enabled);
    if (rules.length === 0) return pass();
    const kms = kmsEncrypted(stack, bucket);
    for (const rule of rules) {
      const selects = blocks(rule.source_selection_criteria)
        .flatMap((c) => blocks(c.sse_kms_encrypted_objects))
        .some(enabled);
      const key = blocks(rule.destination)
        .flatMap((d) => blocks(d.encryption_configuration))
        .some((e) => !isUnset(e.replica_kms_key_id));
      if (kms && !selects) {
        return fail(
          `replication rule ${String(rule.id ?? "")} does not select SSE-KMS objects: the bucket's KMS-encrypted objects are not replicated`,
        );
      }
      if (selects && !key) {
        return fail(
          `replication rule ${String(rule.id ?? "")} selects SSE-KMS objects without a replica_kms_key_id: S3 cannot re-encrypt them in the destination`,
        );
      }
    }
    return pass();
  },
  fix: "Select sse_kms_encrypted_objects and set destination.encryption_configuration.replica_kms_key_id to a key in the destination region (the storage module's replication does, with destinationKmsKeyArn).",
});
