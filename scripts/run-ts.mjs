#!/usr/bin/env node
/**
 * node scripts/run-ts.mjs <entry.ts> [args...]
 *
 * Runs a TypeScript command-line entry (synth, plan:offline, check, cost, the cdktf app) as one
 * esbuild bundle of the repository's own sources, with plain Node: no per-module TypeScript loader
 * hooks, which cost about a second on every `npm run synth` (tsx transforms and resolves each of the
 * ~500 files the app imports through a loader thread). Packages stay ordinary imports from
 * node_modules, except `@aws-platform-kit/modules/*` (bundled from its TypeScript source, as tsx and
 * tsconfig.json resolve it) and the CDKTF libraries (`BUNDLED_PACKAGES`).
 *
 * The bundle is cached in node_modules/.cache/aws-platform-kit/ and rebuilt (about 0.5 s) when any
 * of its input files changed size or modification time, when the entry or esbuild changed, or when
 * the cache is missing. `import.meta.url`, `.dirname` and `.filename` keep naming each source file
 * (not the bundle), so paths read relative to a source file resolve as they do under tsx.
 * RUN_TS_NO_CACHE=1 rebuilds every time; RUN_TS_CACHE_DIR puts the bundles elsewhere (inside the
 * repository: the bundles import packages from the node_modules above them).
 */
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { pathToFileURL } from "node:url";

/** The launcher's own content: a change to how bundles are built invalidates every bundle. */
const LAUNCHER_VERSION = createHash("sha256")
  .update(readFileSync(import.meta.filename))
  .digest("hex")
  .slice(0, 16);
/**
 * Bundled rather than imported: the repository's own package, and the CommonJS libraries every synth
 * loads (cdktf, constructs, the ~200 provider binding files it uses). Imported from ES modules, Node
 * scans each CommonJS file for its export names and wraps it (about 0.2 s); bundled, esbuild has done
 * that once. They read no files of their own at run time. Nothing else imports them, so no second
 * copy of cdktf (whose tokens and `instanceof` checks must be one) is ever loaded beside the bundle's.
 */
const BUNDLED_PACKAGES = ["@aws-platform-kit/modules", "cdktf", "constructs", "@cdktf/provider-aws"];
const repoRoot = resolve(import.meta.dirname, "..");
const [entryArg, ...args] = process.argv.slice(2);
if (!entryArg) {
  console.error("usage: node scripts/run-ts.mjs <entry.ts> [args...]");
  process.exit(2);
}
const entry = resolve(entryArg);
const cacheDir = process.env.RUN_TS_CACHE_DIR
  ? resolve(process.env.RUN_TS_CACHE_DIR)
  : join(repoRoot, "node_modules", ".cache", "aws-platform-kit", "run-ts");
const slug = `${relative(repoRoot, entry)
  .replaceAll(sep, "_")
  .replace(/\.[cm]?ts$/, "")}-${createHash("sha256").update(entry).digest("hex").slice(0, 8)}`;
const bundle = join(cacheDir, `${slug}.mjs`);
const metaFile = join(cacheDir, `${slug}.inputs.json`);

/** Size and mtime of a file, or null when it is gone. */
function stamp(file) {
  try {
    const s = statSync(file);
    return `${s.size}:${s.mtimeMs}`;
  } catch {
    return null;
  }
}

function fresh(esbuildVersion) {
  if (process.env.RUN_TS_NO_CACHE === "1") return false;
  let meta;
  try {
    meta = JSON.parse(readFileSync(metaFile, "utf8"));
  } catch {
    return false;
  }
  if (meta.launcher !== LAUNCHER_VERSION || meta.esbuild !== esbuildVersion || stamp(bundle) === null)
    return false;
  for (const [file, recorded] of Object.entries(meta.inputs)) {
    if (stamp(join(repoRoot, file)) !== recorded) return false;
  }
  return true;
}

/** esbuild's version from its package.json, without loading esbuild itself on the fast path. */
function esbuildVersion() {
  return JSON.parse(readFileSync(join(repoRoot, "node_modules", "esbuild", "package.json"), "utf8")).version;
}

async function build(version) {
  const esbuild = await import("esbuild");
  const ownSources = {
    name: "own-sources",
    setup(b) {
      // Bare specifiers stay imports from node_modules, except this repository's own package, which
      // tsconfig.json's `paths` map to its TypeScript source (what tsx runs), and the CDKTF libraries.
      // What a bundled package imports is bundled too, resolved from that package (cdktf ships its
      // own dependencies inside its folder, where the bundle could not find them at run time).
      b.onResolve({ filter: /^[^./]/ }, (a) =>
        a.importer.includes(`${sep}node_modules${sep}`) ||
        BUNDLED_PACKAGES.some((name) => a.path === name || a.path.startsWith(`${name}/`))
          ? undefined
          : { path: a.path, external: true },
      );
      // import.meta.* would name the bundle; keep them naming the source file.
      b.onLoad({ filter: /\.[cm]?ts$/ }, (a) => {
        const source = readFileSync(a.path, "utf8");
        const contents = source
          .replaceAll("import.meta.url", JSON.stringify(pathToFileURL(a.path).href))
          .replaceAll("import.meta.dirname", JSON.stringify(dirname(a.path)))
          .replaceAll("import.meta.filename", JSON.stringify(a.path));
        return { contents, loader: "ts" };
      });
    },
  };
  mkdirSync(cacheDir, { recursive: true });
  const temporary = `${bundle}.${process.pid}.tmp`;
  const result = await esbuild.build({
    entryPoints: [entry],
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    outfile: temporary,
    metafile: true,
    tsconfig: join(repoRoot, "tsconfig.json"),
    plugins: [ownSources],
    // The bundled CommonJS libraries `require` Node's built-ins (crypto, fs, path).
    banner: {
      js: 'import { createRequire as __runTsCreateRequire } from "node:module";\nconst require = __runTsCreateRequire(import.meta.url);',
    },
    logLevel: "error",
    absWorkingDir: repoRoot,
  });
  const inputs = {};
  for (const input of Object.keys(result.metafile.inputs)) {
    const file = resolve(repoRoot, input);
    inputs[relative(repoRoot, file)] = stamp(file);
  }
  // Renames are atomic: a concurrent run sees the old bundle or the new one, never half of one.
  renameSync(temporary, bundle);
  const metaTemporary = `${metaFile}.${process.pid}.tmp`;
  writeFileSync(metaTemporary, JSON.stringify({ launcher: LAUNCHER_VERSION, esbuild: version, inputs }));
  renameSync(metaTemporary, metaFile);
}

const version = esbuildVersion();
if (!fresh(version)) await build(version);
// The entry sees the arguments as it would under `tsx <entry> args...`.
process.argv = [process.argv[0], entry, ...args];
await import(pathToFileURL(bundle).href);
