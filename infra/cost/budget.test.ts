import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { loadEnvironment } from "../environments/index.js";
import { fixturePlan } from "../plan/plan-fixture.js";
import { type Budget, checkBudgets } from "./budget.js";
import type { StackEstimate } from "./estimate.js";

const estimate = (stack: string, monthlyUsd: number, extra: Partial<StackEstimate> = {}): StackEstimate => ({
  stack,
  environment: stack,
  monthlyUsd,
  fixedMonthlyUsd: monthlyUsd,
  usageMonthlyUsd: 0,
  resources: [],
  notPriced: 0,
  approximate: false,
  warnings: [],
  ...extra,
});
const preview = (pr: number, monthlyUsd: number) =>
  estimate(`preview-pr-${pr}`, monthlyUsd, { pullRequest: pr, perDayUsd: monthlyUsd / 30.4 });
const budget = (env: string, monthlyUsd: number): Budget => ({
  monthlyUsd,
  field: `${env}.alarms.monthlyBudgetUsd`,
});
const budgets = { dev: budget("dev", 60), staging: budget("staging", 400), prod: budget("prod", 1500) };

describe("checkBudgets", () => {
  test("within every budget: one line with every figure, bootstrap named as having none", () => {
    const report = checkBudgets(
      [estimate("bootstrap", 16), estimate("dev", 50), estimate("prod", 500), estimate("staging", 170)],
      budgets,
    );
    expect(report.ok).toBe(true);
    expect(report.lines).toEqual([
      "cost: every estimate is within its budget: dev $50.00 of $60.00, prod $500.00 of $1,500.00, staging $170.00 of $400.00; bootstrap: no budget",
    ]);
    expect(report.withoutBudget).toEqual(["bootstrap"]);
  });

  test("an estimate over its budget: one line naming the stack, both amounts and the config field", () => {
    const report = checkBudgets(
      [estimate("dev", 86.3), estimate("prod", 1600), estimate("staging", 170)],
      budgets,
    );
    expect(report.ok).toBe(false);
    expect(report.lines).toEqual([
      "cost: dev estimate $86.30/month exceeds its budget $60.00 (dev.alarms.monthlyBudgetUsd)",
      "cost: prod estimate $1,600.00/month exceeds its budget $1,500.00 (prod.alarms.monthlyBudgetUsd)",
    ]);
  });

  test("exactly the budget is within it", () => {
    expect(checkBudgets([estimate("dev", 60)], budgets).ok).toBe(true);
  });

  test("previews count against dev's budget, each a full month", () => {
    const within = checkBudgets([estimate("dev", 40), preview(7, 13)], budgets);
    expect(within.ok).toBe(true);
    expect(within.checks[0]).toMatchObject({
      environment: "dev",
      estimateUsd: 53,
      previews: ["preview-pr-7"],
    });

    const over = checkBudgets([estimate("dev", 40), preview(7, 13), preview(8, 13)], budgets);
    expect(over.lines).toEqual([
      "cost: dev estimate $66.00/month (dev $40.00 + preview-pr-7 $13.00 + preview-pr-8 $13.00; a preview counted a full month) exceeds its budget $60.00 (dev.alarms.monthlyBudgetUsd)",
    ]);
    // Planned without dev (plan.yml plans only what changed): still against dev's budget.
    const alone = checkBudgets([preview(7, 70)], budgets);
    expect(alone.ok).toBe(false);
    expect(alone.lines[0]).toMatch(
      /^cost: dev estimate \$70\.00\/month \(preview-pr-7 \$70\.00; .*\(dev\.alarms/,
    );
  });

  test("items not priced are counted in the line, since the figures leave them out", () => {
    const report = checkBudgets([estimate("dev", 50, { notPriced: 2 })], budgets);
    expect(report.lines[0]).toMatch(/; 2 item\(s\) not priced, not in these figures$/);
  });

  test("nothing with a budget: said so, and not a failure", () => {
    const report = checkBudgets([estimate("bootstrap", 16)], budgets);
    expect(report).toMatchObject({
      ok: true,
      lines: ["cost: no estimate has a budget to check (bootstrap: no budget)"],
    });
  });
});

describe("npm run cost -- --enforce", () => {
  const dir = mkdtempSync(join(tmpdir(), "cost-enforce-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const devBudget = loadEnvironment("dev").alarms.monthlyBudgetUsd;
  // NAT gateways at $32.85 a month each: enough of them to pass dev's budget, whatever it is.
  const nats = Math.floor(devBudget / 32.85) + 1;
  const usageDir = join(dir, "usage");
  mkdirSync(usageDir, { recursive: true });
  writeFileSync(
    join(usageDir, "dev.json"),
    JSON.stringify({
      environment: "dev",
      description: "test",
      byType: { aws_nat_gateway: { data_processed_gb: { value: 0, why: "hours only, for round figures" } } },
    }),
  );
  const plans = (name: string, count: number) => {
    const plansDir = join(dir, name);
    const resources = Array.from({ length: count }, (_, i) => ({
      address: `aws_nat_gateway.nat${i}`,
      values: { connectivity_type: "private" },
    }));
    mkdirSync(plansDir, { recursive: true });
    writeFileSync(join(plansDir, "dev.json"), JSON.stringify(fixturePlan(resources, { stack: "dev" })));
    writeFileSync(join(plansDir, "bootstrap.json"), JSON.stringify(fixturePlan([], { stack: "bootstrap" })));
    return plansDir;
  };
  const run = (plansDir: string) => {
    try {
      const stdout = execFileSync(
        "npx",
        [
          "tsx",
          "scripts/cost.ts",
          ...["--plans", plansDir, "--usage", usageDir, "--reports", join(dir, "reports"), "--enforce"],
        ],
        { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] },
      );
      return { code: 0, stdout };
    } catch (error) {
      const e = error as { status: number; stdout: string };
      return { code: e.status, stdout: e.stdout };
    }
  };

  test("exits 1 with one line when dev's estimate exceeds dev.alarms.monthlyBudgetUsd", () => {
    const { code, stdout } = run(plans("over", nats));
    expect(code).toBe(1);
    const lines = stdout.split("\n").filter((l) => l.startsWith("cost: "));
    expect(lines).toEqual([
      `cost: dev estimate $${(nats * 32.85).toFixed(2)}/month exceeds its budget $${devBudget.toFixed(2)} (dev.alarms.monthlyBudgetUsd)`,
    ]);
  }, 60_000);

  test("exits 0 and says so when every estimate is within its budget", () => {
    const { code, stdout } = run(plans("within", 1));
    expect(code).toBe(0);
    expect(stdout).toContain(
      `cost: every estimate is within its budget: dev $32.85 of $${devBudget.toFixed(2)}; bootstrap: no budget`,
    );
  }, 60_000);
});
