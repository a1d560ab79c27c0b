import { randomInt } from "node:crypto";
import { cp, mkdir, mkdtemp, readdir, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigError } from "../config.js";
import { stack } from "../test/harness.js";
import { migrationConnectionFromEnv } from "./connection.js";
import { APP_ROLE_MAX_LENGTH, deployMigrations, ownerRoleOf } from "./deploy.js";
import { migrationsDirectory } from "./schema-engine.js";

// What an environment's database looks like after db:deploy with DATABASE_APP_ROLE, on a real
// PostgreSQL set up the way RDS is: the migration signs in as a "master" user that is no superuser
// (LOGIN CREATEROLE) and owns the database, so `public` is owned by pg_database_owner. The service
// signs in as the application role (IAM authentication on RDS; a password here), which may read and
// write rows and nothing else; the schema belongs to the NOLOGIN owner role the migrations run as.

const n = randomInt(100_000, 999_999);
const master = `master_${n}`;
const database = `roles_${n}`;
const denied = "42501"; // insufficient_privilege

interface Environment {
  readonly schema: string;
  /** Its application role (the stacks use `app`; unique names here keep test runs apart). */
  readonly app: string;
}
/** Two environments in one database: `public` deployed before the roles existed, a named schema new. */
const environments: { readonly public: Environment; readonly named: Environment } = {
  public: { schema: "public", app: `app_${n}` },
  named: { schema: `staging_${n}`, app: `svc_${n}` },
};

