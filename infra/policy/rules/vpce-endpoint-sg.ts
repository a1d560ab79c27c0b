import { cidrContains, PRIVATE_RANGES, parseCidr } from "@aws-platform-kit/modules/network";
import {
  attachedTo,
  blocks,
  isUnset,
  list,
  lookup,
  type PlannedResource,
  referencesOf,
  refersTo,
  type StackModel,
  show,
  Unresolved,
  writtenText,
} from "../../plan/plan-model.js";
import { defineRule, fail, pass, unverified, type Verdict, worst } from "../rule.js";

/** Inside a VPC: RFC 1918, and RFC 6598 shared space (100.64.0.0/10, a common secondary range). */
const INSIDE_RANGES = [...PRIVATE_RANGES, parseCidr("100.64.0.0/10")].filter((c) => c !== undefined);

/** A VPC's own range, written as a reference: `${aws_vpc.x.cidr_block}` or a secondary association's. */
const VPC_RANGE_REFERENCE =
  /^\$\{(module\.[A-Za-z0-9_-]+\.)*(aws_vpc\.[^.}]+\.cidr_block|aws_vpc_ipv4_cidr_block_association\.[^}]+\.cidr_block)\}$/;

interface Ingress {
  readonly protocol: unknown;
  readonly from: unknown;
  readonly to: unknown;
  /** Address ranges, IPv4 and IPv6 (empty when the source is a security group or prefix list). */
  readonly cidrs: readonly unknown[];
  /** The source is another security group (inside the VPC by construction). */
  readonly fromGroup: boolean;
}

function ingressOf(group: PlannedResource, stack: StackModel): Ingress[] {
  const inline = blocks(group.values.ingress).map((rule) => ({
    protocol: rule.protocol,
    from: rule.from_port,
    to: rule.to_port,
    cidrs: [...list(rule.cidr_blocks), ...list(rule.ipv6_cidr_blocks)],
    fromGroup: list(rule.security_groups).length > 0 || rule.self === true,
  }));
  const standalone = attachedTo(
    stack,
    group,
    ["aws_vpc_security_group_ingress_rule", "aws_security_group_rule"],
    "security_group_id",
  ).flatMap((rule): Ingress[] => {
    const v = rule.values;
    if (rule.type === "aws_security_group_rule") {
      if (v.type !== "ingress") return [];
      return [
        {
          protocol: v.protocol,
          from: v.from_port,
          to: v.to_port,
          cidrs: [...list(v.cidr_blocks), ...list(v.ipv6_cidr_blocks)],
          fromGroup: !isUnset(v.source_security_group_id) || v.self === true,
        },
      ];
    }
    return [
      {
        protocol: v.ip_protocol,
        from: v.from_port,
        to: v.to_port,
        cidrs: [v.cidr_ipv4, v.cidr_ipv6].filter((c) => !isUnset(c)),
        fromGroup: !isUnset(v.referenced_security_group_id),
      },
    ];
  });
  return [...inline, ...standalone];
}

function judgeRange(cidr: unknown): Verdict {
  if (cidr instanceof Unresolved) {
    const written = writtenText(cidr);
    if (written !== undefined && VPC_RANGE_REFERENCE.test(written)) return pass();
    return unverified(`source range is ${show(cidr)}`);
  }
  const parsed = typeof cidr === "string" ? parseCidr(cidr) : undefined;
  if (parsed && INSIDE_RANGES.some((range) => cidrContains(range, parsed))) return pass();
  return fail(`admits ${String(cidr)}, which is not a private (VPC) range`);
}

function judge(rule: Ingress, group: string): Verdict {
  const https =
    (rule.protocol === "tcp" || rule.protocol === "6") &&
    Number(rule.from) === 443 &&
    Number(rule.to) === 443;
  if (!https) {
    const ports =
      rule.from === rule.to ? `port ${String(rule.from)}` : `ports ${String(rule.from)}-${String(rule.to)}`;
    const what =
      rule.protocol === "-1" || rule.protocol === "all" ? "all traffic" : `${String(rule.protocol)} ${ports}`;
    return fail(`${group} admits ${what}; an interface endpoint needs TCP 443 only`);
  }
  if (rule.fromGroup) return pass();
  if (!rule.cidrs.length)
    return unverified(`${group} admits HTTPS from a source that is neither a range nor a group`);
  return worst(
    rule.cidrs.map((cidr) => {
      const verdict = judgeRange(cidr);
      return verdict.status === "fail" ? fail(`${group} ${verdict.message}`) : verdict;
    }),
  );
}

export const vpceEndpointSg = defineRule({
  id: "KIT_VPCE_1",
  title: "Interface endpoint security groups admit only HTTPS from inside the VPC",
  severity: "medium",
  resourceTypes: ["aws_vpc_endpoint"],
  check(endpoint, stack) {
    if (endpoint.values.vpc_endpoint_type !== "Interface") return pass();
    const refs = referencesOf(endpoint, "security_group_ids").filter((r) =>
      refersTo(r, "aws_security_group"),
    );
    const literal = list(endpoint.values.security_group_ids).filter((id) => typeof id === "string");
    if (!refs.length && !literal.length) {
      return list(endpoint.values.security_group_ids).some((id) => id instanceof Unresolved)
        ? unverified("its security groups are known only at apply")
        : fail("no security group: the endpoint gets the VPC's default group");
    }
    const groups = refs.map((r) => lookup(stack, r)).filter((g) => g !== undefined);
    const verdicts = groups.flatMap((group) =>
      ingressOf(group, stack).map((rule) => judge(rule, group.address.replace(/\[[^\]]*\]$/, ""))),
    );
    if (literal.length > 0 || groups.length < refs.length) {
      verdicts.push(unverified("a security group of the endpoint is not in this stack"));
    }
    return worst(verdicts);
  },
  fix: "Give interface endpoints a security group of their own that admits TCP 443 from the VPC's ranges only (the network module's interfaceEndpoints does).",
});
