// Generates the Prisma client into service/generated/ (gitignored). Runs from `postinstall`, so it is
// plain JavaScript: a production install (`npm ci --omit=dev`) has neither tsx nor the Prisma CLI and
// ships the client already compiled into dist/, in which case there is nothing to do.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(path.join(root, "package.json"));

let cli;
try {
  cli = require.resolve("prisma/build/index.js");
} catch {
  console.log("db:generate: Prisma CLI not installed (production install); using the compiled client.");
  process.exit(0);
}

// `prisma generate` never runs the schema engine, but it refuses to start unless one exists on disk
// or can be downloaded, and this machine cannot download it. The WebAssembly schema engine that the
// migration scripts use is an existing file, so point the check at it.
const engine = path.join(
  path.dirname(require.resolve("@prisma/schema-engine-wasm")),
  "schema_engine_bg.wasm",
);
if (!existsSync(engine)) {
  console.error(`db:generate: ${engine} is missing; run npm ci`);
  process.exit(1);
}

const result = spawnSync(process.execPath, [cli, "generate", "--schema", "service/prisma/schema.prisma"], {
  cwd: root,
  stdio: "inherit",
  env: {
    ...process.env,
    PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? engine,
    CHECKPOINT_DISABLE: "1",
    PRISMA_HIDE_UPDATE_MESSAGE: "1",
  },
});
process.exit(result.status ?? 1);
