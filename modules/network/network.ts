import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group/index.js";
import { DefaultSecurityGroup } from "@cdktf/provider-aws/lib/default-security-group/index.js";
import { Eip } from "@cdktf/provider-aws/lib/eip/index.js";
import { FlowLog } from "@cdktf/provider-aws/lib/flow-log/index.js";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role/index.js";
import { InternetGateway } from "@cdktf/provider-aws/lib/internet-gateway/index.js";
import { NatGateway } from "@cdktf/provider-aws/lib/nat-gateway/index.js";
import { Route } from "@cdktf/provider-aws/lib/route/index.js";
import { RouteTable } from "@cdktf/provider-aws/lib/route-table/index.js";
import { RouteTableAssociation } from "@cdktf/provider-aws/lib/route-table-association/index.js";
import { Subnet } from "@cdktf/provider-aws/lib/subnet/index.js";
import { Vpc } from "@cdktf/provider-aws/lib/vpc/index.js";
import { VpcEndpoint } from "@cdktf/provider-aws/lib/vpc-endpoint/index.js";
import { conditional, Fn, Op, TerraformIterator, Token } from "cdktf";
import { Construct } from "constructs";
import { assertManagedPolicyArn, attachPolicy, serviceTrustPolicy } from "../iam/policy.js";
import { instanceAttribute, instanceIds } from "../internal/for-each.js";
import { assertLogGroupClass, type LogGroupClass } from "../logs/log-group-class.js";
import { assertLogRetention } from "../logs/retention.js";
import { NAME_LIMITS, type Naming } from "../naming/naming.js";
import { PropError } from "../validation/prop-error.js";
import { assertNoDuplicates, oneOfRule } from "../validation/validators.js";
import { type Cidr, cidrContains, cidrSubnet, cidrsOverlap, formatCidr, parseCidr } from "./cidr.js";
import { ImportedNetwork, type NetworkAttributes, type NetworkRef } from "./network-ref.js";

/** How private subnets reach the internet. */
export type NatMode = "none" | "single" | "perAz";
/** Every `NatMode`. */
export const NAT_MODES: readonly NatMode[] = ["none", "single", "perAz"];

// The rules on a network's shape, each written once: the synth-time checks below and the Terraform
// module's variable validation blocks (modules/hcl/network.ts) both say them in these words.

/** The VPC prefix lengths accepted. */
export const VPC_PREFIX = { min: 16, max: 21 } as const;
/** What a VPC range must be. */
export const CIDR_RULE =
  "must be an IPv4 CIDR block from /16 to /21, such as 10.0.0.0/16 (AWS allows /16 at most; /21 leaves room for 3 tiers)";
/** How many availability zones a network spans. */
export const AZ_COUNT = { min: 2, max: 6 } as const;
/** What the zone list must be. */
export const AZ_COUNT_RULE = "use 2 to 6 distinct availability zones (RDS and ALB need at least 2)";
/** What a NAT mode must be. */
export const NAT_MODE_RULE = oneOfRule(["none", "single", "perAz"]);
/** The smallest subnet AWS allows. */
export const SUBNET_PREFIX_MAX = 28;
/** What an explicit subnet range must be. */
export const SUBNET_CIDR_RULE = "must be an IPv4 CIDR block of /28 or larger inside the VPC range";

/** A subnet tier: `public` (internet gateway), `private` (NAT), `database` (no route out). */
export type SubnetTier = "public" | "private" | "database";
/** Every `SubnetTier`. */
export const SUBNET_TIERS: readonly SubnetTier[] = ["public", "private", "database"];

