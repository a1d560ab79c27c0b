import { randomUUID } from "node:crypto";
import http from "node:http";
import pg from "pg";
import { inject } from "vitest";
import type { PrismaClient } from "../adapters/db.js";
import { type App, createApp, requestListener } from "../app.js";
import { loadConfig } from "../config.js";
import type { PasswordHasher } from "../domain/passwords.js";
import { type RunningServer, startHttpServer } from "../http-server.js";
import { standInCredentials } from "../local/s3-stand-in.js";
import type { Logger } from "../logger.js";
import { createRuntime, type Runtime } from "../runtime.js";

// Real app, real HTTP, real PostgreSQL and S3 stand-in: what each service test file starts.

export const stack = () => inject("serviceStack");

// The AWS SDK reads credentials from the environment; the stand-ins accept these.
Object.assign(process.env, standInCredentials, { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" });

async function admin<T>(work: (client: pg.Client) => Promise<T>, url = stack().adminUrl): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export const runAsAdmin = admin;

export function databaseUrl(name: string): string {
  const url = new URL(stack().adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** A fresh, migrated database of this test file's own (a copy of the template). */
export async function createTestDatabase(): Promise<{ name: string; url: string }> {
  const name = `t_${randomUUID().replaceAll("-", "").slice(0, 16)}`;
  await admin((client) => client.query(`CREATE DATABASE "${name}" TEMPLATE "${stack().templateDatabase}"`));
  return { name, url: databaseUrl(name) };
}

export interface ApiResponse {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: tests assert on the JSON shape directly
  body: any;
  text: string;
}

export interface CallOptions {
  token?: string;
  json?: unknown;
  body?: RequestInit["body"];
  headers?: Record<string, string>;
}

export interface SignedUpUser {
  token: string;
  user: { id: string; email: string };
  email: string;
  password: string;
}

export interface TestService {
  url: string;
  env: Record<string, string>;
  bucket: string;
  app: App;
  runtime: Runtime;
  server: RunningServer;
  prisma: PrismaClient;
  call(method: string, path: string, options?: CallOptions): Promise<ApiResponse>;
  signUp(): Promise<SignedUpUser>;
  stop(): Promise<void>;
}

export async function call(
  baseUrl: string,
  method: string,
  path: string,
  options: CallOptions = {},
): Promise<ApiResponse> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let body = options.body;
  if (options.json !== undefined) {
    headers["content-type"] = "application/json";
    body = JSON.stringify(options.json);
  }
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers,
    ...(body !== undefined ? { body } : {}),
  });
  const text = await response.text();
  let parsed: unknown = text;
  if (response.headers.get("content-type")?.includes("application/json")) parsed = JSON.parse(text);
  return { status: response.status, headers: response.headers, body: parsed, text };
}

export interface StartOptions {
  /** Extra or overriding environment variables; undefined removes a default. */
  env?: Record<string, string | undefined>;
  passwords?: PasswordHasher;
  logger?: Logger;
  /** Use this database instead of a fresh copy of the template. */
  databaseUrl?: string;
  /** The built front end to serve at `/` (see createApp's `webRoot`). */
  webRoot?: string | false;
  /** Receives the CloudWatch EMF lines (with `METRICS_EMF_INTERVAL_SECONDS` > 0) instead of stdout. */
  emfWrite?: (line: string) => void;
}

/** Starts the service on an ephemeral port with its own database and bucket. */
export async function startTestService(options: StartOptions = {}): Promise<TestService> {
  const database = options.databaseUrl ?? (await createTestDatabase()).url;
  const bucket = `t-${randomUUID().slice(0, 18)}`;
  const merged: Record<string, string | undefined> = {
    NODE_ENV: "test",
    LOG_LEVEL: "silent",
    PORT: "0",
    DATABASE_URL: database,
    APP_SECRET: "test-signing-key-0123456789abcdef0123456789",
    UPLOADS_BUCKET: bucket,
    AWS_REGION: "us-east-1",
    S3_ENDPOINT: stack().s3Endpoint,
    S3_FORCE_PATH_STYLE: "true",
    AUTH_RATE_LIMIT_PER_MINUTE: "10000",
    SHUTDOWN_TIMEOUT_MS: "5000",
    ...options.env,
  };
  const env = Object.fromEntries(Object.entries(merged).filter(([, v]) => v !== undefined)) as Record<
    string,
    string
  >;
  const config = loadConfig(env);
  const runtime = await createRuntime(config, {
    ...(options.logger ? { logger: options.logger } : {}),
    ...(options.passwords ? { passwords: options.passwords } : {}),
    ...(options.emfWrite ? { emfWrite: options.emfWrite } : {}),
  });
  await runtime.objectStore.ensureBucket();
  const app = createApp({
    ...runtime.deps,
    ...(options.webRoot !== undefined ? { webRoot: options.webRoot } : {}),
  });
  const server = await startHttpServer(requestListener(app), {
    port: 0,
    host: "127.0.0.1",
    lifecycle: runtime.lifecycle,
    shutdownTimeoutMs: config.shutdownTimeoutMs,
    logger: runtime.logger,
  });
  const request = (method: string, path: string, callOptions?: CallOptions) =>
    call(server.url, method, path, callOptions);
  let stopped = false;
  return {
    url: server.url,
    env,
    bucket,
    app,
    runtime,
    server,
    prisma: runtime.db.prisma,
    call: request,
    async signUp() {
      const email = `user-${randomUUID()}@example.test`;
      const password = "correct horse battery staple";
      const registered = await request("POST", "/api/auth/register", { json: { email, password } });
      if (registered.status !== 201)
        throw new Error(`register failed: ${registered.status} ${registered.text}`);
      const login = await request("POST", "/api/auth/login", { json: { email, password } });
      if (login.status !== 200) throw new Error(`login failed: ${login.status} ${login.text}`);
      return { token: login.body.token, user: login.body.user, email, password };
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await server.shutdown();
      await runtime.close();
    },
  };
}

export interface RawUpload {
  /** Resolves with the response once the server answers. */
  response: Promise<{ status: number; body: string }>;
  /** Writes `bytes` more bytes of file content, honouring back-pressure. */
  send(bytes: number): Promise<void>;
  /** Ends the multipart body. */
  finish(): Promise<void>;
  /** Sends the request headers only. */
  open(): void;
  /** Drops the connection mid-request, as a client that goes away would. */
  abort(): void;
}

/**
 * A multipart upload written by hand over a raw socket, so tests control pacing, can stop midway
 * and can declare a Content-Length that differs from what they send.
 */
export function rawUpload(options: {
  url: string;
  path: string;
  token: string;
  field: string;
  filename: string;
  contentType?: string;
  contentLength?: number;
  method?: string;
  /** File content sent before the filler bytes of `send` (e.g. an image signature). */
  head?: Buffer;
}): RawUpload {
  const boundary = `----test${randomUUID().replaceAll("-", "")}`;
  const target = new URL(options.path, options.url);
  const request = http.request(target, {
    method: options.method ?? "POST",
    headers: {
      authorization: `Bearer ${options.token}`,
      "content-type": `multipart/form-data; boundary=${boundary}`,
      ...(options.contentLength !== undefined ? { "content-length": String(options.contentLength) } : {}),
    },
  });
  request.on("error", () => {});
  const response = new Promise<{ status: number; body: string }>((resolve, reject) => {
    request.on("response", (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () =>
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }),
      );
      res.on("error", reject);
    });
    request.on("close", () => reject(new Error("connection closed without a response")));
  });
  response.catch(() => {});
  const write = (chunk: Buffer | string) =>
    new Promise<void>((resolve) => {
      if (request.write(chunk)) resolve();
      else request.once("drain", () => resolve());
    });
  let started = false;
  const start = async () => {
    if (started) return;
    started = true;
    await write(
      `--${boundary}\r\nContent-Disposition: form-data; name="${options.field}"; filename="${options.filename}"\r\n` +
        `Content-Type: ${options.contentType ?? "application/octet-stream"}\r\n\r\n`,
    );
    if (options.head) await write(options.head);
  };
  const block = Buffer.alloc(256 * 1024, 0x61);
  return {
    response,
    async send(bytes) {
      await start();
      for (let left = bytes; left > 0; left -= block.length) {
        await write(left >= block.length ? block : block.subarray(0, left));
      }
    },
    async finish() {
      await start();
      await write(`\r\n--${boundary}--\r\n`);
      request.end();
    },
    open: () => request.flushHeaders(),
    abort: () => request.destroy(),
  };
}

/** Polls `check` until it returns true or `timeoutMs` passes (then fails with `what`). */
export async function eventually(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
