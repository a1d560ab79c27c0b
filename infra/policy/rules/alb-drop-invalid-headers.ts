import { isUnset, show, Unresolved } from "../../plan/plan-model.js";
import { isApplicationLoadBalancer } from "../context.js";
import { defineRule, fail, pass, unverified } from "../rule.js";

export const albDropInvalidHeaders = defineRule({
  id: "CKV_AWS_131",
  title: "Application load balancer drops invalid HTTP headers",
  severity: "medium",
  resourceTypes: ["aws_lb", "aws_alb"],
  check(lb) {
    if (!isApplicationLoadBalancer(lb)) return pass();
    const value = lb.values.drop_invalid_header_fields;
    if (value === true) return pass();
    if (value instanceof Unresolved && !isUnset(value))
      return unverified(`drop_invalid_header_fields is ${show(value)}`);
    return fail(
      `drop_invalid_header_fields is ${isUnset(value) ? "not set (false)" : show(value)}: malformed headers reach the targets (request smuggling)`,
    );
  },
  fix: "Set drop_invalid_header_fields = true on the load balancer (the edge module does).",
});
