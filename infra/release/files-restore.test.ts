/**
 * npm run files:restore: the real script's dry run and argument errors, the choice of version, and
 * the scripts its one-off tasks run (the row repair here, and db:restore's read-only check), run
 * with node against a real, migrated PostgreSQL.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { ensureDatabase } from "../../service/local/dev-stack.js";
import { type LocalPostgres, startLocalPostgres } from "../../service/local/postgres.js";
import { deployMigrations } from "../../service/migrate/deploy.js";
import { VERIFY_SCRIPT } from "./db-restore.js";
import { pickVersion, REPAIR_SCRIPT } from "./files-restore.js";

const outdir = mkdtempSync(join(tmpdir(), "files-restore-"));
afterAll(() => rmSync(outdir, { recursive: true, force: true }));
const root = join(import.meta.dirname, "..", "..");
const user = "0191e2a4-1c2b-7d3e-8f40-123456789abc";
const fileKey = (n: number) => `users/${user}/files/0191e2a4-1c2b-7d3e-8f40-00000000000${n}`;

function script(args: string[]) {
  return spawnSync(join(root, "node_modules", ".bin", "tsx"), ["scripts/files-restore.ts", ...args], {
    cwd: root,
    encoding: "utf8",
  });
}

describe("npm run files:restore -- --dry-run (the real script)", () => {
  test("lists the key's versions, copies the newest real version back, reads its type and size, then repairs the row in a one-off task", () => {
    const run = script(["--env", "prod", "--key", fileKey(1), "--dry-run", "--outdir", join(outdir, "cli")]);
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    const commands = run.stdout
      .split("\n")
      .filter((l) => l.trim().startsWith("$"))
      .map((l) => l.trim().slice(2));
    const index = (pattern: RegExp) => {
      const i = commands.findIndex((c) => pattern.test(c));
      expect(i, `no command matches ${pattern}`).toBeGreaterThanOrEqual(0);
      return i;
    };
    const output = index(/terraform output -json/);
    const list = index(/^aws s3api list-object-versions --bucket \S+ --prefix users\/\S+\/files\/\S+ /);
    const copy = index(
      /^aws s3api copy-object .*--copy-source '\S+\/users\/\S+\?versionId=%3Cnewest%20version%3E'/,
    );
    const head = index(/^aws s3api head-object /);
    const repair = index(/^aws ecs run-task .*INSERT INTO.*FILE_KEY/);
    expect([output, list, copy, head, repair]).toEqual(
      [output, list, copy, head, repair].sort((a, b) => a - b),
    );
    expect(run.stdout).toContain("delete marker <delete marker>");
  });
});

describe("argument errors exit 2 with one line", () => {
  test.each([
    ["no --env", ["--key", fileKey(1)], "--env is required"],
    ["no --key", ["--env", "dev"], "--key is required"],
    ["a key the service never writes", ["--env", "dev", "--key", "../etc/passwd"], "is not an upload key"],
    [
      "a version id with a space",
      ["--env", "dev", "--key", fileKey(1), "--version", "a b"],
      "is not an S3 version id",
    ],
  ])("%s", (_, args, message) => {
    const run = script(args);
    expect(run.status).toBe(2);
    expect(run.stderr.trim().split("\n")).toHaveLength(1);
    expect(run.stderr).toContain(message);
  });
});

describe("which version comes back", () => {
  const listed = {
    Versions: [
      { VersionId: "old", IsLatest: false, LastModified: "2026-12-01T00:00:00Z" },
      { VersionId: "newest", IsLatest: false, LastModified: "2026-12-05T00:00:00Z" },
    ],
    DeleteMarkers: [{ VersionId: "marker", IsLatest: true, LastModified: "2026-12-06T00:00:00Z" }],
  };
  test("the newest version that is not a delete marker", () => {
    expect(pickVersion(listed, "k")).toEqual({ versionId: "newest", current: false });
  });
  test("the one asked for", () => {
    expect(pickVersion(listed, "k", "old")).toEqual({ versionId: "old", current: false });
  });
  test("a delete marker or an unknown version is refused, naming it", () => {
    expect(() => pickVersion(listed, "k", "marker")).toThrow("is a delete marker");
    expect(() => pickVersion(listed, "k", "nope")).toThrow("k has no version nope (versions: old, newest)");
    expect(() => pickVersion({ Versions: null, DeleteMarkers: null }, "k")).toThrow(
      "k has no version to restore",
    );
  });
});

describe("the one-off tasks' scripts, in PostgreSQL", () => {
  let postgres: LocalPostgres;
  let url: string;
  let client: pg.Client;
  // The image's layout, as the scripts see it from their working directory: the migration's sign-in
  // module (here: the test database's URL) and node_modules.
  const image = join(outdir, "image");

  beforeAll(async () => {
    // PostgreSQL runs as the unprivileged postgres user when tests run as root; it must reach its data.
    chmodSync(outdir, 0o755);
    postgres = await startLocalPostgres({ directory: join(outdir, "postgres") });
    url = await ensureDatabase(postgres.adminUrl, "restore_test");
    await deployMigrations({ client: { connectionString: url }, schema: "public" });
    mkdirSync(join(image, "dist", "service", "migrate"), { recursive: true });
    writeFileSync(
      join(image, "dist", "service", "migrate", "connection.js"),
      'export async function migrationConnectionFromEnv() { return { client: { connectionString: process.env.TEST_DATABASE_URL }, schema: "public" }; }\n',
    );
    symlinkSync(join(root, "node_modules"), join(image, "node_modules"));
    writeFileSync(join(image, "package.json"), '{"type":"module"}\n');
    client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query(
      "INSERT INTO users (id, email, password_hash, updated_at) VALUES ($1, 'a@example.com', 'x', now())",
      [user],
    );
    await client.query(
      "INSERT INTO files (id, user_id, object_key, name, content_type, size, status, updated_at) VALUES (gen_random_uuid(), $1, $2, 'report.pdf', 'application/pdf', 10, 'deleting', now())",
      [user, fileKey(1)],
    );
  }, 120_000);
  afterAll(async () => {
    await client?.end();
    await postgres?.stop();
  });

  const runIn = (script: string, env: Record<string, string>) =>
    spawnSync(process.execPath, ["--input-type=module", "-e", script], {
      cwd: image,
      encoding: "utf8",
      env: { PATH: process.env.PATH ?? "", TEST_DATABASE_URL: url, ...env },
    });
  const repair = (key: string, extra: Record<string, string> = {}) =>
    runIn(REPAIR_SCRIPT, {
      FILE_KEY: key,
      FILE_CONTENT_TYPE: "image/png",
      FILE_SIZE: "1234",
      FILE_NAME: "back.png",
      ...extra,
    });
  const row = async (key: string) =>
    (
      await client.query(
        "SELECT name, content_type, size::text, status::text FROM files WHERE object_key = $1",
        [key],
      )
    ).rows[0];

  test("a row being deleted is made ready again, keeping its name", async () => {
    const run = repair(fileKey(1));
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('"inserted":false');
    expect(await row(fileKey(1))).toEqual({
      name: "report.pdf",
      content_type: "image/png",
      size: "1234",
      status: "ready",
    });
  });

  test("a row already gone is written again, ready, with the given name", async () => {
    const run = repair(fileKey(2));
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('"inserted":true');
    expect(await row(fileKey(2))).toEqual({
      name: "back.png",
      content_type: "image/png",
      size: "1234",
      status: "ready",
    });
  });

  test("running it twice changes nothing more", async () => {
    expect(repair(fileKey(2)).status).toBe(0);
    expect(
      (await client.query("SELECT count(*)::int AS n FROM files WHERE object_key = $1", [fileKey(2)])).rows[0]
        .n,
    ).toBe(1);
  });

  test("an avatar sets the user's avatar_updated_at", async () => {
    expect(repair(`users/${user}/avatar`).status).toBe(0);
    const { rows } = await client.query("SELECT avatar_updated_at FROM users WHERE id = $1", [user]);
    expect(rows[0].avatar_updated_at).toBeInstanceOf(Date);
  });

  test("a user who is gone: exit 1, no row", async () => {
    const gone = "0191e2a4-1c2b-7d3e-8f40-999999999999";
    const run = repair(`users/${gone}/files/0191e2a4-1c2b-7d3e-8f40-000000000003`);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`user ${gone} no longer exists`);
    expect(
      (await client.query("SELECT count(*)::int AS n FROM files WHERE user_id = $1", [gone])).rows[0].n,
    ).toBe(0);
  });

  test("db:restore's check prints the counts and the last migration, and writes nothing", async () => {
    const run = runIn(VERIFY_SCRIPT, {});
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    const printed = JSON.parse(run.stdout.replace(/^db:restore check: /, "")) as Record<string, unknown>;
    expect(printed).toMatchObject({ users: "1", tasks: "0", files: "2" });
    expect(printed.last_migration).toBeTruthy();
  });
});
