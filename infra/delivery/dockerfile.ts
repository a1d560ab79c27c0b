/**
 * The Dockerfile and .dockerignore read as data, for the delivery tests: instructions grouped by
 * build stage (continuation lines joined, comments dropped), exec-form arguments parsed, and the
 * .dockerignore patterns applied the way the Docker builder applies them.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { REPOSITORY_ROOT } from "./workflows.js";

export interface Instruction {
  /** Upper-case keyword: FROM, RUN, COPY, ... */
  readonly keyword: string;
  /** Everything after the keyword, continuation lines joined with a space. */
  readonly args: string;
  /** 1-based line where the instruction starts. */
  readonly line: number;
}

export interface Stage {
  /** The `AS` name, or the stage index as a string. */
  readonly name: string;
  /** The image reference after FROM. */
  readonly from: string;
  /** FROM's `--platform` value (`$BUILDPLATFORM`), when given: otherwise the build's target platform. */
  readonly platform?: string;
  readonly instructions: readonly Instruction[];
}

export function parseDockerfile(text: string): Stage[] {
  const instructions: Instruction[] = [];
  let pending: { text: string; line: number } | undefined;
  text.split("\n").forEach((raw, index) => {
    const line = raw.trimEnd();
    if (!pending && (line.trim() === "" || line.trim().startsWith("#"))) return;
    if (pending && line.trim().startsWith("#")) return; // comments inside a continued instruction
    const continued = line.endsWith("\\");
    const part = continued ? line.slice(0, -1) : line;
    pending = pending
      ? { text: `${pending.text} ${part.trim()}`, line: pending.line }
      : { text: part, line: index + 1 };
    if (continued) return;
    const match = /^\s*(\S+)\s*(.*)$/.exec(pending.text);
    if (match)
      instructions.push({
        keyword: (match[1] as string).toUpperCase(),
        args: (match[2] as string).trim(),
        line: pending.line,
      });
    pending = undefined;
  });

  const stages: Stage[] = [];
  let current: { name: string; from: string; instructions: Instruction[] } | undefined;
  for (const instruction of instructions) {
    if (instruction.keyword === "FROM") {
      const all = instruction.args.split(/\s+/);
      const platform = all.find((w) => w.startsWith("--platform="))?.slice("--platform=".length);
      const words = all.filter((w) => !w.startsWith("--platform"));
      const as = words.findIndex((w) => w.toUpperCase() === "AS");
      current = {
        name: as >= 0 ? (words[as + 1] as string) : String(stages.length),
        from: words[0] as string,
        ...(platform ? { platform } : {}),
        instructions: [],
      };
      stages.push(current);
    } else if (current) {
      current.instructions.push(instruction);
    }
  }
  return stages;
}

export function loadDockerfile(root = REPOSITORY_ROOT): Stage[] {
  return parseDockerfile(readFileSync(join(root, "Dockerfile"), "utf8"));
}

/** The JSON array of an exec-form instruction (`CMD ["node", "x.js"]`), or undefined for shell form. */
export function execForm(args: string): string[] | undefined {
  if (!args.trimStart().startsWith("[")) return undefined;
  try {
    const parsed: unknown = JSON.parse(args);
    return Array.isArray(parsed) && parsed.every((a) => typeof a === "string") ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** `HEALTHCHECK [--option=value ...] CMD ...`: its options and its command. */
export function parseHealthcheck(args: string): { options: Record<string, string>; command: string } {
  const options: Record<string, string> = {};
  let rest = args.trim();
  for (let m = /^--([a-z-]+)=(\S+)\s+/.exec(rest); m; m = /^--([a-z-]+)=(\S+)\s+/.exec(rest)) {
    options[m[1] as string] = m[2] as string;
    rest = rest.slice(m[0].length);
  }
  return { options, command: rest.replace(/^CMD\s+/i, "") };
}

/**
 * `COPY|ADD [--from=stage] [--chown=...] [--checksum=...] src... dest`: its options (name without
 * the dashes → value, `""` for a bare flag), sources and destination.
 */
export function parseCopy(args: string): {
  from?: string;
  options: Record<string, string>;
  sources: string[];
  destination: string;
} {
  const words = args.split(/\s+/);
  const options = Object.fromEntries(
    words
      .filter((w) => w.startsWith("--"))
      .map((w) => {
        const [name, ...value] = w.slice(2).split("=");
        return [name as string, value.join("=")];
      }),
  );
  const paths = words.filter((w) => !w.startsWith("--"));
  const from = options.from;
  return {
    ...(from ? { from } : {}),
    options,
    sources: paths.slice(0, -1),
    destination: paths.at(-1) as string,
  };
}

/** Whether a COPY/ADD source is fetched from elsewhere (a URL or a Git remote), not the context. */
export function isRemoteSource(source: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(source) || /^git@/.test(source);
}

/**
 * A .dockerignore matcher: patterns are matched against paths relative to the context root with
 * Go's filepath.Match plus `**` (any number of directories); a pattern that matches a directory
 * excludes everything under it; a later `!pattern` re-includes; the last matching pattern wins.
 */
export function dockerignoreMatcher(text: string): (path: string) => boolean {
  const rules = text
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith("#"))
    .map((l) => {
      const negated = l.startsWith("!");
      const pattern = (negated ? l.slice(1) : l).replace(/^\/+/, "").replace(/\/+$/, "");
      return { negated, regex: patternRegex(pattern) };
    });
  return (path: string) => {
    const parts = path.split("/");
    let excluded = false;
    for (const rule of rules) {
      // The path itself or any of its parent directories.
      for (let i = 1; i <= parts.length; i++) {
        if (rule.regex.test(parts.slice(0, i).join("/"))) {
          excluded = !rule.negated;
          break;
        }
      }
    }
    return excluded;
  };
}

function patternRegex(pattern: string): RegExp {
  let source = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === "*" && pattern[i + 1] === "*") {
      // `**/` matches zero or more directories; a trailing `**` matches anything.
      if (pattern[i + 2] === "/") {
        source += "(?:.*/)?";
        i += 2;
      } else {
        source += ".*";
        i += 1;
      }
    } else if (c === "*") source += "[^/]*";
    else if (c === "?") source += "[^/]";
    else source += c.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^${source}$`);
}
