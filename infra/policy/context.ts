/**
 * Facts about a whole stack that single resources do not carry, derived from the plan rather than
 * guessed: which environment this is, which VPCs route through a NAT gateway, which security groups
 * front a load balancer. Memoised per model (models are immutable).
 */
import {
  attachedTo,
  blocks,
  environmentOf,
  knownString,
  list,
  lookup,
  type PlannedResource,
  referencesOf,
  refersTo,
  type StackModel,
} from "../plan/plan-model.js";

const memo = <T>(compute: (stack: StackModel) => T) => {
  const cache = new WeakMap<StackModel, T>();
  return (stack: StackModel): T => {
    let value = cache.get(stack);
    if (value === undefined) {
      value = compute(stack);
      cache.set(stack, value);
    }
    return value;
  };
};

/** Production rules (deletion protection, Multi-AZ, 7-day backups) apply to `prod` / `production`. */
export function isProduction(stack: StackModel): boolean {
  return /^(prod|production)$/i.test(environmentOf(stack));
}

/** The VPC (address) a subnet belongs to, when the subnet is in this stack. */
function vpcOfSubnet(stack: StackModel, subnetRef: string): string | undefined {
  const subnet = lookup(stack, subnetRef);
  if (subnet?.type !== "aws_subnet") return undefined;
  return (
    referencesOf(subnet, "vpc_id").find((r) => refersTo(r, "aws_vpc")) ?? knownString(subnet.values.vpc_id)
  );
}

/** VPCs with a NAT gateway, by the subnet each NAT sits in. `undefined` marks a NAT in an unknown VPC. */
export const natVpcs = memo((stack: StackModel): ReadonlySet<string | undefined> => {
  const vpcs = new Set<string | undefined>();
  for (const nat of stack.resources.filter((r) => r.type === "aws_nat_gateway")) {
    const subnet = referencesOf(nat, "subnet_id")[0];
    vpcs.add(subnet ? vpcOfSubnet(stack, subnet) : undefined);
  }
  return vpcs;
});

/**
 * Whether the VPC that `subnets` (references or ids) belong to has a NAT gateway. When the subnets
 * are not in this stack (e.g. read from another stack's state), any NAT gateway in the stack counts.
 */
export function subnetsHaveNat(stack: StackModel, subnetRefs: readonly string[]): boolean {
  const nats = natVpcs(stack);
  if (nats.size === 0) return false;
  const vpcs = subnetRefs.map((s) => vpcOfSubnet(stack, s));
  if (vpcs.length === 0 || vpcs.some((v) => v === undefined) || nats.has(undefined)) return true;
  return vpcs.some((v) => nats.has(v));
}

/** Security groups (addresses, or literal ids) attached to a load balancer in this stack. */
export const loadBalancerGroups = memo((stack: StackModel): ReadonlySet<string> => {
  const groups = new Set<string>();
  for (const lb of stack.resources.filter((r) => r.type === "aws_lb" || r.type === "aws_alb")) {
    for (const ref of referencesOf(lb, "security_groups")) groups.add(ref);
    for (const id of list(lb.values.security_groups)) if (typeof id === "string") groups.add(id);
  }
  return groups;
});

/** The security group (address or literal id) a standalone rule resource belongs to. */
export function groupOfRule(rule: PlannedResource): string | undefined {
  const ref = referencesOf(rule, "security_group_id").find((r) => refersTo(r, "aws_security_group"));
  return ref ?? knownString(rule.values.security_group_id);
}

/** Application (not network or gateway) load balancers; `load_balancer_type` defaults to application. */
export function isApplicationLoadBalancer(lb: PlannedResource): boolean {
  const type = lb.values.load_balancer_type;
  return typeof type !== "string" || type === "application";
}

/** The first block of a nested-block attribute, or an empty object. */
export function firstBlock(value: unknown): Record<string, unknown> {
  return blocks(value)[0] ?? {};
}

/** Companion resources of an S3 bucket (versioning, encryption, policy, …) of one type. */
export function bucketCompanions(
  stack: StackModel,
  bucket: PlannedResource,
  type: string,
): PlannedResource[] {
  return attachedTo(stack, bucket, [type], "bucket", ["bucket", "id"]);
}
