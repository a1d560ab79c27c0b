import { expect, test } from "vitest";
import { outcome } from "../rule-fixture.js";
import { rdsMultiAz } from "./rds-multi-az.js";

const db = (multi_az: boolean) => ({ address: "aws_db_instance.db", values: { multi_az } });

test("passes Multi-AZ in prod and single-AZ in dev", () => {
  expect(outcome(rdsMultiAz, [db(true)], { environment: "prod" })).toEqual({ plan: "pass", synth: "pass" });
  expect(outcome(rdsMultiAz, [db(false)], { environment: "dev" })).toEqual({ plan: "pass", synth: "pass" });
});

test("fails single-AZ in prod", () => {
  expect(outcome(rdsMultiAz, [db(false)], { environment: "prod" })).toMatchObject({
    plan: "violation",
    synth: "violation",
  });
});
