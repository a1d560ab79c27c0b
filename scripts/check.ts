/**
 * npm run check [-- --plans DIR] [--stacks DIR] [--reports DIR] [--fail-on high|medium|low]
 * Runs the policy rules over every plan in cdktf.out/plans/ (from `npm run plan:offline`, or real
 * CI's `terraform show -json`), prints the findings, and writes policy.json and policy.sarif to
 * cdktf.out/reports/. Exits 1 on an unsuppressed violation at or above --fail-on (default high) or
 * an invalid suppression.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { checkPlanDir } from "../infra/policy/check-plans.js";
import {
  failed,
  policyJson,
  SUPPRESSION_HEADERS,
  summarise,
  summaryLine,
  suppressionRows,
  UNVERIFIED_HEADERS,
  unverifiedRows,
  VIOLATION_HEADERS,
  violationRows,
} from "../infra/policy/report.js";
import { SEVERITIES, type Severity } from "../infra/policy/rule.js";
import { toSarif } from "../infra/policy/sarif.js";
import { formatTable } from "./cli/table.js";

const { values } = parseArgs({
  options: {
    plans: { type: "string", default: "cdktf.out/plans" },
    stacks: { type: "string" },
    reports: { type: "string", default: "cdktf.out/reports" },
    "fail-on": { type: "string", default: "high" },
    help: { type: "boolean", short: "h" },
  },
});
if (values.help) {
  console.log(
    "usage: npm run check [-- [--plans DIR] [--stacks DIR] [--reports DIR] [--fail-on high|medium|low]]\n" +
      "Checks every <stack>.json plan; suppressions are read from <stacks>/<stack>/cdk.tf.json (default: beside the plans).",
  );
  process.exit(0);
}
const failOn = values["fail-on"] as Severity;
if (!SEVERITIES.includes(failOn)) {
  console.error(`check: --fail-on must be one of ${SEVERITIES.join(", ")}`);
  process.exit(1);
}

const results = checkPlanDir(values.plans, values.stacks ? { stacksDir: values.stacks } : {});
if (results.length === 0) {
  console.error(
    `check: no plan JSON in ${values.plans}/ — run \`npm run synth && npm run plan:offline\` first`,
  );
  process.exit(1);
}

const summary = summarise(results);
const violations = violationRows(results);
console.log(violations.length ? formatTable(VIOLATION_HEADERS, violations) : "no violations");
const unverified = unverifiedRows(results);
if (unverified.length)
  console.log(`\nunverified (known only at apply):\n${formatTable(UNVERIFIED_HEADERS, unverified)}`);
const suppressions = suppressionRows(results);
if (suppressions.length) console.log(`\nsuppressions:\n${formatTable(SUPPRESSION_HEADERS, suppressions)}`);
for (const r of results) {
  for (const w of r.warnings) console.log(`warning: ${w}`);
  for (const e of r.errors) console.error(`error ${r.stack}: ${e}`);
}

mkdirSync(values.reports, { recursive: true });
writeFileSync(join(values.reports, "policy.json"), `${JSON.stringify(policyJson(results), null, 2)}\n`);
writeFileSync(join(values.reports, "policy.sarif"), `${JSON.stringify(toSarif(results), null, 2)}\n`);
console.log(`\n${summaryLine(summary)}`);
console.log(`reports: ${values.reports}/policy.json, ${values.reports}/policy.sarif`);

const fail = failed(results, failOn);
if (fail) console.error(`check failed: unsuppressed ${failOn}-or-worse violations or invalid suppressions`);
process.exit(fail ? 1 : 0);
