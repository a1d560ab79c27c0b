import { notFound, prismaErrorCode } from "../errors.js";
import type { PrismaClient } from "../generated/prisma/client.js";
import { after, newestFirst, type Page, toPage } from "./pagination.js";

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

/** The columns a view needs: what the API returns, nothing else read or converted. */
const viewColumns = {
  id: true,
  title: true,
  notes: true,
  done: true,
  dueAt: true,
  createdAt: true,
  updatedAt: true,
} as const;

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
  list(userId: string, query: { limit: number; cursor?: string; done?: boolean }): Promise<Page<TaskView>>;
  create(userId: string, task: NewTask): Promise<TaskView>;
  /** Another user's task is indistinguishable from a missing one: AppError(not_found). */
  get(userId: string, taskId: string): Promise<TaskView>;
  update(userId: string, taskId: string, changes: TaskChanges): Promise<TaskView>;
  remove(userId: string, taskId: string): Promise<void>;
}

export function createTaskService({ prisma }: { prisma: PrismaClient }): TaskService {
  return {
    async list(userId, { limit, cursor, done }) {
      const rows = await prisma.task.findMany({
        where: { userId, ...(done === undefined ? {} : { done }), ...after(cursor) },
        orderBy: newestFirst,
        take: limit + 1,
        select: viewColumns,
      });
      return toPage(rows, limit, view);
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
