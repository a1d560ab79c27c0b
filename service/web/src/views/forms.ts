import { ApiError } from "../api.js";
import type { ErrorSlot, Field } from "../dom.js";

/**
 * Shows a failed call's message next to what caused it: the field the service named, else `slot`.
 * Anything that is not an API error is a bug in the page; it is still shown, never swallowed.
 */
export function reportError(error: unknown, slot: ErrorSlot, fields: Record<string, Field> = {}): void {
  if (error instanceof ApiError) {
    const target = error.field ? fields[error.field] : undefined;
    if (target) {
      target.error.show(error.message);
      target.input.focus();
    } else {
      slot.show(error.message);
    }
    return;
  }
  console.error(error);
  slot.show("Something went wrong in this page. Reload it and try again.");
}

/** Checks the fields with the browser's own rules (required, type=email, minlength, …). */
export function checkFields(fields: readonly Field[]): boolean {
  let firstInvalid: HTMLInputElement | undefined;
  for (const { input, error } of fields) {
    if (input.validity.valid) {
      error.clear();
    } else {
      error.show(input.validationMessage);
      firstInvalid ??= input;
    }
  }
  firstInvalid?.focus();
  return firstInvalid === undefined;
}
