import { expect, test } from "vitest";
import { ref } from "../../plan/plan-fixture.js";
import { outcome } from "../rule-fixture.js";
import { s3Encryption } from "./s3-encryption.js";

const bucket = { address: "aws_s3_bucket.b", values: { bucket: "acme-dev-uploads" } };
const encryption = (algorithm: unknown) => ({
  address: "aws_s3_bucket_server_side_encryption_configuration.e",
  values: {
    bucket: ref("aws_s3_bucket.b.id"),
    rule: [
      { apply_server_side_encryption_by_default: [{ sse_algorithm: algorithm, kms_master_key_id: null }] },
    ],
  },
});

test("passes a bucket with SSE-S3 or SSE-KMS declared", () => {
  expect(outcome(s3Encryption, [bucket, encryption("AES256")])).toEqual({ plan: "pass", synth: "pass" });
  expect(outcome(s3Encryption, [bucket, encryption("aws:kms")])).toEqual({ plan: "pass", synth: "pass" });
});

test("fails a bucket with no encryption configuration", () => {
  expect(outcome(s3Encryption, [bucket])).toMatchObject({
    plan: "violation",
    synth: "violation",
    message: "no server-side encryption configuration for this bucket",
  });
});

test("reports an algorithm known only at apply as unverified, not as passing or failing", () => {
  expect(outcome(s3Encryption, [bucket, encryption(ref("aws_ssm_parameter.algorithm.value"))])).toMatchObject(
    {
      plan: "unverified",
      synth: "unverified",
    },
  );
});
