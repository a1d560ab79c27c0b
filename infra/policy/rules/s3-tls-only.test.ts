import { expect, test } from "vitest";
import { later, ref } from "../../plan/plan-fixture.js";
import { outcome } from "../rule-fixture.js";
import { s3TlsOnly } from "./s3-tls-only.js";

const bucket = { address: "aws_s3_bucket.b", values: { bucket: "acme-dev-uploads" } };
/** The policy embeds the bucket's ARN, so the plan only has it in `configuration`. */
const policy = (condition: Record<string, unknown>, effect = "Deny") => ({
  address: "aws_s3_bucket_policy.p",
  values: {
    bucket: ref("aws_s3_bucket.b.id"),
    policy: later(
      JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "DenyInsecureTransport",
            Effect: effect,
            Principal: "*",
            Action: "s3:*",
            Resource: [`\${aws_s3_bucket.b.arn}`, `\${aws_s3_bucket.b.arn}/*`],
            Condition: condition,
          },
        ],
      }),
    ),
  },
});

test("passes a bucket whose policy (unknown until apply) denies aws:SecureTransport = false", () => {
  expect(outcome(s3TlsOnly, [bucket, policy({ Bool: { "aws:SecureTransport": "false" } })])).toEqual({
    plan: "pass",
    synth: "pass",
  });
});

test("fails a bucket whose policy does not deny plain HTTP", () => {
  const result = outcome(s3TlsOnly, [bucket, policy({ Bool: { "aws:SecureTransport": "false" } }, "Allow")]);
  expect(result).toMatchObject({ plan: "violation", synth: "violation" });
  expect(result.message).toContain("no Deny for aws:SecureTransport = false");
});

test("fails a bucket without a policy", () => {
  expect(outcome(s3TlsOnly, [bucket])).toMatchObject({ plan: "violation" });
});

test("reports a policy computed by another resource as unverified", () => {
  const computed = {
    address: "aws_s3_bucket_policy.p",
    values: { bucket: ref("aws_s3_bucket.b.id"), policy: ref("data.aws_iam_policy_document.tls.json") },
  };
  expect(outcome(s3TlsOnly, [bucket, computed])).toMatchObject({ plan: "unverified", synth: "unverified" });
});