const urlAs = (user: string, password: string) => {
  const url = new URL(stack().adminUrl);
  url.username = user;
  url.password = password;
  url.pathname = `/${database}`;
  return url.toString();
};
const masterUrl = () => urlAs(master, "master-password");
const asAdminOf = (name: string) => {
  const url = new URL(stack().adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
};

async function as<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
const asMaster = <T>(work: (client: pg.Client) => Promise<T>) => as(masterUrl(), work);
const asApp = <T>(env: Environment, work: (client: pg.Client) => Promise<T>) =>
  as(urlAs(env.app, "iam-token-stand-in"), work);

/** The SQLSTATE a statement fails with, or "ok". */
async function outcome(client: pg.Client, sql: string): Promise<string> {
  try {
    await client.query(sql);
    return "ok";
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  }
}

const deploy = (env: Environment, directory?: string) =>
  deployMigrations(
    { client: { connectionString: masterUrl() }, schema: env.schema, appRole: env.app },
    directory,
  );

/** Owner of the schema and of every relation, type and routine in it. */
async function owners(schema: string): Promise<Record<string, string>> {
  return asMaster(async (client) => {
    const { rows } = await client.query<{ object: string; owner: string }>(
      `SELECT 'schema' AS object, pg_get_userbyid(nspowner) AS owner FROM pg_namespace WHERE nspname = $1
       UNION ALL
       SELECT c.relkind::text || ':' || c.relname, pg_get_userbyid(c.relowner)
         FROM pg_class c WHERE c.relnamespace = $1::regnamespace
       UNION ALL
       SELECT 'type:' || t.typname, pg_get_userbyid(t.typowner)
         FROM pg_type t WHERE t.typnamespace = $1::regnamespace`,
      [schema],
    );
    return Object.fromEntries(rows.map((row) => [row.object, row.owner]));
  });
}

/** Everything a deploy could change about who may do what in `schema`. */
async function privileges(schema: string): Promise<unknown> {
  return asMaster(async (client) => {
    const { rows } = await client.query(
      `SELECT (SELECT row(nspowner, nspacl)::text FROM pg_namespace WHERE nspname = $1) AS schema,
              (SELECT array_agg(row(relname, relowner, relacl)::text ORDER BY relname)
                 FROM pg_class WHERE relnamespace = $1::regnamespace) AS relations,
              (SELECT array_agg(row(defaclrole, defaclobjtype, defaclacl)::text ORDER BY defaclobjtype)
                 FROM pg_default_acl WHERE defaclnamespace = $1::regnamespace) AS defaults,
              (SELECT array_agg(row(roleid, member, admin_option, inherit_option, set_option)::text ORDER BY 1)
                 FROM pg_auth_members) AS memberships`,
      [schema],
    );
    return rows[0];
  });
}

beforeAll(async () => {
  await as(stack().adminUrl, async (client) => {
    await client.query(`CREATE ROLE ${master} LOGIN CREATEROLE PASSWORD 'master-password'`);
    await client.query(`CREATE DATABASE ${database} OWNER ${master}`);
  });
  // An environment deployed before owner roles existed: the master user created the tables in
  // `public` and the service, signed in as the master user, wrote rows.
  await deployMigrations({ client: { connectionString: masterUrl() }, schema: "public" });
  await asMaster((client) =>
    client.query(
      "INSERT INTO public.users (id, email, password_hash, updated_at) VALUES (gen_random_uuid(), 'before@example.com', 'x', now())",
    ),
  );
  for (const env of Object.values(environments)) {
    const result = await deploy(env);
    expect(result.roles).toEqual({ app: env.app, owner: ownerRoleOf(env.app) });
    // What IAM authentication does on RDS; the migration never gives the role a password.
    await as(asAdminOf(database), (client) =>
      client.query(`ALTER ROLE ${env.app} PASSWORD 'iam-token-stand-in'`),
    );
  }
});

afterAll(async () => {
  await as(stack().adminUrl, async (client) => {
    await client.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    for (const env of Object.values(environments)) {
      await client.query(`DROP ROLE IF EXISTS ${env.app}, ${ownerRoleOf(env.app)}`);
    }
    await client.query(`DROP ROLE IF EXISTS ${master}`);
  });
});

describe.each(Object.values(environments))("the application role of schema $schema", (env) => {
  const owner = ownerRoleOf(env.app);
  const other = env === environments.public ? environments.named : environments.public;

  it("reads and writes the rows of its schema's tables", async () => {
    await asApp(env, async (client) => {
      await client.query(`SET search_path TO ${env.schema}`);
      const inserted = await client.query(
        "INSERT INTO users (id, email, password_hash, updated_at) VALUES (gen_random_uuid(), $1, 'x', now()) RETURNING id",
        [`${env.app}@example.com`],
      );
      const id = inserted.rows[0].id as string;
      await client.query(
        "INSERT INTO tasks (id, user_id, title, updated_at) VALUES (gen_random_uuid(), $1, 't', now())",
        [id],
      );
      expect((await client.query("UPDATE tasks SET done = true WHERE user_id = $1", [id])).rowCount).toBe(1);
      expect((await client.query("SELECT count(*)::int AS n FROM users WHERE id = $1", [id])).rows[0].n).toBe(
        1,
      );
      expect((await client.query("DELETE FROM users WHERE id = $1", [id])).rowCount).toBe(1);
    });
  });

  it("cannot DROP, ALTER, TRUNCATE or CREATE anything: tables, schemas, roles", async () => {
    await asApp(env, async (client) => {
      const s = env.schema;
      expect(await outcome(client, `DROP TABLE ${s}.tasks`)).toBe(denied);
      expect(await outcome(client, `ALTER TABLE ${s}.users ADD COLUMN extra text`)).toBe(denied);
      expect(await outcome(client, `ALTER TYPE ${s}.file_status ADD VALUE 'hacked'`)).toBe(denied);
      expect(await outcome(client, `TRUNCATE ${s}.users CASCADE`)).toBe(denied);
      expect(await outcome(client, `CREATE TABLE ${s}.extra (x int)`)).toBe(denied);
      expect(await outcome(client, `CREATE SCHEMA extra_${n}`)).toBe(denied);
      expect(await outcome(client, `DROP SCHEMA ${s} CASCADE`)).toBe(denied);
      expect(await outcome(client, `CREATE ROLE someone_${n}`)).toBe(denied);
      expect(await outcome(client, `GRANT ${owner} TO ${env.app}`)).toBe(denied);
      expect(await outcome(client, `SET ROLE ${owner}`)).toBe(denied);
    });
  });

  it("cannot write the migration history", async () => {
    await asApp(env, async (client) => {
      const history = `${env.schema}."_prisma_migrations"`;
      expect(await outcome(client, `DELETE FROM ${history}`)).toBe(denied);
      expect(await outcome(client, `UPDATE ${history} SET checksum = 'x'`)).toBe(denied);
      expect(
        await outcome(client, `INSERT INTO ${history} (id, checksum, migration_name) VALUES ('x', 'x', 'x')`),
      ).toBe(denied);
    });
  });

  it("cannot read or write another environment's schema", async () => {
    await asApp(env, async (client) => {
      expect(await outcome(client, `SELECT * FROM ${other.schema}.users`)).toBe(denied);
      expect(await outcome(client, `DELETE FROM ${other.schema}.tasks`)).toBe(denied);
    });
  });

  it("is a login role with no powers; its owner role can own but not sign in", async () => {
    const roles = await asMaster(
      async (client) =>
        (
          await client.query(
            `SELECT rolname, rolcanlogin, rolsuper, rolcreaterole, rolcreatedb, rolbypassrls
             FROM pg_roles WHERE rolname IN ($1, $2) ORDER BY rolname`,
            [env.app, owner],
          )
        ).rows,
    );
    const none = { rolsuper: false, rolcreaterole: false, rolcreatedb: false, rolbypassrls: false };
    expect(roles).toEqual([
      { rolname: env.app, rolcanlogin: true, ...none },
      { rolname: owner, rolcanlogin: false, ...none },
    ]);
  });

  it("the owner role owns the schema and everything in it, the migration history included", async () => {
    const found = await owners(env.schema);
    expect(Object.keys(found)).toEqual(
      expect.arrayContaining([
        "schema",
        "r:users",
        "r:_prisma_migrations",
        "i:users_pkey",
        "type:file_status",
      ]),
    );
    expect(Object.entries(found).filter(([, who]) => who !== owner)).toEqual([]);
  });
});

describe("an environment deployed before the roles existed", () => {
  const env = environments.public;

  it("keeps its tables and rows; the application role reads what the master user wrote", async () => {
    const rows = await asApp(env, (client) =>
      client.query("SELECT email FROM public.users WHERE email = 'before@example.com'"),
    );
    expect(rows.rowCount).toBe(1);
  });

  it("no longer leaves `public` to pg_database_owner, and nobody but its owner may create in it", async () => {
    const acl = await asMaster(
      async (client) =>
        (
          await client.query<{ owner: string; creators: string[] }>(
            `SELECT pg_get_userbyid(nspowner) AS owner,
                    array(SELECT pg_get_userbyid(a.grantee)::text FROM aclexplode(nspacl) a
                           WHERE a.privilege_type = 'CREATE' ORDER BY 1) AS creators
               FROM pg_namespace WHERE nspname = 'public'`,
          )
        ).rows[0],
    );
    expect(acl).toEqual({ owner: ownerRoleOf(env.app), creators: [ownerRoleOf(env.app)] });
  });

  it("is unchanged by deploying again: nothing applied, no owner, grant or membership changes", async () => {
    const before = await privileges(env.schema);
    const again = await deploy(env);
    expect(again.applied).toEqual([]);
    expect(await privileges(env.schema)).toEqual(before);
  });
});

describe("later migrations", () => {
  const env = environments.public;
  const owner = ownerRoleOf(env.app);

  it("run as the owner role, and the application role may use the tables they add", async () => {
    const scratch = await mkdtemp(path.join(os.tmpdir(), "roles-migrations-"));
    const directory = path.join(scratch, "migrations");
    await cp(migrationsDirectory, directory, { recursive: true });
    const name = "29990101000000_add_notes";
    await mkdir(path.join(directory, name));
    await writeFile(
      path.join(directory, name, "migration.sql"),
      'CREATE TABLE "notes" ("id" SERIAL PRIMARY KEY, "body" TEXT NOT NULL);\n',
    );
    const result = await deploy(env, directory);
    expect(result.applied).toEqual([name]);
    const found = await owners(env.schema);
    expect({ table: found["r:notes"], sequence: found["S:notes_id_seq"] }).toEqual({
      table: owner,
      sequence: owner,
    });
    await asApp(env, async (client) => {
      await client.query("INSERT INTO public.notes (body) VALUES ('hello')");
      expect((await client.query("SELECT body FROM public.notes")).rows).toEqual([{ body: "hello" }]);
      expect(await outcome(client, "DROP TABLE public.notes")).toBe(denied);
    });
  });

  it("a table the owner creates outside a deploy is readable at once (default privileges)", async () => {
    await asMaster(async (client) => {
      await client.query(`SET ROLE ${owner}`);
      await client.query("CREATE TABLE public.audit (at timestamptz DEFAULT now())");
      await client.query("INSERT INTO public.audit DEFAULT VALUES");
    });
    const rows = await asApp(env, (client) => client.query("SELECT count(*)::int AS n FROM public.audit"));
    expect(rows.rows[0].n).toBe(1);
  });
});

describe("deploys that race or are misconfigured", () => {
  it("two deploys of a new environment at once: both succeed, each migration is applied once", async () => {
    const env: Environment = { schema: `race_${n}`, app: `race_${n}` };
    try {
      const [first, second] = await Promise.all([deploy(env), deploy(env)]);
      const count = (await readdir(migrationsDirectory, { withFileTypes: true })).filter((e) =>
        e.isDirectory(),
      ).length;
      expect([first.applied.length, second.applied.length].sort()).toEqual([0, count]);
      const found = await owners(env.schema);
      expect(Object.values(found).every((who) => who === ownerRoleOf(env.app))).toBe(true);
    } finally {
      await as(asAdminOf(database), async (client) => {
        await client.query(`DROP SCHEMA IF EXISTS ${env.schema} CASCADE`);
        await client.query(`DROP OWNED BY ${ownerRoleOf(env.app)}, ${env.app}`);
        await client.query(`DROP ROLE IF EXISTS ${env.app}, ${ownerRoleOf(env.app)}`);
      });
    }
  });

  it("refuses an application role that is the user the migration signs in as", async () => {
    await expect(
      deployMigrations({ client: { connectionString: masterUrl() }, schema: `x_${n}`, appRole: master }),
    ).rejects.toThrow(`DATABASE_APP_ROLE: the migration signs in as "${master}"`);
  });

  it("refuses to take an existing powerful role as the application role", async () => {
    const powerful = `powerful_${n}`;
    await as(stack().adminUrl, (client) => client.query(`CREATE ROLE ${powerful} LOGIN CREATEDB`));
    try {
      await expect(
        deployMigrations({ client: { connectionString: masterUrl() }, schema: `y_${n}`, appRole: powerful }),
      ).rejects.toThrow(`DATABASE_APP_ROLE: role "${powerful}" already exists with createdb`);
    } finally {
      await as(stack().adminUrl, (client) => client.query(`DROP ROLE ${powerful}`));
    }
  });

  it("refuses an application role name too long to name its owner role", async () => {
    const long = "a".repeat(APP_ROLE_MAX_LENGTH + 1);
    await expect(
      migrationConnectionFromEnv({ DATABASE_URL: masterUrl(), DATABASE_APP_ROLE: long }),
    ).rejects.toThrow(ConfigError);
    await expect(
      migrationConnectionFromEnv({ DATABASE_URL: masterUrl(), DATABASE_APP_ROLE: long }),
    ).rejects.toThrow(/DATABASE_APP_ROLE: .* is longer than 57 characters/);
  });
});
