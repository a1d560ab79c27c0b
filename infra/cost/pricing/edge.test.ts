import { expect, test } from "vitest";
import { fixturePlan } from "../../plan/plan-fixture.js";
import { modelFromPlan } from "../../plan/plan-model.js";
import { estimateStack } from "../estimate.js";
import { loadPriceTable } from "../prices.js";

const table = loadPriceTable();
// A region 10 % dearer than us-east-1, to show the function is priced without a region multiplier.
const prices = { ...table, regions: { ...table.regions, "eu-west-1": { multiplier: 1.1, note: "test" } } };

const functionCost = (environment: string, region = "us-east-1") =>
  estimateStack(
    modelFromPlan(
      environment,
      fixturePlan(
        [
          {
            address: "aws_cloudfront_function.cdn_spa-deep-links_function",
            values: { name: "acme-prod-spa-deep-links", runtime: "cloudfront-js-2.0", publish: true },
          },
        ],
        { environment, region, stack: environment },
      ),
    ),
    { prices },
  ).resources.find((r) => r.type === "aws_cloudfront_function");

test("a CloudFront function costs $0.10 per million invocations: the default behaviour's share of requests", () => {
  const prod = functionCost("prod");
  expect(prod?.status).toBe("priced");
  expect(prod?.lines).toEqual([
    expect.objectContaining({
      label: "function invocations",
      kind: "usage",
      quantity: 12,
      unitUsd: 0.1,
      priceId: "cloudfront-function-invocations-million",
      assumption: expect.stringContaining("20,000,000 requests × 0.6"),
    }),
  ]);
  expect(prod?.monthlyUsd).toBeCloseTo(1.2, 10);
  expect(functionCost("dev")?.monthlyUsd).toBeCloseTo(0.03, 10);
});

test("CloudFront is global: a stack in another region pays the same per invocation", () => {
  expect(functionCost("prod", "eu-west-1")?.monthlyUsd).toBeCloseTo(1.2, 10);
});
