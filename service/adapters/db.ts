import { readFileSync } from "node:fs";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import type { Logger } from "pino";
import type { DatabaseConfig } from "../config.js";
import { PrismaClient } from "../generated/prisma/client.js";
import { type DatabaseCredentials, parseDatabaseSecret, type SecretsReader } from "./secrets.js";

export type { PrismaClient } from "../generated/prisma/client.js";

export interface PoolStats {
  total: number;
  idle: number;
  waiting: number;
}

export interface Database {
  prisma: PrismaClient;
  /** Resolves when PostgreSQL answers a trivial query within `timeoutMs`. */
  ping(timeoutMs?: number): Promise<void>;
  poolStats(): PoolStats;
  close(): Promise<void>;
}

/** SQLSTATE 28P01 invalid_password (and 28000 invalid_authorization_specification). */
function isAuthenticationFailure(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  return code === "28P01" || code === "28000";
}

function sslOptions(config: DatabaseConfig): pg.ClientConfig["ssl"] {
  if (config.ssl === "disable") return undefined;
  const ca = config.caFile ? readFileSync(config.caFile, "utf8") : undefined;
  if (config.ssl === "require" && ca === undefined) return { rejectUnauthorized: false };
  return { ca, rejectUnauthorized: true };
}

function urlWithoutSchema(url: string): string {
  const parsed = new URL(url);
  parsed.searchParams.delete("schema");
  return parsed.toString();
}

/**
 * Where the credentials for new connections come from. With a Secrets Manager secret they can
 * change under a running process (RDS rotates the master password), so a rejected password makes
 * the pool read the secret again.
 */
export interface CredentialSource {
  current(): Promise<DatabaseCredentials>;
  /** Re-reads the secret; resolves true when the password changed. */
  refresh(): Promise<boolean>;
}

export function secretCredentialSource(secrets: SecretsReader, secretArn: string): CredentialSource {
  const read = async () => parseDatabaseSecret(await secrets.read(secretArn));
  let current = read();
  let refreshing: Promise<boolean> | undefined;
  return {
    current: () => current,
    refresh() {
      refreshing ??= (async () => {
        const before = await current.catch(() => undefined);
        const next = read();
        await next;
        current = next;
        return (await next).password !== before?.password;
      })().finally(() => {
        refreshing = undefined;
      });
      return refreshing;
    },
  };
}

/** Connection settings for pg (and the migration engine) built from the config and, in AWS, the secret. */
export async function connectionSettings(
  config: DatabaseConfig,
  credentials?: CredentialSource,
): Promise<pg.ClientConfig> {
  const ssl = sslOptions(config);
  const base: pg.ClientConfig = { ...(ssl ? { ssl } : {}), application_name: "aws-platform-kit-service" };
  if (config.source.kind === "url") return { ...base, connectionString: urlWithoutSchema(config.source.url) };
  if (!credentials) throw new Error("database credentials source is required with DATABASE_SECRET_ARN");
  const { username } = await credentials.current();
  return {
    ...base,
    host: config.source.host,
    port: config.source.port,
    database: config.source.name,
    user: username,
    password: async () => (await credentials.current()).password,
  };
}

type ConnectCallback = (
  err: Error | undefined,
  client: pg.PoolClient | undefined,
  done: (release?: unknown) => void,
) => void;

/**
 * A pg pool that, when PostgreSQL rejects the password of a new connection, asks the credential
 * source to re-read the secret and, if the password changed, connects again. Requests that arrive
 * right after a rotation therefore succeed instead of failing until a restart.
 */
class CredentialRefreshingPool extends pg.Pool {
  constructor(
    config: pg.PoolConfig,
    private readonly onAuthenticationFailure: () => Promise<boolean>,
  ) {
    super(config);
  }

  override connect(): Promise<pg.PoolClient>;
  override connect(callback: ConnectCallback): void;
  override connect(callback?: ConnectCallback): Promise<pg.PoolClient> | undefined {
    const attempt = this.connectOnce().catch(async (error: unknown) => {
      if (isAuthenticationFailure(error) && (await this.onAuthenticationFailure())) return this.connectOnce();
      throw error;
    });
    if (!callback) return attempt;
    attempt.then(
      (client) =>
        callback(undefined, client, (release) => client.release(release as boolean | Error | undefined)),
      (error: Error) => callback(error, undefined, () => {}),
    );
    return undefined;
  }

  private connectOnce(): Promise<pg.PoolClient> {
    return super.connect();
  }
}

export interface CreateDatabaseOptions {
  config: DatabaseConfig;
  logger: Logger;
  /** Required when the config names a Secrets Manager secret. */
  secrets?: SecretsReader;
}

export async function createDatabase({ config, logger, secrets }: CreateDatabaseOptions): Promise<Database> {
  const credentials =
    config.source.kind === "secret" && secrets
      ? secretCredentialSource(secrets, config.source.secretArn)
      : undefined;
  const settings = await connectionSettings(config, credentials);
  const pool = new CredentialRefreshingPool(
    {
      ...settings,
      max: config.poolMax,
      connectionTimeoutMillis: 5_000,
      idleTimeoutMillis: 30_000,
      statement_timeout: 30_000,
      options: `-c search_path=${config.schema}`,
    },
    async () => {
      if (!credentials) return false;
      logger.warn("database rejected the password; re-reading the database secret");
      const changed = await credentials.refresh();
      if (changed) logger.info("database secret changed; reconnecting with the new password");
      return changed;
    },
  );
  pool.on("error", (error) => logger.warn({ err: error }, "idle database connection failed"));
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool, { schema: config.schema }) });

  return {
    prisma,
    async ping(timeoutMs = 2_000) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      });
      try {
        const query = pool.query("SELECT 1");
        query.catch(() => {}); // a late failure after the timeout has already been reported
        await Promise.race([query, timeout]);
      } finally {
        clearTimeout(timer);
      }
    },
    poolStats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
    async close() {
      await prisma.$disconnect();
      await pool.end();
    },
  };
}
