/**
 * Proof from outside (issue 16): `@aws-platform-kit/modules` works for a team that installs it from
 * npm. The package is built and packed, the tarball's contents are checked against its `exports`,
 * and it is installed into a fresh project outside the repository with only the peers beside it.
 * There a stack of the team's own (fixtures/consumer-stack.ts: eu-west-1, two AZs, NAT per AZ, no
 * previews, no CI access, local backend) is type-checked against the shipped declarations,
 * synthesised from the shipped JavaScript, planned offline with the real Terraform CLI and AWS
 * provider, and judged by the project's policy rules.
 *
 * The build runs in a snapshot of the workspace (root manifest, tsconfig.json and modules/ copied to
 * a temporary folder, the repository's node_modules linked in) with the same `npm run build -w
 * modules` and `npm pack -w modules`: the package's `build` empties modules/dist first, so building
 * in the checkout would race with anything else building or cleaning it at the same time.
 *
 * Every step records its outcome instead of throwing, so a broken step fails the tests about it with
 * its own output, and the steps after it report that they were skipped.
 */
import { execFile } from "node:child_process";
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { builtinModules } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, posix, relative, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { checkPlanFile, type PlanCheck } from "../policy/check-plans.js";
import { listStacks, planStacksOffline, type StackPlan } from "../terraform/offline-plan.js";
import { prepareToolchain } from "../terraform/toolchain.js";

const repoRoot = resolve(import.meta.dirname, "..", "..");
const fixture = join(import.meta.dirname, "fixtures", "consumer-stack.ts");
const bin = (name: string) => join(repoRoot, "node_modules", ".bin", name);
const PACKAGE = "@aws-platform-kit/modules";
const PEERS = ["cdktf", "constructs", "@cdktf/provider-aws"] as const;
const STACK = "orders-demo";
/** Installing three peers and the tarball from the npm cache takes seconds; minutes mean it downloaded. */
const INSTALL_BUDGET_SECONDS = 90;

interface Manifest {
  readonly name: string;
  readonly exports: Record<string, string | Record<string, string>>;
  readonly files: readonly string[];
  readonly peerDependencies?: Record<string, string>;
  readonly dependencies?: Record<string, string>;
  readonly devDependencies?: Record<string, string>;
}
const readJson = <T>(path: string) => JSON.parse(readFileSync(path, "utf8")) as T;
const rootManifest = readJson<Manifest>(join(repoRoot, "package.json"));
const modulesManifest = readJson<Manifest>(join(repoRoot, "modules", "package.json"));

interface Step {
  readonly ok: boolean;
  /** What went wrong, or the command's output worth reading. */
  readonly output: string;
  readonly seconds: number;
}
const skipped = (why: string): Step => ({ ok: false, output: `skipped: ${why}`, seconds: 0 });

/** Runs a command to completion; never throws (the outcome is the step's result). */
function run(command: string, args: string[], cwd: string) {
  const started = performance.now();
  return new Promise<Step & { stdout: string }>((done) => {
    execFile(
      command,
      args,
      { cwd, env: childEnv(), maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const output = [`$ ${command} ${args.join(" ")}  (in ${cwd})`, stdout.trim(), stderr.trim()]
          .filter(Boolean)
          .join("\n");
        done({ ok: !error, output, stdout, seconds: (performance.now() - started) / 1000 });
      },
    );
  });
}

/**
 * The environment without what `npm test` passes down about the repository's own package
 * (`npm_package_*`, `npm_config_local_prefix`, a workspace filter…), which would point the inner npm
 * commands back at the repository. Where the cache is stays.
 */
function childEnv(): NodeJS.ProcessEnv {
  const keep = new Set(["npm_config_cache", "npm_config_userconfig", "npm_config_registry"]);
  return Object.fromEntries(
    Object.entries(process.env).filter(
      ([key]) =>
        !(key.toLowerCase().startsWith("npm_") && !keep.has(key.toLowerCase())) && key !== "CDKTF_OUTDIR",
    ),
  );
}

