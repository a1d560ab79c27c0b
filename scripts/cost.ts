/**
 * npm run cost [-- --plans DIR] [--base DIR --head DIR] [--usage DIR] [--reports DIR]
 * Estimates the monthly cost of every plan in cdktf.out/plans/ (total, top cost drivers, what is not
 * priced; for preview-pr-<N> stacks the marginal cost per day) and writes cost.json and cost.md to
 * cdktf.out/reports/. With --base and --head (two plan directories: the base branch's and the PR's)
 * it prints and writes the difference per stack as a Markdown table ready to post on the PR.
 */
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { type EstimateOptions, estimatePlanDir, type StackEstimate } from "../infra/cost/estimate.js";
import {
  DRIVER_HEADERS,
  diffEstimates,
  diffMarkdown,
  driverRows,
  headline,
  NOT_PRICED_HEADERS,
  notPricedRows,
  SUMMARY_HEADERS,
  summaryMarkdown,
  summaryRows,
} from "../infra/cost/report.js";
import { formatTable } from "./cli/table.js";

const { values } = parseArgs({
  options: {
    plans: { type: "string", default: "cdktf.out/plans" },
    base: { type: "string" },
    head: { type: "string" },
    usage: { type: "string" },
    reports: { type: "string", default: "cdktf.out/reports" },
    help: { type: "boolean", short: "h" },
  },
});
if (values.help) {
  console.log(
    "usage: npm run cost [-- [--plans DIR] [--base DIR --head DIR] [--usage DIR] [--reports DIR]]\n" +
      "Prices every <stack>.json plan; with --base and --head, the difference per stack as Markdown.",
  );
  process.exit(0);
}
if (!values.base !== !values.head) {
  console.error("cost: give both --base and --head (plan directories), or neither");
  process.exit(1);
}

const options: EstimateOptions = values.usage ? { usageDir: values.usage } : {};
function estimate(dir: string): StackEstimate[] {
  const estimates = existsSync(dir) ? estimatePlanDir(dir, options) : [];
  if (estimates.length === 0) {
    console.error(`cost: no plan JSON in ${dir}/ — run \`npm run synth && npm run plan:offline\` first`);
    process.exit(1);
  }
  return estimates;
}

mkdirSync(values.reports, { recursive: true });
const warnings: string[] = [];
if (values.base && values.head) {
  const base = estimate(values.base);
  const head = estimate(values.head);
  warnings.push(...head.flatMap((e) => e.warnings));
  const diffs = diffEstimates(base, head);
  const markdown = diffMarkdown(diffs, head);
  console.log(markdown);
  writeFileSync(join(values.reports, "cost.json"), `${JSON.stringify({ base, head, diffs }, null, 2)}\n`);
  writeFileSync(join(values.reports, "cost.md"), markdown);
} else {
  const estimates = estimate(values.plans);
  warnings.push(...estimates.flatMap((e) => e.warnings));
  console.log(formatTable(SUMMARY_HEADERS, summaryRows(estimates)));
  for (const e of estimates) {
    console.log(`\n${headline(e)}`);
    console.log(formatTable(DRIVER_HEADERS, driverRows(e)));
    const unpriced = notPricedRows(e);
    if (unpriced.length)
      console.log(`not priced (left out of the total):\n${formatTable(NOT_PRICED_HEADERS, unpriced)}`);
  }
  writeFileSync(join(values.reports, "cost.json"), `${JSON.stringify({ estimates }, null, 2)}\n`);
  writeFileSync(join(values.reports, "cost.md"), summaryMarkdown(estimates));
}
for (const w of warnings) console.log(`warning: ${w}`);
console.log(`\nreports: ${values.reports}/cost.json, ${values.reports}/cost.md`);
