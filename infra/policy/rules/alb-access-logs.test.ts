import { expect, test } from "vitest";
import { ref } from "../../plan/plan-fixture.js";
import { outcome } from "../rule-fixture.js";
import { albAccessLogs } from "./alb-access-logs.js";

const lb = (access_logs: unknown[]) => ({
  address: "aws_lb.alb",
  values: { load_balancer_type: "application", access_logs },
});

test("passes access logs to a bucket known only at apply", () => {
  expect(
    outcome(albAccessLogs, [lb([{ enabled: true, bucket: ref("aws_s3_bucket.logs.id"), prefix: "alb" }])]),
  ).toEqual({
    plan: "pass",
    synth: "pass",
  });
});

test("fails disabled or missing access logs", () => {
  expect(outcome(albAccessLogs, [lb([{ enabled: false, bucket: "logs" }])])).toMatchObject({
    plan: "violation",
    synth: "violation",
  });
  expect(outcome(albAccessLogs, [lb([])])).toMatchObject({ plan: "violation" });
});