/** Props of `Network`: its range, zones, NAT mode, subnet layout and flow logs. */
export interface NetworkProps {
  /** Names and tags every resource. */
  readonly naming: Naming;
  /** The VPC's IPv4 range, /16 to /21 (e.g. `10.20.0.0/16`). */
  readonly cidr: string;
  /**
   * Availability zones to spread every subnet tier over (2 to 6), spelled out rather than looked up,
   * so that synth and plan need no AWS API call and plans stay stable.
   */
  readonly availabilityZones: readonly string[];
  /**
   * How private subnets reach the internet: `none` (no NAT, no default route; cheapest),
   * `single` (one NAT gateway shared by all AZs), `perAz` (one NAT per AZ; survives an AZ outage).
   * @default "single"
   */
  readonly natMode?: NatMode;
  /**
   * Explicit subnet ranges per tier, one per AZ in order. Each must lie inside `cidr` and overlap no other.
   * @default - computed: private gets an eighth of the VPC per AZ, public and database a sixty-fourth each
   */
  readonly subnetCidrs?: Partial<Record<SubnetTier, readonly string[]>>;
  /**
   * VPC flow logs to CloudWatch Logs.
   * @default - all traffic (`ALL`), kept 30 days
   */
  readonly flowLogs?: {
    /** Which traffic is logged. @default "ALL" */
    readonly trafficType?: "ALL" | "ACCEPT" | "REJECT";
    /** Days the flow logs are kept (a CloudWatch Logs retention period). @default 30 */
    readonly retentionDays?: number;
    /**
     * The flow-log group's log class. `INFREQUENT_ACCESS` halves ingestion ($0.25 instead of $0.50
     * per GB in us-east-1) and keeps Logs Insights queries, but has no metric filters, subscription
     * filters or Live Tail: right for logs read only to investigate. Fixed at creation: changing it
     * on an existing network replaces the log group and loses the flow logs already in it.
     * @default "STANDARD"
     */
    readonly logGroupClass?: LogGroupClass;
  };
  /**
   * A managed policy set as the permissions boundary of the flow-logs role: the most it may do,
   * whatever is granted to it. Give the kit's workload boundary (`CiAccess.workloadBoundary`);
   * roles created by the kit's CI roles must carry it.
   * @default - no boundary: the role can do exactly what its policy grants
   */
  readonly permissionsBoundaryArn?: string;
}

/**
 * A VPC with public, private (application) and database subnet tiers over explicit AZs.
 *
 * - public subnets route to an internet gateway and hold load balancers and NAT gateways;
 * - private subnets route to NAT (per `natMode`) and hold the application;
 * - database subnets have no route out of the VPC at all.
 * An S3 gateway endpoint keeps S3 traffic off NAT (it is free; NAT data processing is not),
 * flow logs go to CloudWatch, and the default security group is emptied so nothing can use it by accident.
 */
export class Network extends Construct implements NetworkRef {
  /**
   * A network created elsewhere (another stack, read from its state), by its VPC id, availability
   * zones and subnet ids per tier: what constructs placed in it need. Creates nothing.
   */
  static fromAttributes(scope: Construct, id: string, attributes: NetworkAttributes): ImportedNetwork {
    return new ImportedNetwork(scope, id, attributes);
  }

  /** The VPC. */
  readonly vpc: Vpc;
  /** The VPC's id. */
  readonly vpcId: string;
  /** The VPC's IPv4 range. */
  readonly vpcCidr: string;
  /** How private subnets reach the internet. */
  readonly natMode: NatMode;
  /** The availability zones every tier spans, in order. */
  readonly availabilityZones: readonly string[];
  /** Public subnets, in AZ order. */
  readonly publicSubnets: readonly Subnet[];
  /** Private (application) subnets, in AZ order. */
  readonly privateSubnets: readonly Subnet[];
  /** Database subnets, in AZ order: no route out of the VPC. */
  readonly databaseSubnets: readonly Subnet[];
  /** The public subnets' route table: default route to the internet gateway. */
  readonly publicRouteTable: RouteTable;
  /** One per AZ, in AZ order, so switching NAT mode never replaces route tables. */
  readonly privateRouteTables: readonly RouteTable[];
  /** The database subnets' route table: local routes only. */
  readonly databaseRouteTable: RouteTable;
  /** None, one, or one per AZ, following `natMode`. */
  readonly natGateways: readonly NatGateway[];
  /** The VPC's internet gateway. */
  readonly internetGateway: InternetGateway;
  /** The S3 gateway endpoint, on the public and private route tables. */
  readonly s3Endpoint: VpcEndpoint;
  /** Where the flow logs go. */
  readonly flowLogGroup: CloudwatchLogGroup;
  private readonly subnetIdsOf: (tier: SubnetTier) => string[];

