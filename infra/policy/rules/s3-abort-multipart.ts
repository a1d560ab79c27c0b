import { blocks, isUnset, show, Unresolved } from "../../plan/plan-model.js";
import { bucketCompanions } from "../context.js";
import { defineRule, fail, pass, unverified } from "../rule.js";

export const s3AbortMultipart = defineRule({
  id: "CKV_AWS_300",
  title: "S3 bucket aborts incomplete multipart uploads",
  severity: "low",
  resourceTypes: ["aws_s3_bucket"],
  check(bucket, stack) {
    const rules = bucketCompanions(stack, bucket, "aws_s3_bucket_lifecycle_configuration").flatMap((c) =>
      blocks(c.values.rule),
    );
    const days = rules
      .filter((r) => r.status === "Enabled" || (r.status instanceof Unresolved && !isUnset(r.status)))
      .flatMap((r) => blocks(r.abort_incomplete_multipart_upload).map((a) => a.days_after_initiation));
    if (bucket.config.lifecycle_rule !== undefined) {
      for (const rule of blocks(bucket.values.lifecycle_rule)) {
        if (rule.enabled === true) days.push(rule.abort_incomplete_multipart_upload_days);
      }
    }
    if (days.some((d) => typeof d === "number" && d >= 1)) return pass();
    const unknown = days.find((d) => d instanceof Unresolved && !isUnset(d));
    if (unknown) return unverified(`days_after_initiation is ${show(unknown)}`);
    return fail(
      "no enabled lifecycle rule aborts incomplete multipart uploads (their parts are billed until deleted)",
    );
  },
  fix: "Add a lifecycle rule with abort_incomplete_multipart_upload { days_after_initiation = 1 } (the storage module's Bucket does).",
});
