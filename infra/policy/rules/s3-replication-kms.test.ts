import { expect, test } from "vitest";
import { ref } from "../../plan/plan-fixture.js";
import { outcome } from "../rule-fixture.js";
import { s3ReplicationKms } from "./s3-replication-kms.js";

const KEY = "arn:aws:kms:eu-west-1:123456789012:key/abcd";
const bucket = { address: "aws_s3_bucket.b", values: { bucket: "acme-dev-data" } };
const encryption = (algorithm: string) => ({
  address: "aws_s3_bucket_server_side_encryption_configuration.e",
  values: {
    bucket: ref("aws_s3_bucket.b.id"),
    rule: [{ apply_server_side_encryption_by_default: [{ sse_algorithm: algorithm }] }],
  },
});
const replication = (rule: Record<string, unknown>) => ({
  address: "aws_s3_bucket_replication_configuration.r",
  values: {
    bucket: ref("aws_s3_bucket.b.id"),
    rule: [{ id: "all", status: "Enabled", destination: [{ bucket: "arn:aws:s3:::replica" }], ...rule }],
  },
});
const selectsKms = { source_selection_criteria: [{ sse_kms_encrypted_objects: [{ status: "Enabled" }] }] };
const withKey = {
  destination: [{ bucket: "arn:aws:s3:::replica", encryption_configuration: [{ replica_kms_key_id: KEY }] }],
};

test("passes an SSE-KMS bucket replicating its KMS objects with a destination key", () => {
  expect(
    outcome(s3ReplicationKms, [bucket, encryption("aws:kms"), replication({ ...selectsKms, ...withKey })]),
  ).toEqual({ plan: "pass", synth: "pass" });
});

test("passes an SSE-S3 bucket replicating without KMS settings, and a bucket without replication", () => {
  expect(outcome(s3ReplicationKms, [bucket, encryption("AES256"), replication({})])).toMatchObject({
    plan: "pass",
  });
  expect(outcome(s3ReplicationKms, [bucket, encryption("aws:kms")])).toMatchObject({ plan: "pass" });
});

test("fails an SSE-KMS bucket whose replication leaves its KMS objects out", () => {
  expect(outcome(s3ReplicationKms, [bucket, encryption("aws:kms"), replication(withKey)])).toMatchObject({
    plan: "violation",
    synth: "violation",
  });
});

test("fails a rule selecting KMS objects without a key to re-encrypt them with", () => {
  expect(outcome(s3ReplicationKms, [bucket, encryption("aws:kms"), replication(selectsKms)])).toMatchObject({
    plan: "violation",
  });
});
