import { expect, test } from "vitest";
import { outcome } from "../rule-fixture.js";
import { rdsDeletionProtection } from "./rds-deletion-protection.js";

const db = (deletion_protection: boolean) => ({
  address: "aws_db_instance.db",
  values: { deletion_protection },
});

test("passes a protected database in prod, and an unprotected one outside prod", () => {
  expect(outcome(rdsDeletionProtection, [db(true)], { environment: "prod" })).toEqual({
    plan: "pass",
    synth: "pass",
  });
  expect(outcome(rdsDeletionProtection, [db(false)], { environment: "staging" })).toEqual({
    plan: "pass",
    synth: "pass",
  });
});

test("fails an unprotected database in prod", () => {
  expect(outcome(rdsDeletionProtection, [db(false)], { environment: "prod" })).toMatchObject({
    plan: "violation",
    synth: "violation",
  });
});
