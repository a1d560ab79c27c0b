/**
 * Runs the commands of a release or preview step by step, printing each before it runs. In dry-run
 * mode it prints what it would run against AWS and runs nothing: that is how the scripts are
 * exercised on machines with no AWS account.
 */
import { spawn } from "node:child_process";

export interface RunOptions {
  readonly cwd?: string;
  readonly env?: Record<string, string>;
  /** Return stdout instead of streaming it (for JSON the next step reads). */
  readonly capture?: boolean;
  /** Return a non-zero exit instead of throwing. */
  readonly allowFailure?: boolean;
  /** What a dry run returns as stdout for a captured command. */
  readonly dryRunOutput?: string;
}

export interface RunResult {
  readonly code: number;
  readonly stdout: string;
}

export class CommandError extends Error {
  constructor(
    readonly command: readonly string[],
    readonly code: number,
    readonly stderr: string,
  ) {
    super(
      `${command.slice(0, 3).join(" ")} … exited with ${code}${stderr ? `: ${stderr.trim().split("\n").slice(-5).join(" | ")}` : ""}`,
    );
    this.name = "CommandError";
  }
}

/** Quotes an argument for display so a printed command can be pasted into a shell. */
export function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

export class Runner {
  private stepNumber = 0;

  constructor(
    readonly dryRun: boolean,
    private readonly write: (line: string) => void = (line) => console.log(line),
  ) {}

  /** Announces the next step: "[2] apply the saved plan". */
  step(description: string): void {
    this.stepNumber++;
    this.write(`\n[${this.stepNumber}] ${description}`);
  }

  note(message: string): void {
    this.write(`    ${message}`);
  }

  async run(command: readonly string[], options: RunOptions = {}): Promise<RunResult> {
    const [program, ...args] = command;
    if (!program) throw new Error("run: empty command");
    const envPrefix = Object.keys(options.env ?? {})
      .map((k) => `${k}=… `)
      .join("");
    this.write(
      `    $ ${options.cwd ? `(cd ${shellQuote(options.cwd)} && ` : ""}${envPrefix}${command.map(shellQuote).join(" ")}${options.cwd ? ")" : ""}`,
    );
    if (this.dryRun) return { code: 0, stdout: options.dryRunOutput ?? "" };
    return new Promise((resolvePromise, reject) => {
      const child = spawn(program, args, {
        cwd: options.cwd,
        env: { ...process.env, ...options.env },
        stdio: ["ignore", options.capture ? "pipe" : "inherit", options.capture ? "pipe" : "inherit"],
      });
      let stdout = "";
      let stderr = "";
      child.stdout?.on("data", (chunk: Buffer) => {
        stdout += chunk;
      });
      child.stderr?.on("data", (chunk: Buffer) => {
        stderr += chunk;
      });
      child.on("error", (error) => reject(new CommandError(command, 127, error.message)));
      child.on("close", (code) => {
        const exit = code ?? 1;
        if (exit !== 0 && !options.allowFailure) reject(new CommandError(command, exit, stderr));
        else resolvePromise({ code: exit, stdout });
      });
    });
  }
}
