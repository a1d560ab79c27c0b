import { expect, test } from "vitest";
import { outcome } from "../rule-fixture.js";
import { ecsReadOnlyRoot } from "./ecs-read-only-root.js";
import { taskDefinition } from "./ecs-task-fixture.js";

test("passes containers with a read-only root file system", () => {
  expect(outcome(ecsReadOnlyRoot, [taskDefinition([{}])])).toEqual({ plan: "pass", synth: "pass" });
});

test("fails a container with a writable root file system", () => {
  expect(outcome(ecsReadOnlyRoot, [taskDefinition([{ readonlyRootFilesystem: false }])])).toMatchObject({
    plan: "violation",
    synth: "violation",
  });
});
