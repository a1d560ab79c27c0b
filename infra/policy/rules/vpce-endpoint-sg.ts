import { cidrContains, PRIVATE_RANGES, parseCidr } from "@aws-platform-kit/modules/network";
import {
  attachedTo,
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
import { type IngressRule, ingressRules, portRange } from "../ingress.js";
import { defineRule, fail, pass, unverified, type Verdict, worst } from "../rule.js";

/** Inside a VPC: RFC 1918, and RFC 6598 shared space (100.64.0.0/10, a common secondary range). */
const INSIDE_RANGES = [...PRIVATE_RANGES, parseCidr("100.64.0.0/10")].filter((c) => c !== undefined);

/** A VPC's own range, written as a reference: `${aws_vpc.x.cidr_block}` or a secondary association's. */
const VPC_RANGE_REFERENCE =
  /^\$\{(module\.[A-Za-z0-9_-]+\.)*(aws_vpc\.[^.}]+\.cidr_block|aws_vpc_ipv4_cidr_block_association\.[^}]+\.cidr_block)\}$/;

/** The group's ingress: its inline rules and the rule resources attached to it. */
function ingressOf(group: PlannedResource, stack: StackModel): IngressRule[] {
  const attached = attachedTo(
    stack,
    group,
    ["aws_vpc_security_group_ingress_rule", "aws_security_group_rule"],
    "security_group_id",
  );
  return [group, ...attached].flatMap(ingressRules);
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

function judge(rule: IngressRule, group: string): Verdict {
  const https =
    (rule.protocol === "tcp" || rule.protocol === "6") &&
    Number(rule.from) === 443 &&
    Number(rule.to) === 443;
  if (!https) {
    const what =
      rule.protocol === "-1" || rule.protocol === "all"
        ? "all traffic"
        : `${String(rule.protocol)} ${portRange(rule)}`;
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
