/**
 * npm run state:recover: the real script's dry runs (what it reads, what it writes, in which order),
 * its argument errors, and the real path's refusals, read from a runner that records instead of
 * running.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { Runner, type RunOptions, type RunResult } from "./runner.js";
import { buildOptionsFor, stateRecover } from "./state-recover.js";

const outdir = mkdtempSync(join(tmpdir(), "state-recover-"));
afterAll(() => rmSync(outdir, { recursive: true, force: true }));
const root = join(import.meta.dirname, "..", "..");
const bucket = "acme-bootstrap-tfstate-123456789012-us-east-1";

function script(args: string[]) {
  return spawnSync(join(root, "node_modules", ".bin", "tsx"), ["scripts/state-recover.ts", ...args], {
    cwd: root,
    encoding: "utf8",
  });
}
const commandsOf = (stdout: string) =>
  stdout
    .split("\n")
    .filter((l) => l.trim().startsWith("$"))
    .map((l) =>
      l
        .trim()
        .slice(2)
        .replace(/^\(cd \S+ && (.*)\)$/, "$1"),
    );
const at = (commands: readonly string[], pattern: RegExp) => {
  const index = commands.findIndex((c) => pattern.test(c));
  expect(index, `no command matches ${pattern}`).toBeGreaterThanOrEqual(0);
  return index;
};

class RecordingRunner extends Runner {
  readonly commands: string[] = [];
  constructor(private readonly answer: (command: string) => RunResult | undefined) {
    super(false, () => {});
  }
  override async run(command: readonly string[], options: RunOptions = {}): Promise<RunResult> {
    const text = command.join(" ");
    this.commands.push(text);
    return this.answer(text) ?? { code: 0, stdout: options.dryRunOutput ?? "" };
  }
}

describe("npm run state:recover -- --dry-run (the real script)", () => {
  test("--list reads the versions of the stack's own state key and shows both locks", () => {
    const run = script(["--stack", "staging", "--list", "--dry-run", "--outdir", join(outdir, "list")]);
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    const commands = commandsOf(run.stdout);
    at(
      commands,
      new RegExp(
        `^aws s3api list-object-versions --bucket ${bucket} --prefix acme/staging/terraform\\.tfstate `,
      ),
    );
    at(commands, new RegExp(`^aws s3 cp s3://${bucket}/acme/staging/terraform\\.tfstate\\.tflock - `));
    at(
      commands,
      new RegExp(
        `^aws dynamodb get-item --table-name acme-bootstrap-tfstate-lock --key .*${bucket}/acme/staging/terraform\\.tfstate"`,
      ),
    );
    expect(commands.some((c) => /copy-object|put-item|force-unlock/.test(c))).toBe(false);
  });

  test("--version with --unlock: clears the lock, reads and checks the version, copies it over, writes its digest, then reads it back", () => {
    const run = script([
      "--stack",
      "preview-pr-7",
      "--version",
      "3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY",
      "--unlock",
      "6f3c2a1e-1111-2222-3333-444455556666",
      "--dry-run",
      "--outdir",
      join(outdir, "version"),
    ]);
    expect(run.status).toBe(0);
    const commands = commandsOf(run.stdout);
    const key = "acme/preview/pr-7/terraform\\.tfstate";
    const unlock = at(
      commands,
      /^terraform force-unlock -force -no-color 6f3c2a1e-1111-2222-3333-444455556666$/,
    );
    const read = at(
      commands,
      new RegExp(
        `^aws s3api get-object --bucket ${bucket} --key ${key} --version-id 3HL4kqtJlcpXroDTDmJ\\.rmSpXd3dIbrHY `,
      ),
    );
    const copy = at(
      commands,
      new RegExp(
        `^aws s3api copy-object .*--copy-source '?${bucket}/${key}\\?versionId=3HL4kqtJlcpXroDTDmJ\\.rmSpXd3dIbrHY`,
      ),
    );
    const digest = at(commands, new RegExp(`^aws dynamodb put-item .*${bucket}/${key}-md5`));
    const check = at(commands, /^terraform state list/);
    expect([unlock, read, copy, digest, check]).toEqual(
      [unlock, read, copy, digest, check].sort((a, b) => a - b),
    );
    expect(run.stdout).toContain(
      "to undo: npm run state:recover -- --stack preview-pr-7 --version <current version>",
    );
  });
});

describe("argument errors exit 2 with one line", () => {
  test.each([
    ["no --stack", ["--list"], "--stack is required"],
    ["an unknown stack", ["--stack", "qa", "--list"], '--stack: "qa" is not a stack'],
    [
      "--list and --version",
      ["--stack", "dev", "--list", "--version", "abc"],
      "give one of --list and --version",
    ],
    ["nothing to do", ["--stack", "dev"], "give --list, --version <id> or --unlock <lock id>"],
    ["a lock id with a space", ["--stack", "dev", "--unlock", "a b"], '--unlock: "a b" is not a lock id'],
  ])("%s", (_, args, message) => {
    const run = script(args);
    expect(run.status).toBe(2);
    expect(run.stderr.trim().split("\n")).toHaveLength(1);
    expect(run.stderr).toContain(message);
  });
});

describe("the real path", () => {
  const versions = JSON.stringify([
    { VersionId: "v2", LastModified: "2026-12-06T10:00:00Z", Size: 9, IsLatest: true },
    { VersionId: "v1", LastModified: "2026-12-06T09:00:00Z", Size: 9, IsLatest: false },
  ]);
  const lock = JSON.stringify({
    ID: "0c1d",
    Who: "ci@runner",
    Operation: "OperationTypeApply",
    Created: "2026-12-06",
  });

  test("a locked state is not overwritten unless the lock is cleared", async () => {
    const runner = new RecordingRunner((c) =>
      c.startsWith("aws s3api list-object-versions")
        ? { code: 0, stdout: versions }
        : c.startsWith("aws s3 cp")
          ? { code: 0, stdout: lock }
          : undefined,
    );
    await expect(stateRecover(runner, { stack: "dev", outdir, version: "v1" })).rejects.toThrow(
      "the state is locked",
    );
    expect(runner.commands.some((c) => c.includes("copy-object"))).toBe(false);
  });

  test("a version the key does not have is refused before anything is written", async () => {
    const runner = new RecordingRunner((c) =>
      c.startsWith("aws s3api list-object-versions") ? { code: 0, stdout: versions } : undefined,
    );
    await expect(stateRecover(runner, { stack: "dev", outdir, version: "v9" })).rejects.toThrow(
      "has no version v9",
    );
    expect(runner.commands.some((c) => c.includes("copy-object") || c.includes("put-item"))).toBe(false);
  });

  /** Answers the listing with `versions` and writes `body` where get-object is told to. */
  const withObject = (body: string) =>
    new RecordingRunner((c) => {
      if (c.startsWith("aws s3api list-object-versions")) return { code: 0, stdout: versions };
      if (c.startsWith("aws s3api get-object")) {
        const parts = c.split(" ");
        writeFileSync(parts[parts.indexOf("--version-id") + 2] as string, body);
      }
      return undefined;
    });

  test("a version that is not a Terraform state is refused before it is copied", async () => {
    const runner = withObject('{"hello":"world"}');
    await expect(stateRecover(runner, { stack: "dev", outdir, version: "v1" })).rejects.toThrow(
      "version v1 is not a Terraform state",
    );
    expect(runner.commands.some((c) => c.includes("copy-object"))).toBe(false);
  });

  test("a good version is copied over the current one, and its MD5 digest written for Terraform", async () => {
    const body = '{"version":4,"serial":41,"lineage":"8d2f"}';
    const runner = withObject(body);
    await stateRecover(runner, { stack: "dev", outdir, version: "v1" });
    const copy = runner.commands.findIndex((c) => c.startsWith("aws s3api copy-object"));
    const digest = runner.commands.findIndex((c) => c.startsWith("aws dynamodb put-item"));
    expect(copy).toBeGreaterThan(0);
    expect(digest).toBeGreaterThan(copy);
    expect(runner.commands[digest]).toContain(
      `"Digest":{"S":"${createHash("md5").update(body).digest("hex")}"}`,
    );
  });

  test("the bootstrap stack is read on its S3 backend; previews by number", () => {
    expect(buildOptionsFor("bootstrap")).toEqual({ environments: [], bootstrapState: "s3" });
    expect(buildOptionsFor("preview-pr-12").previews?.[0]?.prNumber).toBe(12);
  });
});
