import { randomUUID } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { PrismaPg } from "@prisma/adapter-pg";
import {
  bindMigrationAwareSqlAdapterFactory,
  ColumnTypeEnum,
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
} from "@prisma/driver-adapter-utils";
import type { MigrationList, SchemaEngine } from "@prisma/schema-engine-wasm";
import pg from "pg";

// Prisma's schema engine compiled to WebAssembly, driven through the pg driver adapter. It is the
// same engine the Prisma CLI runs natively, so migrations and the `_prisma_migrations` table it
// writes are exactly what `prisma migrate` would produce; the native binary just cannot be
// downloaded on these machines.

export const migrationsDirectory = path.resolve(import.meta.dirname, "../prisma/migrations");
export const schemaFile = path.resolve(import.meta.dirname, "../prisma/schema.prisma");

const require = createRequire(import.meta.url);
type SchemaEngineModule = typeof import("@prisma/schema-engine-wasm");
let loaded: Promise<SchemaEngineModule> | undefined;

/** The slice of the WebAssembly global used here (this project's `lib` settings do not declare it). */
interface WebAssemblyApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: Record<string, unknown>) => { exports: Record<string, unknown> };
}
const { WebAssembly: wasm } = globalThis as unknown as { WebAssembly: WebAssemblyApi };

/** Node 20 cannot `import` a .wasm file, so the module is instantiated by hand, once per process. */
function loadSchemaEngine(): Promise<SchemaEngineModule> {
  loaded ??= (async () => {
    // The engine reports Rust panics through this global (the Prisma CLI installs the same hook).
    const registry = {
      message: "",
      set_message(message: string) {
        registry.message = `RuntimeError: ${message}`;
      },
    };
    (globalThis as { PRISMA_WASM_PANIC_REGISTRY?: typeof registry }).PRISMA_WASM_PANIC_REGISTRY ??= registry;
    const gluePath = require.resolve("@prisma/schema-engine-wasm/schema_engine_bg");
    const glue = (await import(gluePath)) as SchemaEngineModule & {
      __wbg_set_wasm(exports: Record<string, unknown>): void;
    };
    const bytes = await readFile(path.join(path.dirname(gluePath), "schema_engine_bg.wasm"));
    const instance = new wasm.Instance(new wasm.Module(bytes), { "./schema_engine_bg.js": glue });
    glue.__wbg_set_wasm(instance.exports);
    (instance.exports.__wbindgen_start as () => void)();
    return glue;
  })();
  return loaded;
}

const CHAR_OID = 18;
const NAME_OID = 19;
const TEXT_OID = 25;
/** Appended to the name of a "char" column so the adapter wrapper below can type it Character. */
const CHAR_MARKER = "\u0000char";

function catalogColumnsAsText<R extends pg.QueryResult | undefined>(result: R): R {
  for (const field of result?.fields ?? []) {
    if (field.dataTypeID === CHAR_OID) field.name += CHAR_MARKER;
    if (field.dataTypeID === CHAR_OID || field.dataTypeID === NAME_OID) field.dataTypeID = TEXT_OID;
  }
  return result;
}

/**
 * The engine reads pg_catalog columns of type "char" and name, which the pg driver adapter cannot
 * map (it rejects their type ids). Both arrive as text from PostgreSQL, so they are relabelled text
 * before the adapter sees them, and "char" columns are then reported to the engine as Character,
 * which is what its describer expects (see typedCharColumns).
 */
class CatalogTextClient extends pg.Client {
  // biome-ignore lint/suspicious/noExplicitAny: pg's query() has a dozen overloads; this only relabels results.
  override query(...args: any[]): any {
    const last = args.at(-1);
    if (typeof last === "function") {
      args[args.length - 1] = (err: Error | null, result: pg.QueryResult) =>
        last(err, err ? result : catalogColumnsAsText(result));
      // biome-ignore lint/suspicious/noExplicitAny: see above
      return (super.query as any)(...args);
    }
    // biome-ignore lint/suspicious/noExplicitAny: see above
    const pending = (super.query as any)(...args);
    return pending && typeof pending.then === "function" ? pending.then(catalogColumnsAsText) : pending;
  }
}

export interface MigrationConnection {
  /** Connection settings for the target database (credentials included). */
  client: pg.ClientConfig;
  /** PostgreSQL schema the migrations are applied in. */
  schema: string;
  /**
   * The role the engine's sessions act as (`SET ROLE`, given as the `role` startup parameter), so
   * what the migrations create is owned by it: the schema's NOLOGIN owner role. The signed-in user
   * must be a member of it.
   * @default - the signed-in user
   */
  role?: string;
}

