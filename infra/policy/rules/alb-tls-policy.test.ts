import { expect, test } from "vitest";
import { ref } from "../../plan/plan-fixture.js";
import { outcome } from "../rule-fixture.js";
import { albTlsPolicy } from "./alb-tls-policy.js";

const listener = (values: Record<string, unknown>) => ({
  address: "aws_lb_listener.https",
  values: { load_balancer_arn: ref("aws_lb.alb.arn"), port: 443, protocol: "HTTPS", ...values },
});

test("passes HTTPS with a TLS 1.3/1.2 policy", () => {
  expect(outcome(albTlsPolicy, [listener({ ssl_policy: "ELBSecurityPolicy-TLS13-1-2-2021-06" })])).toEqual({
    plan: "pass",
    synth: "pass",
  });
});

test("fails HTTPS with the 2016 policy (TLS 1.0)", () => {
  expect(outcome(albTlsPolicy, [listener({ ssl_policy: "ELBSecurityPolicy-2016-08" })])).toMatchObject({
    plan: "violation",
    synth: "violation",
  });
});

test("fails HTTPS without a policy (the API default allows TLS 1.0)", () => {
  expect(outcome(albTlsPolicy, [listener({})]).message).toContain(
    "not set (ELBSecurityPolicy-2016-08, TLS 1.0)",
  );
});
