/**
 * The ingress rules a resource writes, in one shape, whichever of the four ways a security group
 * is opened: inline `ingress` blocks of `aws_security_group` / `aws_default_security_group`, an
 * `aws_security_group_rule` of type ingress, or an `aws_vpc_security_group_ingress_rule`. Rules
 * that judge sources (public ingress, endpoint groups) read them through here.
 */
import { blocks, isUnset, list, type PlannedResource } from "../plan/plan-model.js";
import { groupOfRule } from "./context.js";

export interface IngressRule {
  readonly protocol: unknown;
  readonly from: unknown;
  readonly to: unknown;
  /** Source address ranges, IPv4 and IPv6 (empty when the source is a group or a prefix list). */
  readonly cidrs: readonly unknown[];
  /** The source is a security group (or the group itself). */
  readonly fromGroup: boolean;
  /** The security group the rule opens (address or literal id). */
  readonly group: string | undefined;
}

/** The ingress rules `resource` writes; none for other types or egress rules. */
export function ingressRules(resource: PlannedResource): IngressRule[] {
  const v = resource.values;
  switch (resource.type) {
    case "aws_security_group":
    case "aws_default_security_group":
      return blocks(v.ingress).map((rule) => ({
        protocol: rule.protocol,
        from: rule.from_port,
        to: rule.to_port,
        cidrs: [...list(rule.cidr_blocks), ...list(rule.ipv6_cidr_blocks)],
        fromGroup: list(rule.security_groups).length > 0 || rule.self === true,
        group: resource.address,
      }));
    case "aws_security_group_rule":
      if (v.type !== "ingress") return [];
      return [
        {
          protocol: v.protocol,
          from: v.from_port,
          to: v.to_port,
          cidrs: [...list(v.cidr_blocks), ...list(v.ipv6_cidr_blocks)],
          fromGroup: !isUnset(v.source_security_group_id) || v.self === true,
          group: groupOfRule(resource),
        },
      ];
    case "aws_vpc_security_group_ingress_rule":
      return [
        {
          protocol: v.ip_protocol,
          from: v.from_port,
          to: v.to_port,
          cidrs: [v.cidr_ipv4, v.cidr_ipv6].filter((c) => !isUnset(c)),
          fromGroup: !isUnset(v.referenced_security_group_id),
          group: groupOfRule(resource),
        },
      ];
    default:
      return [];
  }
}

/** `port 443` or `ports 1024-65535`, for messages. */
export function portRange(rule: Pick<IngressRule, "from" | "to">): string {
  return rule.from === rule.to
    ? `port ${String(rule.from)}`
    : `ports ${String(rule.from)}-${String(rule.to)}`;
}
