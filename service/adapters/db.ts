import { readFileSync } from "node:fs";
import { Signer } from "@aws-sdk/rds-signer";
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
  /**
   * One parameterised statement through the pool Prisma uses (same connections, credentials and
   * search_path), rows as the driver returns them. For hot reads where Prisma's own work costs more
   * than the query (the task list); everything else goes through `prisma`.
   */
  rows<Row>(statement: Statement): Promise<Row[]>;
  /** Resolves when PostgreSQL answers a trivial query within `timeoutMs`. */
  ping(timeoutMs?: number): Promise<void>;
  poolStats(): PoolStats;
  close(): Promise<void>;
}

/** A parameterised SQL statement: `$1`… in `text`, bound to `values`. */
export interface Statement {
  readonly text: string;
  readonly values: readonly unknown[];
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

/** Produces an RDS IAM authentication token (a presigned `connect` request, valid 15 minutes). */
export type AuthTokenSigner = () => Promise<string>;

/** The real signer: SigV4 with the task role's credentials from the default provider chain. */
export function rdsAuthTokenSigner(
  source: { host: string; port: number; user: string },
  region: string,
  credentials?: SignerCredentials,
): AuthTokenSigner {
  const signer = new Signer({
    hostname: source.host,
    port: source.port,
    username: source.user,
    region,
    ...(credentials ? { credentials } : {}),
  });
  return () => signer.getAuthToken();
}
type SignerCredentials = NonNullable<ConstructorParameters<typeof Signer>[0]["credentials"]>;

/** Tokens are valid for 15 minutes; a new one is signed well before that. */
export const AUTH_TOKEN_REUSE_MS = 10 * 60_000;

/**
 * Credentials for RDS IAM database authentication: the user is fixed, the "password" is a token
 * signed locally (no network call) and reused for ten minutes. Connections already open stay open
 * after their token expires; only new connections need a fresh one. A rejected token is re-signed.
 */
export function iamCredentialSource(
  username: string,
  sign: AuthTokenSigner,
  now: () => number = Date.now,
): CredentialSource {
  let token: { value: Promise<string>; signedAt: number } | undefined;
  const fresh = () => {
    const value = sign();
    token = { value, signedAt: now() };
    // A failed signing is not cached: the next connection tries again.
    value.catch(() => {
      if (token?.value === value) token = undefined;
    });
    return value;
  };
  const password = () => (token && now() - token.signedAt < AUTH_TOKEN_REUSE_MS ? token.value : fresh());
  return {
    current: async () => ({ username, password: await password() }),
    async refresh() {
      await fresh();
      return true;
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
  if (!credentials)
    throw new Error("database credentials source is required with DATABASE_SECRET_ARN or DATABASE_IAM_USER");
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
  /** Signs IAM authentication tokens. @default - `rdsAuthTokenSigner` for the configured host and user */
  authTokens?: AuthTokenSigner;
  /** Region of the database, for IAM authentication tokens. */
  region?: string;
}

/** Where new connections' credentials come from, for the configured source. */
export function credentialSourceFor(
  config: DatabaseConfig,
  options: { secrets?: SecretsReader; authTokens?: AuthTokenSigner; region?: string },
): CredentialSource | undefined {
  const { source } = config;
  if (source.kind === "secret")
    return options.secrets ? secretCredentialSource(options.secrets, source.secretArn) : undefined;
  if (source.kind === "iam") {
    if (!options.authTokens && !options.region)
      throw new Error("a region is required for IAM database authentication");
    return iamCredentialSource(
      source.user,
      options.authTokens ?? rdsAuthTokenSigner(source, options.region!),
    );
  }
  return undefined;
}

export async function createDatabase({
  config,
  logger,
  secrets,
  authTokens,
  region,
}: CreateDatabaseOptions): Promise<Database> {
  const credentials = credentialSourceFor(config, { secrets, authTokens, region });
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
      if (config.source.kind === "iam") {
        logger.warn("database rejected the IAM authentication token; signing a new one");
        return credentials.refresh();
      }
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
    async rows<Row>({ text, values }: Statement) {
      const result = await pool.query({ text, values: [...values] });
      return result.rows as Row[];
    },
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
