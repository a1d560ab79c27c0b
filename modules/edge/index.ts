/**
 * Edge: an HTTPS-only load balancer (internet-facing, or internal behind a CloudFront VPC origin), DNS-validated certificates, Route 53 aliases, CloudFront and WAF.
 *
 * @packageDocumentation
 */
export * from "./alias-record.js";
export * from "./cache-policy.js";
export * from "./cdn.js";
export * from "./certificate.js";
export * from "./cloudfront-function.js";
export * from "./elb-log-delivery.js";
export * from "./host-rule.js";
export * from "./listener-rule.js";
export * from "./load-balancer.js";
export * from "./target-group.js";
export * from "./vpc-origin.js";
export * from "./waf.js";
