import { ApiError, type Upload } from "../api.js";
import { announce, type Field, field, h, uniqueId } from "../dom.js";
import { formatBytes } from "../formatting.js";
import { reportError } from "./forms.js";

export interface UploadFormOptions<T> {
  /** The file input's label. */
  label: string;
  submitLabel: string;
  maxBytes: number;
  /** Shown under the label before anything is chosen, e.g. "PNG, JPEG or WebP". */
  kind?: string;
  /** MIME types the input offers and the form accepts; any when absent. */
  accept?: readonly string[];
  send(file: File, onProgress: (sent: number, total: number) => void): Upload<T>;
  onUploaded(result: T, file: File): void;
}

/**
 * A file input with its limit shown up front, checked before anything is sent, then a progress bar
 * (a native <progress>, no inline style) with the bytes sent and a cancel button while it uploads.
 */
export function uploadForm<T>(options: UploadFormOptions<T>): { form: HTMLFormElement; file: Field } {
  const limit = formatBytes(options.maxBytes);
  const file = field(
    options.label,
    h("input", {
      type: "file",
      name: "file",
      ...(options.accept ? { accept: options.accept.join(",") } : {}),
    }),
    { hint: options.kind ? `${options.kind}, up to ${limit}.` : `Up to ${limit} per file.` },
  );
  const submit = h("button", { type: "submit" }, [options.submitLabel]);
  const progressId = uniqueId("progress");
  const progressLabel = h("label", { htmlFor: progressId });
  const progress = h("progress", { id: progressId, max: 1, value: 0 });
  const progressText = h("span", { className: "hint" });
  const cancel = h("button", { type: "button", className: "secondary" }, ["Cancel upload"]);
  const progressArea = h("div", { className: "progress", hidden: true }, [
    progressLabel,
    progress,
    progressText,
    cancel,
  ]);
  const form = h("form", { className: "stack upload", noValidate: true }, [
    file.wrapper,
    h("div", { className: "actions" }, [submit]),
    progressArea,
  ]);

  const problem = (chosen: File | undefined): string | undefined => {
    if (!chosen) return "Choose a file first.";
    if (options.accept && !options.accept.includes(chosen.type)) {
      return `“${chosen.name}” is not a ${options.kind ?? "supported"} file.`;
    }
    if (chosen.size > options.maxBytes) {
      // "3 MB; the limit is 3 MB" would read as a contradiction: then count bytes.
      const [size, max] =
        formatBytes(chosen.size) === limit
          ? [`${chosen.size.toLocaleString()} bytes`, `${options.maxBytes.toLocaleString()} bytes`]
          : [formatBytes(chosen.size), limit];
      return `“${chosen.name}” is ${size}; the limit is ${max}. Choose a smaller file.`;
    }
    return undefined;
  };

  file.input.addEventListener("change", () => {
    const chosen = file.input.files?.[0];
    const found = chosen ? problem(chosen) : undefined;
    if (found) file.error.show(found);
    else file.error.clear();
  });

  let current: Upload<T> | undefined;
  cancel.addEventListener("click", () => current?.abort());

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (current) return;
    const chosen = file.input.files?.[0];
    const found = problem(chosen);
    if (found || !chosen) {
      file.error.show(found ?? "Choose a file first.");
      file.input.focus();
      return;
    }
    file.error.clear();
    progressLabel.textContent = `Uploading “${chosen.name}”`;
    progress.max = Math.max(chosen.size, 1);
    progress.value = 0;
    progressText.textContent = `0 of ${formatBytes(chosen.size)}`;
    progressArea.hidden = false;
    submit.setAttribute("aria-disabled", "true");
    const upload = options.send(chosen, (sent, total) => {
      progress.max = Math.max(total, 1);
      progress.value = sent;
      progressText.textContent = `${formatBytes(sent)} of ${formatBytes(total)} (${Math.floor((sent / Math.max(total, 1)) * 100)}%)`;
    });
    current = upload;
    if (document.activeElement === submit) cancel.focus();
    upload.done
      .then(
        (result) => {
          form.reset();
          options.onUploaded(result, chosen);
          announce(`Uploaded “${chosen.name}”.`);
        },
        (error: unknown) => {
          if (error instanceof ApiError && error.code === "payload_too_large") {
            file.error.show(`“${chosen.name}” is larger than the service accepts (${limit}).`);
          } else {
            reportError(error, file.error);
          }
        },
      )
      .finally(() => {
        current = undefined;
        const focusWasInside = progressArea.contains(document.activeElement);
        progressArea.hidden = true;
        submit.removeAttribute("aria-disabled");
        if (focusWasInside) submit.focus();
      });
  });

  return { form, file };
}
