import { Router } from "express";
import type { Registry } from "prom-client";

export interface Lifecycle {
  /** True from the moment shutdown starts; readiness reports 503 from then on. */
  readonly shuttingDown: boolean;
}

export type ReadinessCheck = () => Promise<void>;

export function healthRoutes(deps: {
  lifecycle: Lifecycle;
  checks: Record<string, ReadinessCheck>;
  registry: Registry;
  /** Behind a proxy, /metrics answers only direct clients (the scraper in the task), not the internet. */
  metricsBehindProxy: boolean;
}): Router {
  const router = Router();

  // Liveness: the process serves requests. Deliberately checks nothing else, so a database outage
  // makes the service unready (taken out of the load balancer) rather than restarted in a loop.
  router.get("/healthz", (_req, res) => {
    res.json({ status: "ok" });
  });

  router.get("/readyz", async (_req, res) => {
    res.setHeader("Cache-Control", "no-store");
    if (deps.lifecycle.shuttingDown) {
      res.status(503).json({
        status: "shutting_down",
        checks: {},
        error: { code: "unavailable", message: "shutting down" },
      });
      return;
    }
    const names = Object.keys(deps.checks);
    const results = await Promise.allSettled(names.map((name) => deps.checks[name]!()));
    const checks = Object.fromEntries(
      names.map((name, index) => [name, results[index]!.status === "fulfilled" ? "ok" : "failing"]),
    );
    const failing = names.filter((_, index) => results[index]!.status === "rejected");
    if (failing.length === 0) {
      res.json({ status: "ready", checks });
      return;
    }
    res.status(503).json({
      status: "not_ready",
      checks,
      error: { code: "unavailable", message: `failing checks: ${failing.join(", ")}` },
    });
  });

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
