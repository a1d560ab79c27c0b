import pg from "pg";
import {
  type MigrationConnection,
  noFilters,
  PLAIN_IDENTIFIER,
  quoteIdentifier,
  readMigrations,
  withSchemaEngine,
} from "./schema-engine.js";

// Two roles per schema, both managed here by the migration (signed in as the RDS master user):
//   - the application role (DATABASE_APP_ROLE: `app` in an environment, `pr_<N>` in a preview), a
//     login role the service signs in as with IAM authentication: rows of the schema's tables only;
//   - its owner role (`<app role>_owner`), NOLOGIN, which owns the schema and everything in it; the
//     migrations run as it, and the master user is a member of it so it can act for it.
// Nobody signs in as the owner, and the application cannot change the schema it uses.

/** PostgreSQL identifiers are at most 63 bytes. */
const IDENTIFIER_MAX = 63;
/** Appended to the application role's name to name the role that owns its schema. */
export const OWNER_ROLE_SUFFIX = "_owner";
/** The longest application role name whose owner role's name still fits in an identifier. */
export const APP_ROLE_MAX_LENGTH = IDENTIFIER_MAX - OWNER_ROLE_SUFFIX.length;

/** The NOLOGIN role that owns the schema of application role `appRole` and runs its migrations. */
export function ownerRoleOf(appRole: string): string {
  return `${appRole}${OWNER_ROLE_SUFFIX}`;
}

export interface SchemaRoles {
  /** The login role the service signs in as: data access to the schema's tables only. */
  app: string;
  /** The NOLOGIN role that owns the schema and its objects (see `ownerRoleOf`). */
  owner: string;
}

/** Refuses a role name that is not a plain identifier, naming the variable it came from. */
function assertRoleName(role: string): void {
  if (!PLAIN_IDENTIFIER.test(role)) {
    throw new Error(`DATABASE_APP_ROLE: "${role}" is not a lower-case PostgreSQL identifier such as pr_42`);
  }
}

/**
 * Creates `role` if missing (LOGIN or NOLOGIN as asked). An existing role with more power than an
 * application or owner role needs (superuser, CREATEROLE, CREATEDB, BYPASSRLS, replication; or
 * LOGIN for the owner) is refused rather than granted to: the name was probably a mistake.
 */
async function ensureRole(client: pg.ClientBase, role: string, login: boolean): Promise<void> {
  const found = await client.query<Record<string, boolean>>(
    `SELECT rolsuper, rolcreaterole, rolcreatedb, rolbypassrls, rolreplication, rolcanlogin
       FROM pg_roles WHERE rolname = $1`,
    [role],
  );
  const existing = found.rows[0];
  if (!existing) {
    await client.query(`CREATE ROLE ${quoteIdentifier(role)} ${login ? "LOGIN" : "NOLOGIN"}`);
    return;
  }
  const powers = Object.entries(existing)
    .filter(([name, on]) => on && (name !== "rolcanlogin" || !login))
    .map(([name]) => name.replace(/^rol/, ""));
  if (powers.length > 0) {
    throw new Error(
      `DATABASE_APP_ROLE: role "${role}" already exists with ${powers.join(", ")}; an ${login ? "application" : "owner"} role must have none of these`,
    );
  }
}

/** ALTER … OWNER TO for each object of `schema` (not owned by an extension) that `owner` does not own. */
async function transferOwnership(client: pg.ClientBase, schema: string, owner: string): Promise<void> {
  const o = quoteIdentifier(owner);
  // Tables first: ALTER TABLE moves the sequences of their serial and identity columns with them
  // (those cannot be moved on their own), and their indexes and row types.
  const relations = await client.query<{ name: string; kind: string }>(
    `SELECT format('%I.%I', n.nspname, c.relname) AS name, c.relkind AS kind
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')
        AND pg_get_userbyid(c.relowner) <> $2
        AND NOT EXISTS (
          SELECT 1 FROM pg_depend d
           WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
             AND (d.deptype = 'e' OR (d.deptype IN ('a', 'i') AND d.refclassid = 'pg_class'::regclass)))
      ORDER BY c.relkind = 'S', 1`,
    [schema, owner],
  );
  const relationKeyword: Record<string, string> = {
    r: "TABLE",
    p: "TABLE",
    v: "VIEW",
    m: "MATERIALIZED VIEW",
    f: "FOREIGN TABLE",
    S: "SEQUENCE",
  };
  for (const { name, kind } of relations.rows) {
    await client.query(`ALTER ${relationKeyword[kind]} ${name} OWNER TO ${o}`);
  }
  // Enums (Prisma's), domains, ranges and free-standing composite types; array and table row
  // types follow their element type or table.
  const types = await client.query<{ name: string; kind: string }>(
    `SELECT format('%I.%I', n.nspname, t.typname) AS name, t.typtype AS kind
       FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
       LEFT JOIN pg_class c ON c.oid = t.typrelid
      WHERE n.nspname = $1 AND pg_get_userbyid(t.typowner) <> $2
        AND (t.typtype IN ('e', 'd', 'r') OR (t.typtype = 'c' AND c.relkind = 'c'))
        AND NOT EXISTS (SELECT 1 FROM pg_depend d
                         WHERE d.classid = 'pg_type'::regclass AND d.objid = t.oid AND d.deptype = 'e')
      ORDER BY 1`,
    [schema, owner],
  );
  for (const { name, kind } of types.rows) {
    await client.query(`ALTER ${kind === "d" ? "DOMAIN" : "TYPE"} ${name} OWNER TO ${o}`);
  }
  const routines = await client.query<{ name: string }>(
    `SELECT format('%I.%I(%s)', n.nspname, p.proname, pg_get_function_identity_arguments(p.oid)) AS name
       FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
      WHERE n.nspname = $1 AND p.prokind IN ('f', 'p', 'w') AND pg_get_userbyid(p.proowner) <> $2
        AND NOT EXISTS (SELECT 1 FROM pg_depend d
                         WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')
      ORDER BY 1`,
    [schema, owner],
  );
  for (const { name } of routines.rows) await client.query(`ALTER ROUTINE ${name} OWNER TO ${o}`);
}

