/**
 * npm run bootstrap: the order of its commands, read from what it prints (dry run) or from a runner
 * that records instead of running (the real path, where answers from AWS decide what happens).
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { bootstrap } from "./bootstrap.js";
import { Runner, type RunOptions, type RunResult } from "./runner.js";

const outdir = mkdtempSync(join(tmpdir(), "bootstrap-"));
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

/** A runner on the real path that runs nothing: it records each command and answers `exitOf`. */
class RecordingRunner extends Runner {
  readonly commands: string[] = [];
  constructor(private readonly exitOf: (command: string) => number) {
    super(false, () => {});
  }
  override async run(command: readonly string[], options: RunOptions = {}): Promise<RunResult> {
    const text = command.join(" ");
    this.commands.push(text);
    return { code: this.exitOf(text), stdout: options.dryRunOutput ?? "" };
  }
}

const at = (commands: readonly string[], pattern: RegExp) => {
  const index = commands.findIndex((c) => pattern.test(c));
  expect(index, `no command matches ${pattern}`).toBeGreaterThanOrEqual(0);
  return index;
};

describe("npm run bootstrap", () => {
  test("--dry-run prints both steps in order: look for the state, plan, apply that plan, move the state, check it, delete the local copy", async () => {
    const lines: string[] = [];
    const outcome = await bootstrap(new Runner(true, (line) => lines.push(line)), {
      outdir,
      offlinePlan: false,
    });
    expect(outcome).toBe("bootstrapped");
    const commands = lines.filter((l) => l.trim().startsWith("$")).map((l) => l.trim());
    const look = at(
      commands,
      /aws s3api head-object --bucket acme-bootstrap-tfstate-123456789012-us-east-1 --key \S+bootstrap\S*terraform\.tfstate/,
    );
    const plan = at(commands, /terraform plan .*-out=bootstrap\.tfplan/);
    const apply = at(commands, /terraform apply .*bootstrap\.tfplan\)?$/);
    const move = at(commands, /terraform init .*-migrate-state -force-copy/);
    const check = at(commands, /terraform state list/);
    const remove = at(commands, /^\$ rm -f \S+bootstrap\.tfstate \S+bootstrap\.tfstate\.backup$/);
    expect([look, plan, apply, move, check, remove]).toEqual(
      [...[look, plan, apply, move, check, remove]].sort((a, b) => a - b),
    );
    expect(commands.some((c) => /terraform apply(?! .*bootstrap\.tfplan)/.test(c))).toBe(false);
  });

  test("without --yes it plans and applies nothing", async () => {
    const runner = new RecordingRunner((command) => (command.startsWith("aws s3api head-object") ? 254 : 0));
    expect(await bootstrap(runner, { outdir })).toBe("planned-only");
    expect(runner.commands.some((c) => c.startsWith("terraform plan"))).toBe(true);
    expect(runner.commands.some((c) => c.startsWith("terraform apply") || c.includes("-migrate-state"))).toBe(
      false,
    );
  });

  test("when the bucket holds bootstrap's state already (and no local state is left), it stops before any terraform command", async () => {
    const runner = new RecordingRunner(() => 0);
    expect(await bootstrap(runner, { outdir, yes: true })).toBe("already-bootstrapped");
    expect(runner.commands).toHaveLength(1);
    expect(runner.commands[0]).toMatch(/^aws s3api head-object /);
  });
});

test("a real run never reads the offline plan's override (local backend, fake credentials) a verify left behind", async () => {
  const dir = join(outdir, "stacks", "bootstrap");
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "offline_override.tf.json"), "{}");
  await bootstrap(new RecordingRunner((command) => (command.startsWith("aws s3api") ? 254 : 0)), { outdir });
  expect(existsSync(join(dir, "offline_override.tf.json"))).toBe(false);
});