/** A lower-case PostgreSQL identifier that needs no quoting. */
export const PLAIN_IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** Restores the Character type of the columns CatalogTextClient marked. */
function typedCharColumns<A extends SqlDriverAdapter>(adapter: A): A {
  const queryRaw = adapter.queryRaw.bind(adapter);
  adapter.queryRaw = async (query) => {
    const result = await queryRaw(query);
    result.columnNames.forEach((name, index) => {
      if (name.endsWith(CHAR_MARKER)) {
        result.columnNames[index] = name.slice(0, -CHAR_MARKER.length);
        result.columnTypes[index] = ColumnTypeEnum.Character;
      }
    });
    return result;
  };
  return adapter;
}

/** The same server and credentials, another database (a connection string wins over `database`). */
function onDatabase(client: pg.ClientConfig, database: string): pg.ClientConfig {
  if (!client.connectionString) return { ...client, database };
  const url = new URL(client.connectionString);
  url.pathname = `/${encodeURIComponent(database)}`;
  return { ...client, connectionString: url.toString() };
}

function poolConfig(connection: MigrationConnection, database?: string): pg.PoolConfig {
  // A startup parameter rather than a SET after connecting: every session of the pool, including
  // ones the engine opens later, acts as the role from its first statement. PostgreSQL takes the
  // value verbatim (no identifier quoting), so only plain lower-case identifiers are accepted.
  if (connection.role !== undefined && !PLAIN_IDENTIFIER.test(connection.role)) {
    throw new Error(`migration role: "${connection.role}" is not a lower-case PostgreSQL identifier`);
  }
  const role = connection.role ? ` -c role=${connection.role}` : "";
  return {
    ...(database ? onDatabase(connection.client, database) : connection.client),
    Client: CatalogTextClient,
    max: 2,
    idleTimeoutMillis: 1_000,
    allowExitOnIdle: true,
    options: `-c search_path=${quoteIdentifier(connection.schema)}${role}`,
  };
}

/**
 * The adapter factory the engine connects through. Its shadow database (used to replay the
 * migration history when diffing) is dropped only after its pool is closed: PostgreSQL refuses to
 * drop a database that still has sessions, which is what the stock adapter-pg factory attempts.
 */
function adapterFactory(
  connection: MigrationConnection,
  pools: pg.Pool[],
): SqlMigrationAwareDriverAdapterFactory {
  const main = new pg.Pool(poolConfig(connection));
  pools.push(main);
  const connect = async () =>
    typedCharColumns(await new PrismaPg(main, { schema: connection.schema }).connect());
  return {
    provider: "postgres",
    adapterName: "@prisma/adapter-pg",
    connect,
    async connectToShadowDb(): Promise<SqlDriverAdapter> {
      const name = `prisma_shadow_${randomUUID().replaceAll("-", "")}`;
      await main.query(`CREATE DATABASE ${quoteIdentifier(name)}`);
      const shadowPool = new pg.Pool({ ...poolConfig(connection, name), options: undefined });
      const adapter = typedCharColumns(await new PrismaPg(shadowPool).connect());
      const dispose = adapter.dispose.bind(adapter);
      return Object.assign(adapter, {
        async dispose() {
          await dispose();
          await shadowPool.end();
          await main.query(`DROP DATABASE IF EXISTS ${quoteIdentifier(name)}`);
        },
      });
    },
  };
}

/** Runs `work` with a schema engine connected to the target; always frees the engine and its pools. */
export async function withSchemaEngine<T>(
  connection: MigrationConnection,
  work: (engine: SchemaEngine) => Promise<T>,
  log: (line: string) => void = () => {},
): Promise<T> {
  const { SchemaEngine } = await loadSchemaEngine();
  const pools: pg.Pool[] = [];
  const adapter = bindMigrationAwareSqlAdapterFactory(adapterFactory(connection, pools));
  const engine = await SchemaEngine.new({ datamodels: undefined }, log, adapter);
  try {
    return await work(engine);
  } finally {
    engine.free();
    await Promise.all(pools.map((pool) => pool.end().catch(() => {})));
  }
}

/** The migrations directory in the shape the engine expects, read from disk. */
export async function readMigrations(directory = migrationsDirectory): Promise<MigrationList> {
  const entries = await readdir(directory, { withFileTypes: true });
  const names = entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  const lockfile = await readFile(path.join(directory, "migration_lock.toml"), "utf8").catch(() => null);
  return {
    baseDir: directory,
    lockfile: { path: "migration_lock.toml", content: lockfile },
    shadowDbInitScript: "",
    migrationDirectories: await Promise.all(
      names.map(async (name) => ({
        path: name,
        migrationFile: {
          path: "migration.sql",
          content: await readFile(path.join(directory, name, "migration.sql"), "utf8").then(
            (value) => ({ tag: "ok" as const, value }),
            (error: Error) => ({ tag: "error" as const, value: error.message }),
          ),
        },
      })),
    ),
  };
}

export const noFilters = { externalTables: [], externalEnums: [] };
