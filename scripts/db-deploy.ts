// npm run db:deploy — applies pending migrations from service/prisma/migrations to the database the
// environment names (DATABASE_URL locally; DATABASE_SECRET_ARN + DATABASE_HOST/NAME in AWS), creating
// DATABASE_SCHEMA (or ?schema=) first if needed. With DATABASE_APP_ROLE (every AWS environment's
// migration task) it also creates that application role and the schema's owner role
// `<role>_owner`, hands the schema to the owner, migrates as the owner and grants the application
// role data access only (service/migrate/deploy.ts). Safe to run twice, and from two processes at once.
import { ConfigError } from "../service/config.js";
import { migrationConnectionFromEnv } from "../service/migrate/connection.js";
import { deployMigrations } from "../service/migrate/deploy.js";

try {
  const connection = await migrationConnectionFromEnv();
  const { schema, applied, roles } = await deployMigrations(connection);
  console.log(
    applied.length === 0
      ? `db:deploy: schema "${schema}" is up to date`
      : `db:deploy: applied ${applied.length} migration(s) to schema "${schema}": ${applied.join(", ")}`,
  );
  if (roles) {
    console.log(
      `db:deploy: schema "${schema}" is owned by "${roles.owner}"; "${roles.app}" may read and write its rows`,
    );
  }
} catch (error) {
  if (error instanceof ConfigError) {
    for (const problem of error.problems) console.error(`config: ${problem}`);
  } else {
    console.error("db:deploy failed:", error instanceof Error ? error.message : error);
  }
  process.exitCode = 1;
}
