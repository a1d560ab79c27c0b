import { PassThrough, type Readable } from "node:stream";
import type { NextFunction, Request, RequestHandler, Response } from "express";
import multer from "multer";
import { AppError } from "../errors.js";

/** Slack for multipart framing when a declared Content-Length is compared with the file limit. */
const framingAllowance = 64 * 1024;

export interface IncomingFile {
  originalName: string;
  declaredType: string;
  body: Readable;
}

export interface StreamingUploadOptions<T> {
  field: string;
  maxBytes: number;
  /** Consumes `file.body` (e.g. into S3). Must reject if `body` errors. */
  store(req: Request, res: Response, file: IncomingFile): Promise<T>;
  /** Undoes a completed `store` when multer fails the request afterwards (e.g. a second file part). */
  discard?(req: Request, res: Response, stored: T): Promise<void>;
}

/**
 * Multer with a storage engine that never buffers: the file part streams from the socket straight
 * into `store`. If the part exceeds `maxBytes` or the client disconnects, the stream handed to
 * `store` errors, so the upload fails and `store` cleans up after itself. The result of `store`
 * is left in `res.locals.upload`.
 */
export function streamingUpload<T>(options: StreamingUploadOptions<T>): RequestHandler[] {
  const storage: multer.StorageEngine = {
    _handleFile(req, file, callback) {
      const body = new PassThrough();
      const fail = (error: Error) => {
        if (!body.destroyed) body.destroy(error);
      };
      file.stream.on("limit", () =>
        fail(new AppError("payload_too_large", `${options.field} is larger than ${options.maxBytes} bytes`)),
      );
      file.stream.on("error", fail);
      const onClose = () => {
        if (!req.readableEnded) fail(new Error("client disconnected during the upload"));
      };
      req.once("close", onClose);
      file.stream.pipe(body);
      const res = (req as Request & { res: Response }).res;
      options
        .store(req as Request, res, {
          originalName: file.originalname,
          declaredType: file.mimetype,
          body,
        })
        .then(
          (result) => {
            res.locals.upload = result;
            callback(null, {});
          },
          (error: Error) => {
            file.stream.resume();
            callback(error);
          },
        )
        .finally(() => req.off("close", onClose));
    },
    _removeFile(req, _file, callback) {
      // Multer calls this only for a part whose `store` resolved and a request that failed later.
      const res = (req as Request & { res: Response }).res;
      const stored = res.locals.upload as T | undefined;
      res.locals.upload = undefined;
      if (stored === undefined || !options.discard) return callback(null);
      options.discard(req as Request, res, stored).then(() => callback(null), callback);
    },
  };

  const upload = multer({
    storage,
    limits: {
      fileSize: options.maxBytes,
      files: 1,
      fields: 10,
      parts: 11,
      fieldSize: 4096,
      headerPairs: 100,
    },
  }).single(options.field);

  const precheck = (req: Request, _res: Response, next: NextFunction) => {
    if (!req.is("multipart/form-data")) {
      throw new AppError(
        "unsupported_media_type",
        `expected multipart/form-data with a field named ${options.field}`,
      );
    }
    const declared = Number(req.headers["content-length"]);
    if (Number.isFinite(declared) && declared > options.maxBytes + framingAllowance) {
      throw new AppError("payload_too_large", `${options.field} is larger than ${options.maxBytes} bytes`);
    }
    next();
  };

  const requireFile = (_req: Request, res: Response, next: NextFunction) => {
    if (res.locals.upload === undefined) {
      throw new AppError("invalid_request", `multipart field ${options.field} is required`);
    }
    next();
  };

  return [precheck, upload, requireFile];
}