  constructor(scope: Construct, id: string, props: NetworkProps) {
    super(scope, id);
    const { naming } = props;
    if (props.permissionsBoundaryArn !== undefined) {
      assertManagedPolicyArn(props.permissionsBoundaryArn, "network.permissionsBoundaryArn");
    }
    const azs = props.availabilityZones;
    const natMode = props.natMode ?? "single";
    // Zones, range or NAT mode given as Terraform references (a module's variables) are known only
    // at plan: per-AZ resources then use `for_each`, and the variables' validation blocks check what
    // subnetLayout checks here (see ./hcl-rules.ts).
    if (!Token.isUnresolved(azs)) assertNoDuplicates(azs, "network.availabilityZones");
    const layout = decidedAtPlan(props) ? undefined : subnetLayout(props.cidr, azs.length, props.subnetCidrs);
    if (!Token.isUnresolved(natMode) && !NAT_MODES.includes(natMode)) {
      throw new PropError("network.natMode", `"${natMode}" ${NAT_MODE_RULE}`);
    }
    this.natMode = natMode;
    this.availabilityZones = azs;
    this.vpcCidr = props.cidr;

    this.vpc = new Vpc(this, "vpc", {
      cidrBlock: props.cidr,
      enableDnsSupport: true,
      enableDnsHostnames: true,
      tags: { Name: naming.name("vpc") },
    });
    this.vpcId = this.vpc.id;

    // The default security group allows all traffic between its members; empty it so that
    // anything launched without an explicit group gets no network access at all.
    new DefaultSecurityGroup(this, "default-sg", {
      vpcId: this.vpc.id,
      ingress: [],
      egress: [],
      tags: { Name: naming.name("default-locked") },
    });

    this.internetGateway = new InternetGateway(this, "igw", {
      vpcId: this.vpc.id,
      tags: { Name: naming.name("igw") },
    });

    this.publicRouteTable = new RouteTable(this, "public-rt", {
      vpcId: this.vpc.id,
      tags: { Name: naming.name("public"), Tier: "public" },
    });
    new Route(this, "public-default-route", {
      routeTableId: this.publicRouteTable.id,
      destinationCidrBlock: "0.0.0.0/0",
      gatewayId: this.internetGateway.id,
    });
    this.databaseRouteTable = new RouteTable(this, "database-rt", {
      vpcId: this.vpc.id,
      tags: { Name: naming.name("database"), Tier: "database" },
    });

    const zones = layout
      ? this.staticZones(naming, azs, natMode, layout)
      : this.zonesAtPlan(naming, { ...props, natMode });
    this.publicSubnets = zones.subnets.public;
    this.privateSubnets = zones.subnets.private;
    this.databaseSubnets = zones.subnets.database;
    this.natGateways = zones.natGateways;
    this.privateRouteTables = zones.privateRouteTables;
    this.subnetIdsOf = zones.subnetIds;

    this.s3Endpoint = new VpcEndpoint(this, "s3-endpoint", {
      vpcId: this.vpc.id,
      serviceName: `com.amazonaws.${naming.region}.s3`,
      vpcEndpointType: "Gateway",
      routeTableIds: zones.routeTableIds([this.publicRouteTable.id]),
      tags: { Name: naming.name("s3-endpoint") },
    });

    const retentionInDays = props.flowLogs?.retentionDays ?? 30;
    assertLogRetention(retentionInDays, "network.flowLogs.retentionDays");
    const logGroupClass = props.flowLogs?.logGroupClass;
    if (logGroupClass !== undefined) assertLogGroupClass(logGroupClass, "network.flowLogs.logGroupClass");
    this.flowLogGroup = new CloudwatchLogGroup(this, "flow-logs", {
      name: `/vpc/${naming.name("flow-logs")}`,
      retentionInDays,
      // Left out when not given: existing log groups (created before the prop) plan no change.
      ...(logGroupClass !== undefined ? { logGroupClass } : {}),
    });
    const flowLogRole = new IamRole(this, "flow-logs-role", {
      name: naming.name("vpc-flow-logs", NAME_LIMITS.iamRole),
      description: "Lets VPC Flow Logs write to this VPC's log group",
      assumeRolePolicy: serviceTrustPolicy(
        "vpc-flow-logs.amazonaws.com",
        naming.accountId,
        `arn:aws:ec2:${naming.region}:${naming.accountId}:vpc-flow-log/*`,
      ),
      permissionsBoundary: props.permissionsBoundaryArn,
    });
    attachPolicy(this, "flow-logs-policy", flowLogRole, "write-flow-logs", [
      {
        sid: "WriteFlowLogs",
        actions: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
        resources: [this.flowLogGroup.arn, `${this.flowLogGroup.arn}:*`],
      },
    ]);
    new FlowLog(this, "flow-log", {
      vpcId: this.vpc.id,
      trafficType: props.flowLogs?.trafficType ?? "ALL",
      logDestinationType: "cloud-watch-logs",
      logDestination: this.flowLogGroup.arn,
      iamRoleArn: flowLogRole.arn,
      maxAggregationInterval: 600,
      tags: { Name: naming.name("flow-log") },
    });
  }

