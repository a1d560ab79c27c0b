// The front end runs in the browser: these bring the DOM's types into the type-check, which the
// repository's tsconfig (Node only) does not otherwise load.
/// <reference lib="dom" />
/// <reference lib="dom.iterable" />

type Child = Node | string | null | undefined | false;
type Props<E> = Partial<Omit<E, "style" | "children">> & {
  /** Attributes that have no property of the same name, e.g. `aria-describedby`. */
  attrs?: Record<string, string>;
};

/**
 * Creates an element, assigns properties (`type`, `value`, `onclick`, `htmlFor`, …) and attributes,
 * and appends children. Text children become text nodes: nothing is ever parsed as HTML.
 */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Props<HTMLElementTagNameMap[K]> = {},
  children: readonly Child[] = [],
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  const { attrs, ...properties } = props;
  Object.assign(element, properties);
  for (const [name, value] of Object.entries(attrs ?? {})) element.setAttribute(name, value);
  for (const child of children) {
    if (child !== null && child !== undefined && child !== false) element.append(child);
  }
  return element;
}

let nextId = 0;
/** A document-unique id for label/description pairs. */
export const uniqueId = (prefix: string) => `${prefix}-${++nextId}`;

/**
 * A message slot placed right after what it is about: hidden while empty, announced by screen
 * readers when it appears (role=alert), and linked to its control with aria-describedby.
 */
export interface ErrorSlot {
  element: HTMLParagraphElement;
  show(message: string): void;
  clear(): void;
}

export function errorSlot(control?: HTMLElement): ErrorSlot {
  const element = h("p", {
    className: "error",
    id: uniqueId("error"),
    hidden: true,
    attrs: { role: "alert" },
  });
  if (control) {
    const described = control.getAttribute("aria-describedby");
    control.setAttribute("aria-describedby", described ? `${described} ${element.id}` : element.id);
  }
  return {
    element,
    show(message) {
      element.textContent = message;
      element.hidden = false;
      control?.setAttribute("aria-invalid", "true");
    },
    clear() {
      element.textContent = "";
      element.hidden = true;
      control?.removeAttribute("aria-invalid");
    },
  };
}

/** A labelled input with an optional hint and its error slot, laid out as one field. */
export interface Field<E extends HTMLInputElement = HTMLInputElement> {
  wrapper: HTMLDivElement;
  input: E;
  error: ErrorSlot;
}

export function field(
  label: string,
  input: HTMLInputElement,
  options: { hint?: string; visuallyHiddenLabel?: boolean } = {},
): Field {
  input.id ||= uniqueId(input.name || "field");
  const hint = options.hint ? h("p", { className: "hint", id: uniqueId("hint") }, [options.hint]) : undefined;
  if (hint) input.setAttribute("aria-describedby", hint.id);
  const error = errorSlot(input);
  const wrapper = h("div", { className: "field" }, [
    h("label", { htmlFor: input.id, className: options.visuallyHiddenLabel ? "visually-hidden" : "" }, [
      label,
    ]),
    hint,
    input,
    error.element,
  ]);
  return { wrapper, input, error };
}

/** The live region every view uses to announce what just happened ("Task added"). */
const status = h("div", { className: "visually-hidden", attrs: { role: "status", "aria-live": "polite" } });

export function statusRegion(): HTMLElement {
  return status;
}

export function announce(message: string): void {
  // Clearing first makes a repeated message ("Task added" twice) announced again.
  status.textContent = "";
  window.setTimeout(() => {
    status.textContent = message;
  }, 50);
}

const running = new WeakSet<HTMLElement>();

/**
 * Runs `work` unless it is already running for `button` (a double click or a second Enter sends
 * nothing twice). The button is marked aria-disabled rather than disabled, so keyboard focus stays on it.
 */
export async function busy<T>(button: HTMLButtonElement, work: () => Promise<T>): Promise<T | undefined> {
  if (running.has(button)) return undefined;
  running.add(button);
  button.setAttribute("aria-disabled", "true");
  try {
    return await work();
  } finally {
    running.delete(button);
    button.removeAttribute("aria-disabled");
  }
}
