// npm run db:deploy — applies pending migrations from service/prisma/migrations to the database the
// environment names (DATABASE_URL locally; DATABASE_SECRET_ARN + DATABASE_HOST/NAME in AWS), creating
// DATABASE_SCHEMA (or ?schema=) first if needed. Safe to run twice, and from two processes at once.
import { ConfigError } from "../service/config.js";
import { migrationConnectionFromEnv } from "../service/migrate/connection.js";
import { deployMigrations } from "../service/migrate/deploy.js";

try {
  const connection = await migrationConnectionFromEnv();
  const { schema, applied } = await deployMigrations(connection);
  console.log(
    applied.length === 0
      ? `db:deploy: schema "${schema}" is up to date`
      : `db:deploy: applied ${applied.length} migration(s) to schema "${schema}": ${applied.join(", ")}`,
  );
} catch (error) {
  if (error instanceof ConfigError) {
    for (const problem of error.problems) console.error(`config: ${problem}`);
  } else {
    console.error("db:deploy failed:", error instanceof Error ? error.message : error);
  }
  process.exitCode = 1;
}
