import { isUnset, show, Unresolved } from "../../plan/plan-model.js";
import { bucketCompanions, firstBlock } from "../context.js";
import { defineRule, fail, pass, unverified } from "../rule.js";

export const s3Versioning = defineRule({
  id: "CKV_AWS_21",
  title: "S3 bucket keeps object versions",
  severity: "medium",
  resourceTypes: ["aws_s3_bucket"],
  check(bucket, stack) {
    const versioning = bucketCompanions(stack, bucket, "aws_s3_bucket_versioning")[0];
    if (versioning) {
      const status = firstBlock(versioning.values.versioning_configuration).status;
      if (status === "Enabled") return pass();
      if (status instanceof Unresolved && !isUnset(status)) return unverified(`status is ${show(status)}`);
      return fail(`${versioning.address}: status is ${show(status)}`);
    }
    if (bucket.config.versioning !== undefined && firstBlock(bucket.values.versioning).enabled === true)
      return pass();
    return fail("versioning is not enabled");
  },
  fix: 'Add an aws_s3_bucket_versioning with status "Enabled" (the storage module\'s Bucket does by default).',
});