/**
 * Every module specifier a JavaScript or declaration file imports or re-exports. Statements are
 * matched only where a line starts with them, so an example in a doc comment (` * import …`) is not
 * taken for an import.
 */
function specifiers(text: string): string[] {
  return [
    ...text.matchAll(/^[ \t]*(?:import|export)\b[^;]*?\bfrom\s*["']([^"']+)["']/gm),
    ...text.matchAll(/^[ \t]*import\s*["']([^"']+)["']/gm),
    // Declarations refer to types of other files as `import("./x.js").Type`.
    ...text.matchAll(/\bimport\(\s*["']([^"']+)["']\s*\)/g),
  ].map((m) => m[1] as string);
}

/** `@scope/name/deep/path` → `@scope/name`; `name/deep` → `name`. */
const packageOf = (specifier: string) =>
  specifier
    .split("/")
    .slice(0, specifier.startsWith("@") ? 2 : 1)
    .join("/");

/** The package's subpath exports as import specifiers, with their `import` and `types` targets. */
const exportTargets = Object.entries(modulesManifest.exports)
  .filter(([subpath]) => subpath !== "./package.json")
  .map(([subpath, target]) => ({
    specifier: subpath === "." ? PACKAGE : `${PACKAGE}/${subpath.slice(2)}`,
    js: typeof target === "string" ? target : target.import,
    types: typeof target === "string" ? undefined : target.types,
  }));

const work = mkdtempSync(join(tmpdir(), "outside-consumer-"));
const consumer = join(work, "consumer");
const unpacked = join(work, "unpacked", "package");
const outdir = join(consumer, "cdktf.out");

const NOT_REACHED = "an earlier step failed (see the first failing test)";
const steps: Record<"build" | "pack" | "install" | "resolve" | "typecheck" | "synth" | "plan", Step> = {
  build: skipped(NOT_REACHED),
  pack: skipped(NOT_REACHED),
  install: skipped(NOT_REACHED),
  resolve: skipped(NOT_REACHED),
  typecheck: skipped(NOT_REACHED),
  synth: skipped(NOT_REACHED),
  plan: skipped(NOT_REACHED),
};
/** Paths in the tarball, relative to its `package/` folder. */
let tarball = "";
let shipped: string[] = [];
/** What each entry point resolved to from the consumer project, under plain Node. */
let resolved: Record<string, { path: string; exports: number }> = {};
let plan: StackPlan | undefined;
let policy: PlanCheck | undefined;

