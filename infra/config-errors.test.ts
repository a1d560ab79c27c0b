/**
 * Bad input from the environment or a module's refusal ends synth with one line naming what is
 * wrong, never a stack trace (the lines scripts/synth.ts prints as `config error: ...`).
 */
import { describe, expect, test } from "vitest";
import { asConfigError, buildApp, optionsFromEnv } from "./app.js";
import { ConfigError } from "./environments/index.js";

const problemsOf = (work: () => unknown): readonly string[] => {
  try {
    work();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error("accepted");
};

describe("environment variables", () => {
  test.each(["0", "-1", "1.5", "abc", "49001", " 7 x"])("PR_NUMBER=%j is refused, naming it", (value) => {
    const [line, ...rest] = problemsOf(() => optionsFromEnv({ PR_NUMBER: value, IMAGE_TAG: "3f2c1a9" }));
    expect(rest).toEqual([]);
    expect(line).toMatch(/^PR_NUMBER: /);
  });

  test.each(["latest;rm", "LATEST", "../x", "a b"])("IMAGE_TAG=%j is refused, naming it", (value) => {
    const [line] = problemsOf(() => optionsFromEnv({ PR_NUMBER: "7", IMAGE_TAG: value }));
    expect(line).toMatch(/^IMAGE_TAG: /);
  });

  test("PR_NUMBER without IMAGE_TAG is refused", () => {
    expect(problemsOf(() => optionsFromEnv({ PR_NUMBER: "7" }))).toEqual([
      "IMAGE_TAG: required with PR_NUMBER (the image the preview runs)",
    ]);
  });

  test("an environment listed twice is one line, not a duplicate-construct crash", () => {
    expect(
      problemsOf(() => buildApp({ ...optionsFromEnv({ ENVIRONMENTS: "dev,dev" }), bootstrap: false })),
    ).toEqual(["ENVIRONMENTS: dev listed twice"]);
  });

  test("an unknown environment is one line", () => {
    expect(problemsOf(() => buildApp(optionsFromEnv({ ENVIRONMENTS: "qa" })))[0]).toMatch(
      /^environment: unknown/,
    );
  });
});

describe("a module's refusal", () => {
  test("becomes one line naming the stack and the field", () => {
    expect(
      problemsOf(() =>
        asConfigError("prod", () => {
          throw new Error("database.backupRetentionDays: 3 is too short for a protected database\n  at …");
        }),
      ),
    ).toEqual(["prod: database.backupRetentionDays: 3 is too short for a protected database"]);
  });

  test("anything else is a bug and keeps its stack", () => {
    expect(() =>
      asConfigError("prod", () => {
        throw new TypeError("cannot read properties of undefined");
      }),
    ).toThrow(TypeError);
  });
});
