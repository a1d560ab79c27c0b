import { expect, test } from "vitest";
import { outcome } from "../rule-fixture.js";
import { rdsIamAuth } from "./rds-iam-auth.js";

const db = (enabled: boolean) => ({
  address: "aws_db_instance.db",
  values: { iam_database_authentication_enabled: enabled },
});

test("passes an instance that accepts IAM authentication", () => {
  expect(outcome(rdsIamAuth, [db(true)])).toEqual({ plan: "pass", synth: "pass" });
});

test("fails an instance without IAM authentication", () => {
  expect(outcome(rdsIamAuth, [db(false)])).toMatchObject({ plan: "violation", synth: "violation" });
});
