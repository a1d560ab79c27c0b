/**
 * The budget gate (`npm run cost -- --enforce`): each environment stack's estimate against the
 * monthly budget its config gives the AWS budget (`<env>.alarms.monthlyBudgetUsd`).
 *
 * - Preview stacks (`preview-pr-<N>`) run in dev's account on dev's network, cluster and database,
 *   and dev's AWS budget is the one that sees their bill: each preview in the plans counts against
 *   dev's budget as if it ran the whole month (its monthly total, per-day marginal × 30.4).
 * - Stacks without a budget of their own (bootstrap) are named as such, never silently passed.
 * - Items not priced are left out of every estimate (see estimate.ts); the report says how many.
 */
import type { StackEstimate } from "./estimate.js";
import { usd } from "./report.js";

/** A monthly budget in USD, and the config field it comes from (named in the message). */
export interface Budget {
  readonly monthlyUsd: number;
  /** `dev.alarms.monthlyBudgetUsd`. */
  readonly field: string;
}

export interface BudgetCheck {
  /** The environment whose budget it is (`dev`). */
  readonly environment: string;
  /** Its stack's estimate plus the previews it pays for. */
  readonly estimateUsd: number;
  readonly budget: Budget;
  /** The preview stacks counted in `estimateUsd`. */
  readonly previews: readonly string[];
  /** What `estimateUsd` adds up: `dev $86.30`, `preview-pr-123 $13.19`. */
  readonly parts: readonly string[];
  readonly within: boolean;
}

export interface BudgetReport {
  readonly checks: readonly BudgetCheck[];
  /** Stacks no budget covers (bootstrap). */
  readonly withoutBudget: readonly string[];
  /** Not-priced items in the estimates checked: left out of the figures. */
  readonly notPriced: number;
  /** false: an estimate exceeds its budget (or a preview has no dev budget to count against). */
  readonly ok: boolean;
  /** What `--enforce` prints: one line per excess, or one line saying all are within. */
  readonly lines: readonly string[];
}

/** The environment whose budget covers previews. */
export const PREVIEW_BUDGET_ENVIRONMENT = "dev";

/**
 * Compares each estimate with its environment's budget. `budgets` is keyed by environment (stack)
 * name; a stack named like neither an environment with a budget nor a preview has no budget.
 */
export function checkBudgets(
  estimates: readonly StackEstimate[],
  budgets: Readonly<Record<string, Budget>>,
): BudgetReport {
  const previews = estimates.filter((e) => e.pullRequest !== undefined);
  const environments = estimates.filter((e) => e.pullRequest === undefined && budgets[e.stack]);
  const withoutBudget = estimates
    .filter((e) => e.pullRequest === undefined && !budgets[e.stack])
    .map((e) => e.stack);
  const lines: string[] = [];

  const checks: BudgetCheck[] = environments.map((e) => {
    const counted = e.stack === PREVIEW_BUDGET_ENVIRONMENT ? previews : [];
    const estimateUsd = e.monthlyUsd + counted.reduce((s, p) => s + p.monthlyUsd, 0);
    const budget = budgets[e.stack] as Budget;
    return {
      environment: e.stack,
      estimateUsd,
      budget,
      previews: counted.map((p) => p.stack),
      parts: [e, ...counted].map((x) => `${x.stack} ${usd(x.monthlyUsd)}`),
      within: estimateUsd <= budget.monthlyUsd,
    };
  });
  // Previews planned without dev: dev's budget still pays for them.
  const devBudget = budgets[PREVIEW_BUDGET_ENVIRONMENT];
  if (previews.length && !environments.some((e) => e.stack === PREVIEW_BUDGET_ENVIRONMENT)) {
    if (devBudget) {
      const estimateUsd = previews.reduce((s, p) => s + p.monthlyUsd, 0);
      checks.push({
        environment: PREVIEW_BUDGET_ENVIRONMENT,
        estimateUsd,
        budget: devBudget,
        previews: previews.map((p) => p.stack),
        parts: previews.map((x) => `${x.stack} ${usd(x.monthlyUsd)}`),
        within: estimateUsd <= devBudget.monthlyUsd,
      });
    } else {
      lines.push(
        `cost: ${previews.map((p) => p.stack).join(", ")} count against ${PREVIEW_BUDGET_ENVIRONMENT}'s budget, and there is none`,
      );
    }
  }

  const of = (c: BudgetCheck) =>
    c.previews.length ? ` (${c.parts.join(" + ")}; a preview counted a full month)` : "";
  for (const c of checks.filter((c) => !c.within)) {
    lines.push(
      `cost: ${c.environment} estimate ${usd(c.estimateUsd)}/month${of(c)} exceeds its budget ${usd(c.budget.monthlyUsd)} (${c.budget.field})`,
    );
  }
  const counted = [...environments, ...previews];
  const notPriced = counted.reduce((n, e) => n + e.notPriced, 0);
  const ok = lines.length === 0;
  if (ok) {
    const figures = checks.map(
      (c) => `${c.environment} ${usd(c.estimateUsd)} of ${usd(c.budget.monthlyUsd)}${of(c)}`,
    );
    const extras = [
      ...(withoutBudget.length ? [`${withoutBudget.join(", ")}: no budget`] : []),
      ...(notPriced ? [`${notPriced} item(s) not priced, not in these figures`] : []),
    ];
    lines.push(
      checks.length
        ? `cost: every estimate is within its budget: ${figures.join(", ")}${extras.length ? `; ${extras.join("; ")}` : ""}`
        : `cost: no estimate has a budget to check${extras.length ? ` (${extras.join("; ")})` : ""}`,
    );
  }
  return { checks, withoutBudget, notPriced, ok, lines };
}
