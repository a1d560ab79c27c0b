import { api, type Page, type Task } from "../api.js";
import type { AppContext } from "../context.js";
import { announce, busy, errorSlot, field, h, uniqueId } from "../dom.js";
import { taskPath } from "../routes.js";
import { reportError } from "./forms.js";

type Filter = "all" | "open" | "done";

const filterQuery: Record<Filter, string> = { all: "", open: "&done=false", done: "&done=true" };
const emptyText: Record<Filter, string> = {
  all: "No tasks yet. Add one above.",
  open: "No open tasks.",
  done: "No done tasks.",
};

/** Visible "Edit", heard as "Edit “Buy milk”": one name per button in a list of look-alikes. */
const actionLabel = (verb: string, title: string) => [
  verb,
  h("span", { className: "visually-hidden" }, [` “${title}”`]),
];

export function tasksView(_ctx: AppContext, container: HTMLElement): string {
  let filter: Filter = "all";
  let nextCursor: string | null = null;
  // A filter change while a page is loading must not be overwritten by the older answer.
  let latestLoad = 0;

  const list = h("ul", { className: "task-list", attrs: { "aria-label": "Tasks" } });
  const empty = h("p", { className: "empty", hidden: true });
  const listError = errorSlot();
  const loadMore = h("button", { type: "button", className: "secondary", hidden: true }, ["Load more tasks"]);

  const title = field(
    "New task",
    h("input", { name: "title", type: "text", required: true, maxLength: 200, autocomplete: "off" }),
  );
  const add = h("button", { type: "submit" }, ["Add task"]);
  const addForm = h("form", { className: "inline-form", noValidate: true }, [
    title.wrapper,
    h("div", { className: "actions" }, [add]),
  ]);
  addForm.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = title.input.value.trim();
    if (text === "") {
      title.error.show("Write what the task is first.");
      title.input.focus();
      return;
    }
    title.error.clear();
    void busy(add, async () => {
      try {
        const task = await api<Task>("POST", "/api/tasks", { json: { title: text } });
        title.input.value = "";
        if (filter !== "done") list.prepend(taskItem(task));
        updateEmpty();
        announce(`Task “${task.title}” added.`);
      } catch (error) {
        reportError(error, title.error, { title });
      }
    });
  });

  const filterName = uniqueId("filter");
  const filters = h("fieldset", { className: "filter" }, [
    h("legend", {}, ["Show"]),
    ...(["all", "open", "done"] as const).map((value) => {
      const id = `${filterName}-${value}`;
      const radio = h("input", { type: "radio", name: filterName, id, value, checked: value === filter });
      radio.addEventListener("change", () => {
        filter = value;
        void load(false);
      });
      return h("span", { className: "choice" }, [
        radio,
        h("label", { htmlFor: id }, [{ all: "All", open: "Open", done: "Done" }[value]]),
      ]);
    }),
  ]);

  function updateEmpty() {
    empty.textContent = emptyText[filter];
    empty.hidden = list.childElementCount > 0;
  }

  function taskItem(task: Task): HTMLLIElement {
    const item = h("li", { className: "task" });
    const error = errorSlot();

    const showTask = () => {
      const checkboxId = uniqueId("task");
      const checkbox = h("input", { type: "checkbox", id: checkboxId, checked: task.done });
      const edit = h("button", { type: "button", className: "secondary" }, actionLabel("Edit", task.title));
      const remove = h("button", { type: "button", className: "danger" }, actionLabel("Delete", task.title));
      // A real link (`/tasks/<id>`): opens in a new tab too, and the page's own address is shareable.
      const open = h(
        "a",
        { href: taskPath(task.id), className: "button secondary" },
        actionLabel("Open", task.title),
      );
      item.classList.toggle("done", task.done);
      item.replaceChildren(
        h("div", { className: "task-row" }, [
          checkbox,
          h("label", { htmlFor: checkboxId, className: "task-title" }, [task.title]),
          h("span", { className: "task-actions" }, [open, edit, remove]),
        ]),
        error.element,
      );
      error.clear();

      checkbox.addEventListener("change", async () => {
        error.clear();
        const done = checkbox.checked;
        try {
          task = await api<Task>("PATCH", `/api/tasks/${task.id}`, { json: { done } });
          item.classList.toggle("done", task.done);
          announce(`“${task.title}” marked ${task.done ? "done" : "not done"}.`);
        } catch (caught) {
          checkbox.checked = !done;
          reportError(caught, error);
        }
      });
      edit.addEventListener("click", () => showEditor());
      remove.addEventListener("click", () =>
        busy(remove, async () => {
          error.clear();
          try {
            await api("DELETE", `/api/tasks/${task.id}`);
            const next = item.nextElementSibling ?? item.previousElementSibling;
            item.remove();
            updateEmpty();
            announce(`Task “${task.title}” deleted.`);
            (next?.querySelector<HTMLElement>("input") ?? title.input).focus();
          } catch (caught) {
            reportError(caught, error);
          }
        }),
      );
      return edit;
    };

    const showEditor = () => {
      const input = field(
        "Title",
        h("input", { name: "title", type: "text", required: true, maxLength: 200 }),
      );
      input.input.value = task.title;
      const save = h("button", { type: "submit" }, ["Save"]);
      const cancel = h("button", { type: "button", className: "secondary" }, ["Cancel"]);
      const form = h("form", { className: "inline-form", noValidate: true }, [
        input.wrapper,
        h("div", { className: "actions" }, [save, cancel]),
      ]);
      const close = () => showTask().focus();
      cancel.addEventListener("click", close);
      form.addEventListener("keydown", (event) => {
        if (event.key === "Escape") close();
      });
      form.addEventListener("submit", (event) => {
        event.preventDefault();
        const text = input.input.value.trim();
        if (text === "") {
          input.error.show("A task needs a title.");
          return;
        }
        void busy(save, async () => {
          try {
            task = await api<Task>("PATCH", `/api/tasks/${task.id}`, { json: { title: text } });
            announce(`Task renamed to “${task.title}”.`);
            close();
          } catch (caught) {
            reportError(caught, input.error, { title: input });
          }
        });
      });
      item.replaceChildren(form);
      input.input.focus();
      input.input.select();
    };

    showTask();
    return item;
  }

  async function load(more: boolean): Promise<void> {
    listError.clear();
    const thisLoad = ++latestLoad;
    const cursor = more && nextCursor ? `&cursor=${encodeURIComponent(nextCursor)}` : "";
    try {
      const page = await api<Page<Task>>("GET", `/api/tasks?limit=20${filterQuery[filter]}${cursor}`);
      if (thisLoad !== latestLoad) return;
      const items = page.items.map(taskItem);
      if (more) list.append(...items);
      else list.replaceChildren(...items);
      nextCursor = page.nextCursor;
      loadMore.hidden = nextCursor === null;
      updateEmpty();
      if (more) items[0]?.querySelector("input")?.focus();
    } catch (error) {
      reportError(error, listError);
    }
  }
  loadMore.addEventListener("click", () => busy(loadMore, () => load(true)));

  container.append(
    h("h1", { tabIndex: -1 }, ["Tasks"]),
    addForm,
    filters,
    list,
    empty,
    listError.element,
    loadMore,
  );
  void load(false);
  return "Tasks";
}
