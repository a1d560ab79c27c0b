import { randomInt } from "node:crypto";
import pg from "pg";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  AUTH_TOKEN_REUSE_MS,
  createDatabase,
  iamCredentialSource,
  rdsAuthTokenSigner,
} from "../adapters/db.js";
import { ensureDatabase } from "../local/dev-stack.js";
import { stack } from "../test/harness.js";
import { deployMigrations, dropSchemaAndRole, ownerRoleOf } from "./deploy.js";

// A preview's service connects as its own role `pr_<N>` (IAM authentication on RDS), which the
// migration — connected as the database owner — creates and grants data access to its schema only.
// The schema belongs to the preview's NOLOGIN owner role `pr_<N>_owner`, which the migrations run as.
// (service/migrate/database-roles.test.ts covers the same roles for an environment's schema.)

const n = randomInt(100_000, 999_999);
const schema = `pr_${n}`;
const role = `pr_${n}`;
const otherSchema = `pr_${n + 1}`;
let url: string;

async function as<T>(
  connection: string | pg.ClientConfig,
  work: (client: pg.Client) => Promise<T>,
): Promise<T> {
  const client = new pg.Client(
    typeof connection === "string" ? { connectionString: connection } : connection,
  );
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
const asOwner = <T>(work: (client: pg.Client) => Promise<T>) => as(url, work);

function roleUrl(password: string): string {
  const target = new URL(url);
  target.username = role;
  target.password = password;
  return target.toString();
}

/** The SQLSTATE a statement fails with as the preview role, or "ok". */
async function outcome(client: pg.Client, sql: string): Promise<string> {
  try {
    await client.query(sql);
    return "ok";
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  }
}

beforeAll(async () => {
  url = await ensureDatabase(stack().adminUrl, `preview_role_${n}`);
  await asOwner(async (client) => {
    await client.query("CREATE TABLE public.host_data (secret text)");
    await client.query("INSERT INTO public.host_data VALUES ('dev only')");
  });
  await deployMigrations({ client: { connectionString: url }, schema: otherSchema });
  await deployMigrations({ client: { connectionString: url }, schema, appRole: role });
  await asOwner((client) => client.query(`ALTER ROLE ${role} PASSWORD 'token-one'`));
});

afterAll(async () => {
  await asOwner((client) => dropSchemaAndRole(client, schema, role)).catch(() => {});
});

describe("a preview's database role", () => {
  it("reads and writes its own schema's rows", async () => {
    await as(roleUrl("token-one"), async (client) => {
      await client.query(`SET search_path TO ${schema}`);
      const inserted = await client.query(
        "INSERT INTO users (id, email, password_hash, updated_at) VALUES (gen_random_uuid(), 'a@example.com', 'x', now()) RETURNING id",
      );
      expect(inserted.rowCount).toBe(1);
      expect((await client.query("SELECT count(*)::int AS n FROM users")).rows[0].n).toBe(1);
      expect(await outcome(client, "DELETE FROM users")).toBe("ok");
    });
  });

  it("cannot change the schema, the migration history, the host's tables or another preview's", async () => {
    await as(roleUrl("token-one"), async (client) => {
      const denied = "42501"; // insufficient_privilege
      expect(await outcome(client, `CREATE TABLE ${schema}.extra (x int)`)).toBe(denied);
      expect(await outcome(client, `DROP TABLE ${schema}.users`)).toBe(denied);
      expect(await outcome(client, `DELETE FROM ${schema}."_prisma_migrations"`)).toBe(denied);
      expect(await outcome(client, "SELECT * FROM public.host_data")).toBe(denied);
      expect(await outcome(client, `SELECT * FROM ${otherSchema}.users`)).toBe(denied);
      expect(await outcome(client, "CREATE ROLE someone")).toBe(denied);
    });
  });

  it("is granted again by a re-run deploy (new tables included), without failing on the existing role", async () => {
    const again = await deployMigrations({ client: { connectionString: url }, schema, appRole: role });
    expect(again.applied).toEqual([]);
  });

  it("is what the service connects as, with a fresh token when the old one is rejected", async () => {
    const tokens = ["token-one"];
    let signed = 0;
    const db = await createDatabase({
      config: {
        source: {
          kind: "iam",
          user: role,
          host: new URL(url).hostname,
          port: Number(new URL(url).port),
          name: new URL(url).pathname.slice(1),
        },
        schema,
        ssl: "disable",
        poolMax: 2,
      },
      logger: pino({ level: "silent" }),
      authTokens: async () => tokens[Math.min(signed++, tokens.length - 1)]!,
    });
    try {
      expect(await db.prisma.task.count()).toBe(0);
      // What an expired token looks like to PostgreSQL: the login is refused with 28P01.
      tokens.push("token-two");
      await asOwner(async (client) => {
        await client.query(`ALTER ROLE ${role} PASSWORD 'token-two'`);
        await client.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1", [
          role,
        ]);
      });
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(await db.prisma.task.count()).toBe(0);
      expect(signed).toBeGreaterThanOrEqual(2);
    } finally {
      await db.close();
    }
  });

  it("has a schema its owner role owns, tables included", async () => {
    const owners = await asOwner(
      async (client) =>
        (
          await client.query<{ owner: string }>(
            `SELECT DISTINCT pg_get_userbyid(nspowner) AS owner FROM pg_namespace WHERE nspname = $1
             UNION SELECT DISTINCT pg_get_userbyid(relowner) FROM pg_class WHERE relnamespace = $1::regnamespace`,
            [schema],
          )
        ).rows,
    );
    expect(owners).toEqual([{ owner: ownerRoleOf(role) }]);
  });

  it("is dropped with its schema and its owner role; dropping twice succeeds", async () => {
    await asOwner((client) => dropSchemaAndRole(client, schema, role));
    await asOwner((client) => dropSchemaAndRole(client, schema, role));
    const left = await asOwner(async (client) => ({
      roles: (
        await client.query("SELECT 1 FROM pg_roles WHERE rolname IN ($1, $2)", [role, ownerRoleOf(role)])
      ).rowCount,
      schemas: (await client.query("SELECT 1 FROM pg_namespace WHERE nspname = $1", [schema])).rowCount,
    }));
    expect(left).toEqual({ roles: 0, schemas: 0 });
  });
});

