/**
 * What `npm run cost` reports: a summary per stack, the top cost drivers, what is not priced, and,
 * given a base and a PR plan directory, the difference per stack as a Markdown table for a PR comment.
 */
import { type ResourceStatus, type StackEstimate, topDrivers } from "./estimate.js";
import type { CostLine } from "./line.js";
import type { Price, PriceTable } from "./prices.js";

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

/** A unit price with the digits it has (`$0.04048`, `$0.50`), never rounded to cents. */
export function unitUsd(amount: number): string {
  if (amount >= 0.01) {
    const cents = usd(amount);
    if (Math.abs(Number(cents.replace(/[$,]/g, "")) - amount) < 1e-9) return cents;
  }
  return `$${Number(amount.toPrecision(6)).toString()}`;
}

/** A quantity without float noise: `2.92`, `1,460`. */
function quantity(value: number): string {
  return Number(value.toPrecision(6)).toLocaleString("en-US", { maximumFractionDigits: 6 });
}

/** Where a price is in the AWS price list: `AmazonECS USE1-Fargate-GB-Hours` (`†` unconfirmed). */
export function citation(price: Price | undefined): string {
  if (!price) return "";
  return `${price.serviceCode} ${price.usageType}${price.usageTypeVerified === false ? " †" : ""}`;
}

export const LOG_INGESTION_HEADERS = ["resource", "what", "GB/month", "$/month", "assumption"] as const;
/** Every log-ingestion line of a stack, with the usage file's reason for its volume. */
export function logIngestionRows(estimate: StackEstimate): string[][] {
  return estimate.resources.flatMap((r) =>
    r.lines
      .filter((l) => l.label.startsWith("log ingestion"))
      .map((l) => [
        r.address,
        l.label,
        l.quantity === null ? "" : quantity(l.quantity),
        l.monthlyUsd === null ? "not priced" : usd(l.monthlyUsd),
        l.assumption ?? l.notPriced ?? "",
      ]),
  );
}

export const LINE_HEADERS = [
  "resource",
  "what",
  "quantity",
  "unit price",
  "$/month",
  "price list entry",
] as const;
/** Every line of a stack with its price and the price's AWS price-list entry; not-priced lines say why. */
export function lineRows(estimate: StackEstimate, prices: PriceTable): string[][] {
  const row = (address: string, l: CostLine) => {
    const price = l.priceId ? prices.prices[l.priceId] : undefined;
    return [
      address,
      l.label,
      l.quantity === null ? "" : `${quantity(l.quantity)}${/^\d/.test(l.unit) ? " ×" : ""} ${l.unit}`,
      l.unitUsd === null ? "" : `${unitUsd(l.unitUsd)}${price ? ` per ${price.unit}` : ""}`,
      l.monthlyUsd === null ? `not priced: ${l.notPriced ?? ""}` : usd(l.monthlyUsd),
      citation(price),
    ];
  };
  return estimate.resources.flatMap((r) =>
    r.lines.length === 0 && r.status === "not priced"
      ? [[r.address, r.type, "", "", `not priced: ${r.note ?? ""}`, ""]]
      : r.lines.map((l) => row(r.address, l)),
  );
}

export const PRICE_HEADERS = ["price", "USD", "unit", "service code", "usage type", "region"] as const;
/** Price-table rows with their citations: the given ids, or every price. */
export function priceRows(prices: PriceTable, ids?: ReadonlySet<string>): string[][] {
  return Object.values(prices.prices)
    .filter((p) => !ids || ids.has(p.id))
    .map((p) => [
      p.id,
      unitUsd(p.usd),
      p.unit,
      p.serviceCode,
      `${p.usageType}${p.usageTypeVerified === false ? " †" : ""}`,
      p.region,
    ]);
}

/** The price ids the estimates' lines use. */
export function pricesUsed(estimates: readonly StackEstimate[]): Set<string> {
  return new Set(
    estimates.flatMap((e) =>
      e.resources.flatMap((r) => r.lines.flatMap((l) => (l.priceId ? [l.priceId] : []))),
    ),
  );
}

/** The footnote for `†`. */
export const UNVERIFIED_NOTE =
  "† usage type not confirmed against a price-list extract: check it (`usageTypeNote` in infra/cost/prices.json says why).";

/** The headline for one stack: total, split, and for a preview the marginal cost per day. */
export function headline(e: StackEstimate): string {
  const preview =
    e.perDayUsd === undefined
      ? ""
      : `; preview of PR #${e.pullRequest}: ${usd(e.perDayUsd)}/day marginal (monthly ÷ 30.4)`;
  const unpriced = e.notPriced ? `; ${e.notPriced} item(s) not priced, not in the total` : "";
  return `${e.stack}: ${usd(e.monthlyUsd)}/month (fixed ${usd(e.fixedMonthlyUsd)} + usage ${usd(e.usageMonthlyUsd)})${preview}${unpriced}`;
}

export const mdTable = (
  headers: readonly string[],
  rows: readonly (readonly string[])[],
  right: readonly number[] = [],
) =>
  [
    `| ${headers.join(" | ")} |`,
    `| ${headers.map((_, i) => (right.includes(i) ? "---:" : "---")).join(" | ")} |`,
    ...rows.map((r) => `| ${r.map((c) => c.replace(/\|/g, "\\|")).join(" | ")} |`),
  ].join("\n");

/**
 * Markdown summary of the estimates (cost.md without a base): totals, top drivers, each stack's
 * log ingestion with its assumption, and (given the price table) the prices used with their AWS
 * price-list entries.
 */
export function summaryMarkdown(estimates: readonly StackEstimate[], prices?: PriceTable): string {
  const details = (summary: string, body: string) => [
    `<details><summary>${summary}</summary>`,
    "",
    body,
    "",
    "</details>",
    "",
  ];
  const used = prices ? priceRows(prices, pricesUsed(estimates)) : [];
  const parts = [
    "### Cost estimate",
    "",
    mdTable(SUMMARY_HEADERS, summaryRows(estimates), [2, 3, 4, 5, 6]),
    "",
    ...estimates.flatMap((e) => {
      const logs = logIngestionRows(e);
      return [
        `**${e.stack}** — top cost drivers`,
        "",
        mdTable(DRIVER_HEADERS, driverRows(e), [2]),
        "",
        ...(logs.length
          ? details(
              `${e.stack}: log ingestion and its assumptions (${e.usageFile ? e.usageFile.replace(/^.*\/infra\//, "infra/") : "no usage file"})`,
              mdTable(LOG_INGESTION_HEADERS, logs, [2, 3]),
            )
          : []),
      ];
    }),
    ...(used.length
      ? details(
          "prices used, with their AWS price-list entries",
          `${mdTable(PRICE_HEADERS, used, [1])}${used.some((r) => r[4]?.endsWith("†")) ? `\n\n${UNVERIFIED_NOTE}` : ""}`,
        )
      : []),
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
