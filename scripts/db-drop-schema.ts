// Drops a preview environment's PostgreSQL schema (`pr_<N>`) and everything in it. Run by
// `preview:down` as a one-off ECS task of the preview's own migration task definition, so it signs in
// as the migration does (DATABASE_SECRET_ARN + DATABASE_HOST/NAME, or
// DATABASE_URL, with DATABASE_SCHEMA), and drops the preview's own login role (DATABASE_APP_ROLE) and
// the role that owned its schema (`<role>_owner`) with it. It refuses any schema that is not a
// preview's: it can never drop `public` or another environment's data. Dropping a schema (or roles)
// already gone succeeds.
import pg from "pg";
import { ConfigError } from "../service/config.js";
import { migrationConnectionFromEnv } from "../service/migrate/connection.js";
import { dropSchemaAndRole, ownerRoleOf } from "../service/migrate/deploy.js";

const PREVIEW_SCHEMA = /^pr_[1-9]\d{0,5}$/;

try {
  const { client: settings, schema, appRole } = await migrationConnectionFromEnv();
  if (!PREVIEW_SCHEMA.test(schema)) {
    throw new ConfigError([
      `DATABASE_SCHEMA: refusing to drop "${schema}": only preview schemas (pr_<N>) are dropped`,
    ]);
  }
  if (appRole !== undefined && appRole !== schema) {
    throw new ConfigError([
      `DATABASE_APP_ROLE: refusing to drop "${appRole}": only the preview's own role (${schema}) is dropped`,
    ]);
  }
  const client = new pg.Client(settings);
  await client.connect();
  try {
    await dropSchemaAndRole(client, schema, appRole);
  } finally {
    await client.end();
  }
  console.log(
    `db:drop-schema: schema "${schema}"${appRole ? ` and roles "${appRole}", "${ownerRoleOf(appRole)}" are` : " is"} gone`,
  );
} catch (error) {
  if (error instanceof ConfigError) {
    for (const problem of error.problems) console.error(`config: ${problem}`);
  } else {
    console.error("db:drop-schema failed:", error instanceof Error ? error.message : error);
  }
  process.exitCode = 1;
}
