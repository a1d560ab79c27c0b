import { pathToFileURL } from "node:url";
import { createApp, requestListener } from "./app.js";
import { ConfigError, loadConfig } from "./config.js";
import { type RunningServer, startHttpServer } from "./http-server.js";
import { createRuntime, type Runtime } from "./runtime.js";

export interface RunningService {
  url: string;
  runtime: Runtime;
  server: RunningServer;
  /** Graceful shutdown followed by closing the pool; idempotent. */
  stop(): Promise<void>;
}

const reapEveryMs = 10 * 60_000;

/** Config → dependencies → app → listening server, plus the periodic clean-up of interrupted files. */
export async function runService(env: NodeJS.ProcessEnv = process.env): Promise<RunningService> {
  const config = loadConfig(env);
  const runtime = await createRuntime(config);
  const app = createApp(runtime.deps);
  const server = await startHttpServer(requestListener(app), {
    port: config.port,
    lifecycle: runtime.lifecycle,
    shutdownTimeoutMs: config.shutdownTimeoutMs,
    logger: runtime.logger,
  });
  const reap = () =>
    app.locals.files
      .reapInterrupted()
      .then(
        (count) => count > 0 && runtime.logger.info({ count }, "removed files left by interrupted requests"),
      )
      .catch((error: unknown) => runtime.logger.warn({ err: error }, "file clean-up failed"));
  const reaper = setInterval(reap, reapEveryMs);
  reaper.unref();
  setTimeout(reap, 5_000).unref();

  let stopped: Promise<void> | undefined;
  const stop = () => {
    stopped ??= (async () => {
      clearInterval(reaper);
      await server.shutdown();
      // Flushes the last application metrics (EMF lines) once every request has finished.
      await runtime.close();
    })();
    return stopped;
  };
  return { url: server.url, runtime, server, stop };
}

async function main(): Promise<void> {
  let service: RunningService;
  try {
    service = await runService();
  } catch (error) {
    if (error instanceof ConfigError) {
      for (const problem of error.problems) console.error(`config: ${problem}`);
    } else {
      console.error(error);
    }
    process.exit(1);
  }
  const { logger } = service.runtime;
  logger.info({ url: service.url }, "listening");
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    process.once(signal, () => {
      logger.info({ signal }, "signal received");
      service.stop().then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error({ err: error }, "shutdown failed");
          process.exit(1);
        },
      );
    });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main();
}
