/**
 * The GitHub Actions files of this repository — workflows (`.github/workflows/*.yml`) and local
 * composite actions (`.github/actions/<name>/action.yml`) — parsed, with what the delivery tests
 * and `npm run lint:delivery` look at: jobs, steps, every `uses:` reference with its version
 * comment, and every `run:` script with where it is.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { isScalar, LineCounter, parseDocument, visit } from "yaml";

export const REPOSITORY_ROOT = new URL("../../", import.meta.url).pathname;

export interface Step {
  readonly name?: string;
  readonly id?: string;
  readonly uses?: string;
  readonly run?: string;
  readonly shell?: string;
  readonly if?: string;
  readonly with?: Record<string, unknown>;
  readonly env?: Record<string, unknown>;
  readonly "continue-on-error"?: boolean | string;
}

export interface Job {
  readonly name?: string;
  readonly needs?: string | string[];
  readonly if?: string;
  readonly environment?: string | { name: string; url?: string };
  readonly concurrency?: string | { group: string; "cancel-in-progress"?: boolean | string };
  readonly permissions?: Record<string, string> | string;
  readonly strategy?: { matrix?: Record<string, unknown> };
  readonly env?: Record<string, unknown>;
  readonly outputs?: Record<string, string>;
  readonly steps?: Step[];
}

export interface Workflow {
  readonly name?: string;
  readonly on: Record<string, unknown>;
  readonly permissions?: Record<string, string> | string;
  readonly concurrency?: string | { group: string; "cancel-in-progress"?: boolean | string };
  readonly defaults?: { run?: { shell?: string } };
  readonly jobs: Record<string, Job>;
}

export interface CompositeAction {
  readonly name: string;
  readonly inputs?: Record<string, unknown>;
  readonly outputs?: Record<string, { description?: string; value: string }>;
  readonly runs: { using: string; steps: Step[] };
}

/** One entry of `.github/dependabot.yml`'s `updates:`. */
export interface DependabotUpdate {
  readonly "package-ecosystem": string;
  readonly directory?: string;
  readonly directories?: string[];
  readonly schedule: { interval: string };
  readonly cooldown?: Record<string, number>;
  readonly groups?: Record<
    string,
    {
      patterns?: string[];
      "dependency-type"?: string;
      "update-types"?: string[];
    }
  >;
}

export interface ActionsFile<T> {
  /** Path relative to the repository root. */
  readonly path: string;
  readonly text: string;
  readonly content: T;
  /** 1-based line of each step's `run:` key, in document order. */
  readonly runLines: readonly number[];
}

function load<T>(root: string, path: string): ActionsFile<T> {
  const text = readFileSync(path, "utf8");
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, uniqueKeys: true });
  if (document.errors.length) {
    throw new Error(`${relative(root, path)}: ${document.errors.map((e) => e.message).join("; ")}`);
  }
  // A step's `run:` is a scalar; `defaults.run` is a mapping and is not counted.
  const runLines: number[] = [];
  visit(document, {
    Pair(_, pair) {
      if (isScalar(pair.key) && pair.key.value === "run" && isScalar(pair.value) && pair.key.range) {
        runLines.push(lineCounter.linePos(pair.key.range[0]).line);
      }
    },
  });
  return { path: relative(root, path), text, content: document.toJS() as T, runLines };
}

export function loadWorkflows(root = REPOSITORY_ROOT): ActionsFile<Workflow>[] {
  const dir = join(root, ".github/workflows");
  return readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((f) => load<Workflow>(root, join(dir, f)));
}

export function loadCompositeActions(root = REPOSITORY_ROOT): ActionsFile<CompositeAction>[] {
  const dir = join(root, ".github/actions");
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => existsSync(join(dir, name, "action.yml")))
    .sort()
    .map((name) => load<CompositeAction>(root, join(dir, name, "action.yml")));
}

/** `.github/dependabot.yml`'s update entries. */
export function loadDependabot(root = REPOSITORY_ROOT): DependabotUpdate[] {
  const file = load<{ version: number; updates: DependabotUpdate[] }>(
    root,
    join(root, ".github/dependabot.yml"),
  );
  if (file.content.version !== 2) throw new Error(`${file.path}: version is ${file.content.version}, not 2`);
  return file.content.updates;
}

export function workflow(name: string, root = REPOSITORY_ROOT): ActionsFile<Workflow> {
  const found = loadWorkflows(root).find((w) => w.path === `.github/workflows/${name}`);
  if (!found) throw new Error(`no .github/workflows/${name}`);
  return found;
}

/** Every step of a file: all jobs' steps of a workflow, or a composite action's steps. */
export function stepsOf(file: ActionsFile<Workflow | CompositeAction>): Step[] {
  const content = file.content;
  if ("jobs" in content) return Object.values(content.jobs).flatMap((job) => job.steps ?? []);
  return content.runs.steps;
}

export interface UsesReference {
  readonly file: string;
  readonly line: number;
  /** `owner/repo[/path]` or `./local/path`. */
  readonly action: string;
  readonly ref?: string;
  /** The trailing comment, e.g. `v4.2.2`. */
  readonly comment?: string;
}

/** Every `uses:` line, read from the text so the version comment is kept. */
export function usesReferences(file: ActionsFile<unknown>): UsesReference[] {
  const references: UsesReference[] = [];
  file.text.split("\n").forEach((text, index) => {
    const match = /^\s*(?:- )?uses:\s*["']?([^\s"'@#]+)(?:@([^\s"'#]+))?["']?\s*(?:#\s*(.*))?$/.exec(text);
    if (!match) return;
    references.push({
      file: file.path,
      line: index + 1,
      action: match[1] as string,
      ref: match[2],
      comment: match[3]?.trim(),
    });
  });
  return references;
}

export interface RunScript {
  readonly file: string;
  readonly line: number;
  readonly step: string;
  readonly shell: string;
  readonly script: string;
}

/** Every `run:` script with the shell it runs in (the step's, the workflow default, or bash). */
export function runScripts(file: ActionsFile<Workflow | CompositeAction>): RunScript[] {
  const content = file.content;
  const defaultShell = "jobs" in content ? (content.defaults?.run?.shell ?? "bash") : "bash";
  const scripts = stepsOf(file)
    .filter((step) => typeof step.run === "string")
    .map((step, index) => ({
      file: file.path,
      line: file.runLines[index] ?? 0,
      step: step.name ?? step.id ?? `step ${index + 1}`,
      shell: step.shell ?? defaultShell,
      script: step.run as string,
    }));
  if (scripts.length !== file.runLines.length) {
    throw new Error(`${file.path}: found ${file.runLines.length} run: keys but ${scripts.length} run steps`);
  }
  return scripts;
}

/** The roles a job assumes: the `role-to-assume` of its configure-aws-credentials steps. */
export function assumedRoles(job: Job): string[] {
  return (job.steps ?? [])
    .filter((step) => step.uses?.startsWith("aws-actions/configure-aws-credentials@"))
    .map((step) => String(step.with?.["role-to-assume"] ?? ""));
}

export function environmentName(job: Job): string | undefined {
  return typeof job.environment === "string" ? job.environment : job.environment?.name;
}

export function needsOf(job: Job): string[] {
  return job.needs === undefined ? [] : Array.isArray(job.needs) ? job.needs : [job.needs];
}
