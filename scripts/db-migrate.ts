// npm run db:migrate -- --name <name> — writes a new migration for the changes in
// service/prisma/schema.prisma. The history is replayed on a throw-away shadow database; with no
// DATABASE_URL set, the local PostgreSQL of `npm run dev` (.local/postgres) provides it.
import { parseArgs } from "node:util";
import { startLocalStack } from "../service/local/dev-stack.js";
import { migrationConnectionFromEnv } from "../service/migrate/connection.js";
import { createMigration } from "../service/migrate/create.js";

const { values } = parseArgs({ options: { name: { type: "string" } } });
if (!values.name) {
  console.error("usage: npm run db:migrate -- --name <lower_snake_case_name>");
  process.exit(2);
}

const local =
  process.env.DATABASE_URL || process.env.DATABASE_SECRET_ARN
    ? undefined
    : await startLocalStack({ withS3: false });
try {
  const connection = await migrationConnectionFromEnv({ ...process.env, ...local?.env });
  const result = await createMigration(connection, values.name);
  console.log(
    result.directory
      ? `db:migrate: wrote ${result.directory}/migration.sql — apply it with npm run db:deploy`
      : "db:migrate: schema.prisma matches the migrations; nothing to write",
  );
} catch (error) {
  console.error("db:migrate failed:", error instanceof Error ? error.message : error);
  process.exitCode = 1;
} finally {
  await local?.stop();
}
