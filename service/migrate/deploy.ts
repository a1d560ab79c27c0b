import pg from "pg";
import {
  type MigrationConnection,
  noFilters,
  quoteIdentifier,
  readMigrations,
  withSchemaEngine,
} from "./schema-engine.js";

/**
 * Gives `role` (created as a login role if missing) read and write access to the rows of every table
 * in `schema`, and nothing else: no DDL, no other schema's tables (other schemas' objects belong to
 * the owner and grant nothing to PUBLIC). On RDS the role is also made a member of `rds_iam`, so it
 * logs in only with IAM authentication tokens. Run after every deploy, so new tables are covered.
 */
export async function grantDataAccess(client: pg.ClientBase, schema: string, role: string): Promise<void> {
  const r = quoteIdentifier(role);
  const s = quoteIdentifier(schema);
  const exists = await client.query("SELECT 1 FROM pg_roles WHERE rolname = $1", [role]);
  if (exists.rowCount === 0) await client.query(`CREATE ROLE ${r} LOGIN`);
  const rdsIam = await client.query("SELECT 1 FROM pg_roles WHERE rolname = 'rds_iam'");
  if (rdsIam.rowCount !== 0) await client.query(`GRANT rds_iam TO ${r}`);
  await client.query(`GRANT USAGE ON SCHEMA ${s} TO ${r}`);
  await client.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA ${s} TO ${r}`);
  await client.query(`GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA ${s} TO ${r}`);
  // The migration history is the deployer's, not the application's.
  await client.query(`REVOKE INSERT, UPDATE, DELETE ON ${s}."_prisma_migrations" FROM ${r}`);
}

/**
 * Drops `schema` and everything in it, then `role` if given (what it owns and was granted in this
 * database first). Both may already be gone.
 */
export async function dropSchemaAndRole(client: pg.ClientBase, schema: string, role?: string): Promise<void> {
  await client.query(`DROP SCHEMA IF EXISTS ${quoteIdentifier(schema)} CASCADE`);
  if (!role) return;
  const exists = await client.query("SELECT 1 FROM pg_roles WHERE rolname = $1", [role]);
  if (exists.rowCount === 0) return;
  // Open sessions of the role (a preview task still draining) would keep using it.
  await client.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1", [role]);
  await client.query(`DROP OWNED BY ${quoteIdentifier(role)}`);
  await client.query(`DROP ROLE ${quoteIdentifier(role)}`);
}

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
  connection: MigrationConnection & { appRole?: string },
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
    if (connection.appRole) await grantDataAccess(lockClient, connection.schema, connection.appRole);
    return { schema: connection.schema, applied: appliedMigrationNames };
  } finally {
    // Ending the session releases the advisory lock even if the unlock itself fails.
    await lockClient
      .query("SELECT pg_advisory_unlock($1, hashtext($2))", [MIGRATION_LOCK_NAMESPACE, connection.schema])
      .catch(() => {});
    await lockClient.end();
  }
}
