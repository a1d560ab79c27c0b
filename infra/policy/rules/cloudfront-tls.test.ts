import { expect, test } from "vitest";
import { ref } from "../../plan/plan-fixture.js";
import { outcome } from "../rule-fixture.js";
import { cloudfrontTls } from "./cloudfront-tls.js";

const distribution = (viewer_certificate: Record<string, unknown>) => ({
  address: "aws_cloudfront_distribution.cdn",
  values: { viewer_certificate: [viewer_certificate] },
});

test("passes an ACM certificate with TLSv1.2_2021", () => {
  const cert = {
    acm_certificate_arn: ref("aws_acm_certificate.cdn.arn"),
    ssl_support_method: "sni-only",
    minimum_protocol_version: "TLSv1.2_2021",
  };
  expect(outcome(cloudfrontTls, [distribution(cert)])).toEqual({ plan: "pass", synth: "pass" });
});

test("fails the default CloudFront certificate", () => {
  expect(outcome(cloudfrontTls, [distribution({ cloudfront_default_certificate: true })])).toMatchObject({
    plan: "violation",
    synth: "violation",
  });
});

test("fails TLSv1.1", () => {
  const cert = {
    acm_certificate_arn: ref("aws_acm_certificate.cdn.arn"),
    minimum_protocol_version: "TLSv1.1_2016",
  };
  expect(outcome(cloudfrontTls, [distribution(cert)])).toMatchObject({ plan: "violation" });
});
