import { expect, test } from "vitest";
import { outcome } from "../rule-fixture.js";
import { rdsLogExports } from "./rds-log-exports.js";

const db = (exports: string[]) => ({
  address: "aws_db_instance.db",
  values: { engine: "postgres", enabled_cloudwatch_logs_exports: exports },
});

test("passes PostgreSQL exporting its postgresql log", () => {
  expect(outcome(rdsLogExports, [db(["postgresql", "upgrade"])])).toEqual({ plan: "pass", synth: "pass" });
});

test("fails an instance that exports nothing", () => {
  expect(outcome(rdsLogExports, [db([])])).toMatchObject({ plan: "violation", synth: "violation" });
});

test("fails PostgreSQL exporting only the upgrade log", () => {
  expect(outcome(rdsLogExports, [db(["upgrade"])]).message).toContain('"postgresql") is not exported');
});
