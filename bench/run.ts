/**
 * npm run bench [-- <suite> ...] [--rounds N] [--warmup N] [--duration S] [--upload-mib N] [--out DIR]
 *                [--cpu-prof DIR]
 *
 * Runs each suite's subject and baseline alternately on this machine, prints a table and writes
 * <out>/results.json and <out>/RESULTS.md (suites not run this time keep their earlier results there).
 * Missed targets never fail the command; it exits 1 only when a suite could not be measured at all.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { apiSuite } from "./api.js";
import {
  compactJson,
  consoleReport,
  machineInfo,
  markdownReport,
  type Report,
  round,
  type SuiteOptions,
  type SuiteResult,
} from "./harness.js";
import { planSuite } from "./plan.js";
import { prSuite } from "./pr.js";
import { synthSuite } from "./synth.js";
import { uploadSuite } from "./upload.js";

interface SuiteDefinition {
  /** Rounds and warm-ups when --rounds / --warmup are not given. */
  rounds: number;
  warmup: number;
  run(options: RunOptions): Promise<SuiteResult>;
}

export interface RunOptions extends SuiteOptions {
  /** Seconds of load per HTTP measurement (api). */
  durationSeconds: number;
  /** Size of the generated upload in MiB (upload). */
  uploadMib: number;
  /** Where the service writes a CPU profile (`node --cpu-prof`) when it stops (api, upload). */
  cpuProfileDirectory?: string;
}

/** In the order they run by default: the plan and pr suites take minutes, so they go last. */
const suites: Record<string, SuiteDefinition> = {
  synth: { rounds: 5, warmup: 1, run: synthSuite },
  api: { rounds: 3, warmup: 1, run: apiSuite },
  upload: { rounds: 3, warmup: 1, run: uploadSuite },
  plan: { rounds: 2, warmup: 1, run: planSuite },
  pr: { rounds: 2, warmup: 1, run: prSuite },
};

// The AWS SDK warns about Node 20 on every client it creates in this process; the figures are what matter here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    rounds: { type: "string" },
    warmup: { type: "string" },
    duration: { type: "string", default: "10" },
    "upload-mib": { type: "string", default: "1024" },
    out: { type: "string", default: path.relative(process.cwd(), import.meta.dirname) || "." },
    "cpu-prof": { type: "string" },
    "report-only": { type: "boolean", default: false },
    help: { type: "boolean", short: "h" },
  },
});
if (values.help) {
  console.log(
    "usage: npm run bench [-- [suite ...] [--rounds N] [--warmup N] [--duration S] [--upload-mib N] [--out DIR]\n" +
      "                        [--cpu-prof DIR]]\n" +
      `Suites: ${Object.keys(suites).join(", ")} (default: all, in that order). --duration: seconds of load per\n` +
      "HTTP measurement (10). --upload-mib: size of the generated upload (1024). --out: where results.json and\n" +
      "RESULTS.md go (bench/). Results of suites not run are kept from the existing results.json.\n" +
      "--cpu-prof: the service under test (api, upload) writes a CPU profile into DIR when it stops.\n" +
      "--report-only: measure nothing; rewrite RESULTS.md from results.json.",
  );
  process.exit(0);
}
const unknown = positionals.filter((name) => !(name in suites));
if (unknown.length) {
  console.error(`bench: unknown suite ${unknown.join(", ")} (suites: ${Object.keys(suites).join(", ")})`);
  process.exit(1);
}
const positiveInteger = (name: string, text: string | undefined, minimum = 1): number | undefined => {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value < minimum) {
    console.error(`bench: --${name} must be a whole number ≥ ${minimum}`);
    process.exit(1);
  }
  return value;
};
const rounds = positiveInteger("rounds", values.rounds);
const warmup = positiveInteger("warmup", values.warmup, 0);
const durationSeconds = positiveInteger("duration", values.duration)!;
const uploadMib = positiveInteger("upload-mib", values["upload-mib"])!;
const selected = positionals.length
  ? Object.keys(suites).filter((name) => positionals.includes(name))
  : Object.keys(suites);

const outdir = values.out;
mkdirSync(outdir, { recursive: true });
const jsonPath = path.join(outdir, "results.json");
if (values["report-only"]) {
  writeMarkdown(JSON.parse(readFileSync(jsonPath, "utf8")) as Report);
  console.log(`wrote ${path.join(outdir, "RESULTS.md")} from ${jsonPath}`);
  process.exit(0);
}

const machine = machineInfo();
console.log(
  `bench: ${selected.join(", ")} on ${machine.cpuModel}, ${machine.cores} cores, Node ${machine.node}, load ${machine.loadAverage.start}`,
);
const results: SuiteResult[] = [];
for (const name of selected) {
  const definition = suites[name]!;
  const options: RunOptions = {
    rounds: rounds ?? definition.rounds,
    warmup: warmup ?? definition.warmup,
    log: (line) => console.log(line),
    durationSeconds,
    uploadMib,
    ...(values["cpu-prof"] ? { cpuProfileDirectory: path.resolve(values["cpu-prof"]) } : {}),
  };
  const started = performance.now();
  const loadAtStart = round(os.loadavg()[0]!, 2);
  try {
    const result = await definition.run(options);
    results.push({ ...result, loadAverage: { start: loadAtStart, end: round(os.loadavg()[0]!, 2) } });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    console.error(`bench: ${name} failed: ${message}`);
    results.push({
      suite: name,
      date: new Date().toISOString(),
      rounds: options.rounds,
      warmup: options.warmup,
      seconds: (performance.now() - started) / 1000,
      method: [],
      measurements: [],
      targets: [],
      error: message,
    });
  }
}
machine.loadAverage.end = round(os.loadavg()[0]!, 2);

console.log(`\n${consoleReport(results)}`);

const earlier: SuiteResult[] = existsSync(jsonPath)
  ? (JSON.parse(readFileSync(jsonPath, "utf8")) as Report).suites
  : [];
const merged = Object.keys(suites)
  .map((name) => results.find((r) => r.suite === name) ?? earlier.find((r) => r.suite === name))
  .filter((r): r is SuiteResult => r !== undefined);
const report = { machine, suites: merged };
writeFileSync(jsonPath, compactJson(report));
writeMarkdown(report);
console.log(`\nwrote ${jsonPath} and ${path.join(outdir, "RESULTS.md")}`);
process.exit(results.some((r) => r.error) ? 1 : 0);

function writeMarkdown(report: Report): void {
  writeFileSync(
    path.join(outdir, "RESULTS.md"),
    markdownReport(report, [
      "Written by `npm run bench` (bench/run.ts); rerun it to measure your machine. Each suite runs its",
      "subject and its baseline alternately in the same run, after a warm-up. See the README's",
      "*Benchmarks* section and each suite's notes below for what is measured and how.",
      "",
      "Load generator, servers and PostgreSQL share the machine's cores, and the machine may run other",
      "jobs (see the load average): compare subject and baseline of one run, not runs of different days.",
    ]),
  );
}
