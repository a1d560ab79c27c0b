import { describe, expect, test } from "vitest";
import { PropError } from "../validation/prop-error.js";
import { NAME_LIMITS, Naming, type PrefixNamingProps } from "./naming.js";

const naming = new Naming({
  project: "acme",
  environment: "dev",
  accountId: "123456789012",
  region: "eu-west-1",
});

test("names are <project>-<environment>-<thing>", () => {
  expect(naming.name("uploads")).toBe("acme-dev-uploads");
  expect(naming.prefix).toBe("acme-dev");
});

test("bucket names add account and region to be globally unique", () => {
  expect(naming.bucketName("uploads")).toBe("acme-dev-uploads-123456789012-eu-west-1");
});

test("names longer than a limit are shortened with a stable hash and stay distinct", () => {
  const a = naming.name("a-very-long-target-group-name-one", NAME_LIMITS.loadBalancer);
  const b = naming.name("a-very-long-target-group-name-two", NAME_LIMITS.loadBalancer);
  expect(a).toHaveLength(32);
  expect(a).not.toBe(b);
  expect(naming.name("a-very-long-target-group-name-one", NAME_LIMITS.loadBalancer)).toBe(a);
  expect(a).toMatch(/^acme-dev-a-very-long-ta-[0-9a-f]{8}$/);
});

test("tags name the project and environment", () => {
  expect(naming.tags({ Team: "platform" })).toEqual({
    Project: "acme",
    Environment: "dev",
    ManagedBy: "cdktf",
    Team: "platform",
  });
});

test.each([
  [{ project: "Acme" }, "naming.project"],
  [{ project: "acme--x" }, "naming.project"],
  [{ environment: "dev_1" }, "naming.environment"],
  [{ accountId: "12345" }, "naming.accountId"],
])("invalid naming input %j is rejected", (override, field) => {
  expect(
    () =>
      new Naming({
        project: "acme",
        environment: "dev",
        accountId: "123456789012",
        region: "eu-west-1",
        ...override,
      }),
  ).toThrow(field);
});

test("a thing with characters AWS names reject is refused", () => {
  expect(() => naming.name("Uploads")).toThrow('"Uploads"');
  expect(() => naming.name("up_loads")).toThrow();
});

describe("a naming from a plain prefix, for teams with a scheme of their own", () => {
  const payments = Naming.fromPrefix({
    prefix: "payments",
    tags: { team: "payments", "cost-centre": "4711" },
    accountId: "123456789012",
    region: "eu-west-1",
  });

  test("names are <prefix>-<thing>, with the same limits and hashing", () => {
    expect(payments.name("db")).toBe("payments-db");
    expect(payments.prefix).toBe("payments");
    expect(payments.scheme).toBe("prefix");
    expect(payments.name("a-very-long-target-group-name-one", NAME_LIMITS.loadBalancer)).toMatch(
      /^payments-a-very-long-ta-[0-9a-f]{8}$/,
    );
  });

  test("bucket names still add account and region to be globally unique", () => {
    expect(payments.bucketName("uploads")).toBe("payments-uploads-123456789012-eu-west-1");
  });

  test("tags are exactly the ones given, with nothing of the kit's Project, Environment or ManagedBy", () => {
    expect(payments.tags()).toEqual({ team: "payments", "cost-centre": "4711" });
    expect(payments.tags({ Name: "x" })).toEqual({ team: "payments", "cost-centre": "4711", Name: "x" });
    expect(
      Naming.fromPrefix({ prefix: "payments", accountId: "123456789012", region: "eu-west-1" }).tags(),
    ).toEqual({});
  });

  test("project and environment come from the Project and Environment tags when given", () => {
    const tagged = Naming.fromPrefix({
      prefix: "payments-live",
      tags: { Project: "payments", Environment: "live" },
      accountId: "123456789012",
      region: "eu-west-1",
    });
    expect([tagged.project, tagged.environment]).toEqual(["payments", "live"]);
    expect(tagged.name("db")).toBe("payments-live-db");
  });

  test("without those tags, reading project or environment is refused with a PropError naming the field", () => {
    expect(() => payments.project).toThrow(PropError);
    expect(() => payments.project).toThrow(/^naming\.project: .*add tags\.Project/);
    expect(() => payments.environment).toThrow(/^naming\.environment: .*add tags\.Environment/);
  });

  test("it has no environment to replace: withEnvironment is refused", () => {
    expect(() => payments.withEnvironment("pr-1")).toThrow(/^naming\.withEnvironment: /);
  });

  test("the kit's own naming is unchanged: scheme, prefix and a child environment", () => {
    expect(naming.scheme).toBe("project-environment");
    expect(naming.withEnvironment("pr-7").name("app")).toBe("acme-pr-7-app");
  });

  test.each([
    [{ prefix: "Payments" }, "naming.prefix"],
    [{ prefix: "pay--ments" }, "naming.prefix"],
    [{ prefix: "payments", project: "acme" }, "naming.prefix"],
    [{ tags: { "aws:team": "x" } }, "naming.tags.aws:team"],
    [{ tags: { team: "x".repeat(257) } }, "naming.tags.team"],
    [{ accountId: "1" }, "naming.accountId"],
  ])("invalid input %j is refused, naming %s", (override, field) => {
    const props = { prefix: "payments", accountId: "123456789012", region: "eu-west-1", ...override };
    let error: unknown;
    try {
      Naming.fromPrefix(props as PrefixNamingProps);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PropError);
    expect((error as PropError).field).toBe(field);
  });
});
