/**
 * Entry point for `cdktf synth` (see cdktf.json). `npm run synth` does the same in-process and
 * prints a summary. Settings come from the environment: see `optionsFromEnv`.
 */
import { optionsFromEnv, synthOrExit } from "./app.js";

synthOrExit(() => optionsFromEnv());
