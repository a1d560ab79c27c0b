/**
 * The pr benchmark's "one-file change": the app as bench/synth-app.ts synthesises it (no previews,
 * into CDKTF_OUTDIR, through `synthOrExit`), with staging's `service.desiredCount` one higher — what
 * an edit of infra/environments/staging.ts would do. `buildApp` loads each environment's config
 * itself (`loadEnvironment`) and takes no config, so the shipped staging input is altered in memory,
 * in this process only, before the app is built; it still goes through the schema like the file would.
 */
import { synthOrExit } from "../infra/app.js";
import { environmentInputs } from "../infra/environments/index.js";

const outdir = process.env.CDKTF_OUTDIR;
if (!outdir) throw new Error("CDKTF_OUTDIR must name the output directory");

const service = environmentInputs.staging.service as { desiredCount: number };
service.desiredCount += 1;

synthOrExit(() => ({ outdir, previews: [] }));
