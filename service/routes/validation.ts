import { z } from "zod";
import { AppError } from "../errors.js";

/** Parses `value` with `schema` or throws AppError(invalid_request) naming the first bad field. */
export function parse<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = issue && issue.path.length > 0 ? `${issue.path.join(".")}: ` : "";
  throw new AppError("invalid_request", `${where}${issue?.message ?? "invalid request"}`);
}

/** PostgreSQL text cannot hold U+0000; a string with one would fail in the database, not here. */
export const noNul = (value: string) => !value.includes("\u0000");
export const NO_NUL = "must not contain NUL characters";

export const idParams = z.object({ id: z.uuid({ message: "must be a UUID" }) });

export const pageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().min(1).max(512).optional(),
});

/** Query strings carry booleans as text. */
export const booleanText = z.enum(["true", "false"]).transform((value) => value === "true");

/** ISO 8601 date-time with an offset, e.g. 2026-12-01T09:00:00Z; null clears the value. */
export const optionalDateTime = z.iso
  .datetime({ offset: true, message: "must be an ISO 8601 date-time" })
  .transform((value) => new Date(value))
  // Year 0000 parses in JavaScript but not in PostgreSQL, which has no year zero.
  .refine(
    (date) => date.getUTCFullYear() >= 1 && date.getUTCFullYear() <= 9999,
    "must be in the years 0001–9999",
  )
  .nullable()
  .optional();
