/**
 * npm run build:web [-- --out <dir>] [--if-missing]
 *
 * Builds the front end into static files: esbuild bundles src/main.ts and the CSS it imports into
 * content-hashed files under assets/, the icon is copied under a hashed name, and index.html is
 * written from the template with their paths and Subresource Integrity hashes. No inline script or
 * style anywhere, so the page runs under a CSP without 'unsafe-inline'.
 */
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { parseArgs } from "node:util";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";

const sourceDirectory = import.meta.dirname;
/** Where the service looks by default (service/routes/web.ts) and what `web:publish` uploads. */
export const defaultWebOutDir = path.join(sourceDirectory, "dist");
/** Every file with a content hash in its name lives here; everything else is served `no-cache`. */
export const hashedAssetsDirectory = "assets";

export interface BuiltFile {
  /** Path inside the output folder, with `/` separators (the URL path and the S3 key). */
  path: string;
  bytes: number;
  gzipBytes: number;
  /** True for files under assets/: their name changes when their content does. */
  hashed: boolean;
}

const hash = (content: Uint8Array, algorithm: string, encoding: "base64" | "hex") =>
  createHash(algorithm).update(content).digest(encoding);
const integrity = (content: Uint8Array) => `sha384-${hash(content, "sha384", "base64")}`;

function describe(relative: string, content: Uint8Array): BuiltFile {
  return {
    path: relative,
    bytes: content.length,
    gzipBytes: gzipSync(content, { level: 9 }).length,
    hashed: relative.startsWith(`${hashedAssetsDirectory}/`),
  };
}

/** Builds into `outDir` (emptied first) and returns what it wrote, index.html last. */
export async function buildWeb(options: { outDir?: string } = {}): Promise<BuiltFile[]> {
  const outDir = options.outDir ?? defaultWebOutDir;
  const result = await build({
    entryPoints: { app: path.join(sourceDirectory, "src", "main.ts") },
    bundle: true,
    format: "esm",
    target: ["es2022", "chrome111", "firefox111", "safari16.4"],
    minify: true,
    legalComments: "none",
    charset: "utf8",
    entryNames: `${hashedAssetsDirectory}/[name]-[hash]`,
    outdir: outDir,
    write: false,
    logLevel: "silent",
  });
  const outputs = new Map<string, Uint8Array>();
  for (const file of result.outputFiles) {
    outputs.set(path.relative(outDir, file.path).split(path.sep).join("/"), file.contents);
  }
  const named = (extension: string) => {
    const found = [...outputs.keys()].find((name) => name.endsWith(extension));
    if (!found) throw new Error(`build:web: esbuild produced no ${extension} file`);
    return found;
  };
  const script = named(".js");
  const stylesheet = named(".css");

  const icon = await readFile(path.join(sourceDirectory, "src", "icon.svg"));
  const iconPath = `${hashedAssetsDirectory}/icon-${hash(icon, "sha256", "hex").slice(0, 8)}.svg`;
  outputs.set(iconPath, icon);

  const values: Record<string, string> = {
    script: `/${script}`,
    scriptIntegrity: integrity(outputs.get(script)!),
    stylesheet: `/${stylesheet}`,
    stylesheetIntegrity: integrity(outputs.get(stylesheet)!),
    icon: `/${iconPath}`,
  };
  const template = await readFile(path.join(sourceDirectory, "index.html"), "utf8");
  const html = template.replace(/\{\{(\w+)\}\}/g, (_match, key: string) => {
    const value = values[key];
    if (value === undefined) throw new Error(`build:web: index.html names an unknown value {{${key}}}`);
    return value;
  });

  await rm(outDir, { recursive: true, force: true });
  const written: BuiltFile[] = [];
  for (const [relative, content] of [...outputs].sort(([a], [b]) => a.localeCompare(b))) {
    await mkdir(path.dirname(path.join(outDir, relative)), { recursive: true });
    await writeFile(path.join(outDir, relative), content);
    written.push(describe(relative, content));
  }
  const index = new TextEncoder().encode(html);
  await writeFile(path.join(outDir, "index.html"), index);
  written.push(describe("index.html", index));
  return written;
}

/** Builds unless `outDir` already holds a build (a fresh clone has none). */
export async function ensureWebBuilt(outDir = defaultWebOutDir): Promise<BuiltFile[] | undefined> {
  return existsSync(path.join(outDir, "index.html")) ? undefined : buildWeb({ outDir });
}

export function formatBuildReport(files: readonly BuiltFile[]): string {
  const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} kB`;
  const lines = files.map(
    (file) =>
      `  ${file.path.padEnd(40)} ${kb(file.bytes).padStart(9)}  ${kb(file.gzipBytes).padStart(9)} gzip`,
  );
  const code = files.filter((file) => /\.(js|css)$/.test(file.path));
  const total = (key: "bytes" | "gzipBytes") => code.reduce((sum, file) => sum + file[key], 0);
  lines.push(`  JS + CSS: ${kb(total("bytes"))}, ${kb(total("gzipBytes"))} gzipped`);
  return lines.join("\n");
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { out: { type: "string" }, "if-missing": { type: "boolean", default: false } },
  });
  const outDir = path.resolve(values.out ?? defaultWebOutDir);
  const started = performance.now();
  const files = values["if-missing"] ? await ensureWebBuilt(outDir) : await buildWeb({ outDir });
  if (!files) {
    console.log(`build:web: ${path.relative(process.cwd(), outDir)} is already built`);
    return;
  }
  console.log(
    `build:web: ${path.relative(process.cwd(), outDir) || "."} in ${Math.round(performance.now() - started)} ms`,
  );
  console.log(formatBuildReport(files));
}

if (process.argv[1] && path.resolve(process.argv[1]) === import.meta.filename) {
  main().catch((error: unknown) => {
    console.error(`build:web: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  });
}