  /** Subnet ids of one tier, in AZ order (in name order when the zones are known only at plan). */
  subnetIds(tier: SubnetTier): string[] {
    return this.subnetIdsOf(tier);
  }

  /** One subnet per tier, route table and NAT per AZ, each its own resource (AZs known at synth). */
  private staticZones(
    naming: Naming,
    azs: readonly string[],
    natMode: NatMode,
    layout: Record<SubnetTier, string[]>,
  ): Zones {
    const tierSubnets = (tier: SubnetTier) =>
      azs.map(
        (az, i) =>
          new Subnet(this, `${tier}-${az}`, {
            vpcId: this.vpc.id,
            availabilityZone: az,
            cidrBlock: layout[tier][i],
            mapPublicIpOnLaunch: false,
            tags: { Name: naming.name(`${tier}-${azSuffix(az)}`), Tier: tier },
          }),
      );
    const subnets: Record<SubnetTier, Subnet[]> = {
      public: tierSubnets("public"),
      private: tierSubnets("private"),
      database: tierSubnets("database"),
    };

    subnets.public.forEach((subnet, i) => {
      new RouteTableAssociation(this, `public-rta-${azs[i]}`, {
        subnetId: subnet.id,
        routeTableId: this.publicRouteTable.id,
      });
    });

    const natCount = natMode === "none" ? 0 : natMode === "single" ? 1 : azs.length;
    const natGateways = Array.from({ length: natCount }, (_, i) => {
      const az = azs[i] as string;
      const eip = new Eip(this, `nat-eip-${az}`, {
        domain: "vpc",
        tags: { Name: naming.name(`nat-${azSuffix(az)}`) },
        dependsOn: [this.internetGateway],
      });
      return new NatGateway(this, `nat-${az}`, {
        allocationId: eip.id,
        subnetId: (subnets.public[i] as Subnet).id,
        tags: { Name: naming.name(`nat-${azSuffix(az)}`) },
        dependsOn: [this.internetGateway],
      });
    });

    const privateRouteTables = azs.map((az, i) => {
      const table = new RouteTable(this, `private-rt-${az}`, {
        vpcId: this.vpc.id,
        tags: { Name: naming.name(`private-${azSuffix(az)}`), Tier: "private" },
      });
      const nat = natMode === "perAz" ? natGateways[i] : natGateways[0];
      if (nat) {
        new Route(this, `private-default-route-${az}`, {
          routeTableId: table.id,
          destinationCidrBlock: "0.0.0.0/0",
          natGatewayId: nat.id,
        });
      }
      new RouteTableAssociation(this, `private-rta-${az}`, {
        subnetId: (subnets.private[i] as Subnet).id,
        routeTableId: table.id,
      });
      return table;
    });

    subnets.database.forEach((subnet, i) => {
      new RouteTableAssociation(this, `database-rta-${azs[i]}`, {
        subnetId: subnet.id,
        routeTableId: this.databaseRouteTable.id,
      });
    });

    return {
      subnets,
      natGateways,
      privateRouteTables,
      subnetIds: (tier) => subnets[tier].map((s) => s.id),
      routeTableIds: (first) => [...first, ...privateRouteTables.map((t) => t.id)],
    };
  }

