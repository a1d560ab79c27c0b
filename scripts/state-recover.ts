/**
 * npm run state:recover -- --stack <stack> (--list | --version <id>) [--unlock <lock id>] [--dry-run]
 *
 * Lists and restores earlier versions of a stack's Terraform state from the versioned state bucket,
 * and clears a stale lock by the id it shows (infra/release/state-recover.ts;
 * docs/runbooks/state-recover.md). --dry-run prints every AWS and Terraform command it would run,
 * touching no AWS. Wrong arguments exit 2.
 */
import { parseCommandLine } from "./cli/args.js";
import { runMain } from "./cli/main.js";

const usage =
  "usage: npm run state:recover -- --stack <bootstrap|dev|staging|prod|preview-pr-N> (--list | --version <id> | --unlock <lock id>) [--dry-run]";

const cli = parseCommandLine("state:recover", usage, {
  stack: { type: "string" },
  list: { type: "boolean", default: false },
  version: { type: "string" },
  unlock: { type: "string" },
  "dry-run": { type: "boolean", default: false },
  outdir: { type: "string", default: "cdktf.out" },
});
const { values } = cli;
// Annotated, so that TypeScript narrows after a call (a destructured `never` function does not).
const usageError: (message: string) => never = cli.usageError;
if (!values.stack) usageError("--stack is required");
if (!/^(bootstrap|dev|staging|prod|preview-pr-[1-9]\d{0,5})$/.test(values.stack))
  usageError(`--stack: "${values.stack}" is not a stack (bootstrap, dev, staging, prod or preview-pr-<N>)`);
if (values.list && values.version !== undefined) usageError("give one of --list and --version <id>");
if (!values.list && values.version === undefined && values.unlock === undefined)
  usageError("give --list, --version <id> or --unlock <lock id>");
if (values.version !== undefined && !/^[A-Za-z0-9._-]{1,1024}$/.test(values.version))
  usageError(`--version: "${values.version}" is not an S3 version id`);
if (values.unlock !== undefined && !/^[A-Za-z0-9-]{1,100}$/.test(values.unlock))
  usageError(`--unlock: "${values.unlock}" is not a lock id (the ID the lock shows)`);

await runMain("state:recover", async () => {
  const { Runner } = await import("../infra/release/runner.js");
  const { stateRecover } = await import("../infra/release/state-recover.js");
  const runner = new Runner(values["dry-run"]);
  if (runner.dryRun) console.log("dry run: nothing is changed in AWS; commands are printed instead");
  await stateRecover(runner, {
    stack: values.stack as string,
    outdir: values.outdir,
    list: values.list,
    ...(values.version !== undefined ? { version: values.version } : {}),
    ...(values.unlock !== undefined ? { unlock: values.unlock } : {}),
  });
});
