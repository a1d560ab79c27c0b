import { createDatabase, type Database } from "./adapters/db.js";
import { createObjectStore, type ObjectStore } from "./adapters/object-store.js";
import { createSecretsReader, parseSigningKeySecret } from "./adapters/secrets.js";
import type { AppDeps } from "./app.js";
import type { Config } from "./config.js";
import type { PasswordHasher } from "./domain/passwords.js";
import { createTokenService } from "./domain/tokens.js";
import { createEmfPublisher, type EmfPublisher } from "./emf.js";
import type { MutableLifecycle } from "./http-server.js";
import { createLogger, type Logger } from "./logger.js";

export interface Runtime {
  deps: AppDeps;
  lifecycle: MutableLifecycle;
  db: Database;
  objectStore: ObjectStore;
  logger: Logger;
  /** The CloudWatch embedded metric format publisher, when `METRICS_EMF_INTERVAL_SECONDS` > 0. */
  emf?: EmfPublisher;
  /** Flushes the last application metrics, then closes the database pool. */
  close(): Promise<void>;
}

/**
 * Builds the app's dependencies from validated config: reads secrets (in AWS), opens the pool, makes
 * the S3 client. Shared by server.ts, scripts/dev.ts and the tests, so all three run the same wiring.
 */
export async function createRuntime(
  config: Config,
  options: {
    logger?: Logger;
    passwords?: PasswordHasher;
    /** Where EMF lines go (tests capture them). @default process.stdout */
    emfWrite?: (line: string) => void;
  } = {},
): Promise<Runtime> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const secrets = createSecretsReader(config.aws);
  const signingKey =
    config.appSecret.kind === "value"
      ? config.appSecret.value
      : parseSigningKeySecret(await secrets.read(config.appSecret.secretArn));
  const db = await createDatabase({ config: config.database, logger, secrets, region: config.aws.region });
  const objectStore = createObjectStore(config.aws, config.uploadsBucket);
  const lifecycle: MutableLifecycle = { shuttingDown: false };
  const emf =
    config.metrics.emfIntervalSeconds > 0
      ? createEmfPublisher({
          namespace: config.metrics.namespace,
          service: config.metrics.service,
          intervalSeconds: config.metrics.emfIntervalSeconds,
          poolStats: () => db.poolStats(),
          ...(options.emfWrite ? { write: options.emfWrite } : {}),
        })
      : undefined;
  const deps: AppDeps = {
    http: config.http,
    logger,
    db,
    objectStore,
    tokens: createTokenService(signingKey, config.http.tokenTtlSeconds),
    lifecycle,
    ...(options.passwords ? { passwords: options.passwords } : {}),
    ...(emf ? { emf } : {}),
  };
  const close = async () => {
    // After the HTTP server has drained (server.ts stops it first): the last requests are counted.
    emf?.close();
    await db.close();
  };
  return { deps, lifecycle, db, objectStore, logger, ...(emf ? { emf } : {}), close };
}
