import { isUnset, show, Unresolved } from "../../plan/plan-model.js";
import { firstBlock } from "../context.js";
import { defineRule, fail, pass, unverified } from "../rule.js";

export const albAccessLogs = defineRule({
  id: "CKV_AWS_91",
  title: "Load balancer writes access logs",
  severity: "medium",
  resourceTypes: ["aws_lb", "aws_alb"],
  check(lb) {
    const logs = firstBlock(lb.values.access_logs);
    if (logs.enabled instanceof Unresolved && !isUnset(logs.enabled))
      return unverified(`access_logs.enabled is ${show(logs.enabled)}`);
    if (logs.enabled !== true)
      return fail(`access_logs.enabled is ${isUnset(logs.enabled) ? "not set (false)" : show(logs.enabled)}`);
    if (isUnset(logs.bucket) || logs.bucket === "") return fail("access_logs has no bucket");
    return pass();
  },
  fix: "Enable access_logs to an S3 bucket whose policy lets the regional ELB account write (the edge module does).",
});
