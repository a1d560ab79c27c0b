/**
 * Refactoring must not move a deployed resource: Terraform would destroy it at the old address and
 * create it at the new one (a database, a bucket of uploads). Every resource address the shipped
 * stacks had when this fixture was taken must still exist, or a `moved` block must carry it to its
 * new address. A change that means to replace resources updates infra/fixtures/resource-addresses.json
 * in the same diff, so reviewers see it.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { buildApp } from "./app.js";

type StackJson = {
  resource?: Record<string, Record<string, unknown>>;
  moved?: Array<{ from: string; to: string }>;
};

const before = JSON.parse(
  readFileSync(join(import.meta.dirname, "fixtures", "resource-addresses.json"), "utf8"),
) as Record<string, string[]>;
const outdir = mkdtempSync(join(tmpdir(), "addresses-"));
const now: Record<string, { addresses: Set<string>; moved: Map<string, string> }> = {};

beforeAll(() => {
  buildApp({ outdir, previews: [{ prNumber: 123, imageTag: "3f2c1a9" }] }).synth();
  for (const stack of readdirSync(join(outdir, "stacks"))) {
    const json = JSON.parse(readFileSync(join(outdir, "stacks", stack, "cdk.tf.json"), "utf8")) as StackJson;
    const addresses = new Set(
      Object.entries(json.resource ?? {}).flatMap(([type, byName]) =>
        Object.keys(byName).map((name) => `${type}.${name}`),
      ),
    );
    const moved = new Map((json.moved ?? []).map((m) => [m.from, m.to]));
    now[stack] = { addresses, moved };
  }
});
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

describe("no deployed resource changes its address", () => {
  test("the fixture covers every shipped stack and the sample preview", () => {
    expect(Object.keys(before).sort()).toEqual(["bootstrap", "dev", "preview-pr-123", "prod", "staging"]);
  });

  test.each(["bootstrap", "dev", "staging", "prod", "preview-pr-123"])(
    "%s: every earlier address still exists, or a moved block carries it",
    (stack) => {
      const current = now[stack];
      expect(current, `stack ${stack} is no longer synthesised`).toBeDefined();
      const lost = (before[stack] ?? []).filter((address) => {
        if (current?.addresses.has(address)) return false;
        const to = current?.moved.get(address);
        return !(to && current?.addresses.has(to));
      });
      expect(lost).toEqual([]);
    },
  );
});
