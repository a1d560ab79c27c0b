/**
 * npm run cost [-- --plans DIR] [--base DIR --head DIR] [--usage DIR] [--reports DIR]
 *                  [--enforce] [--readme | --check-readme]
 * Estimates the monthly cost of every plan in cdktf.out/plans/ (total, top cost drivers, log
 * ingestion with its assumptions, what is not priced; for preview-pr-<N> stacks the marginal cost
 * per day) and writes cost.json and cost.md to cdktf.out/reports/. With --base and --head (two plan
 * directories: the base branch's and the PR's) it prints and writes the difference per stack as a
 * Markdown table ready to post on the PR.
 * --enforce: exit 1, one line per stack, when an estimate exceeds its environment's budget
 * (`<env>.alarms.monthlyBudgetUsd`; previews count against dev's); with --base/--head, the PR's.
 * --readme: rewrite the generated cost tables of README.md (every line of dev and a preview) and
 * infra/cost/README.md (the price table); --check-readme: exit 1 when they differ from the estimate.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { parseArgs } from "node:util";
import { type Budget, checkBudgets } from "../infra/cost/budget.js";
import { type EstimateOptions, estimatePlanDir, type StackEstimate } from "../infra/cost/estimate.js";
import { loadPriceTable } from "../infra/cost/prices.js";
import {
  costLinesMarkdown,
  PRICE_TABLE_MARKERS,
  priceTableMarkdown,
  README_MARKERS,
  replaceBlock,
} from "../infra/cost/readme.js";
import {
  DRIVER_HEADERS,
  diffEstimates,
  diffMarkdown,
  driverRows,
  headline,
  LOG_INGESTION_HEADERS,
  logIngestionRows,
  NOT_PRICED_HEADERS,
  notPricedRows,
  SUMMARY_HEADERS,
  summaryMarkdown,
  summaryRows,
} from "../infra/cost/report.js";
import { ENVIRONMENT_NAMES, loadEnvironment } from "../infra/environments/index.js";
import { formatTable } from "./cli/table.js";

const { values } = parseArgs({
  options: {
    plans: { type: "string", default: "cdktf.out/plans" },
    base: { type: "string" },
    head: { type: "string" },
    usage: { type: "string" },
    reports: { type: "string", default: "cdktf.out/reports" },
    enforce: { type: "boolean", default: false },
    readme: { type: "boolean", default: false },
    "check-readme": { type: "boolean", default: false },
    "readme-file": { type: "string", default: "README.md" },
    "price-readme-file": { type: "string", default: "infra/cost/README.md" },
    help: { type: "boolean", short: "h" },
  },
});
if (values.help) {
  console.log(
    "usage: npm run cost [-- [--plans DIR] [--base DIR --head DIR] [--usage DIR] [--reports DIR] [--enforce] [--readme | --check-readme]]\n" +
      "Prices every <stack>.json plan; with --base and --head, the difference per stack as Markdown.\n" +
      "--enforce: exit 1 when an estimate exceeds its environment's budget (<env>.alarms.monthlyBudgetUsd; previews count against dev's).\n" +
      "--readme: rewrite the generated cost tables of README.md and infra/cost/README.md; --check-readme: exit 1 when they differ.",
  );
  process.exit(0);
}
if (!values.base !== !values.head) {
  console.error("cost: give both --base and --head (plan directories), or neither");
  process.exit(1);
}
if ((values.readme || values["check-readme"]) && values.base) {
  console.error("cost: --readme and --check-readme read --plans, not --base/--head");
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

/** Every environment's budget, from its validated config. */
function budgets(): Record<string, Budget> {
  return Object.fromEntries(
    ENVIRONMENT_NAMES.map((name) => [
      name,
      { monthlyUsd: loadEnvironment(name).alarms.monthlyBudgetUsd, field: `${name}.alarms.monthlyBudgetUsd` },
    ]),
  );
}

/** Rewrites (or, checking, compares) the block between `markers` in `file`; true when it was up to date. */
function generated(file: string, markers: { begin: string; end: string }, block: string): boolean {
  const text = readFileSync(file, "utf8");
  const updated = replaceBlock(text, markers, block, file);
  if (updated === text) return true;
  if (values["check-readme"]) {
    console.error(
      `cost: ${file}'s generated cost table differs from the estimate: run npm run cost -- --readme`,
    );
  } else {
    writeFileSync(file, updated);
    console.log(`cost: rewrote the generated cost table in ${file}`);
  }
  return false;
}

const prices = loadPriceTable();
mkdirSync(values.reports, { recursive: true });
const warnings: string[] = [];
let checked: StackEstimate[];
if (values.base && values.head) {
  const base = estimate(values.base);
  const head = estimate(values.head);
  checked = head;
  warnings.push(...head.flatMap((e) => e.warnings));
  const diffs = diffEstimates(base, head);
  const markdown = diffMarkdown(diffs, head);
  console.log(markdown);
  writeFileSync(join(values.reports, "cost.json"), `${JSON.stringify({ base, head, diffs }, null, 2)}\n`);
  writeFileSync(join(values.reports, "cost.md"), markdown);
} else {
  const estimates = estimate(values.plans);
  checked = estimates;
  warnings.push(...estimates.flatMap((e) => e.warnings));
  console.log(formatTable(SUMMARY_HEADERS, summaryRows(estimates)));
  for (const e of estimates) {
    console.log(`\n${headline(e)}`);
    console.log(formatTable(DRIVER_HEADERS, driverRows(e)));
    const logs = logIngestionRows(e);
    if (logs.length) {
      const from = e.usageFile ? relative(process.cwd(), e.usageFile) : "no usage file";
      console.log(`log ingestion (assumptions from ${from}):\n${formatTable(LOG_INGESTION_HEADERS, logs)}`);
    }
    const unpriced = notPricedRows(e);
    if (unpriced.length)
      console.log(`not priced (left out of the total):\n${formatTable(NOT_PRICED_HEADERS, unpriced)}`);
  }
  writeFileSync(join(values.reports, "cost.json"), `${JSON.stringify({ estimates }, null, 2)}\n`);
  writeFileSync(join(values.reports, "cost.md"), summaryMarkdown(estimates, prices));
}
for (const w of warnings) console.log(`warning: ${w}`);
console.log(`\nreports: ${values.reports}/cost.json, ${values.reports}/cost.md`);

let failed = false;
if (values.readme || values["check-readme"]) {
  const upToDate = [
    generated(values["readme-file"], README_MARKERS, costLinesMarkdown(checked, prices)),
    generated(values["price-readme-file"], PRICE_TABLE_MARKERS, priceTableMarkdown(prices)),
  ];
  if (values["check-readme"] && upToDate.includes(false)) failed = true;
}
if (values.enforce) {
  const report = checkBudgets(checked, budgets());
  for (const line of report.lines) console.log(line);
  if (!report.ok) failed = true;
}
if (failed) process.exit(1);
