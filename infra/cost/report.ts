/**
 * What `npm run cost` reports: a summary per stack, the top cost drivers, what is not priced, and,
 * given a base and a PR plan directory, the difference per stack as a Markdown table for a PR comment.
 */
import { type ResourceStatus, type StackEstimate, topDrivers } from "./estimate.js";

/** `$1,234.56`; amounts under a cent show as `<$0.01`, never as `$0.00`. */
export function usd(amount: number): string {
  if (amount > 0 && amount < 0.005) return "<$0.01";
  const sign = amount < 0 ? "-" : "";
  return `${sign}$${Math.abs(amount).toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

function signed(amount: number): string {
  if (Math.abs(amount) < 0.005) return "$0.00";
  return amount > 0 ? `+${usd(amount)}` : usd(amount);
}

export const SUMMARY_HEADERS = [
  "stack",
  "environment",
  "$/month",
  "fixed",
  "usage-based",
  "$/day (preview)",
  "not priced",
] as const;
export function summaryRows(estimates: readonly StackEstimate[]): string[][] {
  return estimates.map((e) => [
    e.stack,
    e.environment,
    `${usd(e.monthlyUsd)}${e.approximate ? " (approx.)" : ""}`,
    usd(e.fixedMonthlyUsd),
    usd(e.usageMonthlyUsd),
    e.perDayUsd === undefined ? "" : usd(e.perDayUsd),
    String(e.notPriced),
  ]);
}

export const DRIVER_HEADERS = ["resource", "what", "$/month"] as const;
export function driverRows(estimate: StackEstimate, count = 5): string[][] {
  return topDrivers(estimate, count).map((d) => [d.address, d.label, usd(d.monthlyUsd)]);
}

export const NOT_PRICED_HEADERS = ["resource", "what", "why it has no price"] as const;
export function notPricedRows(estimate: StackEstimate): string[][] {
  return estimate.resources.flatMap((r) =>
    r.lines.length === 0 && r.status === "not priced"
      ? [[r.address, r.type, r.note ?? ""]]
      : r.lines.filter((l) => l.monthlyUsd === null).map((l) => [r.address, l.label, l.notPriced ?? ""]),
  );
}

/** The headline for one stack: total, split, and for a preview the marginal cost per day. */
export function headline(e: StackEstimate): string {
  const preview =
    e.perDayUsd === undefined
      ? ""
      : `; preview of PR #${e.pullRequest}: ${usd(e.perDayUsd)}/day marginal (monthly ÷ 30.4)`;
  const unpriced = e.notPriced ? `; ${e.notPriced} item(s) not priced, not in the total` : "";
  return `${e.stack}: ${usd(e.monthlyUsd)}/month (fixed ${usd(e.fixedMonthlyUsd)} + usage ${usd(e.usageMonthlyUsd)})${preview}${unpriced}`;
}

const mdTable = (
  headers: readonly string[],
  rows: readonly (readonly string[])[],
  right: readonly number[] = [],
) =>
  [
    `| ${headers.join(" | ")} |`,
    `| ${headers.map((_, i) => (right.includes(i) ? "---:" : "---")).join(" | ")} |`,
    ...rows.map((r) => `| ${r.map((c) => c.replace(/\|/g, "\\|")).join(" | ")} |`),
  ].join("\n");

/** Markdown summary of the estimates (cost.md without a base). */
export function summaryMarkdown(estimates: readonly StackEstimate[]): string {
  const parts = [
    "### Cost estimate",
    "",
    mdTable(SUMMARY_HEADERS, summaryRows(estimates), [2, 3, 4, 5, 6]),
    "",
    ...estimates.flatMap((e) => [
      `**${e.stack}** — top cost drivers`,
      "",
      mdTable(DRIVER_HEADERS, driverRows(e), [2]),
      "",
    ]),
    FOOTNOTE,
  ];
  return `${parts.join("\n")}\n`;
}

const FOOTNOTE =
  "<sub>On-demand us-east-1 list prices (infra/cost/prices.json), 730 h/month, free tiers not subtracted; " +
  "usage-based lines from infra/cost/usage/&lt;environment&gt;.json. Items marked not priced are left out of the totals.</sub>";

export interface StackDiff {
  readonly stack: string;
  readonly baseUsd: number | undefined;
  readonly headUsd: number | undefined;
  readonly changeUsd: number;
  /**
   * Resources whose monthly cost changed, largest change first, then resources added, removed or
   * changed that could not be (fully) priced: their amounts are not their cost.
   */
  readonly resources: ReadonlyArray<ResourceDiff>;
  /** Resources of the PR's plan with no price at all, left out of `headUsd`. */
  readonly notPricedHead: number;
}

export interface ResourceDiff {
  readonly address: string;
  readonly baseUsd: number;
  readonly headUsd: number;
  readonly changeUsd: number;
  /** Absent: the resource is not in that plan. */
  readonly baseStatus?: ResourceStatus;
  readonly headStatus?: ResourceStatus;
}

const unpriced = (status: ResourceStatus | undefined) =>
  status === "not priced" || status === "partly priced";

