import { connectionSettings, secretCredentialSource } from "../adapters/db.js";
import { createSecretsReader } from "../adapters/secrets.js";
import { loadDatabaseConfig } from "../config.js";
import type { MigrationConnection } from "./schema-engine.js";

/** The migration target from the same variables the service reads (DATABASE_URL, or the secret + host). */
export async function migrationConnectionFromEnv(
  env: NodeJS.ProcessEnv = process.env,
): Promise<MigrationConnection> {
  const { database, aws } = loadDatabaseConfig(env);
  const credentials =
    database.source.kind === "secret"
      ? secretCredentialSource(createSecretsReader(aws), database.source.secretArn)
      : undefined;
  return { client: await connectionSettings(database, credentials), schema: database.schema };
}
