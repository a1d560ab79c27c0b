import { expect, test } from "vitest";
import { outcome } from "../rule-fixture.js";
import { rdsNotPublic } from "./rds-not-public.js";

const db = (publicly_accessible: unknown) => ({
  address: "aws_db_instance.db",
  values: { engine: "postgres", publicly_accessible },
});

test("passes a private instance", () => {
  expect(outcome(rdsNotPublic, [db(false)])).toEqual({ plan: "pass", synth: "pass" });
});

test("fails a publicly accessible instance", () => {
  expect(outcome(rdsNotPublic, [db(true)])).toMatchObject({ plan: "violation", synth: "violation" });
});
