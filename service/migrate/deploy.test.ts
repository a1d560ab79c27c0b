import { createHash } from "node:crypto";
import { cp, mkdtemp, readdir, readFile, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { beforeAll, describe, expect, it } from "vitest";
import { ensureDatabase } from "../local/dev-stack.js";
import { stack } from "../test/harness.js";
import { createMigration } from "./create.js";
import { deployMigrations } from "./deploy.js";
import { migrationsDirectory, schemaFile } from "./schema-engine.js";

let url: string;

beforeAll(async () => {
  url = await ensureDatabase(stack().adminUrl, `deploy_${Date.now()}`);
});

async function query<T extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

describe("db:deploy", () => {
  it("creates a missing schema, applies every migration and records it as Prisma does", async () => {
    const result = await deployMigrations({ client: { connectionString: url }, schema: "pr_42" });
    const names = (await readdir(migrationsDirectory, { withFileTypes: true }))
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name)
      .sort();
    expect(result).toEqual({ schema: "pr_42", applied: names });

    const tables = await query<{ table_name: string }>(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'pr_42' ORDER BY table_name",
    );
    expect(tables.map((t) => t.table_name)).toEqual(["_prisma_migrations", "files", "tasks", "users"]);
    const recorded = await query<{
      migration_name: string;
      checksum: string;
      finished_at: Date | null;
      rolled_back_at: Date | null;
    }>(
      'SELECT migration_name, checksum, finished_at, rolled_back_at FROM pr_42."_prisma_migrations" ORDER BY migration_name',
    );
    const expected = await Promise.all(
      names.map(async (name) => ({
        migration_name: name,
        checksum: createHash("sha256")
          .update(await readFile(path.join(migrationsDirectory, name, "migration.sql")))
          .digest("hex"),
        finished_at: expect.any(Date),
        rolled_back_at: null,
      })),
    );
    expect(recorded).toEqual(expected);
  });

  it("does nothing the second time", async () => {
    const again = await deployMigrations({ client: { connectionString: url }, schema: "pr_42" });
    expect(again.applied).toEqual([]);
  });

  it("applies each migration once when two deploys race", async () => {
    const target = { client: { connectionString: url }, schema: "pr_race" };
    const [first, second] = await Promise.all([deployMigrations(target), deployMigrations(target)]);
    expect([first.applied.length, second.applied.length].sort()).toEqual([0, expect.any(Number)]);
    expect(first.applied.length + second.applied.length).toBeGreaterThan(0);
    const rows = await query<{ count: string }>('SELECT count(*) FROM pr_race."_prisma_migrations"');
    expect(Number(rows[0]?.count)).toBe(first.applied.length + second.applied.length);
  });
});

describe("db:migrate", () => {
  it("finds nothing to write: the committed migrations match schema.prisma", async () => {
    const result = await createMigration({ client: { connectionString: url }, schema: "public" }, "noop", {
      directory: migrationsDirectory,
    });
    expect(result.directory).toBeUndefined();
  });

  it("writes a migration for a schema change", async () => {
    const scratch = await mkdtemp(path.join(os.tmpdir(), "migrations-"));
    await cp(migrationsDirectory, path.join(scratch, "migrations"), { recursive: true });
    const changed = (await readFile(schemaFile, "utf8")).replace(
      "  displayName     String?",
      "  timezone        String?\n  displayName     String?",
    );
    await writeFile(path.join(scratch, "schema.prisma"), changed);
    const result = await createMigration(
      { client: { connectionString: url }, schema: "public" },
      "add_timezone",
      {
        directory: path.join(scratch, "migrations"),
        schemaPath: path.join(scratch, "schema.prisma"),
        now: new Date("2030-01-02T03:04:05Z"),
      },
    );
    expect(result.directory).toBe(path.join(scratch, "migrations", "20300102030405_add_timezone"));
    expect(await readFile(path.join(result.directory!, "migration.sql"), "utf8")).toContain(
      'ALTER TABLE "users" ADD COLUMN     "timezone" TEXT;',
    );
  });
});