describe("IAM authentication tokens", () => {
  it("are presigned rds-db connect requests for the user, valid 15 minutes, signed without a network call", async () => {
    const sign = rdsAuthTokenSigner({ host: "db.example.internal", port: 5432, user: "pr_7" }, "eu-west-1", {
      accessKeyId: "AKIDEXAMPLE",
      secretAccessKey: "not-a-real-secret",
    });
    const token = await sign();
    expect(token).toMatch(/^db\.example\.internal:5432\/\?/);
    const query = new URLSearchParams(token.slice(token.indexOf("?") + 1));
    expect(query.get("Action")).toBe("connect");
    expect(query.get("DBUser")).toBe("pr_7");
    expect(query.get("X-Amz-Expires")).toBe("900");
    expect(query.get("X-Amz-Credential")).toMatch(/^AKIDEXAMPLE\/\d{8}\/eu-west-1\/rds-db\/aws4_request$/);
    expect(query.get("X-Amz-Signature")).toMatch(/^[0-9a-f]{64}$/);
  });

  it("are reused for ten minutes, then signed again; a failed signing is not remembered", async () => {
    let clock = 0;
    let calls = 0;
    let fail = false;
    const source = iamCredentialSource(
      "pr_7",
      async () => {
        calls += 1;
        if (fail) throw new Error("no credentials");
        return `token-${calls}`;
      },
      () => clock,
    );
    expect(await source.current()).toEqual({ username: "pr_7", password: "token-1" });
    clock = AUTH_TOKEN_REUSE_MS - 1;
    expect((await source.current()).password).toBe("token-1");
    clock = AUTH_TOKEN_REUSE_MS;
    fail = true;
    await expect(source.current()).rejects.toThrow("no credentials");
    fail = false;
    expect((await source.current()).password).toBe("token-3");
    expect(await source.refresh()).toBe(true);
    expect((await source.current()).password).toBe("token-4");
  });
});
