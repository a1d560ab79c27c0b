import { blocks, isUnset, knownString, referencesIn, refersTo, show } from "../../plan/plan-model.js";
import { defineRule, fail, pass, type Verdict, worst } from "../rule.js";

/** A bucket's REST endpoint (`b.s3.amazonaws.com`, `b.s3.us-east-1.amazonaws.com`). */
const S3_REST = /\.s3[.-]([a-z0-9-]+\.)?amazonaws\.com$/;
const S3_WEBSITE = /\.s3-website[.-]/;

export const cloudfrontS3Oac = defineRule({
  id: "CKV2_AWS_46",
  title: "CloudFront reaches S3 origins through origin access control",
  severity: "high",
  resourceTypes: ["aws_cloudfront_distribution"],
  check(distribution) {
    return worst(
      blocks(distribution.values.origin).map((origin, i): Verdict => {
        const domain = knownString(origin.domain_name);
        const name = `origin ${show(origin.origin_id ?? i + 1)}`;
        if (domain && S3_WEBSITE.test(domain))
          return fail(`${name} is an S3 website endpoint, which must be public`);
        // origin is a set: match the configured block by origin_id, not by position.
        const configured = blocks(distribution.config.origin).find(
          (o) => o.origin_id === origin.origin_id,
        )?.domain_name;
        const isS3 =
          (domain !== undefined && S3_REST.test(domain)) ||
          referencesIn(configured ?? origin.domain_name).some((r) => refersTo(r, "aws_s3_bucket"));
        if (!isS3) return pass();
        if (!isUnset(origin.origin_access_control_id) && origin.origin_access_control_id !== "")
          return pass();
        const oai = blocks(origin.s3_origin_config)[0]?.origin_access_identity;
        return fail(
          !isUnset(oai) && oai !== ""
            ? `${name} uses a legacy origin access identity instead of origin access control`
            : `${name} is an S3 bucket without origin access control: the bucket would have to be public`,
        );
      }),
    );
  },
  fix: "Give S3 origins an aws_cloudfront_origin_access_control (signing_behavior always) and a bucket policy for the distribution (the edge module does).",
});
