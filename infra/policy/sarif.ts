/**
 * SARIF 2.1.0 for GitHub code scanning (`github/codeql-action/upload-sarif`). Each finding points at
 * the resource's line in the synthesised `cdk.tf.json`, names the resource as a logical location, and
 * carries a stable fingerprint (stack + rule + address) so alerts track across runs. Suppressed
 * findings are included with their justification, as SARIF in-source suppressions.
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { relative, sep } from "node:path";
import type { PlanCheck } from "./check-plans.js";
import type { Finding } from "./engine.js";
import type { Rule, Severity } from "./rule.js";
import { RULES } from "./rules/index.js";

const LEVEL: Record<Severity, "error" | "warning" | "note"> = {
  high: "error",
  medium: "warning",
  low: "note",
};
/** GitHub maps `security-severity` to critical / high / medium / low. */
const SECURITY_SEVERITY: Record<Severity, string> = { high: "8.0", medium: "5.0", low: "3.0" };

/** The 1-based line of `"<name>": {` inside `"<type>": {` in a synthesised file (1 when not found). */
function lineOf(lines: readonly string[], address: string): number {
  const [type, name] = address.replace(/\[[^\]]*\]$/, "").split(".");
  const typeLine = lines.findIndex((l) => l.trim() === `"${type}": {`);
  if (typeLine < 0) return 1;
  const nameLine = lines.findIndex((l, i) => i > typeLine && l.trim() === `"${name}": {`);
  return nameLine < 0 ? typeLine + 1 : nameLine + 1;
}

export interface SarifOptions {
  /** Paths in the SARIF are relative to this directory (the repository root). @default process.cwd() */
  readonly root?: string;
  readonly rules?: readonly Rule[];
}

export function toSarif(results: readonly PlanCheck[], options: SarifOptions = {}) {
  const rules = options.rules ?? RULES;
  const root = options.root ?? process.cwd();
  const index = new Map(rules.map((r, i) => [r.id, i]));
  const sarifResults = results.flatMap((r) => {
    const file = r.synthesisedFile ?? r.planFile;
    const uri = relative(root, file).split(sep).join("/");
    const lines =
      r.synthesisedFile && existsSync(r.synthesisedFile)
        ? readFileSync(r.synthesisedFile, "utf8").split("\n")
        : [];
    return r.findings.map((f: Finding) => ({
      ruleId: f.rule,
      ...(index.has(f.rule) ? { ruleIndex: index.get(f.rule) } : {}),
      level: f.status === "unverified" ? "note" : LEVEL[f.severity],
      message: {
        text: `${f.status === "unverified" ? "Could not be verified: " : ""}${f.stack}: ${f.address}: ${f.message}. Fix: ${f.fix}`,
      },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri },
            region: { startLine: lines.length ? lineOf(lines, f.address) : 1 },
          },
          logicalLocations: [{ fullyQualifiedName: `${f.stack}/${f.address}`, kind: "resource" }],
        },
      ],
      partialFingerprints: {
        "platformPolicyFinding/v1": createHash("sha256")
          .update(`${f.stack}|${f.rule}|${f.address}`)
          .digest("hex"),
      },
      ...(f.status === "suppressed" ? { suppressions: [{ kind: "inSource", justification: f.reason }] } : {}),
      properties: {
        stack: f.stack,
        status: f.status,
        severity: f.severity,
        ...(f.path ? { constructPath: f.path } : {}),
      },
    }));
  });
  return {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "platform-kit-policy",
            semanticVersion: "1.0.0",
            rules: rules.map((r) => ({
              id: r.id,
              name: r.id,
              shortDescription: { text: r.title },
              fullDescription: { text: `${r.title} (Checkov: ${r.checkov.join(", ") || "none"})` },
              help: { text: r.fix, markdown: `**Fix:** ${r.fix}` },
              defaultConfiguration: { level: LEVEL[r.severity] },
              properties: {
                tags: ["security", "terraform", "aws", ...r.checkov],
                precision: "very-high",
                "security-severity": SECURITY_SEVERITY[r.severity],
              },
            })),
          },
        },
        results: sarifResults,
      },
    ],
  };
}
