import { blocks, isUnset, show, Unresolved } from "../../plan/plan-model.js";
import { bucketCompanions } from "../context.js";
import { defineRule, fail, pass, unverified } from "../rule.js";

const ALGORITHMS = ["AES256", "aws:kms", "aws:kms:dsse"];

export const s3Encryption = defineRule({
  id: "CKV_AWS_19",
  title: "S3 bucket declares server-side encryption",
  // S3 has encrypted new objects with SSE-S3 by default since January 2023; the rule asks for the
  // choice to be declared (and reviewable, e.g. SSE-KMS for sensitive data), so it is not high.
  severity: "medium",
  resourceTypes: ["aws_s3_bucket"],
  check(bucket, stack) {
    const rules = bucketCompanions(
      stack,
      bucket,
      "aws_s3_bucket_server_side_encryption_configuration",
    ).flatMap((c) => blocks(c.values.rule));
    if (bucket.config.server_side_encryption_configuration !== undefined) {
      rules.push(
        ...blocks(bucket.values.server_side_encryption_configuration).flatMap((c) => blocks(c.rule)),
      );
    }
    if (!rules.length) return fail("no server-side encryption configuration for this bucket");
    const algorithms = rules.flatMap((r) =>
      blocks(r.apply_server_side_encryption_by_default).map((d) => d.sse_algorithm),
    );
    if (algorithms.some((a) => typeof a === "string" && ALGORITHMS.includes(a))) return pass();
    const unknown = algorithms.find((a) => a instanceof Unresolved && !isUnset(a));
    if (unknown) return unverified(`sse_algorithm is ${show(unknown)}`);
    return fail(`sse_algorithm is ${algorithms.map(show).join(", ") || "not set"}`);
  },
  fix: "Add an aws_s3_bucket_server_side_encryption_configuration with AES256 or aws:kms (the storage module's Bucket does).",
});
