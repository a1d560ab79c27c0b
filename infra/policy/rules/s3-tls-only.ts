import { bucketCompanions } from "../context.js";
import { parsePolicy, type Statement } from "../iam-document.js";
import { defineRule, fail, pass, unverified } from "../rule.js";

/** A statement that denies every request made without TLS. */
function deniesPlainHttp(s: Statement): boolean {
  if (s.effect !== "Deny") return false;
  const everyone =
    s.principal === "*" ||
    (typeof s.principal === "object" &&
      s.principal !== null &&
      (s.principal as { AWS?: unknown }).AWS === "*");
  const secure = [s.conditions.Bool, s.conditions.BoolIfExists].flatMap(
    (c) => c?.["aws:SecureTransport"] ?? [],
  );
  return everyone && secure.some((v) => v.toLowerCase() === "false");
}

export const s3TlsOnly = defineRule({
  id: "CKV_AWS_379",
  title: "S3 bucket policy denies requests without TLS",
  severity: "high",
  resourceTypes: ["aws_s3_bucket"],
  check(bucket, stack) {
    const policies = bucketCompanions(stack, bucket, "aws_s3_bucket_policy").map((p) => p.values.policy);
    if (bucket.config.policy !== undefined) policies.push(bucket.values.policy);
    const parsed = policies.map(parsePolicy);
    if (parsed.some((p) => p.ok && p.statements.some(deniesPlainHttp))) return pass();
    const unreadable = parsed.find((p) => !p.ok);
    if (unreadable && !unreadable.ok) return unverified(unreadable.reason);
    return fail(
      policies.length
        ? "the bucket policy has no Deny for aws:SecureTransport = false"
        : "no bucket policy: requests over plain HTTP are allowed",
    );
  },
  fix: 'Add a bucket policy statement: Deny, Principal "*", Action s3:*, Condition Bool aws:SecureTransport = "false" (the storage module\'s Bucket does).',
});