  /**
   * The same resources when the zones, the range or the NAT mode are Terraform references, known
   * only at plan (a module's variables): one resource per kind with `for_each` over the zones, keyed
   * by zone name, with the computed layout and the NAT choice written as Terraform expressions.
   */
  private zonesAtPlan(naming: Naming, props: NetworkProps & { readonly natMode: NatMode }): Zones {
    const azs = props.availabilityZones as string[];
    const zoneMap = (count: unknown) =>
      TerraformIterator.fromMap(
        Fn.zipmap(Fn.slice(azs, 0, count as number), Fn.range(0, count as number)) as unknown as Record<
          string,
          number
        >,
      );
    const zones = zoneMap(Fn.lengthOf(azs));
    const index = zones.value as number;
    const suffix = Fn.substr(zones.key, Op.sub(Fn.lengthOf(zones.key), 1) as unknown as number, 1);
    const cidr = (tier: SubnetTier) => {
      const { newBits, first } = COMPUTED_LAYOUT[tier];
      const computed = Fn.cidrsubnet(props.cidr, newBits, Op.add(first, index) as unknown as number);
      const given = props.subnetCidrs?.[tier];
      if (given === undefined) return computed;
      return Token.asString(conditional(Op.gte(Fn.lengthOf(given), 1), Fn.element(given, index), computed));
    };
    const subnet = (tier: SubnetTier) =>
      new Subnet(this, tier, {
        forEach: zones,
        vpcId: this.vpc.id,
        availabilityZone: zones.key,
        cidrBlock: cidr(tier),
        mapPublicIpOnLaunch: false,
        tags: { Name: `${naming.name(tier)}-${suffix}`, Tier: tier },
      });
    const subnets: Record<SubnetTier, Subnet[]> = {
      public: [subnet("public")],
      private: [subnet("private")],
      database: [subnet("database")],
    };
    const instance = (resource: Subnet | NatGateway | RouteTable, key: unknown) =>
      instanceAttribute(resource, key);
    const associate = (tier: "public" | "database", tableId: string) =>
      new RouteTableAssociation(this, `${tier}-rta`, {
        forEach: zones,
        subnetId: instance(subnets[tier][0] as Subnet, zones.key),
        routeTableId: tableId,
      });
    associate("public", this.publicRouteTable.id);
    associate("database", this.databaseRouteTable.id);

    const mode = props.natMode;
    const natCount = conditional(
      Op.eq(mode, "perAz"),
      Fn.lengthOf(azs),
      conditional(Op.eq(mode, "single"), 1, 0),
    );
    const natZones = zoneMap(natCount);
    const natSuffix = Fn.substr(natZones.key, Op.sub(Fn.lengthOf(natZones.key), 1) as unknown as number, 1);
    const eip = new Eip(this, "nat-eip", {
      forEach: natZones,
      domain: "vpc",
      tags: { Name: `${naming.name("nat")}-${natSuffix}` },
      dependsOn: [this.internetGateway],
    });
    const nat = new NatGateway(this, "nat", {
      forEach: natZones,
      allocationId: instanceAttribute(eip, natZones.key),
      subnetId: instance(subnets.public[0] as Subnet, natZones.key),
      tags: { Name: `${naming.name("nat")}-${natSuffix}` },
      dependsOn: [this.internetGateway],
    });
    const table = new RouteTable(this, "private-rt", {
      forEach: zones,
      vpcId: this.vpc.id,
      tags: { Name: `${naming.name("private")}-${suffix}`, Tier: "private" },
    });
    // Every private table routes to its own zone's NAT (perAz) or to the first zone's (single).
    const routed = zoneMap(conditional(Op.eq(mode, "none"), 0, Fn.lengthOf(azs)));
    new Route(this, "private-default-route", {
      forEach: routed,
      routeTableId: instance(table, routed.key),
      destinationCidrBlock: "0.0.0.0/0",
      natGatewayId: instance(nat, conditional(Op.eq(mode, "perAz"), routed.key, Fn.element(azs, 0))),
    });
    new RouteTableAssociation(this, "private-rta", {
      forEach: zones,
      subnetId: instance(subnets.private[0] as Subnet, zones.key),
      routeTableId: instance(table, zones.key),
    });
    return {
      subnets,
      natGateways: [nat],
      privateRouteTables: [table],
      // Zone order: the map's keys sort as the zone names do.
      subnetIds: (tier) => instanceIds(subnets[tier][0] as Subnet),
      routeTableIds: (first) => Token.asList(Fn.concat([first, instanceIds(table)])),
    };
  }
}

