/**
 * The layers point one way (ARCHITECTURE.md): infra/, scripts/ and bench/ use the modules only
 * through `@aws-platform-kit/modules` and its subpath entry points, exactly as an outside team
 * would; the modules import nothing of infra/, service/ or scripts/.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, test } from "vitest";

const root = join(import.meta.dirname, "..");
const manifest = JSON.parse(readFileSync(join(root, "modules", "package.json"), "utf8")) as {
  exports: Record<string, unknown>;
};
const entryPoints = new Set(
  Object.keys(manifest.exports)
    .filter((key) => key !== "./package.json")
    .map((key) => (key === "." ? "@aws-platform-kit/modules" : `@aws-platform-kit/modules/${key.slice(2)}`)),
);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (["node_modules", "dist", "cdktf.out", "generated"].includes(name)) return [];
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(ts|mts|mjs|js)$/.test(name) && !name.endsWith(".d.ts") ? [path] : [];
  });
}

/** Every module specifier a file imports or re-exports (static and dynamic). */
function specifiers(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const found = [
    ...text.matchAll(/(?:import|export)\s[^;]*?\sfrom\s+"([^"]+)"/g),
    ...text.matchAll(/import\(\s*"([^"]+)"\s*\)/g),
    ...text.matchAll(/^import\s+"([^"]+)"/gm),
  ];
  return found.map((m) => m[1] as string);
}

describe("the modules are used only through the package's entry points", () => {
  const consumers = ["infra", "scripts", "bench"].flatMap((dir) => sourceFiles(join(root, dir)));

  test("every subpath export has its entry point", () => {
    expect(entryPoints.size).toBeGreaterThan(10);
    for (const entry of entryPoints) {
      const folder = entry.split("/").slice(2).join("/");
      expect(statSync(join(root, "modules", folder, "index.ts")).isFile(), entry).toBe(true);
    }
  });

  test("no file in infra/, scripts/ or bench/ imports a module's internal file", () => {
    expect(consumers.length).toBeGreaterThan(50);
    const deep = consumers.flatMap((file) =>
      specifiers(file)
        .filter((spec) =>
          /(^|\/)modules\//.test(spec) && !spec.startsWith("@aws-platform-kit/")
            ? true
            : spec.startsWith("@aws-platform-kit/modules") && !entryPoints.has(spec),
        )
        .map((spec) => `${relative(root, file)}: ${spec}`),
    );
    expect(deep).toEqual([]);
  });

  test("the modules import nothing of infra/, service/ or scripts/", () => {
    const upward = sourceFiles(join(root, "modules")).flatMap((file) =>
      specifiers(file)
        .filter(
          (spec) =>
            /^(\.\.\/)+(infra|service|scripts|bench)\//.test(spec) || spec.startsWith("@aws-platform-kit/"),
        )
        .map((spec) => `${relative(root, file)}: ${spec}`),
    );
    expect(upward).toEqual([]);
  });
});
