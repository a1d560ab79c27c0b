import { Router } from "express";
import { z } from "zod";
import type { TaskService } from "../domain/tasks.js";
import { currentUserId } from "./authenticate.js";
import { booleanText, idParams, NO_NUL, noNul, optionalDateTime, pageQuery, parse } from "./validation.js";

const title = z.string().trim().min(1, "must not be empty").max(200).refine(noNul, NO_NUL);
const notes = z.string().max(10_000).refine(noNul, NO_NUL).nullable().optional();

const newTask = z.object({ title, notes, dueAt: optionalDateTime }).strict();

const taskChanges = z
  .object({ title: title.optional(), notes, done: z.boolean().optional(), dueAt: optionalDateTime })
  .strict()
  .refine((changes) => Object.keys(changes).length > 0, { message: "nothing to change" });

const listQuery = pageQuery.extend({ done: booleanText.optional() }).strict();

/** Drops keys whose value is undefined, so "not sent" never overwrites a column. */
function defined<T extends object>(value: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as {
    [K in keyof T]: Exclude<T[K], undefined>;
  };
}

export function taskRoutes({ tasks }: { tasks: TaskService }): Router {
  const router = Router();

  router.get("/", async (req, res) => {
    const query = parse(listQuery, req.query);
    res.json(await tasks.list(currentUserId(res), defined(query)));
  });

  router.post("/", async (req, res) => {
    const task = parse(newTask, req.body);
    res.status(201).json(await tasks.create(currentUserId(res), defined(task)));
  });

  router.get("/:id", async (req, res) => {
    const { id } = parse(idParams, req.params);
    res.json(await tasks.get(currentUserId(res), id));
  });

  router.patch("/:id", async (req, res) => {
    const { id } = parse(idParams, req.params);
    const changes = parse(taskChanges, req.body);
    res.json(await tasks.update(currentUserId(res), id, defined(changes)));
  });

  router.delete("/:id", async (req, res) => {
    const { id } = parse(idParams, req.params);
    await tasks.remove(currentUserId(res), id);
    res.status(204).end();
  });

  return router;
}
