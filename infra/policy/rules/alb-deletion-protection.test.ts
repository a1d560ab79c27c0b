import { expect, test } from "vitest";
import { outcome } from "../rule-fixture.js";
import { albDeletionProtection } from "./alb-deletion-protection.js";

const lb = (enable_deletion_protection: boolean) => ({
  address: "aws_lb.alb",
  values: { enable_deletion_protection },
});

test("passes a protected load balancer in prod, and any in dev", () => {
  expect(outcome(albDeletionProtection, [lb(true)], { environment: "prod" })).toEqual({
    plan: "pass",
    synth: "pass",
  });
  expect(outcome(albDeletionProtection, [lb(false)], { environment: "dev" })).toEqual({
    plan: "pass",
    synth: "pass",
  });
});

test("fails an unprotected load balancer in prod", () => {
  expect(outcome(albDeletionProtection, [lb(false)], { environment: "prod" })).toMatchObject({
    plan: "violation",
    synth: "violation",
  });
});
