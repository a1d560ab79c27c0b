/**
 * `npm run files:restore`: brings back one upload from the environment's versioned uploads bucket and
 * repairs its row, step by step:
 *
 * 1. read the stack's outputs (the bucket, and the migration task that reaches the database);
 * 2. list the key's versions and delete markers; pick `--version`, or the newest version that is not
 *    a delete marker;
 * 3. copy that version over the key (a new current version; every older version stays);
 * 4. read the restored object's type and size;
 * 5. repair the row in a one-off task of the migration task definition (the image's own code, signed
 *    in as the migration is): a file's row is set `ready` (or written again if it was deleted), an
 *    avatar's `avatar_updated_at` is set.
 *
 * Safe to repeat: copying the same version again and the row upsert converge.
 */
import { loadEnvironment } from "../environments/index.js";
import { ENVIRONMENT_NAMES } from "../environments/schema.js";
import { type OutputValues, PLATFORM_OUTPUTS, SERVICE_OUTPUTS } from "../stacks/stack-outputs.js";
import { runToCompletion } from "./ecs.js";
import type { Runner } from "./runner.js";
import { synthesiseStack } from "./stack-dir.js";
import * as terraform from "./terraform.js";

/** An upload's key, as the service writes them (service/domain/files.ts, users.ts). */
const UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
export const UPLOAD_KEY = new RegExp(`^users/(${UUID})/(avatar|files/${UUID})$`);
/** An S3 version id. */
export const VERSION_ID = /^[A-Za-z0-9._-]{1,1024}$/;

export interface FilesRestoreOptions {
  readonly env: string;
  readonly key: string;
  /** The version to bring back. @default - the newest version that is not a delete marker */
  readonly version?: string;
  /** The name a re-written file row gets (the original is lost with the row). @default - the key's last part */
  readonly name?: string;
  readonly outdir: string;
}

export const FILES_RESTORE_OUTPUTS = {
  ...SERVICE_OUTPUTS,
  uploads_bucket: PLATFORM_OUTPUTS.uploads_bucket,
} as const;

interface Listed {
  Versions?: Array<{ VersionId: string; IsLatest: boolean; LastModified: string; Size?: number }> | null;
  DeleteMarkers?: Array<{ VersionId: string; IsLatest: boolean; LastModified: string }> | null;
}

/**
 * The row repair, run in the image with the migration's sign-in. Environment: FILE_KEY,
 * FILE_CONTENT_TYPE, FILE_SIZE, FILE_NAME. One transaction; exits 1 when the user is gone.
 */
export const REPAIR_SCRIPT = [
  'import pg from "pg";',
  'import { migrationConnectionFromEnv } from "./dist/service/migrate/connection.js";',
  "const { client: settings, schema } = await migrationConnectionFromEnv();",
  "const s = '\"' + schema.replaceAll('\"', '\"\"') + '\"';",
  "const key = process.env.FILE_KEY;",
  `const match = /${UPLOAD_KEY.source}/.exec(key ?? "");`,
  'if (!match) throw new Error("FILE_KEY: not an upload key: " + key);',
  "const client = new pg.Client(settings);",
  "await client.connect();",
  "try {",
  '  await client.query("BEGIN");',
  "  let result;",
  '  if (match[2] === "avatar") {',
  '    result = await client.query("UPDATE " + s + ".users SET avatar_updated_at = now() WHERE id = $1 RETURNING id", [match[1]]);',
  "  } else {",
  "    result = await client.query(",
  '      "INSERT INTO " + s + ".files (id, user_id, object_key, name, content_type, size, status, updated_at) " +',
  '        "SELECT gen_random_uuid(), u.id, $2, $3, $4, $5, \'ready\', now() FROM " + s + ".users u WHERE u.id = $1 " +',
  "        \"ON CONFLICT (object_key) DO UPDATE SET status = 'ready', size = EXCLUDED.size, content_type = EXCLUDED.content_type, updated_at = now() \" +",
  '        "RETURNING id, (xmax = 0) AS inserted",',
  "      [match[1], key, process.env.FILE_NAME, process.env.FILE_CONTENT_TYPE, process.env.FILE_SIZE],",
  "    );",
  "  }",
  '  if (result.rowCount !== 1) throw new Error("user " + match[1] + " no longer exists: the object is back, no row was written");',
  '  await client.query("COMMIT");',
  '  console.log("files:restore row: " + JSON.stringify(result.rows[0]));',
  "} catch (error) {",
  '  await client.query("ROLLBACK").catch(() => {});',
  "  throw error;",
  "} finally {",
  "  await client.end();",
  "}",
].join("\n");
export const REPAIR_COMMAND = ["node", "--input-type=module", "-e", REPAIR_SCRIPT] as const;

function dryRunOutputs(env: string): OutputValues<typeof FILES_RESTORE_OUTPUTS> {
  return {
    url: "https://<domain>",
    cluster_arn: "<cluster arn>",
    service_name: "<service name>",
    migration_task_definition_arn: "<migration task definition arn>",
    run_task_network: {
      awsvpcConfiguration: {
        subnets: ["<subnet>"],
        securityGroups: ["<security group>"],
        assignPublicIp: "DISABLED",
      },
    },
    uploads_bucket: `acme-${env}-uploads-<suffix>`,
  };
}

