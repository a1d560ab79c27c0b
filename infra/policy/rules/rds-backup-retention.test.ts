import { expect, test } from "vitest";
import { outcome } from "../rule-fixture.js";
import { rdsBackupRetention } from "./rds-backup-retention.js";

const db = (values: Record<string, unknown>) => ({
  address: "aws_db_instance.db",
  values: { engine: "postgres", ...values },
});

test("passes 14 days in prod and 1 day in dev", () => {
  expect(outcome(rdsBackupRetention, [db({ backup_retention_period: 14 })], { environment: "prod" })).toEqual(
    {
      plan: "pass",
      synth: "pass",
    },
  );
  expect(outcome(rdsBackupRetention, [db({ backup_retention_period: 1 })], { environment: "dev" })).toEqual({
    plan: "pass",
    synth: "pass",
  });
});

test("fails fewer than 7 days in prod", () => {
  const result = outcome(rdsBackupRetention, [db({ backup_retention_period: 3 })], { environment: "prod" });
  expect(result).toMatchObject({ plan: "violation", synth: "violation" });
  expect(result.message).toContain("prod needs at least 7");
});

test("fails an unset retention in prod (the RDS default is 1 day)", () => {
  expect(outcome(rdsBackupRetention, [db({})], { environment: "prod" })).toMatchObject({ plan: "violation" });
});

test("fails backups turned off anywhere", () => {
  expect(
    outcome(rdsBackupRetention, [db({ backup_retention_period: 0 })], { environment: "dev" }),
  ).toMatchObject({
    plan: "violation",
  });
});
