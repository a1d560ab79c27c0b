import { expect, test } from "vitest";
import { ref } from "../../plan/plan-fixture.js";
import { outcome } from "../rule-fixture.js";
import { s3AbortMultipart } from "./s3-abort-multipart.js";

const bucket = { address: "aws_s3_bucket.b", values: { bucket: "acme-dev-uploads" } };
const lifecycle = (rule: Record<string, unknown>) => ({
  address: "aws_s3_bucket_lifecycle_configuration.l",
  values: {
    bucket: ref("aws_s3_bucket.b.id"),
    rule: [{ id: "r", status: "Enabled", filter: [{}], ...rule }],
  },
});

test("passes a bucket with an enabled rule aborting incomplete uploads after a day", () => {
  const rule = { abort_incomplete_multipart_upload: [{ days_after_initiation: 1 }] };
  expect(outcome(s3AbortMultipart, [bucket, lifecycle(rule)])).toEqual({ plan: "pass", synth: "pass" });
});

test("fails a bucket whose only abort rule is disabled", () => {
  const rule = { status: "Disabled", abort_incomplete_multipart_upload: [{ days_after_initiation: 1 }] };
  expect(outcome(s3AbortMultipart, [bucket, lifecycle(rule)])).toMatchObject({
    plan: "violation",
    synth: "violation",
  });
});

test("fails a bucket with lifecycle rules that never abort uploads", () => {
  const rule = { noncurrent_version_expiration: [{ noncurrent_days: 30 }] };
  expect(outcome(s3AbortMultipart, [bucket, lifecycle(rule)])).toMatchObject({ plan: "violation" });
});
