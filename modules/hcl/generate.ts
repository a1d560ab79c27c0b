/**
 * Synthesises every module in the registry into `modules/terraform/<name>/`: `main.tf.json`,
 * `variables.tf.json`, `outputs.tf.json`, `versions.tf.json` and a README. `--check` writes nothing
 * and fails when the committed files differ from what would be written.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { HclModule } from "./hcl-module.js";
import { moduleApp, TerraformModuleStack } from "./module-stack.js";
import { readme } from "./readme.js";
import { MODULES } from "./registry.js";

/** Where the modules are written. */
export const TERRAFORM_MODULES = fileURLToPath(new URL("../terraform/", import.meta.url));

/** The files of one module, by file name, as the text written to disk. */
export function render(module: HclModule): Record<string, string> {
  const outdir = mkdtempSync(join(tmpdir(), "hcl-module-"));
  try {
    const stack = new TerraformModuleStack(moduleApp(outdir), module.name);
    module.build(stack);
    const files: Record<string, string> = {};
    for (const [file, json] of Object.entries(stack.files()))
      files[file] = `${JSON.stringify(json, null, 2)}\n`;
    files["README.md"] = readme(module, stack.inputs, stack.outputs);
    return files;
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

/** Every module's files, keyed `<name>/<file>`. */
export function renderAll(modules: readonly HclModule[] = MODULES): Record<string, string> {
  const all: Record<string, string> = {};
  for (const module of modules) {
    for (const [file, text] of Object.entries(render(module))) all[`${module.name}/${file}`] = text;
  }
  return all;
}

/** Paths under `root` whose content differs from `expected` (or that are missing or extra in a module folder). */
export function differences(expected: Record<string, string>, root = TERRAFORM_MODULES): string[] {
  const found: string[] = [];
  const folders = new Set(Object.keys(expected).map((path) => path.split("/")[0] as string));
  for (const [path, text] of Object.entries(expected)) {
    let current: string | undefined;
    try {
      current = readFileSync(join(root, path), "utf8");
    } catch {
      current = undefined;
    }
    if (current !== text) found.push(current === undefined ? `${path} (missing)` : path);
  }
  for (const folder of folders) {
    for (const file of safeList(join(root, folder))) {
      if (!(`${folder}/${file}` in expected)) found.push(`${folder}/${file} (not generated)`);
    }
  }
  return found;
}

function safeList(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

async function main(): Promise<void> {
  const check = process.argv.includes("--check");
  // `--only <name>` renders one module from ./<name>.js, registered or not (while it is being built).
  const only = process.argv[process.argv.indexOf("--only") + 1];
  const modules = process.argv.includes("--only")
    ? [((await import(`./${only}.js`)) as Record<string, HclModule>)[camel(only ?? "")] as HclModule]
    : MODULES;
  const expected = renderAll(modules);
  if (check) {
    const stale = differences(expected);
    if (stale.length) {
      console.error(
        `modules/terraform is out of date (${stale.length} files); run npm run modules:terraform:`,
      );
      for (const path of stale) console.error(`  ${path}`);
      process.exit(1);
    }
    console.log(`modules/terraform: ${modules.length} modules up to date`);
    return;
  }
  for (const module of modules) {
    const folder = join(TERRAFORM_MODULES, module.name);
    rmSync(folder, { recursive: true, force: true });
    mkdirSync(folder, { recursive: true });
  }
  for (const [path, text] of Object.entries(expected)) writeFileSync(join(TERRAFORM_MODULES, path), text);
  console.log(`modules/terraform: wrote ${modules.map((m) => m.name).join(", ")}`);
}

/** `fargate-service` → `fargateService`: the export a module file names its definition. */
function camel(name: string): string {
  return name.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
