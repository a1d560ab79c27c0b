import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import type { StackEstimate } from "./estimate.js";
import { loadPriceTable } from "./prices.js";
import {
  costLinesMarkdown,
  PRICE_TABLE_MARKERS,
  priceTableMarkdown,
  README_MARKERS,
  replaceBlock,
} from "./readme.js";

const REPOSITORY_ROOT = join(import.meta.dirname, "../..");
const prices = loadPriceTable();

const estimate = (stack: string, monthlyUsd: number, extra: Partial<StackEstimate> = {}): StackEstimate => ({
  stack,
  environment: stack,
  monthlyUsd,
  fixedMonthlyUsd: monthlyUsd,
  usageMonthlyUsd: 0,
  resources: [
    {
      address: "aws_lb.alb",
      type: "aws_lb",
      status: "priced",
      monthlyUsd,
      lines: [
        {
          label: "Application Load Balancer",
          kind: "fixed",
          quantity: 730,
          unit: "hours",
          unitUsd: 0.0225,
          monthlyUsd,
          priceId: "alb-hour",
        },
      ],
    },
  ],
  notPriced: 0,
  approximate: false,
  warnings: [],
  ...extra,
});

describe("the README's cost table", () => {
  test("lists every line of dev and of a preview, with its price and price-list entry", () => {
    const markdown = costLinesMarkdown(
      [
        estimate("bootstrap", 1),
        estimate("dev", 16.425),
        estimate("preview-pr-7", 16.425, { pullRequest: 7 }),
      ],
      prices,
    );
    const rows = markdown.split("\n").filter((l) => l.startsWith("| aws_lb.alb"));
    expect(rows).toEqual([
      "| aws_lb.alb | Application Load Balancer | 730 hours | $0.0225 per hour | $16.43 | AWSELB LoadBalancerUsage |",
      "| aws_lb.alb | Application Load Balancer | 730 hours | $0.0225 per hour | $16.43 | AWSELB LoadBalancerUsage |",
    ]);
    expect(markdown).toContain("**dev** — $16.43/month");
    expect(markdown).toContain("**a preview (preview-pr-7)");
    expect(markdown).toContain("dev and one preview for a whole month: $32.85.");
    expect(markdown).not.toContain("bootstrap");
  });

  test("needs the plans of dev and of a preview", () => {
    expect(() => costLinesMarkdown([estimate("dev", 1)], prices)).toThrow(/dev and of a preview/);
  });

  test("a block is replaced between its markers, and a file without them is refused", () => {
    const text = `intro\n${README_MARKERS.begin}\nold\n${README_MARKERS.end}\noutro\n`;
    expect(replaceBlock(text, README_MARKERS, "new", "README.md")).toBe(
      `intro\n${README_MARKERS.begin}\nnew\n${README_MARKERS.end}\noutro\n`,
    );
    expect(() => replaceBlock("no markers", README_MARKERS, "new", "README.md")).toThrow(
      /README\.md: the markers .* are missing/,
    );
  });
});

describe("infra/cost/README.md's price table", () => {
  test("is the price table of prices.json, every price with its service code and usage type", () => {
    const file = join(REPOSITORY_ROOT, "infra/cost/README.md");
    const text = readFileSync(file, "utf8");
    // Fails when prices.json changes without `npm run cost -- --readme`.
    expect(replaceBlock(text, PRICE_TABLE_MARKERS, priceTableMarkdown(prices), file)).toBe(text);
    for (const price of Object.values(prices.prices)) {
      expect(text).toContain(`| ${price.id} |`);
    }
    expect(text).toContain("| nat-gateway-hour | $0.045 | hour | AmazonEC2 | NatGateway-Hours | us-east-1 |");
  });

  test("the README has the markers of the generated cost table", () => {
    const text = readFileSync(join(REPOSITORY_ROOT, "README.md"), "utf8");
    expect(text).toContain(README_MARKERS.begin);
    expect(text).toContain(README_MARKERS.end);
  });
});
