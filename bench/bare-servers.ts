/**
 * The api suite's baselines in one process: bare `node:http`, no framework, no middleware.
 * - `GET /healthz` → 200 `{"status":"ok"}`, the service's liveness answer.
 * - `GET /api/tasks?limit=N` → the exact SQL Prisma sends for the service's `GET /api/tasks` (captured
 *   by the api suite and passed in BENCH_TASKS_SQL, with the same parameters), through a `pg` pool of
 *   the service's size, answered with the same JSON (`{items, nextCursor}`, ISO dates). The user is
 *   fixed (BENCH_USER_ID): the baseline does no authentication.
 * Compiled by the api suite and run as `node bare-servers.js` with PORT and DATABASE_URL.
 */
import http from "node:http";
import pg from "pg";

const sql = process.env.BENCH_TASKS_SQL;
const userId = process.env.BENCH_USER_ID;
if (!sql || !userId || !process.env.DATABASE_URL) {
  throw new Error("BENCH_TASKS_SQL, BENCH_USER_ID and DATABASE_URL are required");
}

const pool = new pg.Pool({
  connectionString: process.env.DATABASE_URL,
  max: Number(process.env.DATABASE_POOL_MAX ?? 10),
  options: "-c search_path=public",
});

interface TaskRow {
  id: string;
  title: string;
  notes: string | null;
  done: boolean;
  due_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

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
  const { rows } = await pool.query<TaskRow>(sql!, [userId, String(limit + 1), "0"]);
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  send(res, 200, {
    items: items.map((row) => ({
      id: row.id,
      title: row.title,
      notes: row.notes,
      done: row.done,
      dueAt: row.due_at?.toISOString() ?? null,
      createdAt: row.created_at.toISOString(),
      updatedAt: row.updated_at.toISOString(),
    })),
    nextCursor:
      rows.length > limit && last
        ? Buffer.from(JSON.stringify([last.created_at.toISOString(), last.id])).toString("base64url")
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
