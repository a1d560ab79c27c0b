/**
 * Test support: a usage file of fixed numbers (`infra/cost/usage/<environment>.json`'s shape) in a
 * temporary directory, removed after the calling test file; pass the directory as `usageDir`.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll } from "vitest";

/** Writes `<environment>.json` with `byType` (each value's reason: "test assumption"); returns its directory. */
export function usageFixture(
  byType: Readonly<Record<string, Readonly<Record<string, number>>>>,
  environment = "test",
): string {
  const dir = mkdtempSync(join(tmpdir(), "cost-usage-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const why = "test assumption";
  writeFileSync(
    join(dir, `${environment}.json`),
    JSON.stringify({
      environment,
      description: "fixed numbers for hand-computed totals",
      byType: Object.fromEntries(
        Object.entries(byType).map(([type, keys]) => [
          type,
          Object.fromEntries(Object.entries(keys).map(([key, value]) => [key, { value, why }])),
        ]),
      ),
    }),
  );
  return dir;
}
