import type { NextFunction, Request, Response } from "express";
import multer from "multer";
import type { Logger } from "pino";
import { AppError, type ErrorCode, httpStatusFor, prismaErrorCode } from "../errors.js";

/** Prisma's "cannot reach / lost / timed out / pool exhausted / rejected credentials" errors. */
const databaseUnavailableCodes = new Set(["P1000", "P1001", "P1002", "P1008", "P1017", "P2024"]);
/**
 * The same conditions as the driver adapter reports them: a raw query (`$queryRaw`) fails with
 * P2010 "Raw query failed" and the adapter's error kind, where a built query would get the P1xxx
 * code above.
 */
const databaseUnavailableKinds = new Set([
  "AuthenticationFailed",
  "DatabaseNotReachable",
  "SocketTimeout",
  "ConnectionClosed",
]);

/**
 * And as `pg` reports them for statements run through the pool directly (`Database.rows`): socket
 * errors, SQLSTATE class 08 (connection exception), 57P01–57P03 (shutting down, crashed, starting),
 * 53300 (too many connections), 28P01/28000 (credentials refused).
 */
const driverUnavailableCodes = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "ENOTFOUND",
  "EAI_AGAIN",
  "08000",
  "08001",
  "08003",
  "08004",
  "08006",
  "57P01",
  "57P02",
  "57P03",
  "53300",
  "28P01",
  "28000",
]);
const driverUnavailableMessages = /^(Connection terminated|timeout exceeded when trying to connect)/;

function databaseUnavailable(error: unknown): boolean {
  const driverCode = (error as { code?: unknown } | undefined)?.code;
  if (typeof driverCode === "string" && driverUnavailableCodes.has(driverCode)) return true;
  if (error instanceof Error && driverUnavailableMessages.test(error.message)) return true;
  const code = prismaErrorCode(error);
  if (code === "P2010") {
    const meta = (error as { meta?: { driverAdapterError?: { cause?: { kind?: unknown } } } }).meta;
    return databaseUnavailableKinds.has(String(meta?.driverAdapterError?.cause?.kind));
  }
  return code !== undefined && databaseUnavailableCodes.has(code);
}

function fromMulter(error: multer.MulterError): AppError {
  if (error.code === "LIMIT_FILE_SIZE")
    return new AppError("payload_too_large", "file is larger than allowed");
  if (error.code === "LIMIT_UNEXPECTED_FILE") {
    return new AppError("invalid_request", `unexpected file field ${error.field ?? ""}`.trim());
  }
  return new AppError("invalid_request", `malformed multipart body: ${error.message}`);
}

/** body-parser marks its errors with `type`; these are the client's fault and safe to describe. */
function fromBodyParser(error: { type?: unknown }): AppError | undefined {
  switch (error.type) {
    case "entity.too.large":
      return new AppError("payload_too_large", "request body is larger than allowed");
    case "entity.parse.failed":
      return new AppError("invalid_request", "request body is not valid JSON");
    case "encoding.unsupported":
    case "charset.unsupported":
      return new AppError("unsupported_media_type", "request body encoding is not supported");
    case "request.aborted":
      return new AppError("invalid_request", "request was aborted");
    default:
      return undefined;
  }
}

export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (error instanceof multer.MulterError) return fromMulter(error);
  const bodyError = fromBodyParser((error ?? {}) as { type?: unknown });
  if (bodyError) return bodyError;
  if (databaseUnavailable(error)) {
    return new AppError("unavailable", "the database is unavailable; try again shortly", { cause: error });
  }
  if (
    error instanceof Error &&
    /^Unexpected end of form|^Multipart: Boundary not found/.test(error.message)
  ) {
    return new AppError("invalid_request", "malformed multipart body");
  }
  return new AppError("internal", "internal server error", { cause: error });
}

/**
 * The one place an error becomes a response: `{"error":{"code","message"}}` with the status for its
 * code. Unexpected errors are logged with their stack and answered with a generic message.
 */
export function errorHandler(logger: Logger) {
  return (error: unknown, req: Request, res: Response, _next: NextFunction) => {
    const appError = toAppError(error);
    const status = httpStatusFor[appError.code as ErrorCode];
    if (appError.code === "internal" || appError.code === "unavailable") {
      logger.error({ err: error }, "request failed");
    }
    if (appError.code === "unavailable") res.setHeader("Retry-After", "5");
    if (res.headersSent) {
      // Too late for a JSON error (e.g. a download failed midway): cut the connection so the client
      // sees an incomplete response rather than a truncated success.
      res.destroy();
      return;
    }
    if (status === 413 && !req.readableEnded) {
      // Do not read the rest of an oversized body just to discard it.
      res.setHeader("Connection", "close");
    }
    res.status(status).json({ error: { code: appError.code, message: appError.message } });
  };
}
