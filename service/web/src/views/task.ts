import { ApiError, api, type Task } from "../api.js";
import type { AppContext } from "../context.js";
import { errorSlot, h } from "../dom.js";
import { formatDateTime } from "../formatting.js";
import { reportError } from "./forms.js";

/** One task's own page (`/tasks/<id>`): what a deep link or a bookmark opens. */
export function taskView(_ctx: AppContext, container: HTMLElement, id: string): string {
  const heading = h("h1", { tabIndex: -1 }, ["Task"]);
  const details = h("dl", { className: "task-details" });
  const error = errorSlot();
  const back = h("p", {}, [h("a", { href: "/tasks" }, ["Back to all tasks"])]);
  container.append(heading, details, error.element, back);

  void (async () => {
    try {
      const task = await api<Task>("GET", `/api/tasks/${encodeURIComponent(id)}`);
      heading.textContent = task.title;
      document.title = `${task.title} · Platform kit`;
      const row = (term: string, value: string) => [h("dt", {}, [term]), h("dd", {}, [value])];
      details.replaceChildren(
        ...row("Status", task.done ? "Done" : "Open"),
        ...(task.notes ? row("Notes", task.notes) : []),
        ...(task.dueAt ? row("Due", formatDateTime(task.dueAt)) : []),
        ...row("Created", formatDateTime(task.createdAt)),
        ...row("Last changed", formatDateTime(task.updatedAt)),
      );
    } catch (caught) {
      // A task of someone else's is "not found" too: the service does not say it exists.
      if (caught instanceof ApiError && (caught.status === 404 || caught.status === 400)) {
        heading.textContent = "Task not found";
        error.show("There is no such task, or it was deleted.");
      } else {
        reportError(caught, error);
      }
    }
  })();
  return "Task";
}