/** The version to bring back: `wanted`, or the newest that is not a delete marker. Throws naming what exists. */
export function pickVersion(
  listed: Listed,
  key: string,
  wanted?: string,
): { versionId: string; current: boolean } {
  const versions = listed.Versions ?? [];
  const markers = listed.DeleteMarkers ?? [];
  if (wanted !== undefined) {
    const found = versions.find((v) => v.VersionId === wanted);
    if (!found) {
      if (markers.some((m) => m.VersionId === wanted))
        throw new Error(`--version ${wanted} of ${key} is a delete marker, not a version`);
      throw new Error(
        `${key} has no version ${wanted} (versions: ${versions.map((v) => v.VersionId).join(", ") || "none"})`,
      );
    }
    return { versionId: found.VersionId, current: found.IsLatest };
  }
  const newest = [...versions].sort((a, b) => Date.parse(b.LastModified) - Date.parse(a.LastModified))[0];
  if (!newest)
    throw new Error(`${key} has no version to restore (it never existed, or its versions expired)`);
  return { versionId: newest.VersionId, current: newest.IsLatest };
}

export async function filesRestore(runner: Runner, options: FilesRestoreOptions): Promise<string> {
  if (!(ENVIRONMENT_NAMES as readonly string[]).includes(options.env)) {
    throw new Error(
      `files:restore: "${options.env}" is not an environment (${ENVIRONMENT_NAMES.join(", ")})`,
    );
  }
  const match = UPLOAD_KEY.exec(options.key);
  if (!match)
    throw new Error(
      `--key: "${options.key}" is not an upload key (users/<uuid>/files/<uuid> or users/<uuid>/avatar)`,
    );
  loadEnvironment(options.env);
  const dir = synthesiseStack(runner, options.outdir, options.env, {
    environments: [options.env],
    bootstrap: false,
  });
  runner.step("terraform init (state in S3), then read the stack's outputs");
  await terraform.init(runner, dir);
  const out = await terraform.requireOutputs(
    runner,
    dir,
    options.env,
    FILES_RESTORE_OUTPUTS,
    dryRunOutputs(options.env),
  );
  const bucket = out.uploads_bucket;

  runner.step(`list the versions of s3://${bucket}/${options.key}`);
  const listed = await runner.run(
    [
      "aws",
      "s3api",
      "list-object-versions",
      "--bucket",
      bucket,
      "--prefix",
      options.key,
      "--query",
      `{Versions: Versions[?Key=='${options.key}'], DeleteMarkers: DeleteMarkers[?Key=='${options.key}']}`,
      "--output",
      "json",
    ],
    {
      capture: true,
      dryRunOutput: JSON.stringify({
        Versions: [
          {
            VersionId: options.version ?? "<newest version>",
            IsLatest: false,
            LastModified: "2026-12-06T09:00:00Z",
            Size: 1,
          },
        ],
        DeleteMarkers: [
          { VersionId: "<delete marker>", IsLatest: true, LastModified: "2026-12-06T10:00:00Z" },
        ],
      }),
    },
  );
  const versions = JSON.parse(listed.stdout) as Listed;
  for (const v of versions.Versions ?? [])
    runner.note(
      `version ${v.VersionId}  ${v.LastModified}  ${v.Size ?? "?"} bytes${v.IsLatest ? "  (current)" : ""}`,
    );
  for (const m of versions.DeleteMarkers ?? [])
    runner.note(
      `delete marker ${m.VersionId}  ${m.LastModified}${m.IsLatest ? "  (current: the object is deleted)" : ""}`,
    );
  const picked = pickVersion(versions, options.key, options.version);

  if (picked.current) {
    runner.step(`version ${picked.versionId} is already the current one: no copy`);
  } else {
    runner.step(`copy version ${picked.versionId} over the key (a new current version; older versions stay)`);
    await runner.run([
      "aws",
      "s3api",
      "copy-object",
      "--bucket",
      bucket,
      "--key",
      options.key,
      "--copy-source",
      `${bucket}/${options.key}?versionId=${encodeURIComponent(picked.versionId)}`,
      "--metadata-directive",
      "COPY",
      "--query",
      "VersionId",
      "--output",
      "text",
    ]);
  }

  runner.step("read the restored object's type and size");
  const head = await runner.run(
    [
      "aws",
      "s3api",
      "head-object",
      "--bucket",
      bucket,
      "--key",
      options.key,
      "--query",
      "[ContentType,ContentLength]",
      "--output",
      "text",
    ],
    { capture: true, dryRunOutput: "application/octet-stream\t1" },
  );
  const [contentType, size] = head.stdout.trim().split("\t");
  if (!contentType || !size) throw new Error(`head-object of ${options.key} gave no type and size`);

  const avatar = match[2] === "avatar";
  runner.step(
    avatar
      ? `repair the row: users.avatar_updated_at of user ${match[1]} (one-off migration task)`
      : "repair the row: files.status = ready, or the row written again (one-off migration task)",
  );
  await runToCompletion(runner, {
    cluster: out.cluster_arn,
    taskDefinition: out.migration_task_definition_arn,
    network: out.run_task_network,
    command: REPAIR_COMMAND,
    environment: {
      FILE_KEY: options.key,
      FILE_CONTENT_TYPE: contentType,
      FILE_SIZE: size,
      FILE_NAME: options.name ?? options.key.split("/").pop() ?? "restored",
    },
  });
  runner.note("the task's log (the service's log group, /ecs/<project>-<env>-app) shows the row it wrote");
  return picked.versionId;
}
