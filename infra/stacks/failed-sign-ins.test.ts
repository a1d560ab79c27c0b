/**
 * The contract between the service and the platform's failed sign-ins alarm: the observability
 * module's metric filter pattern matches exactly the access-log line the service writes for a
 * refused sign-in, as the real access-log middleware writes it.
 */
import { EventEmitter } from "node:events";
import { Writable } from "node:stream";
import { FAILED_SIGN_IN_PATTERN } from "@aws-platform-kit/modules/observability";
import type { Request, Response } from "express";
import { describe, expect, test } from "vitest";
import { accessLog } from "../../service/access-log.js";
import { createLogger } from "../../service/logger.js";

/**
 * Evaluates the CloudWatch Logs filter syntax FAILED_SIGN_IN_PATTERN uses, and no more: terms
 * `$.path = "text"`, `$.path = number` and `$.path = %regex%` joined by `&&` (a regex matches
 * anywhere in the value, as in CloudWatch). Anything else throws, so a pattern change that this
 * cannot judge fails loudly instead of passing.
 */
function filterMatches(pattern: string, line: string): boolean {
  const body = /^\{(.*)\}$/.exec(pattern.trim())?.[1];
  if (body === undefined || /\|\||\(/.test(body)) throw new Error(`unsupported pattern: ${pattern}`);
  const event = JSON.parse(line) as Record<string, unknown>;
  return body.split("&&").every((term) => {
    const [, path, expected] = /^\s*\$\.([\w.]+)\s*=\s*(.+?)\s*$/.exec(term) ?? [];
    if (!path || !expected) throw new Error(`unsupported term: ${term}`);
    const value = path.split(".").reduce<unknown>((o, key) => (o as Record<string, unknown>)?.[key], event);
    if (expected.startsWith("%"))
      return typeof value === "string" && new RegExp(expected.slice(1, -1)).test(value);
    if (expected.startsWith('"')) return value === JSON.parse(expected);
    if (/^\d+$/.test(expected)) return value === Number(expected);
    throw new Error(`unsupported value: ${expected}`);
  });
}

/** The line the service's access log writes for one finished request. */
function accessLogLine(method: string, url: string, statusCode: number): string {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      lines.push(...chunk.toString("utf8").split("\n").filter(Boolean));
      callback();
    },
  });
  const req = { method, originalUrl: url, path: url.split("?")[0] } as unknown as Request;
  const res = Object.assign(new EventEmitter(), {
    statusCode,
    writableFinished: true,
  }) as unknown as Response;
  accessLog(createLogger("info", sink))(req, res, () => {});
  res.emit("close");
  const [line] = lines;
  if (lines.length !== 1 || !line) throw new Error(`expected one access-log line, got ${lines.length}`);
  return line;
}

describe("the failed sign-ins filter and the service's access log", () => {
  test.each([
    ["POST", "/api/auth/login", 401],
    // Express routes case-insensitively and ignores a trailing slash and the query string.
    ["POST", "/API/Auth/LOGIN/?next=%2F", 401],
  ])("the pattern matches the service's access-log line of a refused %s %s (%i)", (method, url, status) => {
    expect(filterMatches(FAILED_SIGN_IN_PATTERN, accessLogLine(method, url, status))).toBe(true);
  });

  test.each([
    ["POST", "/api/auth/login", 200],
    ["POST", "/api/auth/login", 400],
    ["POST", "/api/auth/login", 429],
    ["POST", "/api/tasks", 401],
    ["GET", "/api/me", 401],
    ["POST", "/api/auth/register", 409],
  ])("the pattern does not match %s %s answered %i", (method, url, status) => {
    expect(filterMatches(FAILED_SIGN_IN_PATTERN, accessLogLine(method, url, status))).toBe(false);
  });
});
