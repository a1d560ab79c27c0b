import { expect, test } from "vitest";
import { ref } from "../../plan/plan-fixture.js";
import { outcome } from "../rule-fixture.js";
import { cloudfrontWaf } from "./cloudfront-waf.js";

const distribution = (web_acl_id: unknown) => ({
  address: "aws_cloudfront_distribution.cdn",
  values: { web_acl_id },
});

test("passes a distribution whose web ACL is a reference known only at apply", () => {
  expect(outcome(cloudfrontWaf, [distribution(ref("aws_wafv2_web_acl.cdn.arn"))])).toEqual({
    plan: "pass",
    synth: "pass",
  });
});

test("fails a distribution without a web ACL", () => {
  expect(outcome(cloudfrontWaf, [distribution(null)])).toMatchObject({
    plan: "violation",
    synth: "violation",
  });
});
