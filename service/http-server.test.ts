import { spawn } from "node:child_process";
import { once } from "node:events";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { standInCredentials } from "./local/s3-stand-in.js";
import { createTestDatabase, eventually, rawUpload, stack, startTestService } from "./test/harness.js";

/** A JSON request whose body arrives in two halves, so it is provably in flight in between. */
function slowJsonRequest(url: string, method: string, requestPath: string, token: string, json: unknown) {
  const body = Buffer.from(JSON.stringify(json));
  const request = http.request(new URL(requestPath, url), {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      "content-type": "application/json",
      "content-length": body.length,
    },
  });
  const response = new Promise<number>((resolve, reject) => {
    request.on("response", (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
    });
    request.on("error", reject);
  });
  request.write(body.subarray(0, 5));
  return { response, finish: () => request.end(body.subarray(5)) };
}

describe("graceful shutdown", () => {
  it("turns readiness 503, refuses new connections, and lets every in-flight request finish", async () => {
    const service = await startTestService();
    const user = await service.signUp();
    let started = 0;
    service.server.server.on("request", () => {
      started += 1;
    });
    const jsonRequests = Array.from({ length: 10 }, (_, i) =>
      slowJsonRequest(service.url, "POST", "/api/tasks", user.token, { title: `in flight ${i}` }),
    );
    const uploads = Array.from({ length: 3 }, (_, i) =>
      rawUpload({
        url: service.url,
        path: "/api/files",
        token: user.token,
        field: "file",
        filename: `f${i}`,
      }),
    );
    await Promise.all(uploads.map((upload) => upload.send(1024 * 1024)));
    // In flight means the server has the request: wait until it has seen all thirteen.
    await eventually("every request to reach the server", async () => started === 13);

    const stopped = service.server.shutdown();
    let shutdownFinished = false;
    void stopped.then(() => {
      shutdownFinished = true;
    });

    // The same app, observed through a second listener: readiness already says 503.
    const observer = http.createServer(service.app).listen(0, "127.0.0.1");
    await once(observer, "listening");
    const readiness = await fetch(`http://127.0.0.1:${(observer.address() as AddressInfo).port}/readyz`);
    expect(readiness.status).toBe(503);
    expect(((await readiness.json()) as { status: string }).status).toBe("shutting_down");
    observer.close();

    await expect(fetch(`${service.url}/healthz`)).rejects.toThrow();
    expect(shutdownFinished).toBe(false);

    for (const request of jsonRequests) request.finish();
    await Promise.all(
      uploads.map(async (upload) => {
        await upload.send(1024 * 1024);
        await upload.finish();
      }),
    );
    expect(await Promise.all(jsonRequests.map((request) => request.response))).toEqual(Array(10).fill(201));
    expect((await Promise.all(uploads.map((upload) => upload.response))).map((r) => r.status)).toEqual([
      201, 201, 201,
    ]);

    await stopped;
    expect(await service.prisma.task.count({ where: { userId: user.user.id } })).toBe(10);
    expect(await service.prisma.file.count({ where: { userId: user.user.id, status: "ready" } })).toBe(3);
    await service.runtime.close();
  });

  it("exits 0 on SIGTERM after finishing the request in flight", async () => {
    const database = await createTestDatabase();
    const child = spawn(process.execPath, ["--import", "tsx", path.join(import.meta.dirname, "server.ts")], {
      env: {
        ...process.env,
        ...standInCredentials,
        NODE_ENV: "test",
        LOG_LEVEL: "debug",
        PORT: "0",
        DATABASE_URL: database.url,
        APP_SECRET: "test-signing-key-0123456789abcdef0123456789",
        UPLOADS_BUCKET: "sigterm-test",
        S3_ENDPOINT: stack().s3Endpoint,
        S3_FORCE_PATH_STYLE: "true",
        SHUTDOWN_TIMEOUT_MS: "10000",
      },
      stdio: ["ignore", "pipe", "inherit"],
    });
    const logs: string[] = [];
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on("data", (chunk: Buffer) => {
        for (const line of chunk.toString("utf8").split("\n").filter(Boolean)) {
          logs.push(line);
          const entry = JSON.parse(line) as { msg?: string; url?: string };
          if (entry.msg === "listening" && entry.url) resolve(entry.url);
        }
      });
      child.once("exit", (code) => reject(new Error(`server exited early with ${code}`)));
    });
    const exited = once(child, "exit");

    const register = await fetch(`${url}/api/auth/register`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: "sigterm@example.test", password: "a long enough password" }),
    });
    expect(register.status).toBe(201);
    const login = await fetch(`${url}/api/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: "sigterm@example.test", password: "a long enough password" }),
    });
    const { token } = (await login.json()) as { token: string };
    const inFlight = slowJsonRequest(url, "POST", "/api/tasks", token, { title: "finishes after SIGTERM" });
    await eventually("the request to reach the server", async () =>
      logs.some(
        (line) => line.includes('"request started"') && line.includes('"method":"POST","url":"/api/tasks"'),
      ),
    );

    child.kill("SIGTERM");
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(child.exitCode).toBeNull();
    inFlight.finish();
    expect(await inFlight.response).toBe(201);
    const [code] = await exited;
    expect(code).toBe(0);
    expect(logs.some((line) => line.includes("shutdown started"))).toBe(true);
  });
});
