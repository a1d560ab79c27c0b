/**
 * npm run files:restore -- --env <env> --key <key> [--version <id>] [--name <file name>] [--dry-run]
 *
 * Brings back one upload from the environment's versioned uploads bucket and repairs its row
 * (infra/release/files-restore.ts; docs/runbooks/files-restore.md). --dry-run prints every AWS and
 * Terraform command it would run, touching no AWS. Wrong arguments exit 2.
 */
import { parseCommandLine } from "./cli/args.js";
import { runMain } from "./cli/main.js";

const usage =
  "usage: npm run files:restore -- --env <dev|staging|prod> --key users/<uuid>/files/<uuid> [--version <id>] [--name <file name>] [--dry-run]";

const cli = parseCommandLine("files:restore", usage, {
  env: { type: "string" },
  key: { type: "string" },
  version: { type: "string" },
  name: { type: "string" },
  "dry-run": { type: "boolean", default: false },
  outdir: { type: "string", default: "cdktf.out" },
});
const { values } = cli;
// Annotated, so that TypeScript narrows after a call (a destructured `never` function does not).
const usageError: (message: string) => never = cli.usageError;
if (!values.env) usageError("--env is required");
if (!values.key) usageError("--key is required");
// Loaded after the first checks: it builds the app.
const { UPLOAD_KEY, VERSION_ID, filesRestore } = await import("../infra/release/files-restore.js");
if (!UPLOAD_KEY.test(values.key))
  usageError(
    `--key: "${values.key}" is not an upload key (users/<uuid>/files/<uuid> or users/<uuid>/avatar)`,
  );
if (values.version !== undefined && !VERSION_ID.test(values.version))
  usageError(`--version: "${values.version}" is not an S3 version id`);

await runMain("files:restore", async () => {
  const { Runner } = await import("../infra/release/runner.js");
  const runner = new Runner(values["dry-run"]);
  if (runner.dryRun) console.log("dry run: nothing is changed in AWS; commands are printed instead");
  const version = await filesRestore(runner, {
    env: values.env as string,
    key: values.key as string,
    outdir: values.outdir,
    ...(values.version ? { version: values.version } : {}),
    ...(values.name ? { name: values.name } : {}),
  });
  console.log(
    `\n${values.key} ${runner.dryRun ? "would be" : "is"} back (version ${version}) and its row repaired`,
  );
});
