import { containerName, containersOf } from "../container-definitions.js";
import { defineRule, fail, pass, unverified } from "../rule.js";

export const ecsReadOnlyRoot = defineRule({
  id: "CKV_AWS_336",
  title: "ECS containers have a read-only root file system",
  severity: "medium",
  resourceTypes: ["aws_ecs_task_definition"],
  check(taskDefinition) {
    const parsed = containersOf(taskDefinition);
    if (!parsed.ok) return unverified(parsed.reason);
    const writable = parsed.containers
      .map(containerName)
      .filter((_, i) => parsed.containers[i]?.readonlyRootFilesystem !== true);
    return writable.length ? fail(`${writable.join(", ")} can write to the root file system`) : pass();
  },
  fix: "Set readonlyRootFilesystem: true and mount a volume (or tmpfs) where the app must write.",
});
