import { randomUUID } from "node:crypto";
import { once } from "node:events";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { CreateBucketCommand, DeleteBucketCommand, S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureDatabase } from "../local/dev-stack.js";
import { type LocalPostgres, startLocalPostgres } from "../local/postgres.js";
import { deployMigrations } from "../migrate/deploy.js";
import { call, eventually, stack, startTestService, type TestService } from "../test/harness.js";

// This file runs its own PostgreSQL, because it stops and restarts it.
let postgres: LocalPostgres;
let service: TestService;

beforeAll(async () => {
  postgres = await startLocalPostgres({ directory: path.join(stack().workDirectory, `pg-${randomUUID()}`) });
  const url = await ensureDatabase(postgres.adminUrl, "app");
  await deployMigrations({ client: { connectionString: url }, schema: "public" });
  service = await startTestService({
    databaseUrl: url,
    env: { CORS_ORIGINS: "https://app.example.test", TRUST_PROXY_HOPS: "1" },
  });
});
afterAll(async () => {
  await service?.stop();
  await postgres?.stop();
});

const readiness = () => service.call("GET", "/readyz");

describe("liveness and readiness", () => {
  it("reports ready when PostgreSQL answers and the bucket is reachable", async () => {
    const response = await readiness();
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ status: "ready", checks: { database: "ok", storage: "ok" } });
    expect((await service.call("GET", "/healthz")).body).toEqual({ status: "ok" });
  });

  it("answers probes uncached, with a request id, to GET and HEAD only", async () => {
    const live = await service.call("GET", "/healthz?from=alb", { headers: { "x-request-id": "probe-1" } });
    expect(live.status).toBe(200);
    expect(live.headers.get("cache-control")).toBe("no-store");
    expect(live.headers.get("x-request-id")).toBe("probe-1");
    expect(live.headers.get("content-type")).toBe("application/json; charset=utf-8");
    const ready = await service.call("GET", "/readyz");
    expect(ready.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    const head = await fetch(`${service.url}/readyz`, { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe("");
    const posted = await service.call("POST", "/healthz");
    expect(posted.status).toBe(404);
    expect(posted.body).toEqual({ error: { code: "not_found", message: "no such route" } });
  });

  it("answers probes the same through the bare Express app as through the server's listener", async () => {
    const bare = http.createServer(service.app).listen(0, "127.0.0.1");
    await once(bare, "listening");
    try {
      const url = `http://127.0.0.1:${(bare.address() as AddressInfo).port}`;
      for (const path of ["/healthz", "/readyz"]) {
        const [direct, viaExpress] = await Promise.all([service.call("GET", path), call(url, "GET", path)]);
        expect(viaExpress.status).toBe(direct.status);
        expect(viaExpress.body).toEqual(direct.body);
        expect(viaExpress.headers.get("cache-control")).toBe("no-store");
      }
    } finally {
      bare.close();
    }
  });

  it("turns 503 naming the database while PostgreSQL is down, and recovers when it is back", async () => {
    const user = await service.signUp();
    await postgres.stop();
    try {
      await eventually("readiness to fail", async () => (await readiness()).status === 503);
      const down = await readiness();
      expect(down.body).toMatchObject({
        status: "not_ready",
        checks: { database: "failing", storage: "ok" },
        error: { code: "unavailable", message: "failing checks: database" },
      });
      expect((await service.call("GET", "/healthz")).status).toBe(200);
      // A request that needs the database fails as retryable, without leaking what went wrong.
      const failed = await service.call("GET", "/api/tasks", { token: user.token });
      expect(failed.status).toBe(503);
      expect(failed.headers.get("retry-after")).toBe("5");
      expect(failed.body).toEqual({
        error: { code: "unavailable", message: "the database is unavailable; try again shortly" },
      });
    } finally {
      await postgres.start();
    }
    await eventually("readiness to recover", async () => (await readiness()).status === 200);
    expect((await service.call("GET", "/api/tasks", { token: user.token })).status).toBe(200);
  });

  it("turns 503 naming storage while the bucket is unreachable", async () => {
    const user = await service.signUp();
    const s3 = new S3Client({ region: "us-east-1", endpoint: stack().s3Endpoint, forcePathStyle: true });
    await s3.send(new DeleteBucketCommand({ Bucket: service.bucket }));
    try {
      const response = await readiness();
      expect(response.status).toBe(503);
      expect(response.body.checks).toEqual({ database: "ok", storage: "failing" });
      // An unexpected failure is a generic 500: no stack, no S3 error text.
      const failed = await service.call("GET", "/api/me/avatar", { token: user.token });
      expect(failed.status).toBe(500);
      expect(failed.body).toEqual({ error: { code: "internal", message: "internal server error" } });
    } finally {
      await s3.send(new CreateBucketCommand({ Bucket: service.bucket }));
    }
    expect((await readiness()).status).toBe(200);
  });
});

describe("metrics", () => {
  it("exposes request counts and latency by route pattern and status, pool and process metrics", async () => {
    const user = await service.signUp();
    await service.call("GET", "/api/tasks", { token: user.token });
    await service.call("GET", `/api/tasks/${randomUUID()}`, { token: user.token });
    const response = await service.call("GET", "/metrics");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/plain");
    expect(response.text).toMatch(
      /^http_requests_total\{method="GET",route="\/api\/tasks\/",status="200"\} [1-9]\d*$/m,
    );
    expect(response.text).toMatch(
      /^http_requests_total\{method="GET",route="\/api\/tasks\/:id",status="404"\} [1-9]\d*$/m,
    );
    expect(response.text).toMatch(
      /^http_request_duration_seconds_bucket\{le="\+Inf",method="GET",route="\/api\/tasks\/",status="200"\} [1-9]\d*$/m,
    );
    expect(response.text).toMatch(/^db_pool_connections\{state="total"\} \d+$/m);
    expect(response.text).toMatch(/^process_cpu_user_seconds_total \d/m);
    expect(response.text).toMatch(/^nodejs_heap_size_used_bytes \d/m);
  });

  it("is not served to requests that came through the load balancer", async () => {
    const response = await service.call("GET", "/metrics", { headers: { "x-forwarded-for": "203.0.113.9" } });
    expect(response.status).toBe(404);
    expect(response.body.error.code).toBe("not_found");
  });
});

describe("HTTP hardening", () => {
  it("answers unknown routes with the JSON error shape", async () => {
    // Under /api (an extensionless path elsewhere is a front-end route: index.html, once built).
    const response = await service.call("GET", "/api/nope");
    expect(response.status).toBe(404);
    expect(response.body).toEqual({ error: { code: "not_found", message: "no such route" } });
    // A missing file is never a front-end route: the same JSON 404, built front end or not.
    expect((await service.call("GET", "/nope.js")).status).toBe(404);
  });

  it("answers a non-GET of an unknown path with the JSON error shape", async () => {
    const response = await service.call("POST", "/nope");
    expect(response.status).toBe(404);
    expect(response.body).toEqual({ error: { code: "not_found", message: "no such route" } });
  });

  it("sends helmet's security headers and no X-Powered-By on API and page responses", async () => {
    const response = await service.call("GET", "/api/limits");
    expect(response.headers.get("content-security-policy")).toContain("default-src 'self'");
    expect(response.headers.get("strict-transport-security")).toContain("max-age=");
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(response.headers.get("x-powered-by")).toBeNull();
  });

  it("allows CORS, with credentials, only for configured origins", async () => {
    const preflight = (origin: string) =>
      service.call("OPTIONS", "/api/tasks", {
        headers: {
          origin,
          "access-control-request-method": "POST",
          "access-control-request-headers": "content-type",
        },
      });
    const allowed = await preflight("https://app.example.test");
    expect(allowed.headers.get("access-control-allow-origin")).toBe("https://app.example.test");
    expect(allowed.headers.get("access-control-allow-credentials")).toBe("true");
    const denied = await preflight("https://evil.example.test");
    expect(denied.headers.get("access-control-allow-origin")).toBeNull();
  });
});
