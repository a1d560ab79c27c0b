import { AwsProvider } from "@cdktf/provider-aws/lib/provider/index.js";
import { TerraformVariable } from "cdktf";
import { describe, expect, test } from "vitest";
import { Bucket } from "../storage/bucket.js";
import { type ResourceConfig, synthesise, testNaming } from "../testing/synthesised.js";
import { CachePolicy, OriginRequestPolicy } from "./cache-policy.js";
import { Cdn, type CdnProps, CLOUDFRONT_MANAGED_POLICIES } from "./cdn.js";
import { CloudFrontFunction } from "./cloudfront-function.js";

type Scope = Parameters<Parameters<typeof synthesise>[0]>[0];
const base = (scope: Scope): CdnProps => {
  new AwsProvider(scope, "aws", { region: "eu-west-1" });
  return {
    naming: testNaming,
    domainName: "platform.example.com",
    hostedZoneId: "Z0123456789ABCDEFGHIJ",
    assets: new Bucket(scope, "assets", { naming: testNaming, purpose: "assets" }),
    apiOrigin: { domainName: "origin.platform.example.com" },
    usEast1Provider: new AwsProvider(scope, "us-east-1", { region: "us-east-1", alias: "us_east_1" }),
    accessLogRetentionDays: false,
  };
};
const ref = (type: string, s: ReturnType<typeof synthesise>, attribute = "id") =>
  `\${${type}.${Object.keys(s.resources(type))[0]}.${attribute}}`;

const full = synthesise((scope) => {
  const images = new CachePolicy(scope, "images", {
    name: "acme-test-images",
    defaultTtlSeconds: 3600,
    queryStrings: { behavior: "whitelist", items: ["w", "h"] },
    headers: ["Accept"],
  });
  const search = new OriginRequestPolicy(scope, "search", {
    name: "acme-test-search",
    headers: { behavior: "whitelist", items: ["X-Request-Id"] },
    queryStrings: { behavior: "all" },
  });
  const rewrite = new CloudFrontFunction(scope, "rewrite", {
    name: "acme-test-rewrite",
    code: "function handler(event) { return event.request; }",
  });
  new Cdn(scope, "cdn", {
    ...base(scope),
    behaviours: [
      {
        pathPattern: "/images/*",
        origin: "assets",
        cachePolicy: images,
        functions: { viewerRequest: rewrite },
      },
      { pathPattern: "/api/search*", origin: "api", originRequestPolicy: search },
      {
        pathPattern: "/api/public/*",
        origin: "api",
        cachePolicy: CLOUDFRONT_MANAGED_POLICIES.cachingOptimized,
      },
    ],
    errorResponses: [
      { errorCode: 404, responseCode: 404, responsePagePath: "/errors/404.html", ttlSeconds: 60 },
      { errorCode: 503 },
    ],
    geoRestriction: { type: "blacklist", locations: ["KP", "IR"] },
  });
});
const distribution = full.only("aws_cloudfront_distribution");
const ordered = distribution.ordered_cache_behavior as ResourceConfig[];

describe("CachePolicy and OriginRequestPolicy", () => {
  test("a cache policy keys on what it is given, with gzip and brotli", () => {
    expect(full.only("aws_cloudfront_cache_policy")).toMatchObject({
      name: "acme-test-images",
      min_ttl: 1,
      default_ttl: 3600,
      max_ttl: 31_536_000,
      parameters_in_cache_key_and_forwarded_to_origin: {
        enable_accept_encoding_gzip: true,
        enable_accept_encoding_brotli: true,
        cookies_config: { cookie_behavior: "none" },
        headers_config: { header_behavior: "whitelist", headers: { items: ["Accept"] } },
        query_strings_config: { query_string_behavior: "whitelist", query_strings: { items: ["w", "h"] } },
      },
    });
  });

  test("an origin request policy forwards what it is given", () => {
    expect(full.only("aws_cloudfront_origin_request_policy")).toMatchObject({
      name: "acme-test-search",
      cookies_config: { cookie_behavior: "none" },
      headers_config: { header_behavior: "whitelist", headers: { items: ["X-Request-Id"] } },
      query_strings_config: { query_string_behavior: "all" },
    });
  });

  test("names, TTL order and item lists are checked", () => {
    const build = (make: (scope: Scope) => void) => () => synthesise(make);
    expect(build((s) => new CachePolicy(s, "p", { name: "bad name" }))).toThrow("edge.cachePolicy.name");
    expect(
      build((s) => new CachePolicy(s, "p", { name: "p", minTtlSeconds: 100, defaultTtlSeconds: 10 })),
    ).toThrow("edge.cachePolicy.defaultTtlSeconds");
    expect(build((s) => new CachePolicy(s, "p", { name: "p", cookies: { behavior: "whitelist" } }))).toThrow(
      "edge.cachePolicy.cookies.items",
    );
    expect(
      build(
        (s) =>
          new OriginRequestPolicy(s, "p", { name: "p", queryStrings: { behavior: "all", items: ["x"] } }),
      ),
    ).toThrow('"all" takes no names');
  });
});

