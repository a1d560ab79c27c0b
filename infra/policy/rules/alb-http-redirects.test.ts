import { expect, test } from "vitest";
import { ref } from "../../plan/plan-fixture.js";
import { outcome } from "../rule-fixture.js";
import { albHttpRedirects } from "./alb-http-redirects.js";

const redirect = [
  { type: "redirect", redirect: [{ protocol: "HTTPS", port: "443", status_code: "HTTP_301" }] },
];
const forward = [{ type: "forward", target_group_arn: ref("aws_lb_target_group.app.arn") }];
const http = (default_action: unknown) => ({
  address: "aws_lb_listener.http",
  values: { load_balancer_arn: ref("aws_lb.alb.arn"), port: 80, protocol: "HTTP", default_action },
});

test("passes an HTTP listener that redirects to HTTPS", () => {
  expect(outcome(albHttpRedirects, [http(redirect)])).toEqual({ plan: "pass", synth: "pass" });
});

test("fails an HTTP listener that forwards to targets", () => {
  expect(outcome(albHttpRedirects, [http(forward)])).toMatchObject({
    plan: "violation",
    synth: "violation",
    message: 'HTTP listener\'s default action is "forward", not a redirect to HTTPS',
  });
});

test("fails a listener rule that forwards plain HTTP traffic", () => {
  const rule = {
    address: "aws_lb_listener_rule.pr",
    values: { listener_arn: ref("aws_lb_listener.http.arn"), action: forward },
  };
  expect(outcome(albHttpRedirects, [rule, http(redirect)])).toMatchObject({
    plan: "violation",
    synth: "violation",
  });
});

test("reports a forwarding rule on a listener from another stack as unverified", () => {
  const rule = {
    address: "aws_lb_listener_rule.pr",
    values: { listener_arn: "arn:aws:elasticloadbalancing:…", action: forward },
  };
  expect(outcome(albHttpRedirects, [rule])).toMatchObject({ plan: "unverified", synth: "unverified" });
});
