// Runs a database command (scripts/<name>.ts) the same way everywhere: from the TypeScript sources
// through tsx where they exist (a checkout, CI), or from the compiled dist/scripts/<name>.js in a
// production image, which has neither the sources nor tsx. Same module either way.
// Usage: node scripts/db-run.mjs db-deploy [args...]
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const [name, ...args] = process.argv.slice(2);
if (!name || !/^db-[a-z-]+$/.test(name)) {
  console.error("usage: node scripts/db-run.mjs db-<command> [args...]");
  process.exit(2);
}

const source = path.join(root, "scripts", `${name}.ts`);
const compiled = path.join(root, "dist", "scripts", `${name}.js`);
let tsx;
try {
  tsx = createRequire(path.join(root, "package.json")).resolve("tsx/cli");
} catch {
  tsx = undefined;
}

let command;
if (existsSync(source) && tsx) command = [tsx, source, ...args];
else if (existsSync(compiled)) command = [compiled, ...args];
else {
  console.error(`db-run: neither ${source} (with tsx) nor ${compiled} exists; run npm ci, or npm run build`);
  process.exit(2);
}
const result = spawnSync(process.execPath, command, { cwd: root, stdio: "inherit" });
process.exit(result.status ?? 1);
