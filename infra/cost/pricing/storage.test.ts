import { expect, test } from "vitest";
import { type FixtureResource, fixturePlan } from "../../plan/plan-fixture.js";
import { modelFromPlan } from "../../plan/plan-model.js";
import { estimateStack } from "../estimate.js";
import { usageFixture } from "../usage-fixture.js";

const usageDir = usageFixture({
  aws_s3_bucket_lifecycle_configuration: {
    standard_ia_storage_gb: 100,
    glacier_ir_storage_gb: 1000,
    deep_archive_storage_gb: 10000,
  },
  aws_s3_bucket_intelligent_tiering_configuration: {
    monitored_objects_thousands: 2000,
    archive_access_storage_gb: 100,
  },
  aws_s3_bucket_replication_configuration: {
    replicated_gb: 50,
    replicated_put_requests_thousands: 10,
  },
});
const estimate = (resources: FixtureResource[]) =>
  estimateStack(modelFromPlan("test", fixturePlan(resources, { environment: "test" })), { usageDir });
const lines = (resources: FixtureResource[]) =>
  estimate(resources).resources[0]?.lines.map((l) => [l.label, l.monthlyUsd]);

test("transitions price the storage classes they move objects to, in S3's order", () => {
  const lifecycle: FixtureResource = {
    address: "aws_s3_bucket_lifecycle_configuration.l",
    values: {
      rule: [
        { id: "abort", abort_incomplete_multipart_upload: [{ days_after_initiation: 1 }] },
        {
          id: "age",
          transition: [
            { days: 180, storage_class: "DEEP_ARCHIVE" },
            { days: 30, storage_class: "STANDARD_IA" },
          ],
          noncurrent_version_transition: [{ noncurrent_days: 30, storage_class: "GLACIER_IR" }],
        },
      ],
    },
  };
  // 100 × 0.0125 = 1.25; 1000 × 0.004 = 4; 10000 × 0.00099 = 9.9
  expect(lines([lifecycle])).toEqual([
    ["S3 Standard-IA storage", 1.25],
    ["S3 Glacier Instant Retrieval storage", 4],
    ["S3 Glacier Deep Archive storage", expect.closeTo(9.9, 6)],
  ]);
});

test("a lifecycle configuration without transitions costs nothing", () => {
  const [cost] = estimate([
    { address: "aws_s3_bucket_lifecycle_configuration.l", values: { rule: [{ id: "abort" }] } },
  ]).resources;
  expect(cost).toMatchObject({ status: "free", note: expect.stringMatching(/^no transitions/) });
});

test("a class without an assumption is not priced, and says which key to add", () => {
  const [cost] = estimate([
    {
      address: "aws_s3_bucket_lifecycle_configuration.l",
      values: { rule: [{ id: "g", transition: [{ days: 0, storage_class: "GLACIER" }] }] },
    },
  ]).resources;
  expect(cost?.lines[0]?.notPriced).toBe(
    'no usage assumption "aws_s3_bucket_lifecycle_configuration.glacier_storage_gb" (test.json)',
  );
});

test("Intelligent-Tiering: monitoring per 1,000 objects, and the archive tiers turned on", () => {
  // 2000 × 0.0025 = 5; 100 × 0.0036 = 0.36
  expect(
    lines([
      {
        address: "aws_s3_bucket_intelligent_tiering_configuration.t",
        values: { name: "archive", tiering: [{ access_tier: "ARCHIVE_ACCESS", days: 90 }] },
      },
    ]),
  ).toEqual([
    ["Intelligent-Tiering monitoring and automation", 5],
    ["Intelligent-Tiering Archive Access tier", expect.closeTo(0.36, 6)],
  ]);
});

test("replication: cross-region transfer per GB and the destination's PUT requests", () => {
  // 50 × 0.02 = 1; 10 × 0.005 = 0.05
  expect(lines([{ address: "aws_s3_bucket_replication_configuration.r", values: { rule: [] } }])).toEqual([
    ["Cross-region replication data transfer", 1],
    ["Replication PUT requests", expect.closeTo(0.05, 6)],
  ]);
});

test("EventBridge notifications are free, with the reason", () => {
  const [cost] = estimate([
    { address: "aws_s3_bucket_notification.n", values: { eventbridge: true } },
  ]).resources;
  expect(cost).toMatchObject({ status: "free", note: expect.stringMatching(/EventBridge/) });
});
