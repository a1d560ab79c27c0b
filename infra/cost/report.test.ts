import { describe, expect, test } from "vitest";
import type { StackEstimate } from "./estimate.js";
import { loadPriceTable } from "./prices.js";
import {
  citation,
  diffEstimates,
  diffMarkdown,
  lineRows,
  logIngestionRows,
  summaryMarkdown,
  unitUsd,
  usd,
} from "./report.js";

const stack = (
  name: string,
  resources: Record<string, number>,
  extra: Partial<StackEstimate> = {},
): StackEstimate => {
  const list = Object.entries(resources).map(([address, monthlyUsd]) => ({
    address,
    type: address.split(".")[0] as string,
    status: "priced" as const,
    monthlyUsd,
    lines: [
      { label: "thing", kind: "fixed" as const, quantity: 1, unit: "month", unitUsd: monthlyUsd, monthlyUsd },
    ],
  }));
  const total = list.reduce((s, r) => s + r.monthlyUsd, 0);
  return {
    stack: name,
    environment: name,
    monthlyUsd: total,
    fixedMonthlyUsd: total,
    usageMonthlyUsd: 0,
    resources: list,
    notPriced: 0,
    approximate: false,
    warnings: [],
    ...extra,
  };
};

test("amounts are dollars with cents; under a cent is <$0.01, not $0.00", () => {
  expect(usd(1234.5)).toBe("$1,234.50");
  expect(usd(0.004)).toBe("<$0.01");
  expect(usd(-32.85)).toBe("-$32.85");
});

describe("the PR comment", () => {
  const base = [
    stack("dev", { "aws_lb.alb": 16.43, "aws_nat_gateway.a": 32.85 }),
    stack("prod", { "aws_lb.alb": 16.43 }),
  ];
  const head = [
    stack("dev", { "aws_lb.alb": 16.43 }),
    stack("prod", { "aws_lb.alb": 16.43, "aws_nat_gateway.b": 32.85 }),
    stack("preview-pr-9", { "aws_ecs_service.app": 12.66 }, { pullRequest: 9, perDayUsd: 12.66 / 30.4 }),
  ];
  const markdown = diffMarkdown(diffEstimates(base, head), head);

  test("has one row per stack with base, PR, change and percentage; new stacks are marked", () => {
    expect(markdown).toContain("### Cost estimate: +$12.66/month");
    expect(markdown).toContain("| dev | $49.28 | $16.43 | -$32.85 | -66.7% |  |");
    expect(markdown).toContain("| preview-pr-9 | – | $12.66 | +$12.66 | new | $0.42/day |");
    expect(markdown).toContain("| prod | $16.43 | $49.28 | +$32.85 | 199.9% |  |");
  });

  test("lists the resources behind each change", () => {
    expect(markdown).toContain("| aws_nat_gateway.a | $32.85 | – | -$32.85 |");
    expect(markdown).toContain("| aws_nat_gateway.b | – | $32.85 | +$32.85 |");
  });

  test("never shows a resource it could not price as free: it is listed as not priced and counted", () => {
    const withUnpriced = (e: StackEstimate): StackEstimate => ({
      ...e,
      resources: [
        ...e.resources,
        {
          address: "aws_shiny_new.thing",
          type: "aws_shiny_new",
          status: "not priced",
          monthlyUsd: 0,
          lines: [],
        },
      ],
      notPriced: 1,
    });
    const pr = [withUnpriced(stack("dev", { "aws_lb.alb": 16.43 }))];
    const md = diffMarkdown(diffEstimates([stack("dev", { "aws_lb.alb": 16.43 })], pr), pr);
    expect(md).toContain("### Cost estimate: $0.00/month (1 resource(s) not priced, left out)");
    expect(md).toContain("| aws_shiny_new.thing | – | not priced | not priced |");
    expect(md).toContain("left out of every amount above: dev 1.");
    expect(md).not.toMatch(/aws_shiny_new\.thing \| [^|]*\| \$0\.00/);
  });

  test("is a valid Markdown table (header, alignment row, rows)", () => {
    const table = markdown.split("\n").filter((l) => l.startsWith("| stack |") || l.startsWith("| ---"));
    expect(table[0]).toBe("| stack | base $/month | PR $/month | change | % | preview |");
    expect(table[1]).toBe("| --- | ---: | ---: | ---: | ---: | --- |");
  });
});

