import { expect, test } from "vitest";
import { ref } from "../../plan/plan-fixture.js";
import { outcome } from "../rule-fixture.js";
import { s3PublicAccessBlock } from "./s3-public-access-block.js";

const bucket = { address: "aws_s3_bucket.b", values: { bucket: "acme-dev-uploads" } };
const block = (settings: Record<string, boolean>) => ({
  address: "aws_s3_bucket_public_access_block.b",
  values: {
    bucket: ref("aws_s3_bucket.b.id"),
    block_public_acls: true,
    block_public_policy: true,
    ignore_public_acls: true,
    restrict_public_buckets: true,
    ...settings,
  },
});

test("passes a bucket whose public access block has all four settings on", () => {
  expect(outcome(s3PublicAccessBlock, [bucket, block({})])).toEqual({ plan: "pass", synth: "pass" });
});

test("finds the block by the bucket's literal name too", () => {
  const byName = { ...block({}), values: { ...block({}).values, bucket: "acme-dev-uploads" } };
  expect(outcome(s3PublicAccessBlock, [bucket, byName])).toMatchObject({ plan: "pass" });
});

test("fails a bucket with one setting off, naming it", () => {
  const result = outcome(s3PublicAccessBlock, [bucket, block({ restrict_public_buckets: false })]);
  expect(result).toMatchObject({ plan: "violation", synth: "violation" });
  expect(result.message).toContain("restrict_public_buckets is false");
});

test("fails a bucket with no public access block at all", () => {
  expect(outcome(s3PublicAccessBlock, [bucket])).toMatchObject({
    plan: "violation",
    message: "no aws_s3_bucket_public_access_block for this bucket",
  });
});
