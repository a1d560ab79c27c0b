/**
 * npm run api:check | npm run api:update
 * The public-API report of `@aws-platform-kit/modules`: one API Extractor report per entry point of
 * modules/package.json `exports` (`.` → modules/api/index.api.md, `./network` →
 * modules/api/network.api.md, …), read from the declarations `npm run build -w modules` writes to
 * modules/dist. API Extractor takes one entry point per run, so this runs it once per entry point
 * over one shared TypeScript program.
 *
 *   --check   (api:check) API Extractor's non-local mode: fails, naming each report, when a
 *             committed report differs from the code, or when an entry point has no report.
 *   --update  (api:update) rewrites the reports; commit them with the change to the surface.
 *
 * Either mode also fails on a report for an entry point that no longer exists.
 */
import { existsSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import {
  CompilerState,
  Extractor,
  ExtractorConfig,
  type ExtractorMessage,
  type IConfigFile,
} from "@microsoft/api-extractor";
import { type Entry, entryPoints, MODULES_ROOT } from "./docs-entry-points.js";

const { values } = parseArgs({
  options: { check: { type: "boolean", default: false }, update: { type: "boolean", default: false } },
});
if (values.check === values.update) {
  console.error("usage: tsx scripts/docs-api.ts --check | --update");
  process.exit(2);
}
const update = values.update;

const configPath = join(MODULES_ROOT, "api-extractor.json");
const reportFolder = join(MODULES_ROOT, "api");
const packageJsonPath = join(MODULES_ROOT, "package.json");
const entries = entryPoints();

const missing = entries.filter((e) => !existsSync(join(MODULES_ROOT, e.declarations)));
if (missing.length) {
  console.error(
    `no declarations for ${missing.map((e) => e.declarations).join(", ")} — run npm run build -w modules first`,
  );
  process.exit(1);
}

const baseConfig: IConfigFile = ExtractorConfig.loadFile(configPath);
const configFor = (entry: Entry): ExtractorConfig =>
  ExtractorConfig.prepare({
    configObject: {
      ...baseConfig,
      mainEntryPointFilePath: join(MODULES_ROOT, entry.declarations),
      apiReport: { ...baseConfig.apiReport, enabled: true, reportFileName: entry.report },
    },
    configObjectFullPath: configPath,
    packageJsonFullPath: packageJsonPath,
  });

const configs = entries.map((entry) => ({ entry, config: configFor(entry) }));
// One program for all entry points: each run then analyses only its own exports.
const compilerState = CompilerState.create(configs[0]?.config as ExtractorConfig, {
  additionalEntryPoints: configs.map(({ config }) => config.mainEntryPointFilePath),
});

const problems: string[] = [];
for (const { entry, config } of configs) {
  const messages: string[] = [];
  const result = Extractor.invoke(config, {
    localBuild: update,
    compilerState,
    messageCallback: (message: ExtractorMessage) => {
      // Collected and printed per entry point below, instead of API Extractor's own console lines.
      message.handled = true;
      // Console messages narrate the run ("report created", "report changed"): the result says that.
      if (message.category === "console") return;
      if (message.logLevel === "error" || message.logLevel === "warning") {
        messages.push(`${message.logLevel}: ${message.formatMessageWithLocation(MODULES_ROOT)}`);
      }
    },
  });
  const where = `${entry.specifier} (modules/api/${entry.report}.api.md)`;
  for (const m of messages) problems.push(`${where}: ${m}`);
  if (!update && result.apiReportChanged) {
    problems.push(
      `${where}: the public API differs from the committed report — review the difference ` +
        `(diff modules/api/${entry.report}.api.md cdktf.out/api-extractor/${entry.report}.api.md), ` +
        "then run npm run api:update and commit the report with the change",
    );
  }
  if (!result.succeeded && !messages.length && !result.apiReportChanged) {
    problems.push(`${where}: API Extractor failed (${result.errorCount} errors)`);
  }
  console.log(`${result.apiReportChanged ? (update ? "updated" : "DIFFERS") : "ok     "} ${where}`);
}

const expected = new Set(entries.map((e) => `${e.report}.api.md`));
for (const file of existsSync(reportFolder) ? readdirSync(reportFolder) : []) {
  if (!file.endsWith(".api.md") || expected.has(file)) continue;
  if (update) {
    rmSync(join(reportFolder, file));
    console.log(`removed modules/api/${file} (no such entry point)`);
  } else {
    problems.push(`modules/api/${file}: no entry point in modules/package.json exports has this report`);
  }
}

if (problems.length) {
  console.error(`\n${problems.length} problem(s):`);
  for (const p of problems) console.error(`  ${p}`);
  process.exit(1);
}
console.log(`\n${entries.length} entry points: ${update ? "reports written" : "reports match the code"}`);
