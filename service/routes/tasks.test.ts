import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type SignedUpUser, startTestService, type TestService } from "../test/harness.js";

let service: TestService;
let alice: SignedUpUser;
let bob: SignedUpUser;

beforeAll(async () => {
  service = await startTestService();
  [alice, bob] = await Promise.all([service.signUp(), service.signUp()]);
});
afterAll(() => service?.stop());

describe("tasks", () => {
  it("creates a task and returns it with 201", async () => {
    const created = await service.call("POST", "/api/tasks", {
      token: alice.token,
      json: { title: "Write the README", notes: "config table", dueAt: "2026-12-01T09:00:00Z" },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      title: "Write the README",
      notes: "config table",
      done: false,
      dueAt: "2026-12-01T09:00:00.000Z",
    });
    expect(created.body.id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("gets, updates and deletes a task", async () => {
    const { body: task } = await service.call("POST", "/api/tasks", {
      token: alice.token,
      json: { title: "a" },
    });
    expect((await service.call("GET", `/api/tasks/${task.id}`, { token: alice.token })).body).toEqual(task);

    const patched = await service.call("PATCH", `/api/tasks/${task.id}`, {
      token: alice.token,
      json: { done: true, notes: null, title: "b" },
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ id: task.id, title: "b", done: true, notes: null });

    expect((await service.call("DELETE", `/api/tasks/${task.id}`, { token: alice.token })).status).toBe(204);
    const gone = await service.call("GET", `/api/tasks/${task.id}`, { token: alice.token });
    expect(gone.status).toBe(404);
    expect(gone.body).toEqual({ error: { code: "not_found", message: "task not found" } });
  });

  it("pages newest first with a cursor, without gaps or repeats", async () => {
    const user = await service.signUp();
    const titles: string[] = [];
    for (let i = 0; i < 5; i += 1) {
      titles.push(`task ${i}`);
      await service.call("POST", "/api/tasks", { token: user.token, json: { title: `task ${i}` } });
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = cursor ? `?limit=2&cursor=${encodeURIComponent(cursor)}` : "?limit=2";
      const page = await service.call("GET", `/api/tasks${query}`, { token: user.token });
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.items.map((item: { title: string }) => item.title));
      cursor = page.body.nextCursor;
      pages += 1;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual([...titles].reverse());
  });

  it("filters by done", async () => {
    const user = await service.signUp();
    const { body: doneTask } = await service.call("POST", "/api/tasks", {
      token: user.token,
      json: { title: "x" },
    });
    await service.call("PATCH", `/api/tasks/${doneTask.id}`, { token: user.token, json: { done: true } });
    await service.call("POST", "/api/tasks", { token: user.token, json: { title: "y" } });
    const done = await service.call("GET", "/api/tasks?done=true", { token: user.token });
    const open = await service.call("GET", "/api/tasks?done=false", { token: user.token });
    expect(done.body.items.map((t: { title: string }) => t.title)).toEqual(["x"]);
    expect(open.body.items.map((t: { title: string }) => t.title)).toEqual(["y"]);
  });

  it("rejects invalid bodies, queries and ids with 400", async () => {
    const cases: [string, string, unknown][] = [
      ["POST", "/api/tasks", { title: "" }],
      ["POST", "/api/tasks", { title: "x", extra: 1 }],
      ["POST", "/api/tasks", { title: "x", dueAt: "tomorrow" }],
      ["GET", "/api/tasks?limit=101", undefined],
      ["GET", "/api/tasks?limit=0", undefined],
      ["GET", "/api/tasks?cursor=not-a-cursor", undefined],
      ["GET", "/api/tasks?done=maybe", undefined],
      ["GET", "/api/tasks/not-a-uuid", undefined],
      ["PATCH", "/api/tasks/00000000-0000-4000-8000-000000000000", {}],
    ];
    for (const [method, path, json] of cases) {
      const response = await service.call(method, path, { token: alice.token, ...(json ? { json } : {}) });
      expect({ method, path, status: response.status, code: response.body.error?.code }).toEqual({
        method,
        path,
        status: 400,
        code: "invalid_request",
      });
    }
  });

  it("hides another user's task behind 404 for read, update and delete", async () => {
    const { body: task } = await service.call("POST", "/api/tasks", {
      token: alice.token,
      json: { title: "mine" },
    });
    for (const [method, json] of [["GET"], ["PATCH", { done: true }], ["DELETE"]] as const) {
      const response = await service.call(method, `/api/tasks/${task.id}`, {
        token: bob.token,
        ...(json ? { json } : {}),
      });
      expect(response.status).toBe(404);
      expect(response.body.error.code).toBe("not_found");
    }
    const list = await service.call("GET", "/api/tasks", { token: bob.token });
    expect(list.body.items.map((t: { id: string }) => t.id)).not.toContain(task.id);
    expect((await service.call("GET", `/api/tasks/${task.id}`, { token: alice.token })).body.done).toBe(
      false,
    );
  });

  it("requires authentication", async () => {
    const response = await service.call("GET", "/api/tasks");
    expect(response.status).toBe(401);
    expect(response.body).toEqual({ error: { code: "unauthorized", message: "authentication required" } });
  });
});
