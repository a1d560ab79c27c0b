import { expect, test } from "vitest";
import { defaultMaxConnections } from "./max-connections.js";

test("follows RDS's LEAST(DBInstanceClassMemory/9531392, 5000), erring low", () => {
  expect(defaultMaxConnections("db.t4g.micro")).toBe(84);
  expect(defaultMaxConnections("db.t4g.small")).toBe(168);
  expect(defaultMaxConnections("db.t4g.medium")).toBe(337);
  expect(defaultMaxConnections("db.m7g.large")).toBe(675);
  expect(defaultMaxConnections("db.r6g.large")).toBe(1351);
  expect(defaultMaxConnections("db.r7g.8xlarge")).toBe(5000);
});

test("an unknown class gives no figure rather than a guess", () => {
  expect(defaultMaxConnections("db.t4g.huge")).toBeUndefined();
  expect(defaultMaxConnections("db.z1d.large")).toBeUndefined();
  expect(defaultMaxConnections("nonsense")).toBeUndefined();
});
