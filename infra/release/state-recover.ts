/**
 * `npm run state:recover`: lists and restores earlier versions of a stack's Terraform state in the
 * state bucket (versioned), and clears a stale lock by the lock id it shows.
 *
 * The bucket, key and lock table come from the synthesised stack's own S3 backend block, the same
 * one `terraform init` reads. A stack is locked in two places (infra/stacks/aws-stack.ts):
 * the S3 lockfile `<key>.tflock` and the DynamoDB item `LockID = <bucket>/<key>`; the table also
 * holds the state's MD5 digest under `<bucket>/<key>-md5`, which Terraform compares with what it
 * reads, so a restored version gets its digest written too.
 */
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BuildAppOptions } from "../app.js";
import { parsePrNumber } from "../environments/preview.js";
import { PLACEHOLDER_IMAGE_TAG } from "../environments/release.js";
import { ENVIRONMENT_NAMES } from "../environments/schema.js";
import type { Runner } from "./runner.js";
import { synthesiseStack } from "./stack-dir.js";
import * as terraform from "./terraform.js";

/** A stack's state location, from its backend block. */
export interface StateLocation {
  readonly bucket: string;
  readonly key: string;
  readonly region: string;
  readonly lockTable: string;
}

export interface StateRecoverOptions {
  /** bootstrap, dev, staging, prod, or preview-pr-<N>. */
  readonly stack: string;
  readonly outdir: string;
  /** List the state's versions and show its lock. */
  readonly list?: boolean;
  /** Make this earlier version the current state. */
  readonly version?: string;
  /** Clear the lock with this id (`terraform force-unlock`). */
  readonly unlock?: string;
}

/** What to synthesise to get `stack`'s backend block. */
export function buildOptionsFor(stack: string): BuildAppOptions {
  if (stack === "bootstrap") return { environments: [], bootstrapState: "s3" };
  if ((ENVIRONMENT_NAMES as readonly string[]).includes(stack))
    return { environments: [stack], bootstrap: false };
  const pr = /^preview-pr-(.+)$/.exec(stack)?.[1];
  if (pr !== undefined) {
    return {
      environments: [],
      bootstrap: false,
      previews: [{ prNumber: parsePrNumber(pr, "--stack"), imageTag: PLACEHOLDER_IMAGE_TAG }],
    };
  }
  throw new Error(
    `--stack: "${stack}" is not a stack (bootstrap, ${ENVIRONMENT_NAMES.join(", ")}, or preview-pr-<N>)`,
  );
}

/** The S3 backend of the synthesised stack in `dir`. */
export function stateLocationOf(dir: string): StateLocation {
  const json = JSON.parse(readFileSync(join(dir, "cdk.tf.json"), "utf8")) as {
    terraform?: {
      backend?: { s3?: { bucket?: string; key?: string; region?: string; dynamodb_table?: string } };
    };
  };
  const s3 = json.terraform?.backend?.s3;
  if (!s3?.bucket || !s3.key || !s3.region || !s3.dynamodb_table)
    throw new Error(`${dir}: no S3 backend with a lock table`);
  return { bucket: s3.bucket, key: s3.key, region: s3.region, lockTable: s3.dynamodb_table };
}

interface Version {
  readonly VersionId: string;
  readonly LastModified: string;
  readonly Size: number;
  readonly IsLatest: boolean;
}

/** `aws dynamodb … --key` for an item of the lock table. */
const lockKey = (lockId: string) => JSON.stringify({ LockID: { S: lockId } });

