import { isUnset, show, Unresolved } from "../../plan/plan-model.js";
import { defineRule, fail, pass, unverified } from "../rule.js";

export const logGroupRetention = defineRule({
  id: "CKV_AWS_66",
  title: "CloudWatch log groups have a retention period",
  severity: "medium",
  resourceTypes: ["aws_cloudwatch_log_group"],
  check(group) {
    const days = group.values.retention_in_days;
    if (typeof days === "number" && days > 0) return pass();
    if (days instanceof Unresolved && !isUnset(days)) return unverified(`retention_in_days is ${show(days)}`);
    return fail(
      `retention_in_days is ${isUnset(days) || days === 0 ? "not set: logs are kept (and billed) forever" : show(days)}`,
    );
  },
  fix: "Set retention_in_days (validated with assertLogRetention in modules/logs/retention.ts).",
});
