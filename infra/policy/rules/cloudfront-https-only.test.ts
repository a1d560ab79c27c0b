import { expect, test } from "vitest";
import { outcome } from "../rule-fixture.js";
import { cloudfrontHttpsOnly } from "./cloudfront-https-only.js";

const distribution = (defaultPolicy: string, ordered: string[] = []) => ({
  address: "aws_cloudfront_distribution.cdn",
  values: {
    default_cache_behavior: [{ target_origin_id: "s3", viewer_protocol_policy: defaultPolicy }],
    ordered_cache_behavior: ordered.map((p, i) => ({
      path_pattern: `/p${i}/*`,
      target_origin_id: "s3",
      viewer_protocol_policy: p,
    })),
  },
});

test("passes when every behavior redirects to HTTPS or is HTTPS only", () => {
  expect(outcome(cloudfrontHttpsOnly, [distribution("redirect-to-https", ["https-only"])])).toEqual({
    plan: "pass",
    synth: "pass",
  });
});

test("fails a behavior that allows HTTP", () => {
  const result = outcome(cloudfrontHttpsOnly, [distribution("redirect-to-https", ["allow-all"])]);
  expect(result).toMatchObject({ plan: "violation", synth: "violation" });
  expect(result.message).toContain('ordered_cache_behavior "/p0/*": viewer_protocol_policy is "allow-all"');
});
