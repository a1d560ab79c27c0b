/**
 * The web front end's deep links through CloudFront: every environment's main distribution runs the
 * deep-link function on its default (assets) behaviour's viewer requests, so `/tasks/123` opened
 * directly is answered with `/index.html` while files and API paths are left alone. Read from the
 * synthesised stacks, and the function's code run as CloudFront runs it, against the service's own
 * rule (service/routes/web.ts `isFrontEndRoute`).
 */
import { runInNewContext } from "node:vm";
import { testOutdir } from "@aws-platform-kit/modules/testing";
import { Testing } from "cdktf";
import { beforeAll, describe, expect, test } from "vitest";
import { isFrontEndRoute } from "../../service/routes/web.js";
import { buildApp } from "../app.js";
import { ENVIRONMENT_NAMES } from "../environments/index.js";

type Resource = Record<string, unknown>;
type StackJson = { resource: Record<string, Record<string, Resource>> };

let stacks: Record<string, StackJson> = {};

beforeAll(() => {
  const app = buildApp({
    outdir: testOutdir(),
    bootstrap: false,
    previews: [],
    now: new Date("2026-11-23T15:00:00Z"),
  });
  stacks = Object.fromEntries(
    app.node.children.map((stack) => [stack.node.id, JSON.parse(Testing.synth(stack as never)) as StackJson]),
  );
});

/** The function's code as Terraform passes it to CloudFront (`$${` is Terraform's escape of `${`). */
const codeOf = (fn: Resource) => String(fn.code).replace(/([$%])\1\{/g, "$1{");

function viewerRequest(code: string, uri: string, method = "GET"): string {
  const event = {
    version: "1.0",
    context: { eventType: "viewer-request" },
    request: { method, uri, headers: {} },
  };
  return (runInNewContext(`${code}\n;handler(event);`, { event }) as { uri: string }).uri;
}

describe.each(ENVIRONMENT_NAMES.map((name) => [name]))("%s", (name) => {
  test("the main distribution's default behaviour runs the deep-link function on viewer requests", () => {
    const stack = stacks[name] as StackJson;
    const functions = Object.entries(stack.resource.aws_cloudfront_function ?? {});
    expect(functions).toHaveLength(1);
    const [fnName, fn] = functions[0] as [string, Resource];
    expect(fn).toMatchObject({ runtime: "cloudfront-js-2.0", publish: true });
    const distributions = Object.entries(stack.resource.aws_cloudfront_distribution ?? {});
    const withFunction = distributions.filter(
      ([, d]) => (d.default_cache_behavior as Resource).function_association !== undefined,
    );
    expect(withFunction).toHaveLength(1);
    const [, main] = withFunction[0] as [string, Resource];
    // The environment's own domain, not the previews' wildcard distribution.
    expect((main.aliases as string[]).some((alias) => alias.startsWith("*."))).toBe(false);
    expect((main.default_cache_behavior as Resource).function_association).toEqual([
      { event_type: "viewer-request", function_arn: `\${aws_cloudfront_function.${fnName}.arn}` },
    ]);
  });

  test("a deep link opened directly gets /index.html; files, / and API paths are unchanged", () => {
    const [, fn] = Object.entries((stacks[name] as StackJson).resource.aws_cloudfront_function ?? {})[0] as [
      string,
      Resource,
    ];
    const code = codeOf(fn);
    expect(viewerRequest(code, "/tasks/123")).toBe("/index.html");
    expect(viewerRequest(code, "/profile")).toBe("/index.html");
    expect(viewerRequest(code, "/assets/app-1.js")).toBe("/assets/app-1.js");
    expect(viewerRequest(code, "/")).toBe("/");
    expect(viewerRequest(code, "/api/tasks/123")).toBe("/api/tasks/123");
    expect(viewerRequest(code, "/healthz")).toBe("/healthz");
  });

  test("the function and the service's Express fallback follow one rule", () => {
    const [, fn] = Object.entries((stacks[name] as StackJson).resource.aws_cloudfront_function ?? {})[0] as [
      string,
      Resource,
    ];
    const code = codeOf(fn);
    const paths = [
      "/tasks",
      "/tasks/123",
      "/files/",
      "/sign-in",
      "/profile",
      "/assets/app-1.js",
      "/favicon.ico",
      "/.env",
      "/api",
      "/api/tasks",
      "/healthz",
      "/readyz/x",
      "/metrics",
      "/metrics/x",
      "/apis",
    ];
    const rewritten = paths.filter((p) => viewerRequest(code, p) === "/index.html");
    expect(rewritten).toEqual(paths.filter((p) => isFrontEndRoute(p)));
    expect(rewritten).toEqual(["/tasks", "/tasks/123", "/files/", "/sign-in", "/profile", "/apis"]);
  });
});
