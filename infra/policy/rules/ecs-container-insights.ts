import { blocks, isUnset, show, Unresolved } from "../../plan/plan-model.js";
import { defineRule, fail, pass, unverified } from "../rule.js";

export const ecsContainerInsights = defineRule({
  id: "CKV_AWS_65",
  title: "ECS cluster has Container Insights",
  severity: "low",
  resourceTypes: ["aws_ecs_cluster"],
  check(cluster) {
    const setting = blocks(cluster.values.setting).find((s) => s.name === "containerInsights");
    const value = setting?.value;
    if (value === "enabled" || value === "enhanced") return pass();
    if (value instanceof Unresolved && !isUnset(value))
      return unverified(`containerInsights is ${show(value)}`);
    return fail(`containerInsights is ${show(value)}`);
  },
  fix: 'Add setting { name = "containerInsights", value = "enabled" } (or "enhanced") to the cluster.',
});
