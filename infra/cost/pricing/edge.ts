/** CloudFront and Route 53. */
import { blocks } from "../../plan/plan-model.js";
import { monthly, type Pricer, usage } from "../line.js";

export const distribution: Pricer = (ctx) => [
  usage(ctx, "data transfer out", "data_out_gb", "cloudfront-data-out-gb", "GB"),
  usage(ctx, "HTTPS requests", "https_requests_10k", "cloudfront-https-requests-10k", "10,000 requests"),
];

/**
 * A CloudFront Function is billed per invocation: every viewer request on the behaviours it is
 * associated with (the deep-link function: every request on the default, assets, behaviour).
 */
export const cloudfrontFunction: Pricer = (ctx) => [
  usage(
    ctx,
    "function invocations",
    "invocations_millions",
    "cloudfront-function-invocations-million",
    "million invocations",
  ),
];

export const hostedZone: Pricer = (ctx) => [monthly(ctx, "hosted zone", "route53-hosted-zone-month")];

/** Alias records to AWS resources are answered free; other records pay per query. */
export const record: Pricer = (ctx) =>
  blocks(ctx.resource.values.alias).length
    ? { free: "queries to alias records for AWS resources are free" }
    : [usage(ctx, "DNS queries", "queries_millions", "route53-queries-million", "million queries")];
