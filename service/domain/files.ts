import { randomUUID } from "node:crypto";
import { pipeline, type Readable } from "node:stream";
import type { Logger } from "pino";
import type { ObjectStore, StoredObject } from "../adapters/object-store.js";
import { notFound } from "../errors.js";
import type { PrismaClient } from "../generated/prisma/client.js";
import { byteCounter } from "./byte-streams.js";
import { after, newestFirst, type Page, toPage } from "./pagination.js";

export interface FileView {
  id: string;
  name: string;
  size: number;
  contentType: string;
  createdAt: string;
}

interface FileRow {
  id: string;
  name: string;
  size: bigint | null;
  contentType: string;
  createdAt: Date;
}

const view = (row: FileRow): FileView => ({
  id: row.id,
  name: row.name,
  size: Number(row.size ?? 0),
  contentType: row.contentType,
  createdAt: row.createdAt.toISOString(),
});

/** Server-generated; the client's file name never reaches the key. */
export const fileObjectKey = (userId: string) => `users/${userId}/files/${randomUUID()}`;

export interface NewFile {
  name: string;
  contentType: string;
  body: Readable;
}

export interface FileService {
  /**
   * Streams `body` into the object store. The row is written first (status `uploading`, invisible),
   * flipped to `ready` only once the object is complete, and removed together with any partial
   * object if `body` fails or is aborted.
   */
  upload(userId: string, file: NewFile): Promise<FileView>;
  list(userId: string, query: { limit: number; cursor?: string }): Promise<Page<FileView>>;
  get(userId: string, fileId: string): Promise<FileView>;
  open(userId: string, fileId: string): Promise<{ file: FileView; object: StoredObject }>;
  /** Marks the row `deleting` (hidden at once), deletes the object, then the row. */
  remove(userId: string, fileId: string): Promise<void>;
  /**
   * Finishes what a crash interrupted: rows left `deleting`, and rows left `uploading` for longer
   * than any upload can take, lose their object (and the row). Safe to run from every instance.
   */
  reapInterrupted(options?: { uploadingOlderThanMs?: number; deletingOlderThanMs?: number }): Promise<number>;
}

export function createFileService(deps: {
  prisma: PrismaClient;
  objectStore: ObjectStore;
  logger: Logger;
}): FileService {
  const { prisma, objectStore, logger } = deps;

  async function discard(row: { id: string; objectKey: string }): Promise<void> {
    await objectStore.delete(row.objectKey);
    await prisma.file.deleteMany({ where: { id: row.id } });
  }

  async function findReady(userId: string, fileId: string) {
    const row = await prisma.file.findFirst({ where: { id: fileId, userId, status: "ready" } });
    if (!row) throw notFound("file");
    return row;
  }

  return {
    async upload(userId, { name, contentType, body }) {
      const row = await prisma.file.create({
        data: { userId, name, contentType, objectKey: fileObjectKey(userId), status: "uploading" },
      });
      const counter = byteCounter();
      pipeline(body, counter, () => {});
      try {
        await objectStore.put(row.objectKey, counter, contentType);
        return view(
          await prisma.file.update({ where: { id: row.id }, data: { status: "ready", size: counter.bytes } }),
        );
      } catch (error) {
        body.destroy();
        await discard(row).catch((cleanupError: unknown) =>
          // The row stays `uploading`; reapInterrupted removes it and its object later.
          logger.error({ err: cleanupError, fileId: row.id }, "could not clean up a failed upload"),
        );
        throw error;
      }
    },

    async list(userId, { limit, cursor }) {
      const rows = await prisma.file.findMany({
        where: { userId, status: "ready", ...after(cursor) },
        orderBy: newestFirst,
        take: limit + 1,
      });
      return toPage(rows, limit, view);
    },

    async get(userId, fileId) {
      return view(await findReady(userId, fileId));
    },

    async open(userId, fileId) {
      const row = await findReady(userId, fileId);
      const object = await objectStore.get(row.objectKey);
      if (!object) throw notFound("file");
      return { file: view(row), object };
    },

    async remove(userId, fileId) {
      const row = await findReady(userId, fileId);
      const { count } = await prisma.file.updateMany({
        where: { id: row.id, status: "ready" },
        data: { status: "deleting" },
      });
      if (count === 0) throw notFound("file");
      await discard(row);
    },

    async reapInterrupted({ uploadingOlderThanMs = 24 * 3600_000, deletingOlderThanMs = 5 * 60_000 } = {}) {
      const now = Date.now();
      const rows = await prisma.file.findMany({
        where: {
          OR: [
            { status: "uploading", updatedAt: { lt: new Date(now - uploadingOlderThanMs) } },
            { status: "deleting", updatedAt: { lt: new Date(now - deletingOlderThanMs) } },
          ],
        },
        select: { id: true, objectKey: true },
        take: 500,
      });
      let reaped = 0;
      for (const row of rows) {
        try {
          await discard(row);
          reaped += 1;
        } catch (error) {
          logger.warn({ err: error, fileId: row.id }, "could not reap an interrupted file");
        }
      }
      return reaped;
    },
  };
}
