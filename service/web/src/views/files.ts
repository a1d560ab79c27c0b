import { api, type Page, type StoredFile, uploadFile } from "../api.js";
import type { AppContext } from "../context.js";
import { announce, busy, errorSlot, h } from "../dom.js";
import { formatBytes, formatDateTime } from "../formatting.js";
import { reportError } from "./forms.js";
import { uploadForm } from "./upload-form.js";

const hidden = (text: string) => h("span", { className: "visually-hidden" }, [text]);

export function filesView(ctx: AppContext, container: HTMLElement): string {
  let nextCursor: string | null = null;
  const rows = h("tbody");
  const table = h("table", { className: "files", hidden: true }, [
    h("caption", { className: "visually-hidden" }, ["Your files, newest first"]),
    h("thead", {}, [
      h("tr", {}, [
        h("th", { scope: "col" }, ["Name"]),
        h("th", { scope: "col", className: "number" }, ["Size"]),
        h("th", { scope: "col" }, ["Uploaded"]),
        h("th", { scope: "col" }, [hidden("Actions")]),
      ]),
    ]),
    rows,
  ]);
  const empty = h("p", { className: "empty", hidden: true }, ["No files yet. Upload one above."]);
  const listError = errorSlot();
  const loadMore = h("button", { type: "button", className: "secondary", hidden: true }, ["Load more files"]);

  const updateEmpty = () => {
    table.hidden = rows.childElementCount === 0;
    empty.hidden = !table.hidden;
  };

  function fileRow(file: StoredFile): HTMLTableRowElement {
    const error = errorSlot();
    const download = h(
      "a",
      { href: `/api/files/${file.id}/content`, download: file.name, className: "button secondary" },
      ["Download", hidden(` “${file.name}”`)],
    );
    const remove = h("button", { type: "button", className: "danger" }, [
      "Delete",
      hidden(` “${file.name}”`),
    ]);
    const row = h("tr", {}, [
      h("td", { className: "file-name" }, [file.name]),
      h("td", { className: "number" }, [formatBytes(file.size)]),
      h("td", {}, [h("time", { dateTime: file.createdAt }, [formatDateTime(file.createdAt)])]),
      h("td", { className: "row-actions" }, [download, " ", remove, error.element]),
    ]);
    remove.addEventListener("click", () =>
      busy(remove, async () => {
        error.clear();
        try {
          await api("DELETE", `/api/files/${file.id}`);
          const next = row.nextElementSibling ?? row.previousElementSibling;
          row.remove();
          updateEmpty();
          announce(`Deleted “${file.name}”.`);
          (next?.querySelector<HTMLElement>("a") ?? upload.file.input).focus();
        } catch (caught) {
          reportError(caught, error);
        }
      }),
    );
    return row;
  }

  const upload = uploadForm<StoredFile>({
    label: "File to upload",
    submitLabel: "Upload",
    maxBytes: ctx.limits.maxUploadBytes,
    send: (file, onProgress) => uploadFile("POST", "/api/files", "file", file, onProgress),
    onUploaded(stored) {
      rows.prepend(fileRow(stored));
      updateEmpty();
    },
  });

  async function load(more: boolean): Promise<void> {
    listError.clear();
    const cursor = more && nextCursor ? `&cursor=${encodeURIComponent(nextCursor)}` : "";
    try {
      const page = await api<Page<StoredFile>>("GET", `/api/files?limit=20${cursor}`);
      const added = page.items.map(fileRow);
      if (more) rows.append(...added);
      else rows.replaceChildren(...added);
      nextCursor = page.nextCursor;
      loadMore.hidden = nextCursor === null;
      updateEmpty();
      if (more) added[0]?.querySelector("a")?.focus();
    } catch (error) {
      reportError(error, listError);
    }
  }
  loadMore.addEventListener("click", () => busy(loadMore, () => load(true)));

  container.append(
    h("h1", { tabIndex: -1 }, ["Files"]),
    upload.form,
    h("h2", {}, ["Your files"]),
    table,
    empty,
    listError.element,
    loadMore,
  );
  void load(false);
  return "Files";
}
