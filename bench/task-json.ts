/**
 * A task row as the baselines read it, whichever column names the service's SQL gives (Prisma's
 * built queries return `due_at`, the service's raw list query aliases to `dueAt`), and the JSON the
 * service answers with for it.
 */
export interface TaskColumns {
  readonly id: string;
  readonly title: string;
  readonly notes: string | null;
  readonly done: boolean;
  readonly dueAt?: Date | null;
  readonly due_at?: Date | null;
  readonly createdAt?: Date;
  readonly created_at?: Date;
  readonly updatedAt?: Date;
  readonly updated_at?: Date;
}

/** The row's `created_at`, under either name. */
export function createdAt(row: TaskColumns): Date {
  return (row.createdAt ?? row.created_at) as Date;
}

/** The service's JSON for one task. */
export function taskJson(row: TaskColumns) {
  const due = row.dueAt ?? row.due_at ?? null;
  return {
    id: row.id,
    title: row.title,
    notes: row.notes,
    done: row.done,
    dueAt: due?.toISOString() ?? null,
    createdAt: createdAt(row).toISOString(),
    updatedAt: ((row.updatedAt ?? row.updated_at) as Date).toISOString(),
  };
}