describe("Cdn behaviours, error responses and geo restriction", () => {
  test("behaviours come first, in order, then the API paths", () => {
    expect(ordered.map((b) => b.path_pattern)).toEqual([
      "/images/*",
      "/api/search*",
      "/api/public/*",
      "/api/*",
      "/healthz",
      "/readyz",
    ]);
  });

  test("each behaviour gets its origin, policies (custom, managed, or the origin's defaults) and functions", () => {
    const [images, search, publicApi] = ordered;
    expect(images).toMatchObject({
      target_origin_id: "assets",
      allowed_methods: ["GET", "HEAD", "OPTIONS"],
      viewer_protocol_policy: "redirect-to-https",
      cache_policy_id: ref("aws_cloudfront_cache_policy", full),
      function_association: [
        { event_type: "viewer-request", function_arn: ref("aws_cloudfront_function", full, "arn") },
      ],
    });
    expect(images?.origin_request_policy_id).toBeUndefined();
    expect(search).toMatchObject({
      target_origin_id: "api",
      cache_policy_id: CLOUDFRONT_MANAGED_POLICIES.cachingDisabled,
      origin_request_policy_id: ref("aws_cloudfront_origin_request_policy", full),
    });
    expect(search?.allowed_methods).toContain("POST");
    expect(publicApi).toMatchObject({
      cache_policy_id: CLOUDFRONT_MANAGED_POLICIES.cachingOptimized,
      origin_request_policy_id: CLOUDFRONT_MANAGED_POLICIES.allViewerExceptHostHeader,
    });
    for (const b of ordered)
      expect(b.response_headers_policy_id).toBe(ref("aws_cloudfront_response_headers_policy", full));
  });

  test("custom error responses and a geographic restriction", () => {
    expect(distribution.custom_error_response).toEqual([
      {
        error_code: 404,
        response_code: 404,
        response_page_path: "/errors/404.html",
        error_caching_min_ttl: 60,
      },
      { error_code: 503, error_caching_min_ttl: 10 },
    ]);
    expect(distribution.restrictions).toEqual({
      geo_restriction: { restriction_type: "blacklist", locations: ["KP", "IR"] },
    });
  });

  test("without them the distribution is as before: no error responses, no restriction", () => {
    const plain = synthesise((scope) => {
      new Cdn(scope, "cdn", base(scope));
    }).only("aws_cloudfront_distribution");
    expect(plain.custom_error_response).toBeUndefined();
    expect(plain.restrictions).toEqual({ geo_restriction: { restriction_type: "none" } });
    expect((plain.default_cache_behavior as ResourceConfig).function_association).toBeUndefined();
  });

  test("refused: an origin that is missing, a repeated pattern, a bad error code or country", () => {
    const build =
      (extra: Partial<CdnProps>, withoutApi = false) =>
      () =>
        synthesise((scope) => {
          const props = base(scope);
          new Cdn(scope, "cdn", { ...props, ...(withoutApi ? { apiOrigin: undefined } : {}), ...extra });
        });
    expect(build({ behaviours: [{ pathPattern: "/x/*", origin: "api" }] }, true)).toThrow(
      "edge.cdn.behaviours[0].origin",
    );
    expect(build({ behaviours: [{ pathPattern: "/api/*", origin: "api" }] })).toThrow("is an API path");
    expect(
      build({
        behaviours: [
          { pathPattern: "/x/*", origin: "assets" },
          { pathPattern: "/x/*", origin: "api" },
        ],
      }),
    ).toThrow('"/x/*" is given twice');
    expect(build({ behaviours: [{ pathPattern: "x", origin: "assets" }] })).toThrow(
      "behaviours[0].pathPattern",
    );
    expect(build({ errorResponses: [{ errorCode: 418 }] })).toThrow("edge.cdn.errorResponses[0].errorCode");
    expect(build({ errorResponses: [{ errorCode: 404, responseCode: 200 }] })).toThrow(
      "give responseCode and responsePagePath together",
    );
    expect(build({ errorResponses: [{ errorCode: 404 }, { errorCode: 404 }] })).toThrow(
      "errorCode 404 is given twice",
    );
    expect(build({ geoRestriction: { type: "whitelist", locations: ["de"] } })).toThrow(
      "edge.cdn.geoRestriction.locations[0]",
    );
    expect(build({ geoRestriction: { type: "whitelist", locations: [] } })).toThrow(
      "edge.cdn.geoRestriction.locations",
    );
  });

  test("behaviours cannot be mixed with API paths known only at plan", () => {
    expect(() =>
      synthesise((scope) => {
        const paths = new TerraformVariable(scope, "paths", { type: "list(string)" });
        new Cdn(scope, "cdn", {
          ...base(scope),
          apiPaths: paths.listValue,
          behaviours: [{ pathPattern: "/x/*", origin: "assets" }],
        });
      }),
    ).toThrow("edge.cdn.behaviours");
  });
});
