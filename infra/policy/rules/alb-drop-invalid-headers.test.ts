import { expect, test } from "vitest";
import { outcome } from "../rule-fixture.js";
import { albDropInvalidHeaders } from "./alb-drop-invalid-headers.js";

const lb = (values: Record<string, unknown>) => ({
  address: "aws_lb.alb",
  values: { load_balancer_type: "application", ...values },
});

test("passes an ALB that drops invalid headers", () => {
  expect(outcome(albDropInvalidHeaders, [lb({ drop_invalid_header_fields: true })])).toEqual({
    plan: "pass",
    synth: "pass",
  });
});

test("fails an ALB that forwards invalid headers", () => {
  expect(outcome(albDropInvalidHeaders, [lb({ drop_invalid_header_fields: false })])).toMatchObject({
    plan: "violation",
    synth: "violation",
  });
});

test("does not apply to network load balancers", () => {
  expect(outcome(albDropInvalidHeaders, [lb({ load_balancer_type: "network" })])).toEqual({
    plan: "pass",
    synth: "pass",
  });
});
