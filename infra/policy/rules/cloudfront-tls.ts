import { isUnset, show, Unresolved } from "../../plan/plan-model.js";
import { firstBlock } from "../context.js";
import { defineRule, fail, pass, unverified } from "../rule.js";

/** TLSv1.2_2018, TLSv1.2_2019, TLSv1.2_2021, TLSv1.2_2025, TLSv1.3_2025, … */
const TLS12_OR_NEWER = /^TLSv1\.[23]_\d{4}$/;

export const cloudfrontTls = defineRule({
  id: "CKV_AWS_174",
  title: "CloudFront viewers need TLS 1.2 or newer",
  severity: "high",
  resourceTypes: ["aws_cloudfront_distribution"],
  check(distribution) {
    const certificate = firstBlock(distribution.values.viewer_certificate);
    if (certificate.cloudfront_default_certificate === true)
      return fail("uses the default *.cloudfront.net certificate, which accepts TLS 1.0");
    const version = certificate.minimum_protocol_version;
    if (typeof version === "string" && TLS12_OR_NEWER.test(version)) return pass();
    if (version instanceof Unresolved && !isUnset(version))
      return unverified(`minimum_protocol_version is ${show(version)}`);
    return fail(`minimum_protocol_version is ${show(version)}`);
  },
  fix: 'Use an ACM certificate (in us-east-1) with minimum_protocol_version = "TLSv1.2_2021".',
});
