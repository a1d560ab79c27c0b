import { isUnset, show, Unresolved } from "../../plan/plan-model.js";
import { loadBalancerGroups } from "../context.js";
import { type IngressRule, ingressRules, portRange } from "../ingress.js";
import { defineRule, fail, pass, unverified, type Verdict, worst } from "../rule.js";

const ANYWHERE = ["0.0.0.0/0", "::/0"];
/** Ports the internet may reach, on a load balancer's security group only. */
const WEB_PORTS = [80, 443];

function ports(rule: IngressRule): string {
  if (rule.protocol === "-1" || rule.protocol === "all" || rule.protocol === -1) return "all ports";
  return portRange(rule);
}

export const sgNoPublicIngress = defineRule({
  id: "CKV_AWS_277",
  checkov: ["CKV_AWS_277", "CKV_AWS_24", "CKV_AWS_25", "CKV_AWS_260"],
  title: "No ingress from 0.0.0.0/0 or ::/0, except 80/443 to a load balancer",
  severity: "high",
  resourceTypes: [
    "aws_security_group",
    "aws_default_security_group",
    "aws_security_group_rule",
    "aws_vpc_security_group_ingress_rule",
  ],
  check(resource, stack) {
    const lbGroups = loadBalancerGroups(stack);
    return worst(
      ingressRules(resource).map((rule): Verdict => {
        const unknown = rule.cidrs.find((c) => c instanceof Unresolved && !isUnset(c));
        const open = rule.cidrs.filter((c): c is string => typeof c === "string" && ANYWHERE.includes(c));
        if (!open.length) return unknown ? unverified(`source range is ${show(unknown)}`) : pass();
        const tcp = rule.protocol === "tcp" || rule.protocol === "6";
        const webPort = tcp && rule.from === rule.to && WEB_PORTS.includes(Number(rule.from));
        if (webPort && rule.group !== undefined && lbGroups.has(rule.group)) return pass();
        const why = webPort
          ? " (80/443 from the internet is allowed only on a load balancer's security group)"
          : "";
        return fail(`ingress from ${open.join(" and ")} on ${ports(rule)}${why}`);
      }),
    );
  },
  fix: "Open the port only from the load balancer's or the caller's security group (allowTraffic in modules/network/security-group.ts), or from a known address range.",
});
