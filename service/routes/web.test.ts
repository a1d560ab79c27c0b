import { createHash } from "node:crypto";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestService, type TestService } from "../test/harness.js";
import { buildWeb } from "../web/build.js";
import { isFrontEndRoute } from "./web.js";

let webRoot: string;
let service: TestService;

beforeAll(async () => {
  webRoot = await mkdtemp(path.join(os.tmpdir(), "web-dist-"));
  await buildWeb({ outDir: webRoot });
  // A file where an API path would be: it must never be served.
  await mkdir(path.join(webRoot, "api"), { recursive: true });
  await writeFile(path.join(webRoot, "api", "limits"), "not the API");
  service = await startTestService({ webRoot });
});
afterAll(async () => {
  await service?.stop();
  await rm(webRoot, { recursive: true, force: true });
});

const directives = (policy: string) =>
  policy
    .split(";")
    .map((directive) => directive.trim().replace(/\s+/g, " "))
    .filter(Boolean)
    .sort();

async function assetsOf(html: string) {
  return [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"(?: integrity="([^"]+)")?/g)].map((match) => ({
    path: match[1]!,
    integrity: match[2],
  }));
}

describe("the web front end", () => {
  it("serves index.html at / with no-cache, referencing hashed assets and no inline code", async () => {
    const response = await fetch(`${service.url}/`);
    const html = await response.text();
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/html/);
    expect(response.headers.get("cache-control")).toBe("no-cache");
    expect(html).toMatch(/<script type="module" src="\/assets\/app-[A-Z0-9]+\.js" integrity="sha384-/);
    expect(html).toMatch(/<link rel="stylesheet" href="\/assets\/app-[A-Z0-9]+\.css" integrity="sha384-/);
    expect(html).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/);
    expect(html).not.toMatch(/<style|\sstyle=|\son[a-z]+=/i);

    const index = await fetch(`${service.url}/index.html`);
    expect(index.status).toBe(200);
    expect(index.headers.get("cache-control")).toBe("no-cache");
  });

  it("serves hashed assets as immutable for a year, with the right type and the integrity index.html names", async () => {
    const html = await (await fetch(`${service.url}/`)).text();
    const assets = await assetsOf(html);
    expect(assets.map((asset) => path.extname(asset.path)).sort()).toEqual([".css", ".js", ".svg"]);
    for (const asset of assets) {
      const response = await fetch(`${service.url}${asset.path}`);
      const body = Buffer.from(await response.arrayBuffer());
      expect(response.status, asset.path).toBe(200);
      expect(response.headers.get("cache-control"), asset.path).toBe("public, max-age=31536000, immutable");
      expect(response.headers.get("content-type"), asset.path).toMatch(
        { ".js": /^(text|application)\/javascript/, ".css": /^text\/css/, ".svg": /^image\/svg\+xml/ }[
          path.extname(asset.path)
        ]!,
      );
      if (asset.integrity) {
        expect(asset.integrity).toBe(`sha384-${createHash("sha384").update(body).digest("base64")}`);
      }
    }
  });

  it("sends the same Content-Security-Policy as CloudFront, without unsafe-inline", async () => {
    // The edge module owns the CDN's policy; importing it here keeps the two from drifting apart.
    const { DEFAULT_CONTENT_SECURITY_POLICY } = await import("../../modules/edge/cdn.js");
    for (const url of ["/", "/api/limits"]) {
      const response = await fetch(`${service.url}${url}`);
      const policy = response.headers.get("content-security-policy") ?? "";
      expect(directives(policy), url).toEqual(directives(DEFAULT_CONTENT_SECURITY_POLICY));
      expect(policy).not.toContain("unsafe-inline");
      expect(response.headers.get("x-frame-options"), url).toBe("DENY");
    }
  });

  it("answers a missing asset with the API's 404, and never looks up /api/* on disk", async () => {
    const missing = await service.call("GET", "/assets/app-MISSING1.js");
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ error: { code: "not_found", message: "no such route" } });

    const api = await service.call("GET", "/api/limits");
    expect(api.status).toBe(200);
    expect(api.body).toEqual({ maxUploadBytes: 104_857_600, maxAvatarBytes: 2 * 1024 * 1024 });
  });

  it("answers deep links (GET and HEAD of extensionless non-API paths) with index.html, no-cache", async () => {
    const index = await (await fetch(`${service.url}/`)).text();
    for (const url of ["/tasks", "/tasks/123", "/files", "/profile/", "/tasks/123?from=mail"]) {
      const response = await fetch(`${service.url}${url}`);
      expect(response.status, url).toBe(200);
      expect(response.headers.get("content-type"), url).toMatch(/^text\/html/);
      expect(response.headers.get("cache-control"), url).toBe("no-cache");
      expect(response.headers.get("content-security-policy"), url).toContain("script-src 'self'");
      expect(await response.text(), url).toBe(index);
    }
    const head = await fetch(`${service.url}/tasks/123`, { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(head.headers.get("cache-control")).toBe("no-cache");
  });

  it("answers missing files, other methods, the API and the probes' sub-paths with the API's 404, never index.html", async () => {
    const notFound = { error: { code: "not_found", message: "no such route" } };
    for (const url of [
      "/favicon.ico",
      "/tasks/report.pdf",
      "/api/nothing",
      "/api",
      "/healthz/deep",
      "/readyz/x",
    ]) {
      const response = await service.call("GET", url);
      expect(response.status, url).toBe(404);
      expect(response.body, url).toEqual(notFound);
    }
    const post = await fetch(`${service.url}/tasks/123`, { method: "POST" });
    expect(post.status).toBe(404);
    expect(post.headers.get("content-type")).toMatch(/^application\/json/);
  });

  it("decides front-end routes by the CloudFront function's rule", () => {
    expect(
      ["/", "/tasks", "/tasks/123", "/files/", "/sign-in", "/apis", "/healthzz"].filter(isFrontEndRoute),
    ).toEqual(["/", "/tasks", "/tasks/123", "/files/", "/sign-in", "/apis", "/healthzz"]);
    expect(
      ["/api", "/api/tasks", "/healthz", "/readyz", "/metrics", "/assets/app-X.js", "/a.b/c.txt"].filter(
        isFrontEndRoute,
      ),
    ).toEqual([]);
  });

  it("serves no front end when the app is built without one", async () => {
    const bare = await startTestService({ webRoot: false });
    try {
      const response = await bare.call("GET", "/");
      expect(response.status).toBe(404);
    } finally {
      await bare.stop();
    }
  });
});
