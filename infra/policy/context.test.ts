import { expect, test } from "vitest";
import { fixturePlan } from "../plan/plan-fixture.js";
import { modelFromPlan, modelFromSynth } from "../plan/plan-model.js";
import { isProduction } from "./context.js";

test("production rules apply to a stack whose environment is prod or production, and to no other", () => {
  const tagged = (environment: string) => modelFromPlan("stack-1", fixturePlan([], { environment }));
  expect(isProduction(tagged("prod"))).toBe(true);
  expect(isProduction(tagged("Production"))).toBe(true);
  expect(isProduction(tagged("staging"))).toBe(false);
  expect(isProduction(tagged("preprod"))).toBe(false);
  // Without an Environment tag the stack name decides: a preview never counts as production.
  expect(isProduction(modelFromSynth("prod", {}))).toBe(true);
  expect(isProduction(modelFromSynth("preview-pr-7", {}))).toBe(false);
});
