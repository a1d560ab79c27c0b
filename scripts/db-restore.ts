/**
 * npm run db:restore -- --env <env> (--to <ISO time> | --latest | --snapshot <id>) [--yes] [--dry-run]
 *
 * Restores an environment's database into a new instance and switches the environment to it through
 * its config and reviewed plans (infra/release/db-restore.ts; docs/runbooks/db-restore.md). Run it
 * once per phase: it prints the config block to commit, then plans and (with --yes) creates and
 * checks the restore, then plans and (with --yes) switches to it. --dry-run prints every phase and
 * every AWS and Terraform command, touching no AWS. Wrong arguments exit 2.
 */
import { RESTORE_TIME, SNAPSHOT_IDENTIFIER } from "@aws-platform-kit/modules/database";
import { dbRestore, type RestoreSource } from "../infra/release/db-restore.js";
import { Runner } from "../infra/release/runner.js";
import { parseCommandLine } from "./cli/args.js";
import { runMain } from "./cli/main.js";

const usage =
  "usage: npm run db:restore -- --env <dev|staging|prod> (--to <ISO time> | --latest | --snapshot <id>) [--id r<yyyymmddhhmm>] [--yes] [--dry-run] [--skip-offline-plan]";

const cli = parseCommandLine("db:restore", usage, {
  env: { type: "string" },
  to: { type: "string" },
  latest: { type: "boolean", default: false },
  snapshot: { type: "string" },
  id: { type: "string" },
  yes: { type: "boolean", default: false },
  "dry-run": { type: "boolean", default: false },
  "skip-offline-plan": { type: "boolean", default: false },
  outdir: { type: "string", default: "cdktf.out" },
});
const { values } = cli;
// Annotated, so that TypeScript narrows after a call (a destructured `never` function does not).
const usageError: (message: string) => never = cli.usageError;
if (!values.env) usageError("--env is required");
const chosen = [values.to !== undefined, values.latest, values.snapshot !== undefined].filter(Boolean).length;
if (chosen !== 1) usageError("give exactly one of --to <ISO time>, --latest and --snapshot <id>");
if (values.to !== undefined && (!RESTORE_TIME.test(values.to) || Number.isNaN(Date.parse(values.to))))
  usageError(`--to: "${values.to}" must be an ISO 8601 time in UTC such as 2026-12-06T09:30:00Z`);
if (values.snapshot !== undefined && !SNAPSHOT_IDENTIFIER.test(values.snapshot))
  usageError(`--snapshot: "${values.snapshot}" is not a DB snapshot identifier or ARN`);
const source: RestoreSource =
  values.snapshot !== undefined
    ? { snapshot: values.snapshot }
    : { pointInTime: values.latest ? "latest" : (values.to as string) };

await runMain("db:restore", async () => {
  const runner = new Runner(values["dry-run"]);
  if (runner.dryRun)
    console.log("dry run: nothing is created or changed in AWS; commands are printed instead");
  const outcome = await dbRestore(runner, {
    env: values.env as string,
    source,
    outdir: values.outdir,
    ...(values.id ? { id: values.id } : {}),
    yes: values.yes,
    offlinePlan: !values["skip-offline-plan"],
  });
  const said = {
    "config-needed": "commit the printed config block, then run again",
    "planned-only": "planned only (add --yes to apply)",
    restored: "the restore is available and answered the read-only query; set active: true and run again",
    switched: runner.dryRun
      ? "the environment would run on the restore"
      : "the environment runs on the restore",
  } as const;
  console.log(`\n${said[outcome]}`);
});
