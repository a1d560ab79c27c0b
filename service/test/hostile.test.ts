import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type SignedUpUser, startTestService, type TestService } from "./harness.js";

// What an outside tester throws at the API: every malformed request gets a 4xx JSON error
// `{"error":{"code","message"}}` — never a 500, an HTML page or a dropped connection.

let service: TestService;
let alice: SignedUpUser;

beforeAll(async () => {
  service = await startTestService();
  alice = await service.signUp();
});
afterAll(() => service?.stop());

const cursor = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
const uuid = "0190a6c2-0000-7000-8000-000000000000";

type Probe = [string, string, { json?: unknown; body?: string; headers?: Record<string, string> }?];
const probes: Probe[] = [
  ["GET", "/api/tasks?limit=-1"],
  ["GET", "/api/tasks?limit=1e309"],
  ["GET", "/api/tasks?limit=NaN"],
  ["GET", "/api/tasks?limit=101"],
  ["GET", "/api/tasks?limit=1&limit=2"],
  ["GET", "/api/tasks?done=maybe"],
  ["GET", "/api/tasks?cursor=%%%"],
  ["GET", `/api/tasks?cursor=${cursor(["-271821-04-20T00:00:00.000Z", uuid])}`],
  ["GET", `/api/tasks?cursor=${cursor(["+275760-09-13T00:00:00.000Z", uuid])}`],
  ["GET", `/api/tasks?cursor=${cursor(null)}`],
  ["GET", `/api/files?cursor=${cursor({ a: 1 })}`],
  ["GET", "/api/tasks/not-a-uuid"],
  ["GET", "/api/tasks/..%2F..%2Fetc%2Fpasswd"],
  ["GET", "/api/files/%00"],
  ["DELETE", "/api/files/00000000-0000-0000-0000-00000000000g"],
  ["POST", "/api/tasks", { body: "{not json", headers: { "content-type": "application/json" } }],
  ["POST", "/api/tasks", { json: [] }],
  ["POST", "/api/tasks", { json: "title" }],
  ["POST", "/api/tasks", { json: null }],
  ["POST", "/api/tasks", { json: { title: 42 } }],
  ["POST", "/api/tasks", { json: { title: "" } }],
  ["POST", "/api/tasks", { json: { title: "a\u0000b" } }],
  ["POST", "/api/tasks", { json: { title: "x".repeat(100_000) } }],
  ["POST", "/api/tasks", { json: { title: "ok", dueAt: "yesterday" } }],
  ["POST", "/api/tasks", { json: { title: "ok", dueAt: "+275760-09-13T00:00:00.000Z" } }],
  ["POST", "/api/tasks", { json: { title: "ok", dueAt: "-000001-01-01T00:00:00.000Z" } }],
  ["POST", "/api/tasks", { json: { title: "ok", notes: { $gt: "" } } }],
  [
    "POST",
    "/api/tasks",
    { body: '{"title":"ok","__proto__":{"admin":true}}', headers: { "content-type": "application/json" } },
  ],
  ["POST", "/api/tasks", { json: { title: "ok", dueAt: "0000-01-01T00:00:00Z" } }],
  [
    "POST",
    "/api/tasks",
    { body: "title=x", headers: { "content-type": "application/x-www-form-urlencoded" } },
  ],
  ["POST", "/api/tasks", { body: "x", headers: { "content-type": "text/plain" } }],
  [
    "POST",
    "/api/tasks",
    { body: `${"[".repeat(5_000)}${"]".repeat(5_000)}`, headers: { "content-type": "application/json" } },
  ],
  ["POST", "/api/tasks", { body: "{}", headers: { "content-type": "application/json; charset=utf-7" } }],
  ["PATCH", `/api/tasks/${uuid}`, { json: { done: "yes" } }],
  ["PATCH", "/api/me", { json: { displayName: ["a"] } }],
  ["PUT", "/api/me/avatar", { body: "not multipart", headers: { "content-type": "multipart/form-data" } }],
  [
    "PUT",
    "/api/me/avatar",
    { body: "--x\r\nbroken", headers: { "content-type": "multipart/form-data; boundary=x" } },
  ],
  ["POST", "/api/files", { body: "", headers: { "content-type": "multipart/form-data; boundary=" } }],
  ["POST", "/api/auth/login", { json: { email: { $ne: null }, password: "x" } }],
  ["POST", "/api/auth/login", { json: { email: "a\u0000@example.com", password: "x" } }],
  ["PATCH", "/api/me", { json: { displayName: "a\u0000" } }],
  ["POST", "/api/tasks", { json: { title: "ok", notes: "\u0000" } }],
  ["POST", "/api/auth/register", { json: { email: "a@b.c", password: "p".repeat(10_000) } }],
];

describe("hostile requests", () => {
  it.each(probes)("%s %s %j gets a 4xx JSON error", async (method, path, options = {}) => {
    const response = await service.call(method, path, { token: alice.token, ...options });
    expect(response.status, response.text.slice(0, 200)).toBeGreaterThanOrEqual(400);
    expect(response.status, response.text.slice(0, 200)).toBeLessThan(500);
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    expect(response.body).toMatchObject({ error: { code: expect.any(String), message: expect.any(String) } });
  });

  it("malformed Authorization headers are a 401, never a 500", async () => {
    for (const authorization of [
      "Bearer",
      "Bearer ",
      "Basic abc",
      "Bearer a.b.c.d",
      "Bearer \u00ff",
      `Bearer ${"a".repeat(8_000)}`,
    ]) {
      const response = await service.call("GET", "/api/me", { headers: { authorization } });
      expect(response.status, authorization.slice(0, 20)).toBe(401);
    }
  });

  it("the server still serves after all of it", async () => {
    expect((await service.call("GET", "/healthz")).status).toBe(200);
    expect((await service.call("GET", "/api/tasks", { token: alice.token })).status).toBe(200);
  });
});
