/**
 * Runs a script's main function: a known failure (bad config, bad arguments, a failed command)
 * prints one clear line per problem and exits 1 instead of a stack trace.
 */
import { ConfigError } from "../../infra/environments/schema.js";

export async function runMain(name: string, main: () => Promise<void>): Promise<void> {
  try {
    await main();
  } catch (error) {
    if (error instanceof ConfigError) {
      for (const problem of error.problems) console.error(`${name}: ${problem}`);
    } else {
      console.error(`${name}: ${error instanceof Error ? error.message : String(error)}`);
    }
    process.exitCode = 1;
  }
}
