import { pipeline } from "node:stream";
import { Router } from "express";
import type { FileService, FileView } from "../domain/files.js";
import { currentUserId } from "./authenticate.js";
import { streamingUpload } from "./multipart.js";
import { idParams, pageQuery, parse } from "./validation.js";

/** A declared type is kept only if it looks like one; it is metadata, never trusted for rendering. */
function contentTypeOf(declared: string): string {
  return /^[a-z0-9][a-z0-9!#$&^_.+-]{0,126}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$/i.test(declared)
    ? declared.toLowerCase()
    : "application/octet-stream";
}

/** The client's file name, reduced to something safe to store and echo back. */
function displayName(original: string): string {
  const base = original.split(/[\\/]/).pop() ?? "";
  const cleaned = Array.from(base)
    .filter((char) => char.charCodeAt(0) >= 0x20 && char.charCodeAt(0) !== 0x7f)
    .join("")
    .trim()
    .slice(0, 255);
  return cleaned === "" ? "file" : cleaned;
}

export function fileRoutes({
  files,
  maxUploadBytes,
  onUploaded,
}: {
  files: FileService;
  maxUploadBytes: number;
  /** Told the size of every file stored (the upload metrics). */
  onUploaded?: (bytes: number) => void;
}): Router {
  const router = Router();

  router.post(
    "/",
    ...streamingUpload<FileView>({
      field: "file",
      maxBytes: maxUploadBytes,
      store: (_req, res, file) =>
        files.upload(currentUserId(res), {
          name: displayName(file.originalName),
          contentType: contentTypeOf(file.declaredType),
          body: file.body,
        }),
      discard: (_req, res, stored) => files.remove(currentUserId(res), stored.id),
    }),
    (_req, res) => {
      const stored = res.locals.upload as FileView;
      onUploaded?.(stored.size);
      res.status(201).json(stored);
    },
  );

  router.get("/", async (req, res) => {
    const query = parse(pageQuery.strict(), req.query);
    res.json(await files.list(currentUserId(res), query));
  });

  router.get("/:id", async (req, res) => {
    const { id } = parse(idParams, req.params);
    res.json(await files.get(currentUserId(res), id));
  });

  router.get("/:id/content", async (req, res, next) => {
    const { id } = parse(idParams, req.params);
    const { file, object } = await files.open(currentUserId(res), id);
    res.attachment(file.name);
    res.setHeader("Content-Type", file.contentType);
    res.setHeader("X-Content-Type-Options", "nosniff");
    res.setHeader("Cache-Control", "private, no-store");
    if (object.contentLength !== undefined) res.setHeader("Content-Length", object.contentLength);
    pipeline(object.body, res, (error) => {
      if (error && !req.destroyed) next(error);
    });
  });

  router.delete("/:id", async (req, res) => {
    const { id } = parse(idParams, req.params);
    await files.remove(currentUserId(res), id);
    res.status(204).end();
  });

  return router;
}