/**
 * Before the migrations: makes `roles.owner` (NOLOGIN, created if missing) the owner of `schema`
 * (created if missing) and of every table, view, sequence, type and function already in it —
 * an environment deployed before the owner role existed keeps its tables and rows, only their owner
 * changes; `public`, owned by `pg_database_owner` on PostgreSQL 15+, too. Creates `roles.app`
 * (LOGIN; in `rds_iam` on RDS) and sets the owner's default privileges so every table a later
 * migration creates is readable and writable by it. The signed-in user (the RDS master user) is
 * made a member of the owner, which it needs to hand objects over and act as it. One transaction.
 */
export async function prepareSchemaRoles(
  client: pg.ClientBase,
  schema: string,
  roles: SchemaRoles,
): Promise<void> {
  assertRoleName(roles.app);
  assertRoleName(roles.owner);
  const s = quoteIdentifier(schema);
  const app = quoteIdentifier(roles.app);
  const owner = quoteIdentifier(roles.owner);
  await client.query("BEGIN");
  try {
    await ensureRole(client, roles.owner, false);
    await ensureRole(client, roles.app, true);
    const member = await client.query<{ member: boolean }>("SELECT pg_has_role($1, $2, 'MEMBER') AS member", [
      roles.app,
      roles.owner,
    ]);
    if (member.rows[0]?.member) {
      throw new Error(
        `DATABASE_APP_ROLE: "${roles.app}" is a member of "${roles.owner}", so it could change the schema; revoke that membership`,
      );
    }
    // On PostgreSQL 16+ the creator of a role holds it only WITH ADMIN OPTION (no SET, no INHERIT),
    // which is not enough to give it objects. A second grant of its own adds both; repeating it is a
    // no-op.
    await client.query(`GRANT ${owner} TO CURRENT_USER`);
    const rdsIam = await client.query("SELECT 1 FROM pg_roles WHERE rolname = 'rds_iam'");
    if (rdsIam.rowCount !== 0) await client.query(`GRANT rds_iam TO ${app}`);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${s}`);
    // Allowed for `public` too: the signed-in user owns the database, so it holds pg_database_owner.
    await client.query(`ALTER SCHEMA ${s} OWNER TO ${owner}`);
    await transferOwnership(client, schema, roles.owner);
    // A database upgraded from PostgreSQL 14 or older still lets everyone create in `public`.
    await client.query(`REVOKE CREATE ON SCHEMA ${s} FROM PUBLIC`);
    await client.query(
      `ALTER DEFAULT PRIVILEGES FOR ROLE ${owner} IN SCHEMA ${s} GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ${app}`,
    );
    await client.query(
      `ALTER DEFAULT PRIVILEGES FOR ROLE ${owner} IN SCHEMA ${s} GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO ${app}`,
    );
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    throw error;
  }
}

/**
 * Gives `role` read and write access to the rows of every table in `schema`, and nothing else: no
 * DDL (the tables belong to the owner role), not the migration history, no other schema's tables
 * (other schemas' objects belong to their own owners and grant nothing to PUBLIC). Run after every
 * deploy, so tables are covered whoever created them.
 */
export async function grantDataAccess(client: pg.ClientBase, schema: string, role: string): Promise<void> {
  const r = quoteIdentifier(role);
  const s = quoteIdentifier(schema);
  await client.query(`GRANT USAGE ON SCHEMA ${s} TO ${r}`);
  await client.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA ${s} TO ${r}`);
  await client.query(`GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA ${s} TO ${r}`);
  // The migration history is the deployer's, not the application's.
  await client.query(`REVOKE INSERT, UPDATE, DELETE ON ${s}."_prisma_migrations" FROM ${r}`);
}

