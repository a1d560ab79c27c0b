/**
 * Bad input from the environment or a module's refusal ends synth with one line naming what is
 * wrong, never a stack trace (the lines scripts/synth.ts prints as `config error: ...`).
 */
import { Naming } from "@aws-platform-kit/modules/naming";
import { PropError } from "@aws-platform-kit/modules/validation";
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
          throw new PropError("database.backupRetentionDays", "3 is too short for a protected database");
        }),
      ),
    ).toEqual(["prod: database.backupRetentionDays: 3 is too short for a protected database"]);
  });

  test("is known by its type, not by how its message reads", () => {
    expect(
      problemsOf(() =>
        asConfigError("dev", () => {
          throw new PropError("naming", '"Uploads" must be lowercase letters, digits and hyphens');
        }),
      ),
    ).toEqual(['dev: naming: "Uploads" must be lowercase letters, digits and hyphens']);
  });

  test("a module's own check, at synth, names the stack and the field", () => {
    expect(
      problemsOf(() =>
        asConfigError("staging", () =>
          Naming.fromPrefix({ prefix: "Payments", accountId: "123456789012", region: "us-east-1" }),
        ),
      ),
    ).toEqual([
      'staging: naming.prefix: "Payments" must be lowercase letters, digits and single hyphens, starting with a letter',
    ]);
  });

  test("a plain Error, even one whose message starts like a field path, is a bug and keeps its stack", () => {
    expect(() =>
      asConfigError("prod", () => {
        throw new Error('observability.alarmEmail: "x" is not an email address');
      }),
    ).toThrow(Error);
    let thrown: unknown;
    try {
      asConfigError("prod", () => {
        throw new Error('observability.alarmEmail: "x" is not an email address');
      });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).not.toBeInstanceOf(ConfigError);
  });

  test("anything else is a bug and keeps its stack", () => {
    expect(() =>
      asConfigError("prod", () => {
        throw new TypeError("cannot read properties of undefined");
      }),
    ).toThrow(TypeError);
  });
});
