/**
 * scripts/run-ts.mjs, the launcher of `npm run synth`, `plan:offline`, `check`, `cost` and the cdktf
 * app: run as users run it (a child `node` process), on a small entry of its own and on the real synth.
 */
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, test } from "vitest";

const run = promisify(execFile);
const repoRoot = resolve(import.meta.dirname, "..");
const launcher = join(repoRoot, "scripts", "run-ts.mjs");
const scratch = mkdtempSync(join(tmpdir(), "run-ts-"));
// Inside the repository, as the default is: the bundle's package imports resolve from node_modules.
const cacheDir = join(repoRoot, "node_modules", ".cache", "aws-platform-kit", `run-ts-test-${process.pid}`);
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
  rmSync(cacheDir, { recursive: true, force: true });
});

const launch = (args: string[], env: Record<string, string> = {}) =>
  run(process.execPath, [launcher, ...args], {
    cwd: repoRoot,
    env: { ...process.env, RUN_TS_CACHE_DIR: cacheDir, ...env },
  });

describe("a TypeScript entry of its own", () => {
  const source = join(scratch, "src");
  const entry = join(source, "entry.ts");
  // The entry awaits at the top level, so it runs as an ES module bundle.
  const bundleFiles = () => readdirSync(cacheDir).filter((f) => f.endsWith(".mjs"));
  beforeAll(() => {
    mkdirSync(join(source, "lib"), { recursive: true });
    writeFileSync(
      join(source, "lib", "value.ts"),
      'export const value: string = "first";\nexport const where = import.meta.dirname;\n',
    );
    writeFileSync(
      entry,
      [
        'import { readFileSync } from "node:fs";',
        'import { value, where } from "./lib/value.js";',
        "// A file read relative to this source file, as infra/cost/prices.ts reads prices.json.",
        'const data = readFileSync(new URL("./data.txt", import.meta.url), "utf8").trim();',
        "const answer: number = await Promise.resolve(42);",
        "console.log(JSON.stringify({ value, where, data, answer, argv: process.argv.slice(2), entry: process.argv[1] }));",
        "",
      ].join("\n"),
    );
    writeFileSync(join(source, "data.txt"), "beside the source\n");
  });

  test("runs it with its arguments; import.meta names each source file, not the bundle", async () => {
    const { stdout } = await launch([entry, "--flag", "x"]);
    expect(JSON.parse(stdout)).toEqual({
      value: "first",
      where: join(source, "lib"),
      data: "beside the source",
      answer: 42,
      argv: ["--flag", "x"],
      entry,
    });
    expect(bundleFiles()).toHaveLength(1);
  });

  test("a second run reuses the bundle; an edit to an imported file rebuilds it", async () => {
    const bundle = join(cacheDir, bundleFiles()[0]!);
    const built = statSync(bundle).mtimeMs;
    await launch([entry]);
    expect(statSync(bundle).mtimeMs).toBe(built);

    writeFileSync(
      join(source, "lib", "value.ts"),
      'export const value: string = "second";\nexport const where = "";\n',
    );
    const { stdout } = await launch([entry]);
    expect(JSON.parse(stdout).value).toBe("second");
    expect(statSync(bundle).mtimeMs).not.toBe(built);
  });

  test("a syntax error fails with esbuild's message naming the file and line, and exit code 1", async () => {
    const broken = join(source, "broken.ts");
    writeFileSync(broken, "const x = ;\n");
    const failure = await launch([broken]).catch((error: { code: number; stderr: string }) => error);
    expect(failure).toMatchObject({ code: 1 });
    expect((failure as { stderr: string }).stderr).toMatch(/Unexpected ";"[\s\S]*broken\.ts:1:\d+/);
  });

  test("an entry without top-level await runs as CommonJS through V8's code cache, written once", async () => {
    const plain = join(source, "plain.ts");
    writeFileSync(
      plain,
      'import { value } from "./lib/value.js";\nconsole.log(JSON.stringify({ value, argv: process.argv.slice(2) }));\nprocess.exit(0);\n',
    );
    const first = await launch([plain, "one"]);
    const caches = () => readdirSync(cacheDir).filter((f) => f.startsWith("plain") || f.includes("_plain-"));
    expect(caches().filter((f) => f.endsWith(".cjs.v8cache"))).toHaveLength(1);
    const cache = join(cacheDir, caches().find((f) => f.endsWith(".v8cache"))!);
    const written = statSync(cache).mtimeMs;
    const second = await launch([plain, "one"]);
    expect(second.stdout).toBe(first.stdout);
    expect(JSON.parse(second.stdout).argv).toEqual(["one"]);
    // Accepted by V8, so not written again.
    expect(statSync(cache).mtimeMs).toBe(written);
  });
});

test("npm run synth through the launcher writes exactly what the same entry writes under tsx", async () => {
  const bundled = join(scratch, "bundled");
  const underTsx = join(scratch, "tsx");
  await launch(["scripts/synth.ts", "--outdir", bundled, "--preview", "7", "dev"]);
  await run(
    join(repoRoot, "node_modules", ".bin", "tsx"),
    ["scripts/synth.ts", "--outdir", underTsx, "--preview", "7", "dev"],
    {
      cwd: repoRoot,
    },
  );
  const stacks = readdirSync(join(bundled, "stacks")).sort();
  expect(stacks).toEqual(["bootstrap", "dev", "preview-pr-7"]);
  expect(readdirSync(join(underTsx, "stacks")).sort()).toEqual(stacks);
  for (const stack of stacks) {
    const file = (dir: string) => readFileSync(join(dir, "stacks", stack, "cdk.tf.json"), "utf8");
    expect(file(bundled), stack).toBe(file(underTsx));
  }
}, 120_000);
