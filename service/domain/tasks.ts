import type { Database, Statement } from "../adapters/db.js";
import { notFound, prismaErrorCode } from "../errors.js";
import type { PrismaClient } from "../generated/prisma/client.js";
import { decodeCursor, type Page, toPage } from "./pagination.js";

export interface TaskView {
  id: string;
  title: string;
  notes: string | null;
  done: boolean;
  dueAt: string | null;
  createdAt: string;
  updatedAt: string;
}

interface TaskRow {
  id: string;
  title: string;
  notes: string | null;
  done: boolean;
  dueAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

const view = (row: TaskRow): TaskView => ({
  id: row.id,
  title: row.title,
  notes: row.notes,
  done: row.done,
  dueAt: row.dueAt?.toISOString() ?? null,
  createdAt: row.createdAt.toISOString(),
  updatedAt: row.updatedAt.toISOString(),
});

export interface NewTask {
  title: string;
  notes?: string | null;
  dueAt?: Date | null;
}

export interface TaskChanges {
  title?: string;
  notes?: string | null;
  done?: boolean;
  dueAt?: Date | null;
}

export interface TaskService {
  list(userId: string, query: ListQuery): Promise<Page<TaskView>>;
  create(userId: string, task: NewTask): Promise<TaskView>;
  /** Another user's task is indistinguishable from a missing one: AppError(not_found). */
  get(userId: string, taskId: string): Promise<TaskView>;
  update(userId: string, taskId: string, changes: TaskChanges): Promise<TaskView>;
  remove(userId: string, taskId: string): Promise<void>;
}

/** A listing's filter and page: newest first, `limit` items after `cursor`, optionally only `done` ones. */
export interface ListQuery {
  readonly limit: number;
  readonly cursor?: string;
  readonly done?: boolean;
}

/**
 * The task list as one parameterised statement: the same columns, order and keyset as a findMany
 * with `after(cursor)` (one row more than `limit`, to know whether a next page exists). The
 * (user_id[, done], created_at, id) indexes serve it; the schema is the connection's search_path.
 * Run through the database's pool directly: on this, the hottest read, Prisma's own work cost more
 * than the query (bench/RESULTS.md). The benchmark's baseline runs this same statement.
 */
export function listStatement(userId: string, { limit, cursor, done }: ListQuery): Statement {
  const values: unknown[] = [userId];
  const where = ["user_id = $1::uuid"];
  if (done !== undefined) {
    values.push(done);
    where.push(`done = $${values.length}`);
  }
  if (cursor !== undefined) {
    const { createdAt, id } = decodeCursor(cursor);
    values.push(createdAt, id);
    where.push(`(created_at, id) < ($${values.length - 1}::timestamptz, $${values.length}::uuid)`);
  }
  values.push(limit + 1);
  return {
    text: `SELECT id, title, notes, done, due_at AS "dueAt", created_at AS "createdAt", updated_at AS "updatedAt" FROM tasks WHERE ${where.join(" AND ")} ORDER BY created_at DESC, id DESC LIMIT $${values.length}`,
    values,
  };
}

export function createTaskService({
  prisma,
  rows,
}: {
  prisma: PrismaClient;
  rows: Database["rows"];
}): TaskService {
  return {
    async list(userId, query) {
      return toPage(await rows<TaskRow>(listStatement(userId, query)), query.limit, view);
    },
    async create(userId, task) {
      return view(await prisma.task.create({ data: { ...task, userId } }));
    },
    async get(userId, taskId) {
      const row = await prisma.task.findFirst({ where: { id: taskId, userId } });
      if (!row) throw notFound("task");
      return view(row);
    },
    async update(userId, taskId, changes) {
      try {
        return view(await prisma.task.update({ where: { id: taskId, userId }, data: changes }));
      } catch (error) {
        if (prismaErrorCode(error) === "P2025") throw notFound("task");
        throw error;
      }
    },
    async remove(userId, taskId) {
      const { count } = await prisma.task.deleteMany({ where: { id: taskId, userId } });
      if (count === 0) throw notFound("task");
    },
  };
}
