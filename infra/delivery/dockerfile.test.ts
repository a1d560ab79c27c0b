/**
 * The container image, specified by its Dockerfile and .dockerignore (no Docker engine runs here;
 * ci.yml builds the real image and smoke-tests it with .github/scripts/image-smoke.sh). The last
 * two tests replay the build stage on this machine: the files the Dockerfile copies, its RUN
 * commands, with the project's installed node_modules standing in for `npm ci`.
 */
import { execFileSync, spawnSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  RDS_CA_BUNDLE_PATH,
  SERVICE_CONTAINER_PORT,
  SERVICE_MIGRATION_COMMAND,
} from "../stacks/service-contract.js";
import {
  dockerignoreMatcher,
  execForm,
  type Instruction,
  loadDockerfile,
  parseCopy,
  parseHealthcheck,
  type Stage,
} from "./dockerfile.js";
import { REPOSITORY_ROOT } from "./workflows.js";

const root = REPOSITORY_ROOT;
const stages = loadDockerfile();
const runtime = stages.at(-1) as Stage;
const ignored = dockerignoreMatcher(readFileSync(join(root, ".dockerignore"), "utf8"));
const packageJson = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
  scripts: Record<string, string>;
  dependencies: Record<string, string>;
};

const all = (stage: Stage, keyword: string): Instruction[] =>
  stage.instructions.filter((i) => i.keyword === keyword);
const last = (stage: Stage, keyword: string): Instruction | undefined => all(stage, keyword).at(-1);

describe("base image", () => {
  test("every stage starts from the same Node LTS slim image, pinned by exact version and digest", () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    for (const stage of stages) {
      expect(stage.from).toMatch(/^node:\d+\.\d+\.\d+-[a-z]+-slim@sha256:[0-9a-f]{64}$/);
      expect(stage.from).toBe(runtime.from);
    }
    const major = Number(/^node:(\d+)\./.exec(runtime.from)?.[1]);
    // Even majors become LTS; 22 is the oldest still supported.
    expect(major % 2).toBe(0);
    expect(major).toBeGreaterThanOrEqual(22);
  });
});

