import { show, Unresolved } from "../../plan/plan-model.js";
import { defineRule, fail, pass, unverified } from "../rule.js";

/**
 * Behind CloudFront (a distribution in the same stack), an internet-facing load balancer is a way
 * around CloudFront and its WAF: the
 * kit's environments put theirs in private subnets behind a CloudFront VPC origin. An environment
 * that must expose its load balancer says why in its config (`loadBalancer.internetFacingReason`),
 * which becomes this rule's suppression.
 */
export const albInternal = defineRule({
  id: "KIT_ALB_1",
  title: "Load balancer is internal (reached through CloudFront), not internet-facing",
  severity: "high",
  resourceTypes: ["aws_lb", "aws_alb"],
  check(lb, stack) {
    const value = lb.values.internal;
    if (value === true) return pass();
    // Without CloudFront in front, an internet-facing load balancer is the front door, not a bypass.
    if (!stack.resources.some((r) => r.type === "aws_cloudfront_distribution")) return pass();
    if (value instanceof Unresolved) return unverified(`internal is ${show(value)}`);
    return fail(
      "internal is not true while a CloudFront distribution fronts this stack: the load balancer has public addresses, reachable around CloudFront and its WAF",
    );
  },
  fix: "Give LoadBalancer `internal: true` in private subnets and reach it through a LoadBalancerVpcOrigin (the environment stacks do unless config loadBalancer.internetFacingReason says why not).",
});