/** What each AZ gets of every tier: the per-AZ resources and the subnet ids by tier. */
interface Zones {
  readonly subnets: Record<SubnetTier, Subnet[]>;
  readonly natGateways: NatGateway[];
  readonly privateRouteTables: RouteTable[];
  readonly subnetIds: (tier: SubnetTier) => string[];
  /** `first` and then the private route tables' ids. */
  readonly routeTableIds: (first: string[]) => string[];
}

/** True when the layout can only be worked out at plan: zones, range, NAT mode or ranges are references. */
function decidedAtPlan(props: NetworkProps): boolean {
  const tiers = Object.values(props.subnetCidrs ?? {});
  return [props.cidr, props.availabilityZones, props.natMode, ...tiers].some((v) => Token.isUnresolved(v));
}

/**
 * The computed layout, zone by zone (index `i`): private gets an eighth of the VPC
 * (`newBits` 3, numbers 0–5), public and database a sixty-fourth each (`newBits` 6, from 48 and 56).
 */
export const COMPUTED_LAYOUT: Readonly<
  Record<SubnetTier, { readonly newBits: number; readonly first: number }>
> = {
  private: { newBits: 3, first: 0 },
  public: { newBits: 6, first: 48 },
  database: { newBits: 6, first: 56 },
};

/** `us-east-1a` → `a`: short, stable suffix for names. */
function azSuffix(az: string): string {
  return az.slice(-1);
}

/**
 * Works out (or checks) every subnet's range. Throws with the offending field on a bad layout:
 * a range outside the VPC, two that overlap, or the wrong number of them.
 */
export function subnetLayout(
  vpcCidr: string,
  azCount: number,
  explicit: NetworkProps["subnetCidrs"] = {},
): Record<SubnetTier, string[]> {
  const vpc = parseCidr(vpcCidr);
  if (!vpc) throw new PropError("network.cidr", `"${vpcCidr}" ${CIDR_RULE}`);
  if (vpc.prefix < VPC_PREFIX.min || vpc.prefix > VPC_PREFIX.max) {
    throw new PropError("network.cidr", `"${vpcCidr}" is /${vpc.prefix}: ${CIDR_RULE}`);
  }
  if (azCount < AZ_COUNT.min || azCount > AZ_COUNT.max) {
    throw new PropError("network.availabilityZones", `${azCount} given: ${AZ_COUNT_RULE}`);
  }
  const computed = Object.fromEntries(
    SUBNET_TIERS.map((tier) => {
      const { newBits, first } = COMPUTED_LAYOUT[tier];
      return [tier, range(azCount).map((i) => cidrSubnet(vpc, newBits, first + i))];
    }),
  ) as Record<SubnetTier, Cidr[]>;
  const result = {} as Record<SubnetTier, Cidr[]>;
  for (const tier of SUBNET_TIERS) {
    const given = explicit[tier];
    if (!given) {
      result[tier] = computed[tier];
      continue;
    }
    if (given.length !== azCount) {
      throw new PropError(
        `network.subnetCidrs.${tier}`,
        `${given.length} ranges for ${azCount} availability zones`,
      );
    }
    result[tier] = given.map((text, i) => {
      const field = `network.subnetCidrs.${tier}[${i}]`;
      const cidr = parseCidr(text);
      if (!cidr || !cidrContains(vpc, cidr) || cidr.prefix > SUBNET_PREFIX_MAX) {
        throw new PropError(field, `"${text}" ${SUBNET_CIDR_RULE} (${vpcCidr})`);
      }
      return cidr;
    });
  }
  const all = SUBNET_TIERS.flatMap((tier) => result[tier].map((cidr, i) => ({ tier, i, cidr })));
  for (const [n, a] of all.entries()) {
    for (const b of all.slice(n + 1)) {
      if (cidrsOverlap(a.cidr, b.cidr)) {
        // Blame a range the user wrote, not one that was computed around it.
        const [blamed, other] = explicit[b.tier] || !explicit[a.tier] ? [b, a] : [a, b];
        throw new PropError(
          `network.subnetCidrs.${blamed.tier}[${blamed.i}]`,
          `${formatCidr(blamed.cidr)} overlaps ${other.tier}[${other.i}] ${formatCidr(other.cidr)}`,
        );
      }
    }
  }
  return {
    public: result.public.map(formatCidr),
    private: result.private.map(formatCidr),
    database: result.database.map(formatCidr),
  };
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}
