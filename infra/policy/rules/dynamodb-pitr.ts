import { isUnset, show, Unresolved } from "../../plan/plan-model.js";
import { firstBlock } from "../context.js";
import { defineRule, fail, pass, unverified } from "../rule.js";

export const dynamodbPitr = defineRule({
  id: "CKV_AWS_28",
  title: "DynamoDB table has point-in-time recovery",
  severity: "medium",
  resourceTypes: ["aws_dynamodb_table"],
  check(table) {
    const enabled = firstBlock(table.values.point_in_time_recovery).enabled;
    if (enabled === true) return pass();
    if (enabled instanceof Unresolved && !isUnset(enabled))
      return unverified(`point_in_time_recovery.enabled is ${show(enabled)}`);
    return fail(`point_in_time_recovery.enabled is ${isUnset(enabled) ? "not set (false)" : show(enabled)}`);
  },
  fix: "Add point_in_time_recovery { enabled = true } (the state module's lock table has it).",
});
