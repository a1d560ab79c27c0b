import { isUnset, show, Unresolved } from "../../plan/plan-model.js";
import { bucketCompanions } from "../context.js";
import { defineRule, fail, pass, unverified, type Verdict, worst } from "../rule.js";

const SETTINGS = [
  "block_public_acls",
  "block_public_policy",
  "ignore_public_acls",
  "restrict_public_buckets",
];

export const s3PublicAccessBlock = defineRule({
  id: "CKV2_AWS_6",
  checkov: ["CKV2_AWS_6", "CKV_AWS_53", "CKV_AWS_54", "CKV_AWS_55", "CKV_AWS_56"],
  title: "S3 bucket blocks all public access",
  severity: "high",
  resourceTypes: ["aws_s3_bucket"],
  check(bucket, stack) {
    const block = bucketCompanions(stack, bucket, "aws_s3_bucket_public_access_block")[0];
    if (!block) return fail("no aws_s3_bucket_public_access_block for this bucket");
    return worst(
      SETTINGS.map((setting): Verdict => {
        const value = block.values[setting];
        if (value === true) return pass();
        if (value instanceof Unresolved && !isUnset(value)) return unverified(`${setting} is ${show(value)}`);
        return fail(`${block.address}: ${setting} is ${isUnset(value) ? "not set (false)" : show(value)}`);
      }),
    );
  },
  fix: "Add an aws_s3_bucket_public_access_block with all four settings true (the storage module's Bucket does).",
});
