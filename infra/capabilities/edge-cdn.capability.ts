import { CachePolicy, Cdn, CloudFrontFunction, OriginRequestPolicy } from "@aws-platform-kit/modules/edge";
import { Bucket } from "@aws-platform-kit/modules/storage";
import { expect } from "vitest";
import type { Capability } from "./capability.js";

const ID = "edge-cdn";

/**
 * Issue 19's CloudFront parts on one distribution: ordered behaviours with a custom cache policy,
 * a custom origin request policy and a viewer-request function of their own, the single-page app's
 * deep-link function on the default behaviour, custom error responses and a geo restriction. It
 * shares a web ACL by ARN (nothing of WAF is built here).
 */
export const capability: Capability = {
  id: ID,
  title:
    "edge: CloudFront ordered behaviours, cache and origin request policies, CloudFront Functions (SPA deep links), error responses, geo restriction",
  build(scope, { naming, usEast1 }) {
    const assets = new Bucket(scope, "assets", { naming, purpose: "cap-cdn-assets", forceDestroy: true });
    const images = new CachePolicy(scope, "images", {
      name: naming.name("cap-images"),
      defaultTtlSeconds: 3600,
      queryStrings: { behavior: "whitelist", items: ["w", "h"] },
    });
    const search = new OriginRequestPolicy(scope, "search", {
      name: naming.name("cap-search"),
      headers: { behavior: "whitelist", items: ["X-Request-Id"] },
      queryStrings: { behavior: "all" },
    });
    const lowercase = new CloudFrontFunction(scope, "lowercase", {
      name: naming.name("cap-lowercase"),
      code: "function handler(event) { event.request.uri = event.request.uri.toLowerCase(); return event.request; }",
    });
    new Cdn(scope, "cdn", {
      naming,
      purpose: "cap",
      domainName: "cdn.cap.example.com",
      hostedZoneId: "Z0123456789ABCDEFGHIJ",
      assets,
      apiOrigin: { domainName: "origin.cap.example.com" },
      usEast1Provider: usEast1,
      webAclArn:
        "arn:aws:wafv2:us-east-1:123456789012:global/webacl/acme-cap-cdn/0123abcd-0123-4567-89ab-0123456789ab",
      accessLogRetentionDays: false,
      spaDeepLinks: true,
      behaviours: [
        {
          pathPattern: "/images/*",
          origin: "assets",
          cachePolicy: images,
          functions: { viewerRequest: lowercase },
        },
        { pathPattern: "/api/search*", origin: "api", originRequestPolicy: search },
      ],
      errorResponses: [{ errorCode: 404, responseCode: 404, responsePagePath: "/404.html", ttlSeconds: 60 }],
      geoRestriction: { type: "blacklist", locations: ["KP"] },
    });
  },
  check({ resourcesOf }) {
    const [distribution] = resourcesOf("aws_cloudfront_distribution", ID);
    const values = distribution?.values ?? {};
    const ordered = values.ordered_cache_behavior as {
      path_pattern: string;
      function_association: unknown[];
    }[];
    expect(ordered.map((b) => b.path_pattern)).toEqual([
      "/images/*",
      "/api/search*",
      "/api/*",
      "/healthz",
      "/readyz",
    ]);
    expect(ordered[0]?.function_association).toHaveLength(1);
    const defaults = (
      values.default_cache_behavior as { function_association: { event_type: string }[] }[]
    )[0];
    expect(defaults?.function_association).toEqual([
      expect.objectContaining({ event_type: "viewer-request" }),
    ]);
    expect(values.custom_error_response).toEqual([
      expect.objectContaining({
        error_code: 404,
        response_page_path: "/404.html",
        error_caching_min_ttl: 60,
      }),
    ]);
    expect(values.restrictions).toEqual([
      { geo_restriction: [expect.objectContaining({ restriction_type: "blacklist", locations: ["KP"] })] },
    ]);
    const functions = resourcesOf("aws_cloudfront_function", ID).map((f) => f.values);
    expect(functions).toHaveLength(2);
    for (const f of functions) expect(f).toMatchObject({ runtime: "cloudfront-js-2.0", publish: true });
    expect(functions.map((f) => f.name)).toContain("acme-cap-cap-spa-deep-links");
    expect(resourcesOf("aws_cloudfront_cache_policy", ID)).toHaveLength(1);
    expect(resourcesOf("aws_cloudfront_origin_request_policy", ID)).toHaveLength(1);
  },
};
