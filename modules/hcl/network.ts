/** The network module for Terraform: `Network` with every prop a variable. */
import type { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group/index.js";
import type { NatGateway } from "@cdktf/provider-aws/lib/nat-gateway/index.js";
import { conditional, Fn, Op, propertyAccess, TerraformLocal, Token } from "cdktf";
import { MANAGED_POLICY_ARN, MANAGED_POLICY_ARN_RULE } from "../iam/policy.js";
import { instanceIds } from "../internal/for-each.js";
import { LOG_GROUP_CLASSES, type LogGroupClass } from "../logs/log-group-class.js";
import { INTERFACE_ENDPOINT_PATTERN, INTERFACE_ENDPOINT_RULE } from "../network/endpoints.js";
import {
  AZ_COUNT,
  AZ_COUNT_RULE,
  CIDR_RULE,
  COMPUTED_LAYOUT,
  type NatMode,
  Network,
  RESERVED_SUBNET_TAGS,
  SECONDARY_CIDR_RULE,
  SECONDARY_PREFIX,
  SUBNET_CIDR_RULE,
  SUBNET_PREFIX_MAX,
  SUBNET_TIERS,
  type SubnetTier,
  VPC_PREFIX,
} from "../network/network.js";
import { hclList, logRetentionDays, matches, oneOf, optional } from "./conditions.js";
import type { HclModule } from "./hcl-module.js";
import { AWS_PARTITION_ONLY, limitNameLength, moduleNaming } from "./shared.js";

const NETWORK = "network/network.ts#NetworkProps";

/** An IPv4 CIDR block written canonically (`10.0.0.0/16`, not `10.0.0.1/16`), with prefix length in range. */
function ipv4Cidr(ref: string, min: number, max: number): string {
  const prefix = `tonumber(split("/", ${ref})[1])`;
  return [
    `can(regex("^\\\\d+\\\\.\\\\d+\\\\.\\\\d+\\\\.\\\\d+/\\\\d+$", ${ref}))`,
    `cidrhost(${ref}, 0) == split("/", ${ref})[0]`,
    `${prefix} >= ${min}`,
    `${prefix} <= ${max}`,
  ].join(" && ");
}

/** The network address of `ref` cut to `bits`: equal for two ranges when one holds the other's start. */
function cutTo(ref: string, bits: string): string {
  return `cidrhost("\${cidrhost(${ref}, 0)}/\${${bits}}", 0)`;
}

/** Every subnet range as the module lays it out: explicit where given, computed otherwise. */
function allRanges(): string {
  const tier = (t: SubnetTier) => {
    const { newBits, first } = COMPUTED_LAYOUT[t];
    return `[for i in range(length(var.availability_zones)) : length(var.${t}_subnets) > 0 ? var.${t}_subnets[i] : cidrsubnet(var.cidr, ${newBits}, ${first} + i)]`;
  };
  return `concat(${SUBNET_TIERS.map(tier).join(", ")})`;
}

/**
 * No two ranges overlap, given or computed. Variables' validations cannot refer to each other in a
 * cycle, so this one rule on all three lists is a precondition of the VPC: it fails the plan before
 * anything is created, naming the three variables.
 */
function noOverlap(): { condition: string; error_message: string } {
  const bits = (r: string) => `tonumber(split("/", ${r})[1])`;
  const shorter = `min(${bits("a")}, ${bits("b")})`;
  return {
    condition: `\${alltrue([for i, a in ${allRanges()} : alltrue([for j, b in ${allRanges()} : i == j || ${cutTo("a", shorter)} != ${cutTo("b", shorter)}])])}`,
    error_message:
      "public_subnets, private_subnets, database_subnets: ranges must not overlap one another (given or computed)",
  };
}

function subnetRules(tier: SubnetTier) {
  const ref = `var.${tier}_subnets`;
  const vpcBits = `split("/", var.cidr)[1]`;
  const bits = (r: string) => `tonumber(split("/", ${r})[1])`;
  return [
    {
      condition: `length(${ref}) == 0 || length(${ref}) == length(var.availability_zones)`,
      message: "give none (computed) or exactly one range per availability zone, in zone order",
    },
    {
      condition: `alltrue([for r in ${ref} : ${ipv4Cidr("r", VPC_PREFIX.min, SUBNET_PREFIX_MAX)} && ${bits("r")} >= ${bits("var.cidr")} && ${cutTo("r", vpcBits)} == cidrhost(var.cidr, 0)])`,
      message: `each range ${SUBNET_CIDR_RULE} (cidr)`,
    },
  ];
}

export const network: HclModule = {
  name: "network",
  title: "A VPC with public, private and database subnets over the zones you list",
  summary:
    "A VPC over 2–6 availability zones with three subnet tiers, NAT in one of three modes, an S3 gateway endpoint, optional interface endpoints behind a security group that admits HTTPS from the VPC only, optional secondary ranges and per-tier subnet tags, VPC flow logs to CloudWatch Logs, and the default security group emptied. Nothing is looked up: the zones are the list you give, so plans are stable.",
  example: `module "network" {
  source = "github.com/acme/platform//modules/terraform/network"

  name               = "payments-prod"
  cidr               = "10.30.0.0/16"
  availability_zones = ["eu-west-1a", "eu-west-1b", "eu-west-1c"]
  nat_mode           = "per_az"
}`,
  limitations: [
    '`natMode` is spelled `nat_mode = "per_az"` (snake_case) rather than `"perAz"`.',
    "Subnet ids come out in zone-name order (`for_each` keys sort), which is zone order for names such as `eu-west-1a`, `eu-west-1b`.",
    "Dual-stack IPv6, the DynamoDB gateway endpoint, flow logs to S3 and tier name overrides are construct props only (`ipv6`, `gatewayEndpoints`, `flowLogs.destination`, `subnetNames`); explicit subnet ranges must lie in `cidr`, not in a secondary range.",
    AWS_PARTITION_ONLY,
  ],
  build(stack) {
    let built: Network | undefined;
    const naming = moduleNaming(
      stack,
      "VPC, subnets, NAT gateways and flow logs",
      () => (built as Network).vpc.ownerId,
    );
    const cidr = stack.variable("cidr", {
      type: "string",
      doc: `${NETWORK}.cidr`,
      rules: [{ condition: ipv4Cidr("var.cidr", VPC_PREFIX.min, VPC_PREFIX.max), message: CIDR_RULE }],
    });
    const zones = stack.variable("availability_zones", {
      type: "list(string)",
      doc: `${NETWORK}.availabilityZones`,
      rules: [
        {
          condition: `length(var.availability_zones) >= ${AZ_COUNT.min} && length(var.availability_zones) <= ${AZ_COUNT.max} && length(distinct(var.availability_zones)) == length(var.availability_zones)`,
          message: AZ_COUNT_RULE,
        },
        {
          condition: `alltrue([for az in var.availability_zones : ${matches("az", /^[a-z]{2}(-[a-z]+)+-\d[a-z]$/)}])`,
          message: "each must be a zone name such as eu-west-1a (zone ids such as euw1-az1 are not accepted)",
        },
      ],
    });
    const natMode = stack.variable("nat_mode", {
      type: "string",
      doc: `${NETWORK}.natMode`,
      description: 'Spelled `"none"`, `"single"` or `"per_az"` here.',
      default: "single",
      rules: [oneOf("var.nat_mode", ["none", "single", "per_az"])],
    });
    const subnetCidrs = Object.fromEntries(
      SUBNET_TIERS.map((tier) => [
        tier,
        Token.asList(
          stack.variable(`${tier}_subnets`, {
            type: "list(string)",
            doc: `${NETWORK}.subnetCidrs`,
            description: `The ${tier} tier's ranges, one per zone in order; empty: computed.`,
            default: [],
            rules: subnetRules(tier),
          }).value,
        ),
      ]),
    ) as Record<SubnetTier, string[]>;
    const trafficType = stack.variable("flow_log_traffic_type", {
      type: "string",
      doc: `${NETWORK}.flowLogs.trafficType`,
      default: "ALL",
      rules: [oneOf("var.flow_log_traffic_type", ["ALL", "ACCEPT", "REJECT"])],
    });
    const retention = stack.variable("flow_log_retention_days", {
      type: "number",
      doc: `${NETWORK}.flowLogs.retentionDays`,
      default: 30,
      rules: [logRetentionDays("var.flow_log_retention_days")],
    });
    const logClass = stack.variable("flow_log_group_class", {
      type: "string",
      doc: `${NETWORK}.flowLogs.logGroupClass`,
      description: "`null`: CloudWatch's default, `STANDARD`.",
      default: null,
      rules: [optional("var.flow_log_group_class", oneOf("var.flow_log_group_class", LOG_GROUP_CLASSES))],
    });
    const interfaceEndpoints = stack.variable("interface_endpoints", {
      type: "list(string)",
      doc: `${NETWORK}.interfaceEndpoints`,
      description:
        "Service short names such as `ecr.api`, `logs`; empty: none, and no endpoint security group.",
      default: [],
      rules: [
        {
          condition: `alltrue([for n in var.interface_endpoints : ${matches("n", INTERFACE_ENDPOINT_PATTERN)} && !startswith(n, "com.amazonaws.")]) && length(distinct(var.interface_endpoints)) == length(var.interface_endpoints)`,
          message: `each ${INTERFACE_ENDPOINT_RULE}, listed once`,
        },
      ],
    });
    const secondaryBits = (r: string) => `tonumber(split("/", ${r})[1])`;
    const secondaryCidrs = stack.variable("secondary_cidrs", {
      type: "list(string)",
      doc: `${NETWORK}.secondaryCidrs`,
      default: [],
      rules: [
        {
          condition: `alltrue([for c in var.secondary_cidrs : ${ipv4Cidr("c", SECONDARY_PREFIX.min, SECONDARY_PREFIX.max)} && ${cutTo("c", `min(${secondaryBits("c")}, ${secondaryBits("var.cidr")})`)} != ${cutTo("var.cidr", `min(${secondaryBits("c")}, ${secondaryBits("var.cidr")})`)}]) && length(distinct(var.secondary_cidrs)) == length(var.secondary_cidrs)`,
          message: `each ${SECONDARY_CIDR_RULE}`,
        },
      ],
    });
    const subnetTags = Object.fromEntries(
      SUBNET_TIERS.map((tier) => [
        tier,
        stack.variable(`${tier}_subnet_tags`, {
          type: "map(string)",
          doc: `${NETWORK}.subnetTags`,
          description: `Extra tags on the ${tier} subnets.`,
          default: {},
          rules: [
            {
              condition: `length(setintersection(keys(var.${tier}_subnet_tags), ${hclList(RESERVED_SUBNET_TAGS)})) == 0`,
              message: "Name and Tier are written by the module",
            },
          ],
        }).value as Record<string, string>,
      ]),
    ) as Record<SubnetTier, Record<string, string>>;
    const boundary = stack.variable("permissions_boundary_arn", {
      type: "string",
      doc: `${NETWORK}.permissionsBoundaryArn`,
      default: null,
      rules: [
        optional("var.permissions_boundary_arn", {
          condition: matches("var.permissions_boundary_arn", MANAGED_POLICY_ARN),
          message: MANAGED_POLICY_ARN_RULE,
        }),
      ],
    });

    built = new Network(stack, "network", {
      naming,
      cidr: cidr.stringValue,
      availabilityZones: zones.listValue,
      // The construct's spelling of the mode, once, as a local: `per_az` → `perAz`.
      natMode: new TerraformLocal(
        stack,
        "nat_mode",
        conditional(Op.eq(natMode.stringValue, "per_az"), "perAz", natMode.stringValue),
      ).asString as NatMode,
      subnetCidrs: subnetCidrs,
      flowLogs: {
        trafficType: trafficType.stringValue as "ALL",
        retentionDays: retention.numberValue,
        logGroupClass: logClass.stringValue as LogGroupClass,
      },
      permissionsBoundaryArn: boundary.stringValue,
      interfaceEndpoints: interfaceEndpoints.listValue,
      secondaryCidrs: secondaryCidrs.listValue,
      subnetTags,
    });
    const net = built;
    net.vpc.addOverride("lifecycle.precondition", [noOverlap()]);
    stack.output("vpc_id", { value: net.vpcId, description: "The VPC's id." });
    stack.output("vpc_cidr_block", { value: net.vpc.cidrBlock, description: "The VPC's IPv4 range." });
    stack.output("availability_zones", {
      value: zones.listValue,
      description: "The zones every tier spans.",
    });
    for (const tier of SUBNET_TIERS) {
      stack.output(`${tier}_subnet_ids`, {
        value: net.subnetIds(tier),
        description: `The ${tier} subnets' ids, one per zone.`,
      });
    }
    stack.output("public_route_table_id", {
      value: net.publicRouteTable.id,
      description: "The public subnets' route table.",
    });
    stack.output("database_route_table_id", {
      value: net.databaseRouteTable.id,
      description: "The database subnets' route table (local routes only).",
    });
    stack.output("nat_gateway_ids", {
      value: instanceIds(net.natGateways[0] as NatGateway),
      description: "The NAT gateways (none, one, or one per zone, following `nat_mode`).",
    });
    stack.output("flow_log_group_name", {
      // Always CloudWatch Logs here: flow logs to S3 are a construct prop only.
      value: (net.flowLogGroup as CloudwatchLogGroup).name,
      description: "Where the flow logs go.",
    });
    stack.output("interface_endpoint_ids", {
      value: instanceIds(net.interfaceEndpoints[0] as { fqn: string }),
      description: "The interface endpoints' ids, by service name order.",
    });
    stack.output("endpoint_security_group_id", {
      value: net.endpointSecurityGroup
        ? Fn.one(propertyAccess(net.endpointSecurityGroup.fqn, ["*", "id"]))
        : null,
      description: "The interface endpoints' security group (null without interface endpoints).",
    });
    limitNameLength(stack, naming);
  },
};
