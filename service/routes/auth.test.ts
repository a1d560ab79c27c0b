import { randomUUID } from "node:crypto";
import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { argon2idHasher, type PasswordHasher } from "../domain/passwords.js";
import { createLogger } from "../logger.js";
import { startTestService, type TestService } from "../test/harness.js";

/** The real hasher, counting verifications: one KDF run per login is what makes timing uniform. */
function countingHasher(): PasswordHasher & { verifications: number } {
  const real = argon2idHasher();
  const hasher = {
    verifications: 0,
    hash: real.hash,
    verify: (hash: string, password: string) => {
      hasher.verifications += 1;
      return real.verify(hash, password);
    },
  };
  return hasher;
}

const logLines: string[] = [];
const passwords = countingHasher();
let service: TestService;

beforeAll(async () => {
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      logLines.push(...chunk.toString("utf8").split("\n").filter(Boolean));
      callback();
    },
  });
  service = await startTestService({ passwords, logger: createLogger("debug", sink) });
});
afterAll(() => service?.stop());

const email = () => `person-${randomUUID()}@Example.TEST`;
const password = "a perfectly long passphrase";

describe("register", () => {
  it("creates an account and returns 201 with id and lower-cased email, never the hash", async () => {
    const address = email();
    const response = await service.call("POST", "/api/auth/register", { json: { email: address, password } });
    expect(response.status).toBe(201);
    expect(response.body).toEqual({ user: { id: expect.any(String), email: address.toLowerCase() } });
    const row = await service.prisma.user.findUnique({ where: { id: response.body.user.id } });
    expect(row?.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
  });

  it("answers 409 for an email that is already registered, whatever its case", async () => {
    const address = email();
    await service.call("POST", "/api/auth/register", { json: { email: address, password } });
    const again = await service.call("POST", "/api/auth/register", {
      json: { email: address.toUpperCase(), password },
    });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe("conflict");
  });

  it.each([
    ["an invalid email", { email: "not-an-email", password }],
    ["a password under 12 characters", { email: email(), password: "short pass" }],
    ["a password over 128 characters", { email: email(), password: "x".repeat(129) }],
    ["unknown fields", { email: email(), password, admin: true }],
    ["no body", undefined],
  ])("answers 400 for %s", async (_case, json) => {
    const response = await service.call("POST", "/api/auth/register", json ? { json } : {});
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe("invalid_request");
  });
});

describe("login", () => {
  it("returns a token and sets it as an HttpOnly SameSite=Strict cookie (not Secure in local dev)", async () => {
    const user = await service.signUp();
    const response = await service.call("POST", "/api/auth/login", {
      json: { email: user.email, password: user.password },
    });
    expect(response.status).toBe(200);
    expect(response.body.user).toEqual(user.user);
    const cookie = response.headers.get("set-cookie") ?? "";
    expect(cookie).toMatch(new RegExp(`^session=${response.body.token};`));
    expect(cookie).toContain("HttpOnly");
    expect(cookie).toContain("SameSite=Strict");
    expect(cookie).not.toContain("Secure");
  });

  it("authenticates later requests by bearer token or by cookie", async () => {
    const user = await service.signUp();
    const byBearer = await service.call("GET", "/api/me", { token: user.token });
    const byCookie = await service.call("GET", "/api/me", {
      headers: { cookie: `theme=dark; session=${user.token}` },
    });
    expect(byBearer.status).toBe(200);
    expect(byCookie.status).toBe(200);
    expect(byCookie.body.user.id).toBe(user.user.id);
  });

  it("answers 401 with the same message for a wrong password and an unknown email, one KDF run each", async () => {
    const user = await service.signUp();
    const before = passwords.verifications;
    const wrongPassword = await service.call("POST", "/api/auth/login", {
      json: { email: user.email, password: "not the right passphrase" },
    });
    const afterWrongPassword = passwords.verifications;
    const unknownEmail = await service.call("POST", "/api/auth/login", {
      json: { email: email(), password: "not the right passphrase" },
    });
    expect(wrongPassword.status).toBe(401);
    expect(unknownEmail.status).toBe(401);
    expect(unknownEmail.body).toEqual(wrongPassword.body);
    expect(wrongPassword.body).toEqual({
      error: { code: "unauthorized", message: "email or password is incorrect" },
    });
    // Timing parity, asserted without timing: both paths pay exactly one argon2id verification.
    expect(afterWrongPassword - before).toBe(1);
    expect(passwords.verifications - afterWrongPassword).toBe(1);
  });

  it("rejects tampered, foreign and missing tokens with 401", async () => {
    const user = await service.signUp();
    const tampered = `${user.token.slice(0, -2)}xx`;
    for (const token of [tampered, "garbage", ""]) {
      const response = await service.call("GET", "/api/me", {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(response.status).toBe(401);
    }
  });

  it("answers 401 JSON, not 500, to a session cookie that is not valid percent-encoding", async () => {
    for (const cookie of ["session=%E0%A4%A", "session=%", "session=%zz; other=1"]) {
      const response = await service.call("GET", "/api/me", { headers: { cookie } });
      expect(response.status).toBe(401);
      expect(response.body).toMatchObject({ error: { code: "unauthorized" } });
    }
  });

  it("logout clears the cookie", async () => {
    const response = await service.call("POST", "/api/auth/logout");
    expect(response.status).toBe(204);
    expect(response.headers.get("set-cookie")).toMatch(/^session=;.*Expires=Thu, 01 Jan 1970/);
  });
});

describe("logging", () => {
  it("tags every line of a request with its id, echoes X-Request-Id, and never logs secrets", async () => {
    const user = await service.signUp();
    const requestId = `test-${randomUUID()}`;
    const response = await service.call("POST", "/api/auth/login", {
      json: { email: user.email, password: user.password },
      headers: { "x-request-id": requestId, cookie: "session=cookie-secret-value" },
    });
    expect(response.headers.get("x-request-id")).toBe(requestId);
    const lines = logLines.filter((line) => line.includes(requestId));
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(JSON.parse(line).requestId).toBe(requestId);
    const everything = logLines.join("\n");
    expect(everything).not.toContain(user.password);
    expect(everything).not.toContain(response.body.token);
    expect(everything).not.toContain("cookie-secret-value");
  });

  it("writes one access-log line per request, with its id, status and duration; none for probes", async () => {
    const requestId = `test-${randomUUID()}`;
    await service.call("GET", "/api/tasks", { headers: { "x-request-id": requestId } });
    await service.call("GET", "/healthz", { headers: { "x-request-id": `${requestId}-probe` } });
    const completed = logLines
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((entry) => entry.msg === "request completed" && String(entry.requestId).startsWith(requestId));
    expect(completed).toEqual([
      expect.objectContaining({
        level: "warn",
        requestId,
        req: { method: "GET", url: "/api/tasks" },
        res: { statusCode: 401 },
        responseTime: expect.any(Number),
      }),
    ]);
  });

  it("generates a request id when the client sends none or an unusable one", async () => {
    const response = await service.call("GET", "/healthz", {
      headers: { "x-request-id": "bad id with spaces" },
    });
    expect(response.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe("in production", () => {
  it("marks the session cookie Secure and __Host- prefixed", async () => {
    const production = await startTestService({ env: { NODE_ENV: "production" } });
    try {
      const user = await production.signUp();
      const response = await production.call("POST", "/api/auth/login", {
        json: { email: user.email, password: user.password },
      });
      const cookie = response.headers.get("set-cookie") ?? "";
      expect(cookie).toMatch(/^__Host-session=[^;]+;.*Secure/);
      const byCookie = await production.call("GET", "/api/me", {
        headers: { cookie: `__Host-session=${response.body.token}` },
      });
      expect(byCookie.status).toBe(200);
    } finally {
      await production.stop();
    }
  });
});

describe("rate limiting", () => {
  it("limits login and register per client IP as seen through exactly one proxy hop", async () => {
    const limited = await startTestService({
      env: { AUTH_RATE_LIMIT_PER_MINUTE: "3", TRUST_PROXY_HOPS: "1" },
    });
    try {
      const attempt = (forwardedFor: string) =>
        limited.call("POST", "/api/auth/login", {
          json: { email: email(), password },
          headers: { "x-forwarded-for": forwardedFor },
        });
      // The ALB appends the real client address last; anything before it is client-supplied.
      const statuses = [];
      for (let i = 0; i < 4; i += 1) statuses.push((await attempt(`10.9.8.${i}, 203.0.113.7`)).status);
      expect(statuses).toEqual([401, 401, 401, 429]);
      const blocked = await attempt("198.51.100.1, 203.0.113.7");
      expect(blocked.status).toBe(429);
      expect(blocked.body.error.code).toBe("rate_limited");
      expect((await attempt("203.0.113.8")).status).toBe(401);
    } finally {
      await limited.stop();
    }
  });
});
