/**
 * The api suite's baselines in one process: bare `node:http`, no framework, no middleware.
 * - `GET /healthz` → 200 `{"status":"ok"}`, the service's liveness answer.
 * - `GET /api/tasks?limit=N` → the exact SQL Prisma sends for the service's `GET /api/tasks` (captured
 *   by the api suite and passed in BENCH_TASKS_SQL, with the values it bound in BENCH_TASKS_PARAMS:
 *   user id, limit + 1, then any others), through a `pg` pool of the service's size, answered with
 *   the same JSON (`{items, nextCursor}`, ISO dates). The user is fixed: the baseline does no
 *   authentication.
 * Compiled by the api suite and run as `node bare-servers.js` with PORT and DATABASE_URL.
 */
import http from "node:http";
import pg from "pg";

import { createdAt, type TaskColumns, taskJson } from "./task-json.js";

const sql = process.env.BENCH_TASKS_SQL;
const params = JSON.parse(process.env.BENCH_TASKS_PARAMS ?? "null") as unknown[] | null;
if (!sql || !params || !process.env.DATABASE_URL) {
  throw new Error("BENCH_TASKS_SQL, BENCH_TASKS_PARAMS and DATABASE_URL are required");
}

const pool = new pg.Pool({
  connectionString: process.env.DATABASE_URL,
  max: Number(process.env.DATABASE_POOL_MAX ?? 10),
  options: "-c search_path=public",
});

function send(res: http.ServerResponse, status: number, body: unknown): void {
  const json = JSON.stringify(body);
  res.writeHead(status, {
    "Content-Type": "application/json; charset=utf-8",
    "Content-Length": Buffer.byteLength(json),
  });
  res.end(json);
}

async function tasks(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const limit = Number(new URL(req.url ?? "/", "http://localhost").searchParams.get("limit") ?? 20);
  const bound = [...(params as unknown[])];
  // The captured limit + 1 keeps its type (Prisma binds it as a string, the raw query as a number).
  bound[1] = typeof bound[1] === "string" ? String(limit + 1) : limit + 1;
  const { rows } = await pool.query<TaskColumns>(sql!, bound);
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  send(res, 200, {
    items: items.map(taskJson),
    nextCursor:
      rows.length > limit && last
        ? Buffer.from(JSON.stringify([createdAt(last).toISOString(), last.id])).toString("base64url")
        : null,
  });
}

const server = http.createServer((req, res) => {
  if (req.method === "GET" && req.url === "/healthz") return send(res, 200, { status: "ok" });
  if (req.method === "GET" && req.url?.startsWith("/api/tasks")) {
    tasks(req, res).catch(() => send(res, 500, { error: { code: "internal", message: "internal error" } }));
    return;
  }
  send(res, 404, { error: { code: "not_found", message: "no such route" } });
});
server.listen(Number(process.env.PORT), "0.0.0.0");
process.once("SIGTERM", () => {
  server.closeAllConnections();
  server.close(() => pool.end().then(() => process.exit(0)));
});
