import type { NextFunction, Request, Response } from "express";
import { type Logger, requestContext } from "./logger.js";

/** Probes and scrapes: frequent, uninteresting, and never logged. */
const unlogged = new Set(["/healthz", "/readyz", "/metrics"]);

/**
 * One JSON line per request when its response is done: method, URL, status, duration, and the
 * request id (from the request context, like every other line). Errors are `error`, client mistakes
 * `warn`, the rest `info`; a response the client abandoned is logged as aborted.
 *
 * Written for the hot path: no child logger per request (pino-http made one, with redaction, for
 * every request, which cost more than the rest of the middleware together on small responses).
 */
export function accessLog(logger: Logger) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (unlogged.has(req.path)) {
      next();
      return;
    }
    const started = process.hrtime.bigint();
    const context = requestContext.getStore();
    logger.debug({ method: req.method, url: req.originalUrl }, "request started");
    res.once("close", () => {
      const complete = res.writableFinished;
      const status = res.statusCode;
      const level = !complete || status >= 500 ? "error" : status >= 400 ? "warn" : "info";
      const line = {
        req: { method: req.method, url: req.originalUrl },
        res: { statusCode: status },
        responseTime: Number(process.hrtime.bigint() - started) / 1e6,
      };
      const write = () => logger[level](line, complete ? "request completed" : "request aborted");
      // 'close' may fire outside the request's async context: restore it, so the line keeps its id.
      if (context) requestContext.run(context, write);
      else write();
    });
    next();
  };
}
