import { expect, test } from "vitest";
import { NAME_LIMITS, Naming } from "./naming.js";

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