describe("build stage", () => {
  test("installs with npm ci, generates the Prisma client, then compiles", () => {
    const build = stages.find((s) => s.name === "build") as Stage;
    const runs = all(build, "RUN").map((r) => r.args);
    const install = runs.findIndex((r) => /^npm ci\b/.test(r) && !r.includes("--omit=dev"));
    const compile = runs.findIndex((r) => r.includes("db-generate") && r.includes("npm run build"));
    expect(install).toBeGreaterThanOrEqual(0);
    expect(compile).toBeGreaterThan(install);
    expect(runs[compile]?.indexOf("db-generate")).toBeLessThan(runs[compile]?.indexOf("npm run build") ?? 0);
  });

  test("copies the lock file before the sources, so the install layer is cached across code changes", () => {
    const build = stages.find((s) => s.name === "build") as Stage;
    const lines = build.instructions;
    const lock = lines.findIndex((i) => i.keyword === "COPY" && i.args.includes("package-lock.json"));
    const install = lines.findIndex((i) => i.keyword === "RUN" && /^npm ci\b/.test(i.args));
    const sources = lines.findIndex((i) => i.keyword === "COPY" && /\bservice\//.test(i.args));
    expect(lock).toBeLessThan(install);
    expect(install).toBeLessThan(sources);
  });
});

describe("runtime stage", () => {
  test("holds only production dependencies, the compiled output, package.json, the db:* launcher and the RDS CAs", () => {
    expect(all(runtime, "RUN")).toEqual([]);
    const copies = all(runtime, "COPY").map((c) => parseCopy(c.args));
    const fromContext = copies.filter((c) => !c.from).flatMap((c) => c.sources);
    expect(fromContext.sort()).toEqual(["package.json", "scripts/db-run.mjs"]);
    const fromStages = copies.filter((c) => c.from);
    expect(fromStages.map((c) => c.sources[0]).sort()).toEqual([
      "/app/certs/rds-global-bundle.pem",
      "/app/dist",
      "/app/node_modules",
    ]);
    const dependencies = stages.find(
      (s) => s.name === fromStages.find((c) => c.sources[0] === "/app/node_modules")?.from,
    );
    expect(all(dependencies as Stage, "RUN").some((r) => /npm ci .*--omit=dev/.test(r.args))).toBe(true);
  });

  test("carries the RDS certificate authorities, readable, where the task definition points DATABASE_CA_FILE", () => {
    const build = stages.find((st) => st.name === "build") as Stage;
    expect(all(build, "ADD").map((a) => a.args)).toEqual([
      "https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem certs/rds-global-bundle.pem",
    ]);
    expect(all(build, "RUN").map((r) => r.args)).toContain("chmod 0444 certs/rds-global-bundle.pem");
    const copy = all(runtime, "COPY")
      .map((c) => parseCopy(c.args))
      .find((c) => c.sources[0] === "/app/certs/rds-global-bundle.pem");
    expect(copy).toMatchObject({ from: "build", destination: RDS_CA_BUNDLE_PATH });
  });

  test("runs as uid 1000, never root", () => {
    expect(last(runtime, "USER")?.args).toMatch(/^(1000(:1000)?|node(:node)?)$/);
  });

  test("sets NODE_ENV=production", () => {
    expect(all(runtime, "ENV").map((e) => e.args)).toContain("NODE_ENV=production");
  });

  test("declares /tmp a volume, so Fargate's writable /tmp keeps mode 1777", () => {
    expect(all(runtime, "VOLUME").map((v) => execForm(v.args) ?? v.args.split(/\s+/))).toContainEqual([
      "/tmp",
    ]);
  });

  test("exposes the service port", () => {
    expect(all(runtime, "EXPOSE").map((e) => e.args)).toContain(String(SERVICE_CONTAINER_PORT));
  });

  test("health check probes /healthz on the service port with node's fetch, in exec form", () => {
    const healthcheck = last(runtime, "HEALTHCHECK");
    expect(healthcheck).toBeDefined();
    const command = execForm(parseHealthcheck(healthcheck?.args ?? "").command);
    expect(command?.slice(0, 2)).toEqual(["node", "-e"]);
    expect(command?.[2]).toContain("fetch(");
    expect(command?.[2]).toContain("/healthz");
    expect(command?.[2]).toContain(String(SERVICE_CONTAINER_PORT));
  });

  test("CMD is exec form with node itself as the process, the same entry point as npm start", () => {
    const cmd = execForm(last(runtime, "CMD")?.args ?? "");
    expect(cmd?.[0]).toBe("node");
    expect(cmd?.join(" ")).toBe(packageJson.scripts.start);
    expect(all(runtime, "ENTRYPOINT")).toEqual([]);
  });

  test("no build argument or environment variable carries a secret", () => {
    const secretish = /PASSWORD|PASSWD|SECRET|TOKEN|PRIVATE_KEY|API_KEY|ACCESS_KEY|CREDENTIAL/i;
    for (const stage of stages) {
      for (const i of stage.instructions.filter((i) => i.keyword === "ARG" || i.keyword === "ENV")) {
        expect(i.args, `line ${i.line}`).not.toMatch(secretish);
      }
    }
  });
});

describe(".dockerignore", () => {
  test("keeps dependencies, Terraform output, tests and local data out of the build context", () => {
    for (const path of [
      "node_modules/express/package.json",
      "service/node_modules/x",
      "cdktf.out/stacks/dev/cdk.tf.json",
      "infra/.terraform/providers/x",
      "bootstrap.tfstate",
      "dist/service/server.js",
      "service/generated/prisma/client.ts",
      "service/routes/tasks.test.ts",
      "service/test/global-setup.ts",
      "service/local/dev-services.ts",
      ".local/postgres/PG_VERSION",
      ".env",
      ".env.production",
      ".git/config",
    ]) {
      expect(ignored(path), path).toBe(true);
    }
  });

  test("lets in every file the Dockerfile copies from the context", () => {
    const copied = stages.flatMap((s) =>
      all(s, "COPY")
        .map((c) => parseCopy(c.args))
        .filter((c) => !c.from),
    );
    const files = copied.flatMap((c) => c.sources).flatMap((source) => filesUnder(source));
    expect(files).toContain("service/server.ts");
    expect(files).toContain("scripts/db-deploy.ts");
    expect(files).toContain("service/prisma/schema.prisma");
    for (const file of files) {
      if (/\.test\.ts$|^service\/(test|local|generated)\//.test(file)) continue;
      expect(ignored(file), file).toBe(false);
    }
  });
});

/** Files in the repository under a COPY source (a file or a directory), relative to the root. */
function filesUnder(source: string): string[] {
  const path = join(root, source);
  if (!existsSync(path)) return [source];
  if (!statSync(path).isDirectory()) return [source.replace(/\/$/, "")];
  return readdirSync(path, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && !e.parentPath.includes("node_modules"))
    .map((e) => relative(root, join(e.parentPath, e.name)));
}

describe("the build stage, replayed offline", () => {
  const workspace = mkdtempSync(join(tmpdir(), "image-build-"));
  const app = join(workspace, "app");

  beforeAll(() => {
    const build = stages.find((s) => s.name === "build") as Stage;
    mkdirSync(app, { recursive: true });
    for (const instruction of build.instructions) {
      if (instruction.keyword === "COPY") {
        const { sources, destination } = parseCopy(instruction.args);
        for (const source of sources) copyFromContext(source, join(app, destination));
      } else if (instruction.keyword === "ADD") {
        // No network here: a URL's content is stood in for by a placeholder file at its destination.
        const [url, destination] = instruction.args.split(/\s+/);
        expect(url).toMatch(/^https:\/\//);
        mkdirSync(dirname(join(app, destination as string)), { recursive: true });
        writeFileSync(join(app, destination as string), "placeholder for an offline replay\n");
      } else if (instruction.keyword === "RUN") {
        // No registry here: the project's own node_modules stands in for the image's `npm ci`.
        if (/^npm ci\b/.test(instruction.args))
          symlinkSync(join(root, "node_modules"), join(app, "node_modules"));
        else execFileSync("sh", ["-c", instruction.args], { cwd: app, stdio: "pipe" });
      }
    }
  }, 300_000);
  afterAll(() => rmSync(workspace, { recursive: true, force: true }));

  /** The runtime stage's files: its COPYs from the context and from the build stage. */
  function assembleRuntime(): string {
    const image = join(workspace, "runtime");
    mkdirSync(image, { recursive: true });
    for (const instruction of all(runtime, "COPY")) {
      const { from, sources, destination } = parseCopy(instruction.args);
      if (!from) for (const source of sources) copyFromContext(source, join(image, destination));
      else if (sources[0] === "/app/dist")
        cpSync(join(app, "dist"), join(image, destination), { recursive: true });
    }
    // Stands in for the production-dependencies stage (the full install is a superset of it; the
    // next test checks that the compiled code needs production dependencies only).
    symlinkSync(join(root, "node_modules"), join(image, "node_modules"));
    return image;
  }

  /** COPY semantics: a directory's contents go into the destination; .dockerignore applies. */
  function copyFromContext(source: string, destination: string): void {
    for (const file of filesUnder(source)) {
      if (ignored(file)) continue;
      const inside = statSync(join(root, source)).isDirectory()
        ? relative(join(root, source), join(root, file))
        : file.split("/").at(-1);
      const target = join(destination, inside as string);
      mkdirSync(dirname(target), { recursive: true });
      cpSync(join(root, file), target);
    }
  }

  test("produces the files the image's CMD and the migration task run", () => {
    const cmd = execForm(last(runtime, "CMD")?.args ?? "") as string[];
    for (const command of [cmd, [...SERVICE_MIGRATION_COMMAND]]) {
      expect(command[0]).toBe("node");
      // The script is node's first argument that is not an option (--max-semi-space-size=32, ...).
      const script = command.slice(1).find((argument) => !argument.startsWith("-"));
      expect(existsSync(join(app, script as string)), command.join(" ")).toBe(true);
    }
    // db:deploy reads the migrations from beside the compiled service.
    expect(existsSync(join(app, "dist/service/prisma/migrations"))).toBe(true);
  });

  test("npm start and npm run db:deploy run from the runtime stage's files alone", () => {
    const image = assembleRuntime();
    for (const script of ["start", "db:deploy"]) {
      const command = packageJson.scripts[script] as string;
      // Without configuration each must load every module and stop at its config check.
      const result = spawnSync("sh", ["-c", command], {
        cwd: image,
        encoding: "utf8",
        env: { PATH: process.env.PATH, NODE_ENV: "production" },
      });
      expect(result.status, `${script}: ${result.stderr}`).toBe(1);
      expect(result.stderr, script).toMatch(/^config: /m);
      expect(result.stderr, script).not.toMatch(/ERR_MODULE_NOT_FOUND|Cannot find module|neither/);
    }
  });

  test("produces every compiled script the infrastructure code runs in the image", () => {
    const commands = new Set<string>();
    for (const file of readdirSync(join(root, "infra"), { recursive: true, withFileTypes: true })) {
      if (!file.isFile() || !/\.ts$/.test(file.name) || /\.test\.ts$/.test(file.name)) continue;
      const text = readFileSync(join(file.parentPath, file.name), "utf8");
      for (const m of text.matchAll(/["'](dist\/[\w/.-]+\.js)["']/g)) commands.add(m[1] as string);
    }
    expect(commands).toContain(SERVICE_MIGRATION_COMMAND[1]);
    for (const path of commands) expect(existsSync(join(app, path)), path).toBe(true);
  });

  test("the compiled output imports production dependencies only", () => {
    const imported = new Set<string>();
    for (const file of readdirSync(join(app, "dist"), { recursive: true, withFileTypes: true })) {
      if (!file.isFile() || !/\.m?js$/.test(file.name)) continue;
      const text = readFileSync(join(file.parentPath, file.name), "utf8");
      const specifiers =
        /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+|\brequire(?:\.resolve)?\s*\(\s*)["']([^"'./][^"']*)["']/g;
      for (const m of text.matchAll(specifiers)) {
        const specifier = m[1] as string;
        if (specifier.startsWith("node:")) continue;
        const parts = specifier.split("/");
        imported.add(specifier.startsWith("@") ? parts.slice(0, 2).join("/") : (parts[0] as string));
      }
    }
    expect(imported).toContain("express");
    const missing = [...imported].filter((name) => !(name in packageJson.dependencies));
    expect(missing).toEqual([]);
  });
});
