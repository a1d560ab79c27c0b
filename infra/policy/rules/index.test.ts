import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, test } from "vitest";
import { RULES } from "./index.js";

const dir = import.meta.dirname;
const ruleFiles = readdirSync(dir).filter(
  (f) => f.endsWith(".ts") && !f.endsWith(".test.ts") && !f.endsWith("-fixture.ts") && f !== "index.ts",
);

test("every rule has its own file, listed in RULES", () => {
  expect(ruleFiles).toHaveLength(RULES.length);
});

test("every rule file has a test with a passing and a failing fixture", () => {
  for (const file of ruleFiles) {
    const testFile = join(dir, file.replace(/\.ts$/, ".test.ts"));
    expect(existsSync(testFile), `${file} has no test`).toBe(true);
    const source = readFileSync(testFile, "utf8");
    expect(source, `${file}: no passing fixture`).toMatch(/plan: "pass"/);
    expect(source, `${file}: no failing fixture`).toMatch(/plan: "violation"/);
  }
});
