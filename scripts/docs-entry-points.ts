/**
 * The entry points of `@aws-platform-kit/modules`, read from modules/package.json `exports`: what
 * `npm run docs`, `docs:check` and `api:check` document and check, so a new subpath is covered the
 * moment it is exported.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { REPOSITORY_ROOT } from "../infra/delivery/workflows.js";

export const MODULES_ROOT = join(REPOSITORY_ROOT, "modules");

export interface Entry {
  /** The import specifier: `@aws-platform-kit/modules` or `@aws-platform-kit/modules/network`. */
  readonly specifier: string;
  /** Short name: `index` for the root entry, else the subpath (`network`); names the API report. */
  readonly report: string;
  /** The TypeScript source of the entry point, relative to modules/ (`network/index.ts`). */
  readonly source: string;
  /** The declarations `exports` points at, relative to modules/ (`dist/network/index.d.ts`). */
  readonly declarations: string;
}

interface PackageJson {
  readonly name: string;
  readonly exports: Record<string, string | { types?: string; import?: string }>;
}

export function entryPoints(root = MODULES_ROOT): Entry[] {
  const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as PackageJson;
  return Object.entries(pkg.exports).flatMap(([subpath, target]) => {
    if (typeof target === "string" || !target.types) return []; // ./package.json
    const declarations = target.types.replace(/^\.\//, "");
    const match = /^dist\/(.+)\.d\.ts$/.exec(declarations);
    if (!match)
      throw new Error(`modules/package.json exports["${subpath}"].types: ${target.types} is not under dist/`);
    const name = subpath === "." ? "" : subpath.replace(/^\.\//, "");
    return [
      {
        specifier: name ? `${pkg.name}/${name}` : pkg.name,
        report: name || "index",
        source: `${match[1]}.ts`,
        declarations,
      },
    ];
  });
}
