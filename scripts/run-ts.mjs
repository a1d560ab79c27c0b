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
 * of its input files changed size or modification time, when this launcher or esbuild changed, or
 * when the cache is missing. An entry without top-level await is bundled as CommonJS and run through
 * a vm.Script with V8's code cache of its previous run (synth: about 0.15 s less compiling); the
 * others (plan:offline) as an ES module. `import.meta.url`, `.dirname` and `.filename` keep naming each source file
 * (not the bundle), so paths read relative to a source file resolve as they do under tsx.
 * RUN_TS_NO_CACHE=1 rebuilds every time; RUN_TS_CACHE_DIR puts the bundles elsewhere (inside the
 * repository: the bundles import packages from the node_modules above them).
 */
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import Module, { createRequire } from "node:module";
import { dirname, join, relative, resolve, sep } from "node:path";
import { pathToFileURL } from "node:url";
import vm from "node:vm";

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
const bundleBase = join(cacheDir, slug);
const metaFile = join(cacheDir, `${slug}.inputs.json`);
/** The bundle of `format`: CommonJS where the entry allows it (it can then use V8's code cache), else ESM. */
const bundleOf = (format) => `${bundleBase}.${format === "cjs" ? "cjs" : "mjs"}`;

/** Size and mtime of a file, or null when it is gone. */
function stamp(file) {
  try {
    const s = statSync(file);
    return `${s.size}:${s.mtimeMs}`;
  } catch {
    return null;
  }
}

/** The format of the cached bundle when it is up to date, else undefined. */
function fresh(esbuildVersion) {
  if (process.env.RUN_TS_NO_CACHE === "1") return undefined;
  let meta;
  try {
    meta = JSON.parse(readFileSync(metaFile, "utf8"));
  } catch {
    return undefined;
  }
  if (meta.launcher !== LAUNCHER_VERSION || meta.esbuild !== esbuildVersion) return undefined;
  if (stamp(bundleOf(meta.format)) === null) return undefined;
  for (const [file, recorded] of Object.entries(meta.inputs)) {
    if (stamp(join(repoRoot, file)) !== recorded) return undefined;
  }
  return meta.format;
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
  const options = (format, outfile) => ({
    entryPoints: [entry],
    bundle: true,
    platform: "node",
    format,
    target: "node20",
    outfile,
    metafile: true,
    tsconfig: join(repoRoot, "tsconfig.json"),
    plugins: [ownSources],
    // In ESM, the bundled CommonJS libraries need a `require` for Node's built-ins (crypto, fs, path).
    ...(format === "esm"
      ? {
          banner: {
            js: 'import { createRequire as __runTsCreateRequire } from "node:module";\nconst require = __runTsCreateRequire(import.meta.url);',
          },
        }
      : {}),
    logLevel: "silent",
    absWorkingDir: repoRoot,
  });
  // CommonJS first: it can run through V8's code cache (see runCommonJs). An entry with top-level
  // await, or a dynamic import() of a package (which a vm.Script cannot load), is bundled as ESM.
  let format = "cjs";
  let temporary = `${bundleOf("cjs")}.${process.pid}.tmp`;
  let result;
  try {
    result = await esbuild.build(options("cjs", temporary));
    const outputs = Object.values(result.metafile.outputs);
    if (outputs.some((o) => o.imports.some((i) => i.external && i.kind === "dynamic-import")))
      result = undefined;
  } catch {
    result = undefined;
  }
  if (!result) {
    rmSync(temporary, { force: true });
    format = "esm";
    temporary = `${bundleOf("esm")}.${process.pid}.tmp`;
    try {
      result = await esbuild.build({ ...options("esm", temporary), logLevel: "error" });
    } catch {
      // esbuild has printed what is wrong (a syntax error, an import that does not resolve).
      process.exit(1);
    }
  }
  const inputs = {};
  for (const input of Object.keys(result.metafile.inputs)) {
    const file = resolve(repoRoot, input);
    inputs[relative(repoRoot, file)] = stamp(file);
  }
  // Renames are atomic: a concurrent run sees the old bundle or the new one, never half of one.
  renameSync(temporary, bundleOf(format));
  rmSync(bundleOf(format === "cjs" ? "esm" : "cjs"), { force: true });
  const metaTemporary = `${metaFile}.${process.pid}.tmp`;
  writeFileSync(
    metaTemporary,
    JSON.stringify({ launcher: LAUNCHER_VERSION, esbuild: version, format, inputs }),
  );
  renameSync(metaTemporary, metaFile);
  return format;
}

/**
 * Runs a CommonJS bundle as Node's loader would, but through a vm.Script given V8's code cache from
 * the previous run (beside the bundle, written after the first run and whenever V8 rejects it: V8
 * checks it against the source and its own version). Parsing and compiling the ~6 MB bundle, and
 * the functions it then compiles lazily, is about a tenth of a synth; the cache skips most of it.
 */
function runCommonJs(file) {
  const cacheFile = `${file}.v8cache`;
  let cachedData;
  try {
    cachedData = readFileSync(cacheFile);
  } catch {
    // First run of this bundle: compile, then write the cache.
  }
  const script = new vm.Script(Module.wrap(readFileSync(file, "utf8")), { filename: file, cachedData });
  const compiled = script.runInThisContext();
  // Entries end with process.exit (synth, plan:offline): the cache is written on the way out.
  if (cachedData === undefined || script.cachedDataRejected) {
    process.once("exit", () => {
      try {
        const temporary = `${cacheFile}.${process.pid}.tmp`;
        writeFileSync(temporary, script.createCachedData());
        renameSync(temporary, cacheFile);
      } catch {
        // A read-only cache folder only costs the next run the compile.
      }
    });
  }
  const module = new Module(file, null);
  module.filename = file;
  module.paths = Module._nodeModulePaths(dirname(file));
  compiled.call(module.exports, module.exports, createRequire(file), module, file, dirname(file));
}

const version = esbuildVersion();
const format = fresh(version) ?? (await build(version));
// The entry sees the arguments as it would under `tsx <entry> args...`.
process.argv = [process.argv[0], entry, ...args];
if (format === "cjs") runCommonJs(bundleOf("cjs"));
else await import(pathToFileURL(bundleOf("esm")).href);
