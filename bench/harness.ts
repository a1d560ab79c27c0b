/**
 * The benchmark harness shared by every suite: alternating rounds after a warm-up, median and spread
 * of each contender, the subject/baseline ratio, targets, machine info and the report (a console
 * table, bench/results.json and bench/RESULTS.md).
 */
import { execFileSync, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import os from "node:os";
import { formatTable } from "../scripts/cli/table.js";

/** Median of the samples (mean of the two middle ones for an even count). */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error("median of no samples");
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export interface Spread {
  min: number;
  max: number;
  /** (max − min) / median: 0.1 means the rounds lie within a band 10 % of the median wide. */
  relative: number;
}

/** How far apart the rounds are: their range, and the range relative to the median. */
export function spread(values: readonly number[]): Spread {
  if (values.length === 0) throw new Error("spread of no samples");
  const min = Math.min(...values);
  const max = Math.max(...values);
  const mid = median(values);
  return { min, max, relative: mid === 0 ? 0 : (max - min) / Math.abs(mid) };
}

/** subject / baseline, of medians. Below 1 means "less of it than the baseline" (time, memory). */
export function ratio(subject: number, baseline: number): number {
  if (baseline === 0) return subject === 0 ? 1 : Number.POSITIVE_INFINITY;
  return subject / baseline;
}

/** Least-squares slope of y over x: the per-unit growth of a curve such as time per extra stack. */
export function slope(points: readonly (readonly [x: number, y: number])[]): number {
  if (points.length < 2) throw new Error("a slope needs at least two points");
  const meanX = points.reduce((s, [x]) => s + x, 0) / points.length;
  const meanY = points.reduce((s, [, y]) => s + y, 0) / points.length;
  const sxy = points.reduce((s, [x, y]) => s + (x - meanX) * (y - meanY), 0);
  const sxx = points.reduce((s, [x]) => s + (x - meanX) ** 2, 0);
  if (sxx === 0) throw new Error("a slope needs at least two distinct x values");
  return sxy / sxx;
}

export interface Summary {
  median: number;
  min: number;
  max: number;
  relativeSpread: number;
  samples: number[];
}

export function summarise(samples: readonly number[]): Summary {
  const { min, max, relative } = spread(samples);
  return { median: median(samples), min, max, relativeSpread: relative, samples: [...samples] };
}

export type Unit = "s" | "ms" | "MB" | "MB/s" | "req/s" | "count";

/** One measured quantity of a suite, for the subject and (when it has one) the baseline. */
export interface Measurement {
  name: string;
  unit: Unit;
  /** Which direction is better, so the ratio can be read. */
  better: "lower" | "higher";
  subject: Summary;
  baseline?: Summary;
  /** subject median / baseline median */
  ratio?: number;
}

export function measurement(
  name: string,
  unit: Unit,
  better: "lower" | "higher",
  subject: readonly number[],
  baseline?: readonly number[],
): Measurement {
  const s = summarise(subject);
  if (!baseline) return { name, unit, better, subject: s };
  const b = summarise(baseline);
  return { name, unit, better, subject: s, baseline: b, ratio: ratio(s.median, b.median) };
}

/** A target from the issue: what was asked, the figure measured, and whether it was met. */
export interface Target {
  target: string;
  figure: string;
  met: boolean;
}

export interface SuiteResult {
  suite: string;
  /** When this suite ran (suites of one results file may come from different runs). */
  date: string;
  rounds: number;
  warmup: number;
  seconds: number;
  /** How subject and baseline were measured, in a few sentences. */
  method: string[];
  measurements: Measurement[];
  targets: Target[];
  /** Anything else worth keeping: per-stack times, settings, checks done. */
  details?: Record<string, unknown>;
  /** 1-minute load average when the suite started and ended (set by bench/run.ts). */
  loadAverage?: { start: number; end: number };
  /** Set when the suite could not run to the end. */
  error?: string;
}

export interface SuiteOptions {
  rounds: number;
  warmup: number;
  log(line: string): void;
}

export interface Contender<T> {
  name: string;
  /** `warmup` is true for the unrecorded rounds (a contender may make those shorter). */
  run(round: { warmup: boolean }): Promise<T>;
}

/**
 * Runs every contender once per round, `warmup` unrecorded rounds first. The order rotates each round
 * (A B, B A, A B …) so neither side always runs right after the other on a warmer (or busier) machine.
 */
export async function alternate<T>(
  contenders: readonly Contender<T>[],
  options: SuiteOptions & { describe?: (name: string, result: T) => string },
): Promise<Map<string, T[]>> {
  const results = new Map<string, T[]>(contenders.map((c) => [c.name, []]));
  const total = options.warmup + options.rounds;
  for (let round = 0; round < total; round++) {
    const warm = round < options.warmup;
    const label = warm
      ? `warm-up ${round + 1}/${options.warmup}`
      : `round ${round - options.warmup + 1}/${options.rounds}`;
    const offset = round % contenders.length;
    const order = [...contenders.slice(offset), ...contenders.slice(0, offset)];
    for (const contender of order) {
      const result = await contender.run({ warmup: warm });
      if (!warm) results.get(contender.name)!.push(result);
      const described = options.describe?.(contender.name, result) ?? "";
      options.log(`  ${label} ${contender.name}${described ? `: ${described}` : ""}`);
    }
  }
  return results;
}

export interface MachineInfo {
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  os: string;
  node: string;
  date: string;
  /** 1-minute load average when the run started and ended: other jobs on the machine show here. */
  loadAverage: { start: number; end?: number };
  git: { commit: string; uncommittedFiles: number };
}

function git(args: string[]): string {
  try {
    return execFileSync("git", args, { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    return "";
  }
}

export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  let cpuModel = cpus[0]?.model ?? "unknown";
  try {
    // os.cpus() may report only the vendor inside a VM; /proc/cpuinfo sometimes says more.
    const fromProc = /^model name\s*:\s*(.+)$/m.exec(readFileSync("/proc/cpuinfo", "utf8"))?.[1];
    if (fromProc && fromProc.length > cpuModel.length) cpuModel = fromProc;
  } catch {
    // not Linux
  }
  const status = git(["status", "--porcelain", "--", "infra", "modules", "service", "scripts", "bench"]);
  return {
    cpuModel,
    cores: os.availableParallelism(),
    memoryGiB: Math.round(os.totalmem() / 1024 ** 3),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    date: new Date().toISOString(),
    loadAverage: { start: round(os.loadavg()[0]!, 2) },
    git: {
      commit: git(["rev-parse", "--short", "HEAD"]) || "unknown",
      uncommittedFiles: status ? status.split("\n").length : 0,
    },
  };
}

/** Rounds to `digits` decimals; results.json keeps figures short. */
export function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

const decimals: Record<Unit, number> = { s: 2, ms: 1, MB: 0, "MB/s": 0, "req/s": 0, count: 0 };

export function formatValue(value: number, unit: Unit): string {
  const digits = unit === "s" && value >= 100 ? 0 : unit === "MB/s" && value < 100 ? 1 : decimals[unit];
  const text = value.toLocaleString("en-US", {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
  return unit === "count" ? text : `${text} ${unit}`;
}

function formatSummary(summary: Summary | undefined, unit: Unit): string {
  if (!summary) return "—";
  const spreadText = summary.samples.length > 1 ? ` ±${Math.round((summary.relativeSpread * 100) / 2)}%` : "";
  return `${formatValue(summary.median, unit)}${spreadText}`;
}

/** A ratio, or "—" where there is none or it means nothing (a baseline of 0 ms at 1 ms resolution). */
export function formatRatio(value: number | null | undefined): string {
  if (value === undefined || value === null || !Number.isFinite(value)) return "—";
  return `${value.toFixed(2)}×`;
}

/** The console and Markdown table of every measurement. */
export function measurementRows(results: readonly SuiteResult[]): string[][] {
  return results.flatMap((result) =>
    result.measurements.map((m) => [
      result.suite,
      m.name,
      formatSummary(m.subject, m.unit),
      formatSummary(m.baseline, m.unit),
      m.unit === "count" ? "—" : formatRatio(m.ratio),
    ]),
  );
}

export const measurementHeaders = ["suite", "measure", "subject (median ±½ range)", "baseline", "ratio"];

export function targetRows(results: readonly SuiteResult[]): string[][] {
  return results.flatMap((result) =>
    result.targets.map((t) => [result.suite, t.target, t.figure, t.met ? "met" : "MISSED"]),
  );
}

export const targetHeaders = ["suite", "target", "figure", "result"];

export function consoleReport(results: readonly SuiteResult[]): string {
  const parts = [formatTable(measurementHeaders, measurementRows(results))];
  const targets = targetRows(results);
  if (targets.length) parts.push(formatTable(targetHeaders, targets));
  for (const result of results) if (result.error) parts.push(`${result.suite}: FAILED — ${result.error}`);
  return parts.join("\n\n");
}

function markdownTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const escapeCell = (cell: string) => cell.replaceAll("|", "\\|");
  return [
    `| ${headers.map(escapeCell).join(" | ")} |`,
    `| ${headers.map(() => "---").join(" | ")} |`,
    ...rows.map((row) => `| ${row.map(escapeCell).join(" | ")} |`),
  ].join("\n");
}

export interface Report {
  machine: MachineInfo;
  suites: SuiteResult[];
}

export function markdownReport(report: Report, intro: readonly string[]): string {
  const { machine } = report;
  const lines: string[] = [
    "# Benchmark results",
    "",
    ...intro,
    "",
    "## Machine",
    "",
    markdownTable(
      ["CPU", "cores", "memory", "OS", "Node", "date", "load average (1 min) start → end", "commit"],
      [
        [
          machine.cpuModel,
          String(machine.cores),
          `${machine.memoryGiB} GiB`,
          machine.os,
          machine.node,
          machine.date,
          `${machine.loadAverage.start} → ${machine.loadAverage.end ?? "?"}`,
          `${machine.git.commit}${machine.git.uncommittedFiles ? ` (+${machine.git.uncommittedFiles} uncommitted files)` : ""}`,
        ],
      ],
    ),
    "",
    "## Results",
    "",
    "Medians over the recorded rounds, ± half the range between the fastest and slowest round, as a",
    "share of the median. Ratio = subject median / baseline median.",
    "",
    markdownTable(measurementHeaders, measurementRows(report.suites)),
    "",
    "## Targets",
    "",
    markdownTable(targetHeaders, targetRows(report.suites)),
  ];
  for (const suite of report.suites) {
    lines.push(
      "",
      `## ${suite.suite}`,
      "",
      `${suite.warmup} warm-up + ${suite.rounds} recorded rounds, ${Math.round(suite.seconds)} s, ${suite.date}` +
        (suite.loadAverage ? `, load average ${suite.loadAverage.start} → ${suite.loadAverage.end}.` : "."),
      "",
      ...suite.method.map((sentence) => `- ${sentence}`),
    );
    if (suite.error) lines.push("", `**Failed:** ${suite.error}`);
    const table = suite.details?.table as { headers: string[]; rows: string[][] } | undefined;
    if (table) lines.push("", markdownTable(table.headers, table.rows));
  }
  return `${lines.join("\n")}\n`;
}

/** results.json: samples and summaries rounded to what the measurement resolves. */
export function compactJson(report: Report): string {
  const digits = (unit: Unit) => (unit === "s" ? 3 : unit === "ms" ? 2 : unit === "MB/s" ? 1 : 0);
  const compactSummary = (s: Summary | undefined, unit: Unit) =>
    s && {
      median: round(s.median, digits(unit)),
      min: round(s.min, digits(unit)),
      max: round(s.max, digits(unit)),
      relativeSpread: round(s.relativeSpread, 3),
      samples: s.samples.map((v) => round(v, digits(unit))),
    };
  const suites = report.suites.map((suite) => ({
    ...suite,
    seconds: Math.round(suite.seconds),
    measurements: suite.measurements.map((m) => ({
      name: m.name,
      unit: m.unit,
      better: m.better,
      subject: compactSummary(m.subject, m.unit),
      ...(m.baseline ? { baseline: compactSummary(m.baseline, m.unit) } : {}),
      ...(m.ratio !== undefined ? { ratio: round(m.ratio, 3) } : {}),
    })),
  }));
  // One line per suite keeps the file short to read and small to diff.
  return `{\n"machine": ${JSON.stringify(report.machine)},\n"suites": [\n${suites.map((s) => JSON.stringify(s)).join(",\n")}\n]\n}\n`;
}

export interface TimedRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Wall time from spawn to exit, process start included. */
  seconds: number;
  stdout: string;
  stderr: string;
}

/** Runs a command to completion and times it from spawn to exit. Output is kept (last 1 MB each). */
export function timedRun(
  command: string,
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<TimedRun> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    const keep = (text: string, chunk: Buffer) => (text + chunk.toString("utf8")).slice(-1_000_000);
    child.stdout.on("data", (chunk: Buffer) => {
      stdout = keep(stdout, chunk);
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr = keep(stderr, chunk);
    });
    child.once("error", reject);
    child.once("close", (code, signal) =>
      resolve({ code, signal, seconds: (performance.now() - started) / 1000, stdout, stderr }),
    );
  });
}

/** A command's error output for a message: the line naming the error (if any) and the last lines. */
export function tail(text: string, lines = 8): string {
  const all = text.trim().split("\n");
  const last = all.slice(-lines);
  const error = all.find((line) => /\b\w*Error\b/.test(line) && !/^\s+at /.test(line));
  return (error && !last.includes(error) ? [error, "…", ...last] : last).join("\n");
}
