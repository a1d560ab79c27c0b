import { expect, test } from "vitest";
import { ref } from "../../plan/plan-fixture.js";
import { outcome } from "../rule-fixture.js";
import { rdsCrossRegionKey } from "./rds-cross-region-key.js";

const key = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const source = {
  address: "aws_db_instance.db",
  values: { identifier: "acme-dev-db", storage_encrypted: true },
};
const replica = (values: Record<string, unknown>) => ({
  address: "aws_db_instance.dr",
  values: { identifier: "acme-dev-db-dr", storage_encrypted: true, ...values },
});
const backups = (values: Record<string, unknown>) => ({
  address: "aws_db_instance_automated_backups_replication.db",
  values: { source_db_instance_arn: ref("aws_db_instance.db.arn"), retention_period: 7, ...values },
});

test("passes replicated backups with a key of the destination region", () => {
  expect(outcome(rdsCrossRegionKey, [backups({ kms_key_id: key }), source])).toEqual({
    plan: "pass",
    synth: "pass",
  });
  expect(
    outcome(rdsCrossRegionKey, [backups({ kms_key_id: ref("aws_kms_key.backups.arn") }), source]),
  ).toEqual({ plan: "pass", synth: "pass" });
});

test("fails replicated backups without a key", () => {
  expect(outcome(rdsCrossRegionKey, [backups({}), source])).toMatchObject({
    plan: "violation",
    synth: "violation",
    message: expect.stringContaining("without kms_key_id"),
  });
});

test("passes a cross-region replica with a key, and a same-region one (or a primary) without", () => {
  const dr = replica({ replicate_source_db: ref("aws_db_instance.db.arn"), kms_key_id: key });
  expect(outcome(rdsCrossRegionKey, [dr, source])).toEqual({ plan: "pass", synth: "pass" });
  const local = replica({ replicate_source_db: ref("aws_db_instance.db.identifier") });
  expect(outcome(rdsCrossRegionKey, [local, source])).toEqual({ plan: "pass", synth: "pass" });
  expect(outcome(rdsCrossRegionKey, [source])).toEqual({ plan: "pass", synth: "pass" });
});

test("fails a cross-region replica (source by ARN) without a key", () => {
  const byRef = replica({ replicate_source_db: ref("aws_db_instance.db.arn") });
  expect(outcome(rdsCrossRegionKey, [byRef, source])).toMatchObject({
    plan: "violation",
    synth: "violation",
  });
  const byArn = replica({ replicate_source_db: "arn:aws:rds:us-east-1:123456789012:db:acme-dev-db" });
  expect(outcome(rdsCrossRegionKey, [byArn])).toMatchObject({ plan: "violation", synth: "violation" });
});
