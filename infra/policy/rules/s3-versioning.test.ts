import { expect, test } from "vitest";
import { ref } from "../../plan/plan-fixture.js";
import { outcome } from "../rule-fixture.js";
import { s3Versioning } from "./s3-versioning.js";

const bucket = { address: "aws_s3_bucket.b", values: { bucket: "acme-dev-uploads" } };
const versioning = (status: string) => ({
  address: "aws_s3_bucket_versioning.v",
  values: { bucket: ref("aws_s3_bucket.b.id"), versioning_configuration: [{ status }] },
});

test("passes a bucket with versioning enabled", () => {
  expect(outcome(s3Versioning, [bucket, versioning("Enabled")])).toEqual({ plan: "pass", synth: "pass" });
});

test("fails a bucket whose versioning is suspended", () => {
  const result = outcome(s3Versioning, [bucket, versioning("Suspended")]);
  expect(result).toMatchObject({ plan: "violation", synth: "violation" });
  expect(result.message).toContain('status is "Suspended"');
});

test("fails a bucket with no versioning resource", () => {
  expect(outcome(s3Versioning, [bucket])).toMatchObject({
    plan: "violation",
    message: "versioning is not enabled",
  });
});
