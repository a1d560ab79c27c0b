/**
 * npm run db:restore: the real script's dry run (every phase, in order), its argument errors, and
 * the real path's stops (config first, nothing applied without --yes, no plan that destroys a
 * database), read from a runner that records instead of running.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { loadEnvironment, parseEnvironment } from "../environments/index.js";
import { dbRestore, restoreIdAt, VERIFY_SCRIPT } from "./db-restore.js";
import { Runner, type RunOptions, type RunResult } from "./runner.js";

const outdir = mkdtempSync(join(tmpdir(), "db-restore-"));
afterAll(() => rmSync(outdir, { recursive: true, force: true }));
const root = join(import.meta.dirname, "..", "..");

function script(args: string[]) {
  return spawnSync(join(root, "node_modules", ".bin", "tsx"), ["scripts/db-restore.ts", ...args], {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1" },
  });
}

/** A runner on the real path that runs nothing: it records each command and answers `answer`. */
class RecordingRunner extends Runner {
  readonly commands: string[] = [];
  constructor(private readonly answer: (command: string) => string | undefined = () => undefined) {
    super(false, () => {});
  }
  override async run(command: readonly string[], options: RunOptions = {}): Promise<RunResult> {
    const text = command.join(" ");
    this.commands.push(text);
    return { code: 0, stdout: this.answer(text) ?? options.dryRunOutput ?? "" };
  }
}

const at = (commands: readonly string[], pattern: RegExp, from = 0) => {
  const index = commands.findIndex((c, i) => i >= from && pattern.test(c));
  expect(index, `no command matches ${pattern} after #${from}`).toBeGreaterThanOrEqual(0);
  return index;
};

describe("npm run db:restore -- --dry-run (the real script)", () => {
  const run = script([
    "--env",
    "staging",
    "--to",
    "2026-12-06T09:30:00Z",
    "--id",
    "r202612061000",
    "--dry-run",
    "--skip-offline-plan",
    "--outdir",
    join(outdir, "cli"),
  ]);
  const lines = run.stdout.split("\n");
  const commands = lines.filter((l) => l.trim().startsWith("$")).map((l) => l.trim().slice(2));

  test("exits 0 and prints the config block to commit", () => {
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(
      'restore: { id: "r202612061000", pointInTime: "2026-12-06T09:30:00Z", active: false },',
    );
    expect(run.stdout).toContain("the environment would run on the restore");
  });

  test("protects the current instance first, checks the window, plans and applies the restore, waits, checks it read-only, then protects again, plans and applies the switch", () => {
    const protect = at(
      commands,
      /^aws rds modify-db-instance --db-instance-identifier acme-staging-db --deletion-protection --apply-immediately/,
    );
    const window = at(
      commands,
      /^aws rds describe-db-instance-automated-backups --db-instance-identifier acme-staging-db /,
    );
    const plan = at(commands, /terraform plan .*-out=db-restore\.tfplan/);
    const apply = at(commands, /terraform apply .*db-restore\.tfplan\)$/, plan);
    const available = at(
      commands,
      /^aws rds wait db-instance-available --db-instance-identifier acme-staging-db-r202612061000$/,
    );
    const check = at(
      commands,
      /^aws ecs run-task .*BEGIN READ ONLY.*DATABASE_HOST.*acme-staging-db-r202612061000/,
    );
    const protectAgain = at(
      commands,
      /^aws rds modify-db-instance --db-instance-identifier acme-staging-db --deletion-protection/,
      check,
    );
    const switchPlan = at(commands, /terraform plan .*-out=db-restore\.tfplan/, protectAgain);
    const switchApply = at(commands, /terraform apply .*db-restore\.tfplan\)$/, switchPlan);
    const stable = at(commands, /^aws ecs wait services-stable /, switchApply);
    expect(protect).toBe(commands.findIndex((c) => c.startsWith("aws rds")));
    expect([
      protect,
      window,
      plan,
      apply,
      available,
      check,
      protectAgain,
      switchPlan,
      switchApply,
      stable,
    ]).toEqual(
      [protect, window, plan, apply, available, check, protectAgain, switchPlan, switchApply, stable].sort(
        (a, b) => a - b,
      ),
    );
    expect(commands.some((c) => /terraform apply(?! .*db-restore\.tfplan)/.test(c))).toBe(false);
    expect(commands.some((c) => /aws rds delete-db-instance/.test(c))).toBe(false);
  });

  test("the standby is synthesised with active: false, the switch with active: true", () => {
    const synth = lines.filter((l) => /^\[\d+\] synthesise staging with restore:/.test(l));
    expect(synth.some((l) => l.includes("active: false"))).toBe(true);
    expect(synth.some((l) => l.includes("active: true"))).toBe(true);
  });
});

