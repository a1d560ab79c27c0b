import type { NextFunction, Request, Response } from "express";
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import type { PoolStats } from "./adapters/db.js";
import { type EmfPublisher, UNMATCHED_ROUTE } from "./emf.js";

export interface Metrics {
  registry: Registry;
  /** Records count and latency of every request, labelled by route pattern (not raw path) and status. */
  middleware(req: Request, res: Response, next: NextFunction): void;
  /**
   * Put first in a mounted router's chain: remembers its mount path, which Express has already
   * restored by the time an error response finishes, so the route label stays the pattern.
   */
  mountPoint(req: Request, res: Response, next: NextFunction): void;
  /** Counts the bytes of a completed upload (`POST /api/files`). */
  recordUpload(bytes: number): void;
}

/**
 * One registry per app instance, so several apps in one process (tests) never share series. With
 * `emf`, every request and upload is also handed to the CloudWatch embedded metric format
 * publisher, under the same route label.
 */
export function createMetrics(poolStats: () => PoolStats, emf?: EmfPublisher): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const labelNames = ["method", "route", "status"] as const;
  const requests = new Counter({
    name: "http_requests_total",
    help: "HTTP requests served, by method, route pattern and status.",
    labelNames,
    registers: [registry],
  });
  const duration = new Histogram({
    name: "http_request_duration_seconds",
    help: "HTTP request latency, by method, route pattern and status.",
    labelNames,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  const uploadBytes = new Counter({
    name: "upload_bytes_total",
    help: "Bytes of files stored by completed uploads (POST /api/files).",
    registers: [registry],
  });
  new Gauge({
    name: "db_pool_connections",
    help: "PostgreSQL pool connections by state (total, idle) and requests waiting for one (waiting).",
    labelNames: ["state"],
    registers: [registry],
    collect() {
      const stats = poolStats();
      this.set({ state: "total" }, stats.total);
      this.set({ state: "idle" }, stats.idle);
      this.set({ state: "waiting" }, stats.waiting);
    },
  });

  return {
    registry,
    middleware(req, res, next) {
      const stop = duration.startTimer();
      res.once("close", () => {
        const base = typeof res.locals.mountPoint === "string" ? res.locals.mountPoint : req.baseUrl;
        const route = req.route ? `${base}${String(req.route.path)}` : UNMATCHED_ROUTE;
        // 499: the client went away before the response was complete (nginx's convention).
        const status = res.writableFinished ? String(res.statusCode) : "499";
        const labels = { method: req.method, route, status };
        requests.inc(labels);
        const seconds = stop(labels);
        emf?.recordRequest(req.method, route, res.writableFinished ? res.statusCode : 499, seconds);
      });
      next();
    },
    mountPoint(req, res, next) {
      res.locals.mountPoint = req.baseUrl;
      next();
    },
    recordUpload(bytes) {
      uploadBytes.inc(bytes);
      emf?.recordUpload(bytes);
    },
  };
}
