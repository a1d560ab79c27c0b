import { isUnset, show, Unresolved } from "../../plan/plan-model.js";
import { defineRule, fail, pass, unverified } from "../rule.js";

/**
 * ELB security policies whose oldest protocol is TLS 1.2 or 1.3. Without `ssl_policy`, the API (and
 * so Terraform) uses ELBSecurityPolicy-2016-08, which still accepts TLS 1.0.
 */
const TLS12_OR_NEWER = /^ELBSecurityPolicy-(TLS13-1-[23]|TLS-1-2|FS-1-2)-/;

export const albTlsPolicy = defineRule({
  id: "CKV_AWS_103",
  title: "HTTPS and TLS listeners accept TLS 1.2 or newer only",
  severity: "high",
  resourceTypes: ["aws_lb_listener", "aws_alb_listener"],
  check(listener) {
    const protocol = listener.values.protocol;
    if (protocol !== "HTTPS" && protocol !== "TLS") return pass();
    const policy = listener.values.ssl_policy;
    if (typeof policy === "string" && TLS12_OR_NEWER.test(policy)) return pass();
    if (policy instanceof Unresolved && !isUnset(policy)) return unverified(`ssl_policy is ${show(policy)}`);
    return fail(
      `ssl_policy is ${isUnset(policy) ? "not set (ELBSecurityPolicy-2016-08, TLS 1.0)" : show(policy)}: clients can negotiate TLS below 1.2`,
    );
  },
  fix: 'Set ssl_policy = "ELBSecurityPolicy-TLS13-1-2-2021-06" (or a TLS13-1-3 policy) on the listener.',
});