describe("argument errors exit 2 with one line", () => {
  test.each([
    ["no --env", ["--latest", "--dry-run"], "db:restore: --env is required"],
    [
      "--to and --latest",
      ["--env", "dev", "--to", "2026-12-06T09:30:00Z", "--latest"],
      "give exactly one of --to",
    ],
    ["none of them", ["--env", "dev"], "give exactly one of --to"],
    [
      "a time without a zone",
      ["--env", "dev", "--to", "2026-12-06 09:30"],
      '--to: "2026-12-06 09:30" must be an ISO 8601 time',
    ],
    ["a bad snapshot", ["--env", "dev", "--snapshot", "1 bad"], '--snapshot: "1 bad" is not a DB snapshot'],
    ["an unknown option", ["--env", "dev", "--latest", "--force"], "Unknown option '--force'"],
  ])("%s", (_, args, message) => {
    const run = script(args);
    expect(run.status).toBe(2);
    expect(run.stderr.trim().split("\n")).toHaveLength(1);
    expect(run.stderr).toContain(message);
  });
});

describe("the real path", () => {
  const staging = loadEnvironment("staging");
  const withRestore = (active: boolean) =>
    parseEnvironment("staging", {
      ...staging,
      database: { ...staging.database, restore: { id: "r202612061000", pointInTime: "latest", active } },
    });

  test("without the restore in the config: protects, checks, prints the block, and plans nothing", async () => {
    const runner = new RecordingRunner();
    const outcome = await dbRestore(runner, {
      env: "staging",
      source: { pointInTime: "latest" },
      outdir,
      now: new Date("2026-12-06T10:00:00Z"),
    });
    expect(outcome).toBe("config-needed");
    expect(runner.commands.some((c) => c.startsWith("aws rds modify-db-instance"))).toBe(true);
    expect(
      runner.commands.some((c) => c.startsWith("terraform plan") || c.startsWith("terraform apply")),
    ).toBe(false);
  });

  test("with the restore in the config (active: false) and no --yes: plans, applies nothing", async () => {
    const runner = new RecordingRunner();
    const outcome = await dbRestore(runner, {
      env: "staging",
      source: { pointInTime: "latest" },
      outdir,
      config: withRestore(false),
    });
    expect(outcome).toBe("planned-only");
    expect(runner.commands.some((c) => c.startsWith("terraform plan"))).toBe(true);
    expect(runner.commands.some((c) => c.startsWith("terraform apply"))).toBe(false);
  });

  test("a plan that destroys a database instance is refused, even with --yes", async () => {
    const destroying = JSON.stringify({
      resource_changes: [
        {
          address: "aws_db_instance.database_instance_D7FC2283",
          mode: "managed",
          change: { actions: ["delete"] },
        },
      ],
    });
    const runner = new RecordingRunner((c) =>
      c.startsWith("terraform show -json") ? destroying : undefined,
    );
    await expect(
      dbRestore(runner, {
        env: "staging",
        source: { pointInTime: "latest" },
        outdir,
        config: withRestore(true),
        yes: true,
      }),
    ).rejects.toThrow(
      "the plan would destroy a database instance (aws_db_instance.database_instance_D7FC2283)",
    );
    expect(runner.commands.some((c) => c.startsWith("terraform apply"))).toBe(false);
  });

  test("another source while a restore is under way is refused", async () => {
    await expect(
      dbRestore(new RecordingRunner(), {
        env: "staging",
        source: { snapshot: "before-upgrade" },
        outdir,
        config: withRestore(false),
      }),
    ).rejects.toThrow("staging.database.restore: r202612061000 (from latest) is under way");
  });

  test("restore ids are r and the UTC minute", () => {
    expect(restoreIdAt(new Date("2026-12-06T09:05:59Z"))).toBe("r202612060905");
  });

  test("the check is read-only: one transaction, begun READ ONLY and rolled back", () => {
    expect(VERIFY_SCRIPT).toContain('"BEGIN READ ONLY"');
    expect(VERIFY_SCRIPT).toContain('"ROLLBACK"');
    expect(VERIFY_SCRIPT).not.toMatch(/\b(INSERT|UPDATE|DELETE|DROP|ALTER)\b/i);
  });
});
