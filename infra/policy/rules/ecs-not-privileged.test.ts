import { expect, test } from "vitest";
import { outcome } from "../rule-fixture.js";
import { ecsNotPrivileged } from "./ecs-not-privileged.js";
import { taskDefinition } from "./ecs-task-fixture.js";

test("passes unprivileged containers (read from the configured template)", () => {
  expect(outcome(ecsNotPrivileged, [taskDefinition([{}])])).toEqual({ plan: "pass", synth: "pass" });
});

test("fails a privileged container", () => {
  expect(outcome(ecsNotPrivileged, [taskDefinition([{ privileged: true }])])).toMatchObject({
    plan: "violation",
    synth: "violation",
    message: 'container "app" run privileged (root on the host)',
  });
});