export async function stateRecover(runner: Runner, options: StateRecoverOptions): Promise<void> {
  const given = [options.list, options.version !== undefined, options.unlock !== undefined].filter(Boolean);
  if (given.length === 0) throw new Error("give --list, --version <id> or --unlock <lock id>");
  const dir = synthesiseStack(runner, options.outdir, options.stack, buildOptionsFor(options.stack));
  const at = stateLocationOf(dir);
  const region = ["--region", at.region];
  const s3Path = `s3://${at.bucket}/${at.key}`;

  runner.step(`versions of ${s3Path}`);
  const listed = await runner.run(
    [
      "aws",
      "s3api",
      "list-object-versions",
      "--bucket",
      at.bucket,
      "--prefix",
      at.key,
      "--query",
      `Versions[?Key=='${at.key}']`,
      "--output",
      "json",
      ...region,
    ],
    {
      capture: true,
      dryRunOutput: JSON.stringify([
        { VersionId: "<current version>", LastModified: "2026-12-06T10:00:00Z", Size: 2, IsLatest: true },
        {
          VersionId: options.version ?? "<earlier version>",
          LastModified: "2026-12-06T09:00:00Z",
          Size: 2,
          IsLatest: false,
        },
      ]),
    },
  );
  const versions = (JSON.parse(listed.stdout || "[]") ?? []) as Version[];
  for (const v of versions)
    runner.note(`${v.VersionId}  ${v.LastModified}  ${v.Size} bytes${v.IsLatest ? "  (current)" : ""}`);
  const current = versions.find((v) => v.IsLatest);

  runner.step(`the lock: ${s3Path}.tflock and the ${at.lockTable} item ${at.bucket}/${at.key}`);
  const lockfile = await runner.run(["aws", "s3", "cp", `${s3Path}.tflock`, "-", ...region], {
    capture: true,
    allowFailure: true,
    dryRunOutput: "",
  });
  const item = await runner.run(
    [
      "aws",
      "dynamodb",
      "get-item",
      "--table-name",
      at.lockTable,
      "--key",
      lockKey(`${at.bucket}/${at.key}`),
      "--query",
      "Item.Info.S",
      "--output",
      "text",
      ...region,
    ],
    { capture: true, allowFailure: true, dryRunOutput: "None" },
  );
  const info = [lockfile.stdout, item.stdout].map((text) => text.trim()).find((text) => text.startsWith("{"));
  if (info) {
    const lock = JSON.parse(info) as { ID?: string; Who?: string; Operation?: string; Created?: string };
    runner.note(`locked: id ${lock.ID} by ${lock.Who} (${lock.Operation}, since ${lock.Created})`);
    runner.note(
      `if that run is gone for good: npm run state:recover -- --stack ${options.stack} --unlock ${lock.ID}`,
    );
  } else {
    runner.note(runner.dryRun ? "(a real run shows the lock id here, if there is a lock)" : "not locked");
  }

  if (options.unlock !== undefined) {
    runner.step(`clear the lock ${options.unlock} (terraform force-unlock: the lockfile and the lock item)`);
    await terraform.init(runner, dir);
    await runner.run(["terraform", "force-unlock", "-force", "-no-color", options.unlock], { cwd: dir });
  } else if (info && options.version !== undefined) {
    throw new Error("the state is locked: a run may be writing it; clear a stale lock with --unlock first");
  }

  if (options.version !== undefined) {
    const wanted = versions.find((v) => v.VersionId === options.version);
    if (!runner.dryRun && !wanted)
      throw new Error(`${s3Path} has no version ${options.version}; --list shows the versions`);
    if (wanted?.IsLatest) {
      runner.step(`${options.version} is already the current state: nothing to do`);
      return;
    }
    const work = mkdtempSync(join(tmpdir(), "state-recover-"));
    try {
      const copy = join(work, "terraform.tfstate");
      runner.step(`read version ${options.version} and check it is a Terraform state`);
      await runner.run(
        [
          "aws",
          "s3api",
          "get-object",
          "--bucket",
          at.bucket,
          "--key",
          at.key,
          "--version-id",
          options.version,
          copy,
          ...region,
        ],
        { capture: true },
      );
      const bytes = runner.dryRun
        ? Buffer.from('{"version":4,"serial":1,"lineage":"<lineage>"}')
        : readFileSync(copy);
      const body = bytes.toString("utf8");
      const state = JSON.parse(body) as { version?: number; serial?: number; lineage?: string };
      if (state.version !== 4 || typeof state.serial !== "number" || !state.lineage)
        throw new Error(`version ${options.version} is not a Terraform state (format 4)`);
      runner.note(`serial ${state.serial}, lineage ${state.lineage}`);
      const digest = runner.dryRun ? "<md5 of that version>" : createHash("md5").update(bytes).digest("hex");

      runner.step(
        `make ${options.version} the current state (a copy; the replaced current version ${current?.VersionId ?? "(none)"} stays in the history)`,
      );
      await runner.run([
        "aws",
        "s3api",
        "copy-object",
        "--bucket",
        at.bucket,
        "--key",
        at.key,
        "--copy-source",
        `${at.bucket}/${at.key}?versionId=${encodeURIComponent(options.version)}`,
        "--query",
        "VersionId",
        "--output",
        "text",
        ...region,
      ]);
      runner.step("write its digest to the lock table, so Terraform accepts what it reads");
      await runner.run([
        "aws",
        "dynamodb",
        "put-item",
        "--table-name",
        at.lockTable,
        "--item",
        JSON.stringify({ LockID: { S: `${at.bucket}/${at.key}-md5` }, Digest: { S: digest } }),
        ...region,
      ]);
      runner.step("check Terraform reads it");
      await terraform.init(runner, dir);
      await runner.run(["terraform", "state", "list", "-no-color"], { cwd: dir, capture: true });
      if (current)
        runner.note(
          `to undo: npm run state:recover -- --stack ${options.stack} --version ${current.VersionId}`,
        );
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }
}
