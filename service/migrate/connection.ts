import { connectionSettings, credentialSourceFor } from "../adapters/db.js";
import { createSecretsReader } from "../adapters/secrets.js";
import { ConfigError, loadDatabaseConfig } from "../config.js";
import { APP_ROLE_MAX_LENGTH } from "./deploy.js";
import { type MigrationConnection, PLAIN_IDENTIFIER } from "./schema-engine.js";

export interface MigrationTarget extends MigrationConnection {
  /**
   * `DATABASE_APP_ROLE`: the PostgreSQL role the application connects as with IAM authentication
   * (`app` in an environment, `pr_<N>` in a preview). db:deploy creates it and its schema's owner
   * role `<role>_owner` if missing, runs the migrations as the owner and grants the application role
   * data access to the schema's tables only; db:drop-schema drops both with a preview's schema.
   */
  appRole?: string;
}

/** The migration target from the same variables the service reads (DATABASE_URL, or the secret + host). */
export async function migrationConnectionFromEnv(
  env: NodeJS.ProcessEnv = process.env,
): Promise<MigrationTarget> {
  const appRole = env.DATABASE_APP_ROLE?.trim() || undefined;
  const problems: string[] = [];
  if (appRole !== undefined && !PLAIN_IDENTIFIER.test(appRole)) {
    problems.push(`DATABASE_APP_ROLE: "${appRole}" is not a lower-case PostgreSQL identifier such as pr_42`);
  } else if (appRole !== undefined && appRole.length > APP_ROLE_MAX_LENGTH) {
    problems.push(
      `DATABASE_APP_ROLE: "${appRole}" is longer than ${APP_ROLE_MAX_LENGTH} characters (its owner role adds "_owner")`,
    );
  }
  let loaded: ReturnType<typeof loadDatabaseConfig> | undefined;
  try {
    loaded = loadDatabaseConfig(env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    problems.push(...error.problems);
  }
  if (problems.length > 0 || !loaded) throw new ConfigError(problems);
  const { database, aws } = loaded;
  if (appRole !== undefined && database.source.kind === "iam" && database.source.user === appRole) {
    throw new ConfigError([
      "DATABASE_APP_ROLE: the migration must connect as the database owner (DATABASE_SECRET_ARN), not as the role it grants",
    ]);
  }
  const credentials = credentialSourceFor(database, {
    ...(database.source.kind === "secret" ? { secrets: createSecretsReader(aws) } : {}),
    region: aws.region,
  });
  return {
    client: await connectionSettings(database, credentials),
    schema: database.schema,
    ...(appRole ? { appRole } : {}),
  };
}
