import { runInNewContext } from "node:vm";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider/index.js";
import { describe, expect, test } from "vitest";
import { Bucket } from "../storage/bucket.js";
import { type ResourceConfig, synthesise, testNaming } from "../testing/synthesised.js";
import { Cdn, DEFAULT_API_PATHS } from "./cdn.js";
import {
  CloudFrontFunction,
  SPA_DEEP_LINK_FUNCTION_CODE,
  spaDeepLinkExclusions,
  spaDeepLinkFunctionCode,
} from "./cloudfront-function.js";

/** Runs CloudFront Function code as CloudFront does: `handler(event)` on a viewer-request event. */
function viewerRequest(code: string, uri: string, method = "GET"): string {
  const event = {
    version: "1.0",
    context: { eventType: "viewer-request" },
    viewer: { ip: "198.51.100.7" },
    request: {
      method,
      uri,
      querystring: {},
      headers: { host: { value: "platform.example.com" } },
      cookies: {},
    },
  };
  const result = runInNewContext(`${code}\n;handler(event);`, { event }) as { uri: string };
  return result.uri;
}

// The environment's main distribution as the platform stack builds it: assets, API origin, deep links.
const cdn = synthesise((scope) => {
  new AwsProvider(scope, "aws", { region: "eu-west-1" });
  new Cdn(scope, "cdn", {
    naming: testNaming,
    domainName: "platform.example.com",
    hostedZoneId: "Z0123456789ABCDEFGHIJ",
    assets: new Bucket(scope, "assets", { naming: testNaming, purpose: "assets" }),
    apiOrigin: { domainName: "origin.platform.example.com" },
    usEast1Provider: new AwsProvider(scope, "us-east-1", { region: "us-east-1", alias: "us_east_1" }),
    spaDeepLinks: true,
  });
});
const fn = cdn.only("aws_cloudfront_function");
const code = String(fn.code);

describe("the web front end's deep links, through CloudFront", () => {
  test("the synthesised function answers a deep link opened directly with /index.html", () => {
    expect(viewerRequest(code, "/tasks/123")).toBe("/index.html");
    expect(viewerRequest(code, "/tasks")).toBe("/index.html");
    expect(viewerRequest(code, "/files")).toBe("/index.html");
    expect(viewerRequest(code, "/profile")).toBe("/index.html");
    expect(viewerRequest(code, "/tasks/")).toBe("/index.html");
    expect(viewerRequest(code, "/tasks/123", "HEAD")).toBe("/index.html");
  });

  test("files, the root, API paths and other methods are left unchanged", () => {
    expect(viewerRequest(code, "/assets/app-1.js")).toBe("/assets/app-1.js");
    expect(viewerRequest(code, "/index.html")).toBe("/index.html");
    expect(viewerRequest(code, "/favicon.ico")).toBe("/favicon.ico");
    expect(viewerRequest(code, "/")).toBe("/");
    // API paths are other behaviours and never reach the function; it leaves them alone anyway.
    expect(viewerRequest(code, "/api/x")).toBe("/api/x");
    expect(viewerRequest(code, "/api/tasks/123")).toBe("/api/tasks/123");
    expect(viewerRequest(code, "/healthz")).toBe("/healthz");
    expect(viewerRequest(code, "/readyz")).toBe("/readyz");
    expect(viewerRequest(code, "/tasks/123", "OPTIONS")).toBe("/tasks/123");
    // The service's own list: /api, /healthz, /readyz and /metrics, each with what is under it.
    for (const path of ["/api", "/metrics", "/metrics/x", "/healthz/x"])
      expect(viewerRequest(code, path)).toBe(path);
    // Any dot in the last segment makes it a file, a leading one too.
    expect(viewerRequest(code, "/.env")).toBe("/.env");
  });

  test("it runs on the default (assets) behaviour's viewer requests, as cloudfront-js-2.0, published", () => {
    expect(fn).toMatchObject({
      runtime: "cloudfront-js-2.0",
      publish: true,
      name: "acme-test-spa-deep-links",
    });
    const distribution = cdn.only("aws_cloudfront_distribution");
    const name = Object.keys(cdn.resources("aws_cloudfront_function"))[0];
    expect((distribution.default_cache_behavior as ResourceConfig).function_association).toEqual([
      { event_type: "viewer-request", function_arn: `\${aws_cloudfront_function.${name}.arn}` },
    ]);
    for (const b of distribution.ordered_cache_behavior as ResourceConfig[]) {
      expect(b.function_association).toBeUndefined();
    }
    expect(code).toBe(spaDeepLinkFunctionCode(DEFAULT_API_PATHS));
    expect(code).toBe(SPA_DEEP_LINK_FUNCTION_CODE);
  });

  test("other API paths given to the distribution are the function's exceptions too", () => {
    expect(spaDeepLinkExclusions(DEFAULT_API_PATHS)).toEqual([
      "/api/*",
      "/api",
      "/healthz",
      "/healthz/*",
      "/readyz",
      "/readyz/*",
      "/metrics",
      "/metrics/*",
    ]);
    const custom = spaDeepLinkFunctionCode(["/v1/*", "/status", "/a?c"]);
    expect(viewerRequest(custom, "/v1/tasks")).toBe("/v1/tasks");
    expect(viewerRequest(custom, "/status")).toBe("/status");
    expect(viewerRequest(custom, "/abc")).toBe("/abc");
    expect(viewerRequest(custom, "/api/x")).toBe("/index.html");
  });

  test("spaDeepLinks needs the assets bucket", () => {
    expect(() =>
      synthesise((scope) => {
        new Cdn(scope, "cdn", {
          naming: testNaming,
          domainName: "platform.example.com",
          hostedZoneId: "Z0123456789ABCDEFGHIJ",
          apiOrigin: { domainName: "origin.platform.example.com" },
          usEast1Provider: new AwsProvider(scope, "us-east-1", { region: "us-east-1", alias: "us_east_1" }),
          spaDeepLinks: true,
        });
      }),
    ).toThrow("edge.cdn.spaDeepLinks");
  });
});

describe("CloudFrontFunction", () => {
  test("a bad name, code over 10 KB or code without a handler is refused", () => {
    const build = (name: string, body: string) => () =>
      synthesise((scope) => {
        new CloudFrontFunction(scope, "f", { name, code: body });
      });
    expect(build("bad name", SPA_DEEP_LINK_FUNCTION_CODE)).toThrow("edge.cloudFrontFunction.name");
    expect(build("ok", `function handler(e) { return e.request; }\n//${"x".repeat(10_240)}`)).toThrow(
      "at most 10240",
    );
    expect(build("ok", "var x = 1;")).toThrow("must define function handler(event)");
    expect(build("ok", "function handler(event) { return event.request; }")).not.toThrow();
  });

  test("template syntax in the code is escaped, so Terraform passes it through as written", () => {
    const withTemplate =
      // biome-ignore lint/suspicious/noTemplateCurlyInString: function code holding a JavaScript template literal
      "function handler(event) { event.request.uri = `/x${1}`; return event.request; } // 100%{";
    const s = synthesise((scope) => {
      new CloudFrontFunction(scope, "f", { name: "templated", code: withTemplate });
    });
    expect(s.only("aws_cloudfront_function").code).toBe(
      "function handler(event) { event.request.uri = `/x$${1}`; return event.request; } // 100%%{",
    );
  });
});
