import { blocks, isUnset, show, Unresolved } from "../../plan/plan-model.js";
import { defineRule, fail, pass, unverified, type Verdict, worst } from "../rule.js";

const SECURE = ["redirect-to-https", "https-only"];

export const cloudfrontHttpsOnly = defineRule({
  id: "CKV_AWS_34",
  title: "CloudFront viewers use HTTPS only",
  severity: "high",
  resourceTypes: ["aws_cloudfront_distribution"],
  check(distribution) {
    const behaviors = [
      ...blocks(distribution.values.default_cache_behavior).map((b) => ({
        name: "default_cache_behavior",
        b,
      })),
      ...blocks(distribution.values.ordered_cache_behavior).map((b) => ({
        name: `ordered_cache_behavior ${show(b.path_pattern)}`,
        b,
      })),
    ];
    return worst(
      behaviors.map(({ name, b }): Verdict => {
        const policy = b.viewer_protocol_policy;
        if (typeof policy === "string" && SECURE.includes(policy)) return pass();
        if (policy instanceof Unresolved && !isUnset(policy))
          return unverified(`${name}: viewer_protocol_policy is ${show(policy)}`);
        return fail(`${name}: viewer_protocol_policy is ${show(policy)}`);
      }),
    );
  },
  fix: 'Set viewer_protocol_policy = "redirect-to-https" (or "https-only") on every cache behavior.',
});
