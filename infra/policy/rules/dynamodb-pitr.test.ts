import { expect, test } from "vitest";
import { outcome } from "../rule-fixture.js";
import { dynamodbPitr } from "./dynamodb-pitr.js";

const table = (enabled: boolean) => ({
  address: "aws_dynamodb_table.lock",
  values: {
    name: "acme-bootstrap-tfstate-lock",
    billing_mode: "PAY_PER_REQUEST",
    point_in_time_recovery: [{ enabled }],
  },
});

test("passes a table with point-in-time recovery", () => {
  expect(outcome(dynamodbPitr, [table(true)])).toEqual({ plan: "pass", synth: "pass" });
});

test("fails a table without point-in-time recovery", () => {
  expect(outcome(dynamodbPitr, [table(false)])).toMatchObject({ plan: "violation", synth: "violation" });
});
