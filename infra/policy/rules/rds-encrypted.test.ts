import { expect, test } from "vitest";
import { outcome } from "../rule-fixture.js";
import { rdsEncrypted } from "./rds-encrypted.js";

const db = (values: Record<string, unknown>) => ({
  address: "aws_db_instance.db",
  values: { engine: "postgres", instance_class: "db.t4g.micro", ...values },
});

test("passes an instance with encrypted storage", () => {
  expect(outcome(rdsEncrypted, [db({ storage_encrypted: true })])).toEqual({ plan: "pass", synth: "pass" });
});

test("fails an instance whose storage is not encrypted", () => {
  expect(outcome(rdsEncrypted, [db({ storage_encrypted: false })])).toMatchObject({
    plan: "violation",
    synth: "violation",
    message: "storage_encrypted is false",
  });
  expect(outcome(rdsEncrypted, [db({})])).toMatchObject({ message: "storage_encrypted is not set (false)" });
});
