/**
 * Security groups and the rules between them. Every rule is its own resource with a description,
 * written by intent ("the service may reach the database on 5432") rather than by hand, and
 * SG-to-SG rules are written on both sides: ingress on the target, egress on the source.
 */
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group/index.js";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule/index.js";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule/index.js";
import type { Construct } from "constructs";
import type { Naming } from "../naming/naming.js";

/** Anything with a security group id: a `SecurityGroup`, or an id read from another stack's state. */
export interface SecurityGroupRef {
  /** The security group's id (`sg-…`). */
  readonly id: string;
}

/**
 * How `allowFrom(source, options)` opens a path, on every construct that has a security group
 * (`Database`, `FargateService`, …): one signature, one meaning. Pass a string for the description
 * alone.
 */
export interface AllowFromOptions {
  /** Why this path exists, shown on both rules. @default - "<clients> to <target>" for the target */
  readonly description?: string;
  /**
   * Also write the egress rule on the source group. Turn off when the source group belongs to another
   * stack that manages its own rules (a preview's service behind dev's load balancer).
   * @default true
   */
  readonly egressOnSource?: boolean;
}

/** `allowFrom`'s options from a description string or an options object. */
export function allowFromOptions(options: string | AllowFromOptions | undefined): AllowFromOptions {
  return typeof options === "string" ? { description: options } : (options ?? {});
}

/** Props of `createSecurityGroup`. */
export interface SecurityGroupProps {
  /** Names and tags the group. */
  readonly naming: Naming;
  /** What the group protects; its name is `<project>-<env>-<purpose>`. */
  readonly purpose: string;
  /** The VPC the group belongs to. */
  readonly vpcId: string;
  /** Shown in the console; say what may reach what. */
  readonly description: string;
}

/**
 * A security group with no rules at all: nothing in, nothing out. (Terraform removes the
 * allow-all egress rule AWS adds to new groups.) Add rules with the functions below.
 */
export function createSecurityGroup(scope: Construct, id: string, props: SecurityGroupProps): SecurityGroup {
  return new SecurityGroup(scope, id, {
    name: props.naming.name(props.purpose),
    description: props.description,
    vpcId: props.vpcId,
    tags: { Name: props.naming.name(props.purpose) },
    lifecycle: { createBeforeDestroy: true },
  });
}

/** A TCP port, or a range of them. */
export interface PortRange {
  /** One TCP port, or the first of a range. */
  readonly port: number;
  /** Last port of a range. @default port */
  readonly toPort?: number;
}

/** Props of `allowTraffic`: a TCP path between two security groups. */
export interface AllowTrafficProps extends PortRange {
  /** Where connections start. */
  readonly from: SecurityGroupRef;
  /** Where they arrive. */
  readonly to: SecurityGroupRef;
  /** Why this path exists, e.g. "service to PostgreSQL". */
  readonly description: string;
  /**
   * Also write the egress rule on `from`. Off when `from` belongs to another stack that manages its
   * own rules.
   * @default true
   */
  readonly egressOnSource?: boolean;
}

/** Lets TCP connections from one group reach another on a port: ingress on `to`, egress on `from`. */
export function allowTraffic(scope: Construct, id: string, props: AllowTrafficProps): void {
  const ports = { ipProtocol: "tcp", fromPort: props.port, toPort: props.toPort ?? props.port };
  new VpcSecurityGroupIngressRule(scope, `${id}-ingress`, {
    securityGroupId: props.to.id,
    referencedSecurityGroupId: props.from.id,
    description: props.description,
    ...ports,
  });
  if (props.egressOnSource ?? true) {
    new VpcSecurityGroupEgressRule(scope, `${id}-egress`, {
      securityGroupId: props.from.id,
      referencedSecurityGroupId: props.to.id,
      description: props.description,
      ...ports,
    });
  }
}

/** Props of `allowIngressFromCidr` and `allowEgressToCidr`: a TCP rule to or from an address range. */
export interface CidrRuleProps extends PortRange {
  /** The security group the rule is written on. */
  readonly group: SecurityGroupRef;
  /**
   * IPv4 range, e.g. `0.0.0.0/0`. Give exactly one of `cidr` and `ipv6Cidr`.
   * @default - none: `ipv6Cidr` is the range
   */
  readonly cidr?: string;
  /**
   * IPv6 range, e.g. `::/0`. Give exactly one of `cidr` and `ipv6Cidr`.
   * @default - none: `cidr` is the range
   */
  readonly ipv6Cidr?: string;
  /** Why this path exists, shown on the rule. */
  readonly description: string;
}

/** Ingress from an address range (the internet to a load balancer's 443, say). */
export function allowIngressFromCidr(
  scope: Construct,
  id: string,
  props: CidrRuleProps,
): VpcSecurityGroupIngressRule {
  return new VpcSecurityGroupIngressRule(scope, id, {
    securityGroupId: props.group.id,
    ipProtocol: "tcp",
    fromPort: props.port,
    toPort: props.toPort ?? props.port,
    description: props.description,
    ...cidrOf(props),
  });
}

/** Egress to an address range (a task to AWS APIs on 443, say). */
export function allowEgressToCidr(
  scope: Construct,
  id: string,
  props: CidrRuleProps,
): VpcSecurityGroupEgressRule {
  return new VpcSecurityGroupEgressRule(scope, id, {
    securityGroupId: props.group.id,
    ipProtocol: "tcp",
    fromPort: props.port,
    toPort: props.toPort ?? props.port,
    description: props.description,
    ...cidrOf(props),
  });
}

function cidrOf(props: CidrRuleProps): { cidrIpv4?: string; cidrIpv6?: string } {
  if (!props.cidr === !props.ipv6Cidr)
    throw new Error("security group rule: give exactly one of cidr or ipv6Cidr");
  return props.cidr ? { cidrIpv4: props.cidr } : { cidrIpv6: props.ipv6Cidr };
}
