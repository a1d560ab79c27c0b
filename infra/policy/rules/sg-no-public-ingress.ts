import { blocks, isUnset, list, type PlannedResource, show, Unresolved } from "../../plan/plan-model.js";
import { groupOfRule, loadBalancerGroups } from "../context.js";
import { defineRule, fail, pass, unverified, type Verdict, worst } from "../rule.js";

const ANYWHERE = ["0.0.0.0/0", "::/0"];
/** Ports the internet may reach, on a load balancer's security group only. */
const WEB_PORTS = [80, 443];

interface Ingress {
  readonly cidrs: readonly unknown[];
  readonly protocol: unknown;
  readonly from: unknown;
  readonly to: unknown;
  /** The security group the rule opens (address or literal id). */
  readonly group: string | undefined;
}

function ingressOf(resource: PlannedResource): Ingress[] {
  const v = resource.values;
  switch (resource.type) {
    case "aws_security_group":
    case "aws_default_security_group":
      return blocks(v.ingress).map((rule) => ({
        cidrs: [...list(rule.cidr_blocks), ...list(rule.ipv6_cidr_blocks)],
        protocol: rule.protocol,
        from: rule.from_port,
        to: rule.to_port,
        group: resource.address,
      }));
    case "aws_security_group_rule":
      if (v.type !== "ingress") return [];
      return [
        {
          cidrs: [...list(v.cidr_blocks), ...list(v.ipv6_cidr_blocks)],
          protocol: v.protocol,
          from: v.from_port,
          to: v.to_port,
          group: groupOfRule(resource),
        },
      ];
    case "aws_vpc_security_group_ingress_rule":
      return [
        {
          cidrs: [v.cidr_ipv4, v.cidr_ipv6],
          protocol: v.ip_protocol,
          from: v.from_port,
          to: v.to_port,
          group: groupOfRule(resource),
        },
      ];
    default:
      return [];
  }
}

function ports(rule: Ingress): string {
  if (rule.protocol === "-1" || rule.protocol === "all" || rule.protocol === -1) return "all ports";
  return rule.from === rule.to
    ? `port ${String(rule.from)}`
    : `ports ${String(rule.from)}-${String(rule.to)}`;
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
      ingressOf(resource).map((rule): Verdict => {
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
