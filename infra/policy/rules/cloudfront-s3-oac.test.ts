import { expect, test } from "vitest";
import { ref } from "../../plan/plan-fixture.js";
import { outcome } from "../rule-fixture.js";
import { cloudfrontS3Oac } from "./cloudfront-s3-oac.js";

const distribution = (origin: Record<string, unknown>) => ({
  address: "aws_cloudfront_distribution.cdn",
  values: {
    origin: [
      {
        origin_id: "assets",
        domain_name: ref("aws_s3_bucket.assets.bucket_regional_domain_name"),
        ...origin,
      },
    ],
  },
});

test("passes an S3 origin with origin access control", () => {
  const origin = { origin_access_control_id: ref("aws_cloudfront_origin_access_control.assets.id") };
  expect(outcome(cloudfrontS3Oac, [distribution(origin)])).toEqual({ plan: "pass", synth: "pass" });
});

test("fails an S3 origin without origin access control", () => {
  expect(outcome(cloudfrontS3Oac, [distribution({})])).toMatchObject({
    plan: "violation",
    synth: "violation",
  });
});

test("fails an S3 origin through a legacy origin access identity", () => {
  const origin = {
    domain_name: "assets.s3.us-east-1.amazonaws.com",
    s3_origin_config: [{ origin_access_identity: "origin-access-identity/cloudfront/E1" }],
  };
  expect(outcome(cloudfrontS3Oac, [distribution(origin)]).message).toContain("legacy origin access identity");
});

test("does not apply to a load balancer origin", () => {
  expect(outcome(cloudfrontS3Oac, [distribution({ domain_name: "alb.example.com" })])).toEqual({
    plan: "pass",
    synth: "pass",
  });
});