/** Per-stack (and per-resource) differences between the base branch's plans and the PR's. */
export function diffEstimates(base: readonly StackEstimate[], head: readonly StackEstimate[]): StackDiff[] {
  const stacks = [...new Set([...base.map((e) => e.stack), ...head.map((e) => e.stack)])].sort();
  return stacks.map((stack) => {
    const b = base.find((e) => e.stack === stack);
    const h = head.find((e) => e.stack === stack);
    const byAddress = (e: StackEstimate | undefined) =>
      new Map((e?.resources ?? []).map((r) => [r.address, r]));
    const bc = byAddress(b);
    const hc = byAddress(h);
    const all = [...new Set([...bc.keys(), ...hc.keys()])].map((address): ResourceDiff => {
      const baseUsd = bc.get(address)?.monthlyUsd ?? 0;
      const headUsd = hc.get(address)?.monthlyUsd ?? 0;
      const baseStatus = bc.get(address)?.status;
      const headStatus = hc.get(address)?.status;
      return {
        address,
        baseUsd,
        headUsd,
        changeUsd: headUsd - baseUsd,
        ...(baseStatus ? { baseStatus } : {}),
        ...(headStatus ? { headStatus } : {}),
      };
    });
    const costChanged = all
      .filter((r) => Math.abs(r.changeUsd) >= 0.005)
      .sort((x, y) => Math.abs(y.changeUsd) - Math.abs(x.changeUsd));
    // An unpriced resource that comes, goes or changes status has a cost the amounts do not show.
    const unknown = all.filter(
      (r) =>
        Math.abs(r.changeUsd) < 0.005 &&
        (unpriced(r.baseStatus) || unpriced(r.headStatus)) &&
        r.baseStatus !== r.headStatus,
    );
    return {
      stack,
      baseUsd: b?.monthlyUsd,
      headUsd: h?.monthlyUsd,
      changeUsd: (h?.monthlyUsd ?? 0) - (b?.monthlyUsd ?? 0),
      resources: [...costChanged, ...unknown],
      notPricedHead: h?.notPriced ?? 0,
    };
  });
}

/** A resource's amount on one side of a diff: absent, not priced, or dollars (partly priced marked). */
function amount(value: number, status: ResourceStatus | undefined): string {
  if (status === undefined) return "–";
  if (status === "not priced") return "not priced";
  return status === "partly priced" ? `${usd(value)} + unpriced` : usd(value);
}

/** The PR comment: one row per stack, then the resources behind each change. */
export function diffMarkdown(diffs: readonly StackDiff[], head: readonly StackEstimate[] = []): string {
  const total = diffs.reduce((s, d) => s + d.changeUsd, 0);
  const rows = diffs.map((d) => {
    const pct =
      d.baseUsd === undefined
        ? "new"
        : d.headUsd === undefined
          ? "removed"
          : d.baseUsd > 0
            ? `${((d.changeUsd / d.baseUsd) * 100).toFixed(1)}%`
            : "";
    const perDay = head.find((e) => e.stack === d.stack)?.perDayUsd;
    return [
      d.stack,
      d.baseUsd === undefined ? "–" : usd(d.baseUsd),
      d.headUsd === undefined ? "–" : usd(d.headUsd),
      signed(d.changeUsd),
      pct,
      perDay === undefined ? "" : `${usd(perDay)}/day`,
    ];
  });
  const details = diffs
    .filter((d) => d.resources.length)
    .flatMap((d) => [
      `<details><summary>${d.stack}: ${d.resources.length} resource(s) changed cost or are not priced</summary>`,
      "",
      mdTable(
        ["resource", "base $/month", "PR $/month", "change"],
        d.resources
          .slice(0, 20)
          .map((r) => [
            r.address,
            amount(r.baseUsd, r.baseStatus),
            amount(r.headUsd, r.headStatus),
            !(unpriced(r.baseStatus) || unpriced(r.headStatus))
              ? signed(r.changeUsd)
              : Math.abs(r.changeUsd) < 0.005
                ? "not priced"
                : `${signed(r.changeUsd)} + unpriced`,
          ]),
        [1, 2, 3],
      ),
      "",
      "</details>",
      "",
    ]);
  const notPriced = diffs.reduce((n, d) => n + d.notPricedHead, 0);
  const parts = [
    `### Cost estimate: ${signed(total)}/month${notPriced ? ` (${notPriced} resource(s) not priced, left out)` : ""}`,
    "",
    mdTable(["stack", "base $/month", "PR $/month", "change", "%", "preview"], rows, [1, 2, 3, 4]),
    "",
    ...(notPriced
      ? [
          `${notPriced} resource(s) in the PR's plans have no price and are left out of every amount above: ${diffs
            .filter((d) => d.notPricedHead)
            .map((d) => `${d.stack} ${d.notPricedHead}`)
            .join(", ")}.`,
          "",
        ]
      : []),
    ...details,
    FOOTNOTE,
  ];
  return `${parts.join("\n")}\n`;
}
