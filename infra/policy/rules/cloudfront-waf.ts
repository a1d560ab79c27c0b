import { isUnset } from "../../plan/plan-model.js";
import { defineRule, fail, pass } from "../rule.js";

export const cloudfrontWaf = defineRule({
  id: "CKV_AWS_68",
  title: "CloudFront distribution has a WAF web ACL",
  severity: "medium",
  resourceTypes: ["aws_cloudfront_distribution"],
  check(distribution) {
    const acl = distribution.values.web_acl_id;
    // A reference to an aws_wafv2_web_acl is unknown until apply but shows that an ACL is attached.
    return isUnset(acl) || acl === "" ? fail("web_acl_id is not set: no WAF inspects requests") : pass();
  },
  fix: "Attach an aws_wafv2_web_acl with scope CLOUDFRONT (created in us-east-1) through web_acl_id (the edge module does).",
});
