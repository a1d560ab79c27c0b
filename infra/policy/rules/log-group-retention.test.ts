import { expect, test } from "vitest";
import { outcome } from "../rule-fixture.js";
import { logGroupRetention } from "./log-group-retention.js";

const group = (values: Record<string, unknown>) => ({
  address: "aws_cloudwatch_log_group.app",
  values: { name: "/ecs/app", ...values },
});

test("passes a log group with a retention", () => {
  expect(outcome(logGroupRetention, [group({ retention_in_days: 30 })])).toEqual({
    plan: "pass",
    synth: "pass",
  });
});

test("fails a log group kept forever", () => {
  expect(outcome(logGroupRetention, [group({ retention_in_days: 0 })])).toMatchObject({
    plan: "violation",
    synth: "violation",
  });
  expect(outcome(logGroupRetention, [group({})])).toMatchObject({ plan: "violation" });
});
