import { expect, test } from "vitest";
import { outcome } from "../rule-fixture.js";
import { albInternal } from "./alb-internal.js";

const lb = (internal: boolean | undefined) => ({
  address: "aws_lb.alb",
  values: internal === undefined ? { load_balancer_type: "application" } : { internal },
});
const cdn = { address: "aws_cloudfront_distribution.cdn", values: { enabled: true } };

test("passes an internal load balancer behind CloudFront", () => {
  expect(outcome(albInternal, [lb(true), cdn])).toEqual({ plan: "pass", synth: "pass" });
});

test("fails an internet-facing load balancer behind CloudFront, set or by default", () => {
  for (const value of [false, undefined]) {
    expect(outcome(albInternal, [lb(value), cdn])).toMatchObject({ plan: "violation", synth: "violation" });
  }
});

test("passes an internet-facing load balancer with no CloudFront in front: it is the front door", () => {
  expect(outcome(albInternal, [lb(false)])).toEqual({ plan: "pass", synth: "pass" });
});
