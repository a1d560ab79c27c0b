import { isUnset, show, Unresolved } from "../../plan/plan-model.js";
import { isProduction } from "../context.js";
import { defineRule, fail, pass, unverified } from "../rule.js";

export const albDeletionProtection = defineRule({
  id: "CKV_AWS_150",
  title: "Load balancer has deletion protection in prod",
  severity: "medium",
  resourceTypes: ["aws_lb", "aws_alb"],
  check(lb, stack) {
    if (!isProduction(stack)) return pass();
    const value = lb.values.enable_deletion_protection;
    if (value === true) return pass();
    if (value instanceof Unresolved && !isUnset(value))
      return unverified(`enable_deletion_protection is ${show(value)}`);
    return fail(`enable_deletion_protection is ${isUnset(value) ? "not set (false)" : show(value)} in prod`);
  },
  fix: "Set enable_deletion_protection = true on production load balancers (the environment config's deletionProtection).",
});
