import { expect, test } from "vitest";
import { outcome } from "../rule-fixture.js";
import { ecsContainerInsights } from "./ecs-container-insights.js";

const cluster = (setting: unknown[]) => ({
  address: "aws_ecs_cluster.main",
  values: { name: "acme-dev", setting },
});

test("passes a cluster with Container Insights enabled or enhanced", () => {
  expect(outcome(ecsContainerInsights, [cluster([{ name: "containerInsights", value: "enabled" }])])).toEqual(
    { plan: "pass", synth: "pass" },
  );
  expect(
    outcome(ecsContainerInsights, [cluster([{ name: "containerInsights", value: "enhanced" }])]),
  ).toEqual({ plan: "pass", synth: "pass" });
});

test("fails a cluster without Container Insights", () => {
  expect(outcome(ecsContainerInsights, [cluster([])])).toMatchObject({
    plan: "violation",
    synth: "violation",
  });
  expect(
    outcome(ecsContainerInsights, [cluster([{ name: "containerInsights", value: "disabled" }])]),
  ).toMatchObject({ plan: "violation" });
});
