import { once } from "node:events";
import type { RequestListener } from "node:http";
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { Logger } from "./logger.js";

export interface MutableLifecycle {
  shuttingDown: boolean;
}

export interface RunningServer {
  server: http.Server;
  url: string;
  port: number;
  /**
   * Graceful stop: readiness turns 503 at once, the listener closes, idle keep-alive connections
   * are closed, requests in flight finish (their responses say `Connection: close`), and after
   * `shutdownTimeoutMs` whatever is left is cut. Resolves when no connection remains.
   */
  shutdown(): Promise<void>;
}

export interface StartOptions {
  port: number;
  host?: string;
  lifecycle: MutableLifecycle;
  shutdownTimeoutMs: number;
  logger: Logger;
}

export async function startHttpServer(app: RequestListener, options: StartOptions): Promise<RunningServer> {
  const server = http.createServer(
    {
      // Above the ALB's 60 s idle timeout, so the load balancer, not the service, closes idle connections.
      keepAliveTimeout: 65_000,
      headersTimeout: 66_000,
      // Uploads of up to MAX_UPLOAD_BYTES can take a while; the socket idle timeout below still applies.
      requestTimeout: 0,
    },
    app,
  );
  server.setTimeout(120_000);
  server.listen(options.port, options.host ?? "0.0.0.0");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  const host = options.host && options.host !== "0.0.0.0" ? options.host : "127.0.0.1";

  let stopping: Promise<void> | undefined;
  const shutdown = () => {
    stopping ??= new Promise<void>((resolve) => {
      options.lifecycle.shuttingDown = true;
      options.logger.info({ timeoutMs: options.shutdownTimeoutMs }, "shutdown started: draining connections");
      const sweep = setInterval(() => server.closeIdleConnections(), 100);
      const deadline = setTimeout(() => {
        options.logger.warn("shutdown timeout reached: closing remaining connections");
        server.closeAllConnections();
      }, options.shutdownTimeoutMs);
      server.close(() => {
        clearInterval(sweep);
        clearTimeout(deadline);
        options.logger.info("all connections closed");
        resolve();
      });
      server.closeIdleConnections();
    });
    return stopping;
  };

  return { server, port, url: `http://${host}:${port}`, shutdown };
}