beforeAll(async () => {
  // 1. Build and pack, in a snapshot of the workspace.
  const stage = join(work, "stage");
  mkdirSync(stage);
  writeFileSync(
    join(stage, "package.json"),
    JSON.stringify({ name: "outside-consumer-stage", private: true, workspaces: ["modules"] }),
  );
  cpSync(join(repoRoot, "tsconfig.json"), join(stage, "tsconfig.json"));
  cpSync(join(repoRoot, "modules"), join(stage, "modules"), {
    recursive: true,
    filter: (source) => !/[/\\](dist|node_modules)$/.test(source),
  });
  symlinkSync(join(repoRoot, "node_modules"), join(stage, "node_modules"), "dir");
  steps.build = await run("npm", ["run", "build", "-w", "modules"], stage);
  if (!steps.build.ok) return;

  const packDir = join(work, "pack");
  mkdirSync(packDir);
  // Built just above; the package's `prepack` would only build it a second time.
  const pack = await run(
    "npm",
    ["pack", "-w", "modules", "--ignore-scripts", "--json", "--pack-destination", packDir],
    stage,
  );
  if (!pack.ok) {
    steps.pack = pack;
    return;
  }
  const [packed] = JSON.parse(pack.stdout) as Array<{ filename: string }>;
  tarball = join(packDir, packed?.filename ?? "");
  // The tarball itself, not npm's report of it, is what a consumer receives.
  mkdirSync(dirname(unpacked), { recursive: true });
  const list = await run("tar", ["-xzvf", tarball, "-C", dirname(unpacked)], work);
  steps.pack = { ...list, seconds: pack.seconds + list.seconds };
  shipped = list.stdout
    .split("\n")
    .filter((path) => path && !path.endsWith("/"))
    .map((path) => path.replace(/^package\//, ""))
    .sort();

  // 2. A fresh project outside the repository: the peers at the root's exact versions, and the tarball.
  mkdirSync(consumer);
  const peers = Object.fromEntries(PEERS.map((peer) => [peer, rootManifest.devDependencies?.[peer]]));
  writeFileSync(
    join(consumer, "package.json"),
    `${JSON.stringify(
      {
        name: "outside-consumer",
        private: true,
        type: "module",
        dependencies: { [PACKAGE]: `file:${tarball}`, ...peers },
      },
      null,
      2,
    )}\n`,
  );
  steps.install = await run(
    "npm",
    ["install", "--prefer-offline", "--no-audit", "--no-fund", "--ignore-scripts"],
    consumer,
  );
  if (!steps.install.ok) return;

  // Plain Node, no TypeScript loader: each entry point resolves from the consumer's node_modules
  // and loads as compiled JavaScript.
  const probe = await run(
    process.execPath,
    [
      "--input-type=module",
      "-e",
      `const out = {};
       for (const s of ${JSON.stringify(exportTargets.map((e) => e.specifier))}) {
         const m = await import(s);
         out[s] = { path: new URL(import.meta.resolve(s)).pathname, exports: Object.keys(m).length };
       }
       console.log(JSON.stringify(out));`,
    ],
    consumer,
  );
  steps.resolve = probe;
  if (probe.ok) resolved = JSON.parse(probe.stdout) as typeof resolved;

  // 3. The team's stack: type-checked against the shipped declarations, then synthesised.
  cpSync(fixture, join(consumer, "consumer-stack.ts"));
  writeFileSync(
    join(consumer, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: {
        target: "ES2022",
        lib: ["ES2023"],
        module: "NodeNext",
        moduleResolution: "NodeNext",
        strict: true,
        verbatimModuleSyntax: true,
        noEmit: true,
        // The shipped .d.ts files are checked too, and no @types/node is installed: a declaration
        // that needs Node's types, or one that imports a file left out of the tarball, fails here.
        skipLibCheck: false,
        types: [],
      },
      files: ["consumer-stack.ts"],
    }),
  );
  steps.typecheck = await run(bin("tsc"), ["-p", "."], consumer);
  steps.synth = await run(bin("tsx"), ["consumer-stack.ts"], consumer);
  if (!steps.synth.ok) return;

  // 4. Offline plan with the real provider, and the policy rules on the plan.
  const started = performance.now();
  try {
    const toolchain = await prepareToolchain(join(work, "terraform.rc"));
    [plan] = await planStacksOffline(outdir, listStacks(outdir), toolchain, { concurrency: 1 });
    if (plan?.planJson) policy = checkPlanFile(plan.planJson, { stacksDir: join(outdir, "stacks") });
    steps.plan = {
      ok: plan?.ok ?? false,
      output: JSON.stringify({ stack: plan?.stack, errors: plan?.errors }),
      seconds: (performance.now() - started) / 1000,
    };
  } catch (error) {
    steps.plan = { ok: false, output: String(error), seconds: (performance.now() - started) / 1000 };
  }
});

afterAll(() => {
  const seconds = Object.entries(steps).map(([name, step]) => `${name} ${step.seconds.toFixed(1)} s`);
  console.info(`outside consumer: ${seconds.join(", ")}`);
  rmSync(work, { recursive: true, force: true });
});

/** Fails with the step's own output (the command and what it printed) when the step failed. */
function expectStep(name: keyof typeof steps) {
  expect(steps[name].ok, `${name} failed:\n${steps[name].output}`).toBe(true);
}

describe("the tarball `npm pack -w modules` makes", () => {
  test("builds and packs", () => {
    expectStep("build");
    expectStep("pack");
    expect(shipped.length).toBeGreaterThan(50);
  });

  test("every subpath in `exports` resolves to a .js and a .d.ts in the tarball", () => {
    expectStep("pack");
    expect(exportTargets.map((e) => e.specifier)).toEqual(
      expect.arrayContaining(
        [
          "network",
          "storage",
          "state",
          "database",
          "compute",
          "edge",
          "observability",
          "ci-access",
          "secrets",
          "naming",
        ]
          .map((m) => `${PACKAGE}/${m}`)
          .concat(PACKAGE),
      ),
    );
    const inTarball = new Set(shipped);
    const missing = exportTargets.flatMap(({ specifier, js, types }) =>
      [
        { condition: "import", target: js, kind: ".js" },
        { condition: "types", target: types, kind: ".d.ts" },
      ].flatMap(({ condition, target, kind }) => {
        const path = target && posix.normalize(target);
        if (!path?.endsWith(kind))
          return [`${specifier}: "${condition}" is ${target ?? "missing"}, not a ${kind}`];
        return inTarball.has(path) ? [] : [`${specifier}: "${condition}" → ${path} is not in the tarball`];
      }),
    );
    expect(missing, "modules/package.json `exports` names files its `files` list leaves out").toEqual([]);
  });

  test("every relative import of a shipped .js or .d.ts file is shipped too", () => {
    expectStep("pack");
    const inTarball = new Set(shipped);
    const imports = shipped
      .filter((path) => /\.(js|d\.ts)$/.test(path))
      .flatMap((path) =>
        specifiers(readFileSync(join(unpacked, path), "utf8"))
          .filter((spec) => spec.startsWith("."))
          .map((spec) => {
            const target = posix.join(posix.dirname(path), spec);
            // A declaration's `./x.js` is typed by `./x.d.ts`.
            return { path, target: path.endsWith(".d.ts") ? target.replace(/\.js$/, ".d.ts") : target };
          }),
      );
    expect(imports.length).toBeGreaterThan(100);
    expect(
      imports
        .filter(({ target }) => !inTarball.has(target))
        .map(({ path, target }) => `${path} imports ${target}, which is not in the tarball`),
    ).toEqual([]);
  });

  test("the shipped code imports only Node built-ins, the package itself and its declared peers", () => {
    expectStep("pack");
    const allowed = new Set([
      PACKAGE,
      ...Object.keys(modulesManifest.peerDependencies ?? {}),
      ...Object.keys(modulesManifest.dependencies ?? {}),
    ]);
    const builtins = new Set(builtinModules);
    const undeclared = shipped
      .filter((path) => /\.(js|d\.ts)$/.test(path))
      .flatMap((path) =>
        specifiers(readFileSync(join(unpacked, path), "utf8"))
          .filter((spec) => !spec.startsWith(".") && !spec.startsWith("node:") && !builtins.has(spec))
          .filter((spec) => !allowed.has(packageOf(spec)))
          .map((spec) => `${path} imports ${spec}: not a peer or dependency of ${PACKAGE}`),
      );
    expect(undeclared).toEqual([]);
    expect(Object.keys(modulesManifest.peerDependencies ?? {}).sort()).toEqual([...PEERS].sort());
  });

  test("ships compiled code, declarations and their maps only: no tests, no TypeScript sources, no HCL", () => {
    expectStep("pack");
    const topLevel = new Set(["package.json", "README.md", "CHANGELOG.md", "LICENSE"]);
    const unexpected = shipped.filter(
      (path) =>
        /(^|\/)[^/]*\.test\.|(^|\/)(terraform|fixtures|node_modules)\//.test(path) ||
        (path.endsWith(".ts") && !path.endsWith(".d.ts")) ||
        (path.startsWith("dist/") ? !/\.(js|js\.map|d\.ts|d\.ts\.map)$/.test(path) : !topLevel.has(path)),
    );
    expect(unexpected, "modules/package.json `files` lets these in").toEqual([]);
  });

  test("ships every file `files` names outright (the README and the CHANGELOG)", () => {
    expectStep("pack");
    const named = modulesManifest.files.filter((entry) => !/[*!]/.test(entry));
    expect(named).toEqual(expect.arrayContaining(["README.md", "CHANGELOG.md"]));
    expect(named.filter((file) => !shipped.includes(file))).toEqual([]);
  });
});

describe("installed into a fresh project outside the repository", () => {
  test(`installs with only the peers and the tarball, from the npm cache, within ${INSTALL_BUDGET_SECONDS} s`, () => {
    expectStep("install");
    expect(relative(repoRoot, consumer).startsWith("..")).toBe(true);
    const installed = readdirSync(join(consumer, "node_modules"))
      .filter((name) => !name.startsWith("."))
      .flatMap((name) =>
        name.startsWith("@")
          ? readdirSync(join(consumer, "node_modules", name)).map((n) => `${name}/${n}`)
          : [name],
      )
      .sort();
    expect(installed).toEqual([PACKAGE, ...PEERS].sort());
    for (const peer of PEERS) {
      const version = readJson<{ version: string }>(
        join(consumer, "node_modules", peer, "package.json"),
      ).version;
      expect(version, peer).toBe(rootManifest.devDependencies?.[peer]);
    }
    expect(steps.install.seconds).toBeLessThan(INSTALL_BUDGET_SECONDS);
  });

  test("every entry point loads under plain Node from the installed package's compiled dist/", () => {
    expectStep("resolve");
    const installedDist = join(consumer, "node_modules", PACKAGE, "dist");
    for (const { specifier, js } of exportTargets) {
      expect(resolved[specifier]?.path, specifier).toBe(
        join(consumer, "node_modules", PACKAGE, js ?? "(no import condition)"),
      );
      expect(resolved[specifier]?.path.startsWith(`${installedDist}/`), specifier).toBe(true);
      expect(resolved[specifier]?.exports, specifier).toBeGreaterThan(0);
    }
  });

  test("the stack imports only the package's entry points and its peers, and composes six modules (and naming)", () => {
    const entryPoints = new Set(exportTargets.map((e) => e.specifier));
    const imports = specifiers(readFileSync(fixture, "utf8"));
    expect(
      imports.filter(
        (spec) => !entryPoints.has(spec) && !(PEERS as readonly string[]).includes(packageOf(spec)),
      ),
    ).toEqual([]);
    expect(imports.filter((spec) => spec.startsWith(`${PACKAGE}/`)).sort()).toEqual(
      ["compute", "database", "edge", "naming", "network", "observability", "storage"].map(
        (m) => `${PACKAGE}/${m}`,
      ),
    );
  });

  test("the stack type-checks (strict) against the shipped declarations, themselves checked too", () => {
    expectStep("typecheck");
  });
});

describe("the consumer's stack, synthesised from the tarball and planned offline", () => {
  type StackJson = {
    terraform: { backend: Record<string, unknown> };
    provider: { aws: Array<Record<string, unknown>> };
    resource: Record<string, Record<string, Record<string, unknown>>>;
    data?: Record<string, unknown>;
  };
  const stackJson = () => readJson<StackJson>(join(outdir, "stacks", STACK, "cdk.tf.json"));
  const resources = (type: string) => Object.values(stackJson().resource[type] ?? {});

  test("synthesises one stack, on a local backend and a plain provider in eu-west-1", () => {
    expectStep("synth");
    expect(listStacks(outdir)).toEqual([STACK]);
    const { terraform, provider, data } = stackJson();
    expect(terraform.backend).toEqual({ local: { path: "terraform.tfstate" } });
    expect(provider.aws).toHaveLength(1);
    expect(provider.aws[0]?.region).toBe("eu-west-1");
    expect(provider.aws[0]?.allowed_account_ids).toBeUndefined();
    // Nothing that calls AWS to synthesise or plan (aws_iam_policy_document is computed locally).
    expect(Object.keys(data ?? {}).filter((type) => type !== "aws_iam_policy_document")).toEqual([]);
  });

  test("validates and plans with the real provider: every resource added, no errors, no warnings", () => {
    expectStep("plan");
    expect({ errors: plan?.errors, warnings: plan?.warnings }).toEqual({ errors: [], warnings: [] });
    expect(plan?.resources).toBeGreaterThan(80);
    expect({ add: plan?.add, change: plan?.change, destroy: plan?.destroy }).toEqual({
      add: plan?.resources,
      change: 0,
      destroy: 0,
    });
  });

  test("passes the project's policy rules: no invalid suppression, no unsuppressed violation", () => {
    expectStep("plan");
    expect(policy?.rules).toBeGreaterThan(30);
    expect(policy?.resources).toBe(plan?.resources);
    expect(policy?.errors).toEqual([]);
    expect(
      policy?.findings
        .filter((f) => f.status === "violation")
        .map((f) => `${f.rule} [${f.severity}] ${f.address}: ${f.message}`),
    ).toEqual([]);
  });

  test("NAT per AZ over two AZs: two NAT gateways, each private subnet routed to its own AZ's", () => {
    expectStep("synth");
    const { resource } = stackJson();
    /** The resource a `${type.name.id}` reference points at. */
    const target = (reference: unknown) => {
      const [, type = "", name = ""] = /^\$\{([^.]+)\.([^.]+)\.id\}$/.exec(String(reference)) ?? [];
      return resource[type]?.[name] ?? {};
    };
    expect(new Set(resources("aws_subnet").map((s) => s.availability_zone))).toEqual(
      new Set(["eu-west-1a", "eu-west-1b"]),
    );
    expect(resources("aws_nat_gateway")).toHaveLength(2);
    const routesToNat = resources("aws_route").filter((r) => r.nat_gateway_id);
    const pairs = routesToNat.map((route) => ({
      nat: target(target(route.nat_gateway_id).subnet_id).availability_zone,
      subnets: resources("aws_route_table_association")
        .filter((a) => a.route_table_id === route.route_table_id)
        .map((a) => target(a.subnet_id).availability_zone),
    }));
    expect(pairs).toEqual([
      { nat: "eu-west-1a", subnets: ["eu-west-1a"] },
      { nat: "eu-west-1b", subnets: ["eu-west-1b"] },
    ]);
    expect(routesToNat.map((r) => r.destination_cidr_block)).toEqual(["0.0.0.0/0", "0.0.0.0/0"]);
  });

  test("the database is Multi-AZ, private and encrypted, as the stack chose", () => {
    expectStep("plan");
    const planned = readJson<{
      resource_changes: Array<{ type: string; change: { after: Record<string, unknown> } }>;
    }>(String(plan?.planJson)).resource_changes;
    const databases = planned.filter((rc) => rc.type === "aws_db_instance").map((rc) => rc.change.after);
    expect(databases).toHaveLength(1);
    expect(databases[0]).toMatchObject({
      multi_az: true,
      publicly_accessible: false,
      storage_encrypted: true,
    });
  });

  test("the load balancer serves HTTPS with the TLS 1.3 policy and only redirects plain HTTP", () => {
    expectStep("synth");
    const listeners = resources("aws_lb_listener").map((l) => ({
      port: l.port,
      protocol: l.protocol,
      ssl_policy: l.ssl_policy,
      action: (l.default_action as Array<{ type: string; redirect?: { protocol: string } }>)[0],
    }));
    expect(listeners).toHaveLength(2);
    expect(listeners).toContainEqual(
      expect.objectContaining({
        port: 443,
        protocol: "HTTPS",
        ssl_policy: "ELBSecurityPolicy-TLS13-1-2-2021-06",
        action: expect.objectContaining({ type: "forward" }),
      }),
    );
    expect(listeners).toContainEqual(
      expect.objectContaining({
        port: 80,
        protocol: "HTTP",
        action: expect.objectContaining({
          type: "redirect",
          redirect: expect.objectContaining({ protocol: "HTTPS" }),
        }),
      }),
    );
  });
});
