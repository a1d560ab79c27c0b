/**
 * The command line of a script that takes named options: parsed with node:util's parseArgs, `--help`
 * printing the usage (exit 0), and every argument mistake one line naming the script and pointing
 * at `--help` (exit 2, as operators' runbooks expect for usage errors).
 */
import { type ParseArgsConfig, parseArgs } from "node:util";

type Options = NonNullable<ParseArgsConfig["options"]>;

export interface CommandLine<T extends Options> {
  /** The parsed option values (`--help` has already exited). */
  readonly values: ReturnType<typeof parseArgs<{ options: T }>>["values"];
  /** Prints `<name>: <message> (npm run <name> -- --help)` and exits 2. */
  readonly usageError: (message: string) => never;
}

export function parseCommandLine<T extends Options>(name: string, usage: string, options: T): CommandLine<T> {
  const usageError = (message: string): never => {
    console.error(`${name}: ${message} (npm run ${name} -- --help)`);
    process.exit(2);
  };
  let values: CommandLine<T>["values"];
  try {
    values = parseArgs({ options: { ...options, help: { type: "boolean", short: "h" } } as T }).values;
  } catch (error) {
    return usageError(error instanceof Error ? error.message : String(error));
  }
  if ((values as { help?: boolean }).help) {
    console.log(usage);
    process.exit(0);
  }
  return { values, usageError };
}