/** Drops `role` (what it owns and was granted in this database first) if it exists. */
async function dropRole(client: pg.ClientBase, role: string): Promise<void> {
  const exists = await client.query("SELECT 1 FROM pg_roles WHERE rolname = $1", [role]);
  if (exists.rowCount === 0) return;
  // DROP OWNED BY and ending the role's sessions need the role's privileges, which the RDS master
  // user (not a superuser) does not hold merely by having created it (PostgreSQL 16+).
  await client.query(`GRANT ${quoteIdentifier(role)} TO CURRENT_USER`);
  // Open sessions of the role (a preview task still draining) would keep using it.
  await client.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1", [role]);
  await client.query(`DROP OWNED BY ${quoteIdentifier(role)}`);
  await client.query(`DROP ROLE ${quoteIdentifier(role)}`);
}

/**
 * Drops `schema` and everything in it, then, if `role` is given, that application role and its
 * owner role (`ownerRoleOf(role)`). Any of them may already be gone (a preview deployed before
 * owner roles existed has none).
 */
export async function dropSchemaAndRole(client: pg.ClientBase, schema: string, role?: string): Promise<void> {
  await client.query(`DROP SCHEMA IF EXISTS ${quoteIdentifier(schema)} CASCADE`);
  if (!role) return;
  assertRoleName(role);
  await dropRole(client, ownerRoleOf(role));
  await dropRole(client, role);
}

/** Two-key advisory lock namespace: (this constant, hash of the schema name). */
const MIGRATION_LOCK_NAMESPACE = 72_707_370;

export interface DeployResult {
  schema: string;
  applied: string[];
  /** The schema's roles, when the deploy manages them (`appRole` given). */
  roles?: SchemaRoles;
}

/**
 * Applies every pending migration to `connection.schema`, creating the schema first if it does not
 * exist (preview environments each get their own). Holds a session advisory lock for the duration,
 * so two deploys against the same schema run one after the other and the second finds nothing to do.
 *
 * With `appRole` (every AWS environment: `app`, previews: `pr_<N>`) the schema gets its two roles
 * (see `prepareSchemaRoles`), the migrations run as the owner role, and the application role is
 * granted data access afterwards. Without it (local development, tests) the migrations run as the
 * signed-in user, who owns what they create.
 */
export async function deployMigrations(
  connection: MigrationConnection & { appRole?: string },
  migrationsDirectory?: string,
): Promise<DeployResult> {
  const { schema, appRole } = connection;
  if (appRole !== undefined) {
    assertRoleName(appRole);
    if (appRole.length > APP_ROLE_MAX_LENGTH) {
      throw new Error(
        `DATABASE_APP_ROLE: "${appRole}" is longer than ${APP_ROLE_MAX_LENGTH} characters, which leaves no room for its owner role's name`,
      );
    }
  }
  const roles = appRole ? { app: appRole, owner: ownerRoleOf(appRole) } : undefined;
  const lockClient = new pg.Client(connection.client);
  await lockClient.connect();
  try {
    await lockClient.query("SELECT pg_advisory_lock($1, hashtext($2))", [MIGRATION_LOCK_NAMESPACE, schema]);
    if (roles) {
      const { rows } = await lockClient.query<{ user: string }>('SELECT current_user AS "user"');
      const signedIn = rows[0]?.user;
      if (signedIn === roles.app || signedIn === roles.owner) {
        throw new Error(
          `DATABASE_APP_ROLE: the migration signs in as "${signedIn}", one of the roles it manages; it must sign in as the database owner (DATABASE_SECRET_ARN)`,
        );
      }
      await prepareSchemaRoles(lockClient, schema, roles);
    } else {
      await lockClient.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(schema)}`);
    }
    const migrationsList = await readMigrations(migrationsDirectory);
    const { appliedMigrationNames } = await withSchemaEngine(
      { client: connection.client, schema, ...(roles ? { role: roles.owner } : {}) },
      (engine) => engine.applyMigrations({ migrationsList, filters: noFilters }),
    );
    if (roles) await grantDataAccess(lockClient, schema, roles.app);
    return { schema, applied: appliedMigrationNames, ...(roles ? { roles } : {}) };
  } finally {
    // Ending the session releases the advisory lock even if the unlock itself fails.
    await lockClient
      .query("SELECT pg_advisory_unlock($1, hashtext($2))", [MIGRATION_LOCK_NAMESPACE, schema])
      .catch(() => {});
    await lockClient.end();
  }
}
