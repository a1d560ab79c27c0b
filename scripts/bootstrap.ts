/**
 * npm run bootstrap [-- --yes] [--dry-run]
 *
 * The README's two bootstrap steps as one command (infra/release/bootstrap.ts): create the state
 * bucket, lock table and CI roles on local state, then move bootstrap's own state into that bucket.
 * Without --yes it stops after printing the plan; --dry-run prints every command it would run and
 * plans the stack offline, touching no AWS.
 */
import { parseArgs } from "node:util";
import { bootstrap } from "../infra/release/bootstrap.js";
import { Runner } from "../infra/release/runner.js";
import { runMain } from "./cli/main.js";

const usage = "usage: npm run bootstrap [-- --yes] [--dry-run] [--outdir cdktf.out]";
const { values } = parseArgs({
  options: {
    yes: { type: "boolean", default: false },
    "dry-run": { type: "boolean", default: false },
    outdir: { type: "string", default: "cdktf.out" },
    help: { type: "boolean", short: "h" },
  },
});
if (values.help) {
  console.log(usage);
  process.exit(0);
}

await runMain("bootstrap", async () => {
  const runner = new Runner(values["dry-run"]);
  if (runner.dryRun) console.log("dry run: nothing is created in AWS; commands are printed instead");
  const outcome = await bootstrap(runner, { outdir: values.outdir, yes: values.yes });
  const said = {
    bootstrapped: runner.dryRun ? "bootstrap would be done" : "bootstrap is done: its state is in the bucket",
    "already-bootstrapped": "already bootstrapped",
    "planned-only": "planned only (add --yes to apply)",
  } as const;
  console.log(`\n${said[outcome]}`);
});
