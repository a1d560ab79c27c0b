import { expect, test } from "vitest";
import { PropError } from "./prop-error.js";

const error = new PropError("database.backupRetentionDays", "3 is too short for a protected database");

test("the message reads <field>: <problem>", () => {
  expect(error.message).toBe("database.backupRetentionDays: 3 is too short for a protected database");
});

test("the field and the problem are data, not only text", () => {
  expect(error.field).toBe("database.backupRetentionDays");
  expect(error.problem).toBe("3 is too short for a protected database");
});

test("it is an Error, told apart from others by its class and its name", () => {
  expect(error).toBeInstanceOf(Error);
  expect(error).toBeInstanceOf(PropError);
  expect(new Error("database.x: y")).not.toBeInstanceOf(PropError);
  expect(error.name).toBe("PropError");
  expect(error.stack).toContain("PropError");
});
