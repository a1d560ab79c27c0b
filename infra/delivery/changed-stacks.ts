/**
 * Which stacks a pull request changes: the synthesised Terraform configuration of each stack
 * (`<outdir>/stacks/<stack>/cdk.tf.json`) on the base branch against the pull request's. A change to
 * a module shows up in exactly the stacks that use it, and a change that synthesises to the same
 * JSON (a comment, a test, a refactor) plans nothing.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

export interface StackChanges {
  /** In both, with a different configuration. */
  readonly changed: readonly string[];
  /** Only in the pull request. */
  readonly added: readonly string[];
  /** Only on the base branch: the pull request removes the stack from the app. */
  readonly removed: readonly string[];
  readonly unchanged: readonly string[];
  /** What to plan: changed and added, in name order. */
  readonly plan: readonly string[];
}

function stacksIn(outdir: string): Map<string, string> {
  const dir = join(outdir, "stacks");
  const stacks = new Map<string, string>();
  if (!existsSync(dir)) return stacks;
  for (const name of readdirSync(dir)) {
    const file = join(dir, name, "cdk.tf.json");
    if (existsSync(file)) stacks.set(name, canonical(JSON.parse(readFileSync(file, "utf8"))));
  }
  return stacks;
}

/** JSON with object keys sorted, so key order never counts as a change. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

export function compareSynthesised(baseOutdir: string, headOutdir: string): StackChanges {
  const base = stacksIn(baseOutdir);
  const head = stacksIn(headOutdir);
  const changed: string[] = [];
  const added: string[] = [];
  const unchanged: string[] = [];
  for (const [name, config] of head) {
    const before = base.get(name);
    if (before === undefined) added.push(name);
    else if (before === config) unchanged.push(name);
    else changed.push(name);
  }
  const removed = [...base.keys()].filter((name) => !head.has(name));
  const sort = (names: string[]) => names.sort();
  return {
    changed: sort(changed),
    added: sort(added),
    removed: sort(removed),
    unchanged: sort(unchanged),
    plan: sort([...changed, ...added]),
  };
}
