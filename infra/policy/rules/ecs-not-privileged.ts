import { containerName, containersOf } from "../container-definitions.js";
import { defineRule, fail, pass, unverified } from "../rule.js";

export const ecsNotPrivileged = defineRule({
  id: "CKV_AWS_334",
  title: "ECS containers are not privileged",
  severity: "high",
  resourceTypes: ["aws_ecs_task_definition"],
  check(taskDefinition) {
    const parsed = containersOf(taskDefinition);
    if (!parsed.ok) return unverified(parsed.reason);
    const privileged = parsed.containers
      .map(containerName)
      .filter((_, i) => parsed.containers[i]?.privileged === true);
    return privileged.length ? fail(`${privileged.join(", ")} run privileged (root on the host)`) : pass();
  },
  fix: "Remove privileged: true from the container definitions.",
});
