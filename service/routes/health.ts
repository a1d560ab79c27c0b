import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { Router } from "express";
import type { Registry } from "prom-client";

export interface Lifecycle {
  /** True from the moment shutdown starts; readiness reports 503 from then on. */
  readonly shuttingDown: boolean;
}

export type ReadinessCheck = () => Promise<void>;

/**
 * `GET /healthz` and `GET /readyz` on plain node:http request and response objects. The load
 * balancer and the container health check call them every few seconds per task; they need nothing
 * from Express or the middleware (access log, request metrics, browser security headers, CORS), so
 * `requestListener` (app.ts) answers them before Express sees the request. The same handler is the
 * app's first middleware too, so a server given the bare Express app answers them identically.
 */
export interface Probes {
  /** Answers the request and returns true when it is a probe; otherwise touches nothing. */
  answer(req: IncomingMessage, res: ServerResponse): boolean;
}

const requestIdPattern = /^[A-Za-z0-9._:-]{1,128}$/;

/** The caller's request id when it is sane, else a new one (the app's rule for every response). */
export function requestIdOf(req: IncomingMessage): string {
  const incoming = req.headers["x-request-id"];
  return typeof incoming === "string" && requestIdPattern.test(incoming) ? incoming : randomUUID();
}

const liveBody = JSON.stringify({ status: "ok" });
const shuttingDownBody = JSON.stringify({
  status: "shutting_down",
  checks: {},
  error: { code: "unavailable", message: "shutting down" },
});

const failedBody = JSON.stringify({
  status: "not_ready",
  checks: {},
  error: { code: "unavailable", message: "readiness could not be determined" },
});

/** The path of an origin-form request target, without its query string. */
function pathOf(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  const query = url.indexOf("?");
  return query === -1 ? url : url.slice(0, query);
}

export function healthProbes(deps: { lifecycle: Lifecycle; checks: Record<string, ReadinessCheck> }): Probes {
  const names = Object.keys(deps.checks);

  function send(req: IncomingMessage, res: ServerResponse, status: number, body: string): void {
    res.writeHead(status, {
      "Content-Type": "application/json; charset=utf-8",
      "Content-Length": Buffer.byteLength(body),
      "Cache-Control": "no-store",
      "X-Content-Type-Options": "nosniff",
      "X-Request-Id": requestIdOf(req),
      // While shutting down, let keep-alive clients know to reconnect (elsewhere) after this response.
      ...(deps.lifecycle.shuttingDown ? { Connection: "close" } : {}),
    });
    res.end(body);
  }

  async function readiness(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (deps.lifecycle.shuttingDown) return send(req, res, 503, shuttingDownBody);
    const results = await Promise.allSettled(names.map((name) => deps.checks[name]!()));
    const checks = Object.fromEntries(
      names.map((name, index) => [name, results[index]!.status === "fulfilled" ? "ok" : "failing"]),
    );
    const failing = names.filter((_, index) => results[index]!.status === "rejected");
    if (failing.length === 0) return send(req, res, 200, JSON.stringify({ status: "ready", checks }));
    send(
      req,
      res,
      503,
      JSON.stringify({
        status: "not_ready",
        checks,
        error: { code: "unavailable", message: `failing checks: ${failing.join(", ")}` },
      }),
    );
  }

  return {
    answer(req, res) {
      if (req.method !== "GET" && req.method !== "HEAD") return false;
      const path = pathOf(req.url);
      // Liveness: the process serves requests. Deliberately checks nothing else, so a database
      // outage makes the service unready (taken out of the load balancer), not restarted in a loop.
      if (path === "/healthz") {
        send(req, res, 200, liveBody);
        return true;
      }
      if (path === "/readyz") {
        readiness(req, res).catch(() => {
          if (res.headersSent) return void res.destroy();
          send(req, res, 503, failedBody);
        });
        return true;
      }
      return false;
    },
  };
}

/** `GET /metrics`: Prometheus text. Behind a proxy it answers only direct clients (the scraper in the task). */
export function metricsRoutes(deps: { registry: Registry; metricsBehindProxy: boolean }): Router {
  const router = Router();
  router.get("/metrics", async (req, res, next) => {
    if (deps.metricsBehindProxy && req.headers["x-forwarded-for"] !== undefined) {
      next();
      return;
    }
    res.setHeader("Content-Type", deps.registry.contentType);
    res.send(await deps.registry.metrics());
  });
  return router;
}
