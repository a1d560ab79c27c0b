/**
 * Entry point for `cdktf synth` (cdktf.json) and `npm run synth`.
 * ENVIRONMENTS=dev,prod limits which environments are built (the bootstrap stack always is).
 */
import { buildApp } from "./app.js";
import { ConfigError, type EnvironmentName } from "./environments/index.js";

try {
  const selected = process.env.ENVIRONMENTS?.split(",")
    .map((s) => s.trim())
    .filter(Boolean) as EnvironmentName[] | undefined;
  buildApp({ outdir: process.env.CDKTF_OUTDIR, environments: selected }).synth();
} catch (error) {
  if (error instanceof ConfigError) {
    for (const line of error.problems) console.error(`config error: ${line}`);
    process.exit(1);
  }
  throw error;
}