test("the summary lists each stack and its top cost drivers", () => {
  const markdown = summaryMarkdown([stack("dev", { "aws_lb.alb": 16.43, "aws_nat_gateway.a": 32.85 })]);
  expect(markdown).toContain("| dev | dev | $49.28 | $49.28 | $0.00 |  | 0 |");
  expect(markdown.indexOf("aws_nat_gateway.a")).toBeLessThan(markdown.indexOf("aws_lb.alb"));
});

describe("lines, log ingestion and prices with their citations", () => {
  const prices = loadPriceTable();
  const logs: StackEstimate = {
    ...stack("dev", {}),
    monthlyUsd: 0.78,
    usageMonthlyUsd: 0.78,
    usageFile: "/work/infra/cost/usage/dev.json",
    resources: [
      {
        address: "aws_cloudwatch_log_group.flow",
        type: "aws_cloudwatch_log_group",
        status: "priced",
        monthlyUsd: 0.78,
        lines: [
          {
            label: "log ingestion (Infrequent Access)",
            kind: "usage",
            quantity: 3,
            unit: "GB",
            unitUsd: 0.25,
            monthlyUsd: 0.75,
            priceId: "cloudwatch-logs-ingest-ia-gb",
            assumption: "VPC flow logs, all traffic",
          },
          {
            label: "log storage",
            kind: "usage",
            quantity: 1,
            unit: "GB-month",
            unitUsd: 0.03,
            monthlyUsd: 0.03,
            priceId: "cloudwatch-logs-storage-gb-month",
            assumption: "7 days kept",
          },
        ],
      },
      {
        address: "aws_ecs_cluster.c",
        type: "aws_ecs_cluster",
        status: "not priced",
        monthlyUsd: 0,
        lines: [],
        note: "why not",
      },
    ],
  };

  test("unit prices keep their digits; cents stay cents", () => {
    expect([unitUsd(0.04048), unitUsd(0.0225), unitUsd(0.5), unitUsd(3), unitUsd(0.004445)]).toEqual([
      "$0.04048",
      "$0.0225",
      "$0.50",
      "$3.00",
      "$0.004445",
    ]);
  });

  test("every log-ingestion line with its volume and the usage file's reason", () => {
    expect(logIngestionRows(logs)).toEqual([
      [
        "aws_cloudwatch_log_group.flow",
        "log ingestion (Infrequent Access)",
        "3",
        "$0.75",
        "VPC flow logs, all traffic",
      ],
    ]);
  });

  test("every line with its unit price and the price's AWS price-list entry; a resource not priced says why", () => {
    expect(lineRows(logs, prices)).toEqual([
      [
        "aws_cloudwatch_log_group.flow",
        "log ingestion (Infrequent Access)",
        "3 GB",
        "$0.25 per GB",
        "$0.75",
        "AmazonCloudWatch USE1-DataProcessingIA-Bytes",
      ],
      [
        "aws_cloudwatch_log_group.flow",
        "log storage",
        "1 GB-month",
        "$0.03 per GB-month",
        "$0.03",
        "AmazonCloudWatch USE1-TimedStorage-ByteHrs",
      ],
      ["aws_ecs_cluster.c", "aws_ecs_cluster", "", "", "not priced: why not", ""],
    ]);
    expect(citation(prices.prices["guardduty-rds-vcpu-month"])).toMatch(/ †$/);
  });

  test("the summary shows each stack's log ingestion and the prices used, with their citations", () => {
    const markdown = summaryMarkdown([logs], prices);
    expect(markdown).toContain(
      "<summary>dev: log ingestion and its assumptions (infra/cost/usage/dev.json)</summary>",
    );
    expect(markdown).toContain(
      "| aws_cloudwatch_log_group.flow | log ingestion (Infrequent Access) | 3 | $0.75 | VPC flow logs, all traffic |",
    );
    expect(markdown).toContain(
      "| cloudwatch-logs-ingest-ia-gb | $0.25 | GB | AmazonCloudWatch | USE1-DataProcessingIA-Bytes | us-east-1 |",
    );
    expect(markdown).not.toContain("| nat-gateway-hour |"); // only the prices the lines use
  });
});
