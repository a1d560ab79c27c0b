import { AppError } from "../errors.js";

export interface Page<T> {
  items: T[];
  /** Opaque; pass back as `cursor` for the next (older) page. Null on the last page. */
  nextCursor: string | null;
}

interface Position {
  createdAt: Date;
  id: string;
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function encodeCursor(position: Position): string {
  return Buffer.from(JSON.stringify([position.createdAt.toISOString(), position.id])).toString("base64url");
}

export function decodeCursor(cursor: string): Position {
  try {
    const [createdAt, id] = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as unknown[];
    const date = new Date(String(createdAt));
    const year = date.getUTCFullYear();
    // Only what encodeCursor writes: a real row's time, within PostgreSQL's timestamp range.
    if (typeof id === "string" && uuidPattern.test(id) && year >= 1 && year <= 9999) {
      return { createdAt: date, id };
    }
  } catch {
    // fall through
  }
  throw new AppError("invalid_request", "cursor is not valid");
}

/**
 * Keyset pagination, newest first: rows strictly after the cursor in (createdAt desc, id desc).
 * Stable under concurrent inserts and deletes, unlike offsets or Prisma's row cursors.
 */
export function after(cursor: string | undefined) {
  if (cursor === undefined) return {};
  const { createdAt, id } = decodeCursor(cursor);
  return { OR: [{ createdAt: { lt: createdAt } }, { createdAt, id: { lt: id } }] };
}

export const newestFirst = [{ createdAt: "desc" as const }, { id: "desc" as const }];

/** Query `limit + 1` rows; this trims the extra one and turns it into the next cursor. */
export function toPage<R extends Position, T>(rows: R[], limit: number, view: (row: R) => T): Page<T> {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return {
    items: items.map(view),
    nextCursor: rows.length > limit && last ? encodeCursor(last) : null,
  };
}
