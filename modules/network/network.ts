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
import { Construct } from "constructs";
import { assertManagedPolicyArn, attachPolicy, serviceTrustPolicy } from "../iam/policy.js";
import { assertLogRetention } from "../logs/retention.js";
import { NAME_LIMITS, type Naming } from "../naming/naming.js";
import { PropError } from "../validation/prop-error.js";
import { type Cidr, cidrContains, cidrSubnet, cidrsOverlap, formatCidr, parseCidr } from "./cidr.js";
import { ImportedNetwork, type NetworkAttributes, type NetworkRef } from "./network-ref.js";

/** How private subnets reach the internet. */
export type NatMode = "none" | "single" | "perAz";
/** Every `NatMode`. */
export const NAT_MODES: readonly NatMode[] = ["none", "single", "perAz"];

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

  constructor(scope: Construct, id: string, props: NetworkProps) {
    super(scope, id);
    const { naming } = props;
    if (props.permissionsBoundaryArn !== undefined) {
      assertManagedPolicyArn(props.permissionsBoundaryArn, "network.permissionsBoundaryArn");
    }
    const azs = props.availabilityZones;
    const natMode = props.natMode ?? "single";
    const layout = subnetLayout(props.cidr, azs.length, props.subnetCidrs);
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

    const subnets = (tier: SubnetTier) =>
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
    this.publicSubnets = subnets("public");
    this.privateSubnets = subnets("private");
    this.databaseSubnets = subnets("database");

    this.publicRouteTable = new RouteTable(this, "public-rt", {
      vpcId: this.vpc.id,
      tags: { Name: naming.name("public"), Tier: "public" },
    });
    new Route(this, "public-default-route", {
      routeTableId: this.publicRouteTable.id,
      destinationCidrBlock: "0.0.0.0/0",
      gatewayId: this.internetGateway.id,
    });
    this.publicSubnets.forEach((subnet, i) => {
      new RouteTableAssociation(this, `public-rta-${azs[i]}`, {
        subnetId: subnet.id,
        routeTableId: this.publicRouteTable.id,
      });
    });

    const natCount = natMode === "none" ? 0 : natMode === "single" ? 1 : azs.length;
    this.natGateways = Array.from({ length: natCount }, (_, i) => {
      const az = azs[i] as string;
      const eip = new Eip(this, `nat-eip-${az}`, {
        domain: "vpc",
        tags: { Name: naming.name(`nat-${azSuffix(az)}`) },
        dependsOn: [this.internetGateway],
      });
      return new NatGateway(this, `nat-${az}`, {
        allocationId: eip.id,
        subnetId: (this.publicSubnets[i] as Subnet).id,
        tags: { Name: naming.name(`nat-${azSuffix(az)}`) },
        dependsOn: [this.internetGateway],
      });
    });

    this.privateRouteTables = azs.map((az, i) => {
      const table = new RouteTable(this, `private-rt-${az}`, {
        vpcId: this.vpc.id,
        tags: { Name: naming.name(`private-${azSuffix(az)}`), Tier: "private" },
      });
      const nat = natMode === "perAz" ? this.natGateways[i] : this.natGateways[0];
      if (nat) {
        new Route(this, `private-default-route-${az}`, {
          routeTableId: table.id,
          destinationCidrBlock: "0.0.0.0/0",
          natGatewayId: nat.id,
        });
      }
      new RouteTableAssociation(this, `private-rta-${az}`, {
        subnetId: (this.privateSubnets[i] as Subnet).id,
        routeTableId: table.id,
      });
      return table;
    });

    this.databaseRouteTable = new RouteTable(this, "database-rt", {
      vpcId: this.vpc.id,
      tags: { Name: naming.name("database"), Tier: "database" },
    });
    this.databaseSubnets.forEach((subnet, i) => {
      new RouteTableAssociation(this, `database-rta-${azs[i]}`, {
        subnetId: subnet.id,
        routeTableId: this.databaseRouteTable.id,
      });
    });

    this.s3Endpoint = new VpcEndpoint(this, "s3-endpoint", {
      vpcId: this.vpc.id,
      serviceName: `com.amazonaws.${naming.region}.s3`,
      vpcEndpointType: "Gateway",
      routeTableIds: [this.publicRouteTable.id, ...this.privateRouteTables.map((t) => t.id)],
      tags: { Name: naming.name("s3-endpoint") },
    });

    const retentionInDays = props.flowLogs?.retentionDays ?? 30;
    assertLogRetention(retentionInDays, "network.flowLogs.retentionDays");
    this.flowLogGroup = new CloudwatchLogGroup(this, "flow-logs", {
      name: `/vpc/${naming.name("flow-logs")}`,
      retentionInDays,
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

  /** Subnet ids of one tier, in AZ order. */
  subnetIds(tier: SubnetTier): string[] {
    const subnets =
      tier === "public"
        ? this.publicSubnets
        : tier === "private"
          ? this.privateSubnets
          : this.databaseSubnets;
    return subnets.map((s) => s.id);
  }
}

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
  if (!vpc) throw new PropError("network.cidr", `"${vpcCidr}" is not an IPv4 CIDR block such as 10.0.0.0/16`);
  if (vpc.prefix < 16 || vpc.prefix > 21) {
    throw new PropError(
      "network.cidr",
      `/${vpc.prefix} is outside /16–/21 (AWS allows /16 at most; /21 leaves room for 3 tiers)`,
    );
  }
  if (azCount < 2 || azCount > 6) {
    throw new PropError(
      "network.availabilityZones",
      `${azCount} given; use 2 to 6 (RDS and ALB need at least 2)`,
    );
  }
  const computed: Record<SubnetTier, Cidr[]> = {
    private: range(azCount).map((i) => cidrSubnet(vpc, 3, i)),
    public: range(azCount).map((i) => cidrSubnet(vpc, 6, 48 + i)),
    database: range(azCount).map((i) => cidrSubnet(vpc, 6, 56 + i)),
  };
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
      if (!cidr) throw new PropError(field, `"${text}" is not an IPv4 CIDR block`);
      if (!cidrContains(vpc, cidr)) throw new PropError(field, `${text} is outside the VPC range ${vpcCidr}`);
      if (cidr.prefix > 28) throw new PropError(field, `${text} is smaller than /28`);
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
