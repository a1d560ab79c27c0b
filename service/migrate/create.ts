import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import {
  type MigrationConnection,
  migrationsDirectory,
  noFilters,
  readMigrations,
  schemaFile,
  withSchemaEngine,
} from "./schema-engine.js";

export interface CreateMigrationResult {
  /** Directory of the new migration, or undefined when the schema matches the migration history. */
  directory?: string;
  script: string;
}

function timestamp(now: Date): string {
  return now.toISOString().replace(/[-:T]/g, "").slice(0, 14);
}

/**
 * Writes `<timestamp>_<name>/migration.sql` with the SQL that takes the database from the state the
 * existing migrations produce (replayed on a temporary shadow database) to schema.prisma. This is
 * `prisma migrate dev --create-only`; applying it is `deployMigrations`.
 */
export async function createMigration(
  connection: MigrationConnection,
  name: string,
  options: { directory?: string; schemaPath?: string; now?: Date } = {},
): Promise<CreateMigrationResult> {
  if (!/^[a-z0-9_]+$/.test(name)) {
    throw new Error(`migration name "${name}" must be lower-case letters, digits and underscores`);
  }
  const directory = options.directory ?? migrationsDirectory;
  const schemaPath = options.schemaPath ?? schemaFile;
  const content = await readFile(schemaPath, "utf8");
  const migrationsList = await readMigrations(directory);
  const { stdout } = await withSchemaEngine(connection, (engine) =>
    engine.diff({
      from: { tag: "migrations", ...migrationsList },
      to: { tag: "schemaDatamodel", files: [{ path: schemaPath, content }] },
      script: true,
      exitCode: null,
      filters: noFilters,
    }),
  );
  const script = stdout ?? "";
  if (script.trim() === "" || script.includes("-- This is an empty migration.")) return { script };
  const target = path.join(directory, `${timestamp(options.now ?? new Date())}_${name}`);
  await mkdir(target, { recursive: true });
  await writeFile(path.join(target, "migration.sql"), script);
  return { directory: target, script };
}
