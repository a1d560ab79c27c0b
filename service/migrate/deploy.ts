import pg from "pg";
import {
  type MigrationConnection,
  noFilters,
  quoteIdentifier,
  readMigrations,
  withSchemaEngine,
} from "./schema-engine.js";

/** Two-key advisory lock namespace: (this constant, hash of the schema name). */
const MIGRATION_LOCK_NAMESPACE = 72_707_370;

export interface DeployResult {
  schema: string;
  applied: string[];
}

/**
 * Applies every pending migration to `connection.schema`, creating the schema first if it does not
 * exist (preview environments each get their own). Holds a session advisory lock for the duration,
 * so two deploys against the same schema run one after the other and the second finds nothing to do.
 */
export async function deployMigrations(
  connection: MigrationConnection,
  migrationsDirectory?: string,
): Promise<DeployResult> {
  const lockClient = new pg.Client(connection.client);
  await lockClient.connect();
  try {
    await lockClient.query("SELECT pg_advisory_lock($1, hashtext($2))", [
      MIGRATION_LOCK_NAMESPACE,
      connection.schema,
    ]);
    await lockClient.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(connection.schema)}`);
    const migrationsList = await readMigrations(migrationsDirectory);
    const { appliedMigrationNames } = await withSchemaEngine(connection, (engine) =>
      engine.applyMigrations({ migrationsList, filters: noFilters }),
    );
    return { schema: connection.schema, applied: appliedMigrationNames };
  } finally {
    // Ending the session releases the advisory lock even if the unlock itself fails.
    await lockClient
      .query("SELECT pg_advisory_unlock($1, hashtext($2))", [MIGRATION_LOCK_NAMESPACE, connection.schema])
      .catch(() => {});
    await lockClient.end();
  }
}
