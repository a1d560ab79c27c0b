import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group/index.js";
import { DefaultSecurityGroup } from "@cdktf/provider-aws/lib/default-security-group/index.js";
import { EgressOnlyInternetGateway } from "@cdktf/provider-aws/lib/egress-only-internet-gateway/index.js";
import { Eip } from "@cdktf/provider-aws/lib/eip/index.js";
import { FlowLog } from "@cdktf/provider-aws/lib/flow-log/index.js";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role/index.js";
import { InternetGateway } from "@cdktf/provider-aws/lib/internet-gateway/index.js";
import { NatGateway } from "@cdktf/provider-aws/lib/nat-gateway/index.js";
import { Route } from "@cdktf/provider-aws/lib/route/index.js";
import { RouteTable } from "@cdktf/provider-aws/lib/route-table/index.js";
import { RouteTableAssociation } from "@cdktf/provider-aws/lib/route-table-association/index.js";
import type { SecurityGroup } from "@cdktf/provider-aws/lib/security-group/index.js";
import { Subnet, type SubnetConfig } from "@cdktf/provider-aws/lib/subnet/index.js";
import { Vpc } from "@cdktf/provider-aws/lib/vpc/index.js";
import { VpcEndpoint } from "@cdktf/provider-aws/lib/vpc-endpoint/index.js";
import { VpcIpv4CidrBlockAssociation } from "@cdktf/provider-aws/lib/vpc-ipv4-cidr-block-association/index.js";
import { conditional, Fn, type ITerraformDependable, Op, TerraformIterator, Token } from "cdktf";
import { Construct } from "constructs";
import { assertManagedPolicyArn, attachPolicy, serviceTrustPolicy } from "../iam/policy.js";
import { instanceAttribute, instanceIds } from "../internal/for-each.js";
import { assertLogGroupClass, type LogGroupClass } from "../logs/log-group-class.js";
import { assertLogRetention } from "../logs/retention.js";
import { NAME_LIMITS, type Naming } from "../naming/naming.js";
import { Bucket } from "../storage/bucket.js";
import { PropError } from "../validation/prop-error.js";
import { ARN_KINDS, assertArn, assertNoDuplicates, oneOfRule } from "../validation/validators.js";
import { type Cidr, cidrContains, cidrSubnet, cidrsOverlap, formatCidr, parseCidr } from "./cidr.js";
import {
  assertGatewayEndpoints,
  assertInterfaceEndpoints,
  createInterfaceEndpoints,
  type GatewayEndpointService,
} from "./endpoints.js";
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

/** The prefix lengths a secondary VPC range may have (AWS: /16 to /28). */
export const SECONDARY_PREFIX = { min: 16, max: 28 } as const;
/** What a secondary range must be. */
export const SECONDARY_CIDR_RULE =
  "must be an IPv4 CIDR block from /16 to /28 that overlaps neither the VPC's range nor another secondary range";
/** What a tier's name override must be. */
export const SUBNET_NAME_RULE = "must be lowercase letters, digits and single hyphens, such as app or data";
/** Tag keys the module writes on every subnet itself. */
export const RESERVED_SUBNET_TAGS: readonly string[] = ["Name", "Tier"];
/** Where flow logs go. */
export type FlowLogDestination = "cloudwatch" | "s3" | "both";
/** Every `FlowLogDestination`. */
export const FLOW_LOG_DESTINATIONS: readonly FlowLogDestination[] = ["cloudwatch", "s3", "both"];

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
   * Further IPv4 ranges for the VPC (`aws_vpc_ipv4_cidr_block_association`), such as
   * `100.64.0.0/16` for many pods. Each must be /16 to /28 and overlap neither the primary range nor
   * another; explicit `subnetCidrs` may lie in them. AWS allows 4 secondary ranges by default (a
   * quota) and refuses some mixes of RFC 1918 blocks when they are associated.
   * @default - none: the VPC has only `cidr`
   */
  readonly secondaryCidrs?: readonly string[];
  /**
   * Dual stack: an Amazon-provided IPv6 /56 for the VPC, a /64 for every subnet, `::/0` from public
   * subnets to the internet gateway and from private subnets to an egress-only internet gateway
   * (outbound only, free, no NAT needed for IPv6), and addresses assigned on launch in public and
   * private subnets. Database subnets get a /64 but no IPv6 route out. Nothing opens ingress.
   * @default false
   */
  readonly ipv6?: boolean;
  /**
   * Interface VPC endpoints (PrivateLink), by service short name (`ecr.api`, `ecr.dkr`, `logs`,
   * `secretsmanager`, `sts`, `ssm`, `ssmmessages`, `kms`: see `COMMON_INTERFACE_ENDPOINTS`), each
   * `com.amazonaws.<region>.<name>`, in every private subnet with private DNS on, behind one security
   * group that admits HTTPS from the VPC's ranges only. Each costs about $7.30 a month per AZ plus
   * $0.01 per GB: cheaper than NAT only at volume, needed where there is no NAT.
   * @default - none
   */
  readonly interfaceEndpoints?: readonly string[];
  /**
   * Gateway VPC endpoints (free), on the public and private route tables. `s3` is always one of them.
   * @default ["s3"]
   */
  readonly gatewayEndpoints?: readonly GatewayEndpointService[];
  /**
   * Extra tags per tier, on that tier's subnets (e.g. `kubernetes.io/role/elb` on public).
   * `Name` and `Tier` are the module's own and refused here.
   * @default - none: `Name` and `Tier` only
   */
  readonly subnetTags?: Partial<Record<SubnetTier, Readonly<Record<string, string>>>>;
  /**
   * What a tier is called in its subnets' and route tables' `Name`: `{ private: "app" }` names the
   * private subnets `<project>-<env>-app-<zone letter>`. The `Tier` tag keeps the tier's own name.
   * @default - the tier's name (`public`, `private`, `database`)
   */
  readonly subnetNames?: Partial<Record<SubnetTier, string>>;
  /**
   * VPC flow logs to CloudWatch Logs, to S3, or both.
   * @default - all traffic (`ALL`) to CloudWatch Logs, kept 30 days
   */
  readonly flowLogs?: {
    /** Which traffic is logged. @default "ALL" */
    readonly trafficType?: "ALL" | "ACCEPT" | "REJECT";
    /**
     * Where the flow logs go: `cloudwatch` (a log group, queried with Logs Insights), `s3` (Parquet
     * files, hourly Hive-compatible partitions, for Athena; about half the price per GB delivered
     * at volume), or `both`.
     * @default "cloudwatch"
     */
    readonly destination?: FlowLogDestination;
    /**
     * The bucket S3 flow logs go to, a `Bucket` of this stack: the module adds the log-delivery
     * statements to its policy. Not with `bucketArn`.
     * @default - with destination `s3` or `both`: a bucket of its own (`<project>-<env>-flow-logs-…`) whose objects expire after `retentionDays`
     */
    readonly bucket?: Bucket;
    /**
     * The ARN of a bucket elsewhere (a central log archive) for S3 flow logs; its owner's policy must
     * let `delivery.logs.amazonaws.com` `s3:PutObject` under `AWSLogs/<account>/` and `s3:GetBucketAcl`.
     * Not with `bucket`.
     * @default - see `bucket`
     */
    readonly bucketArn?: string;
    /**
     * Days the flow logs are kept: the log group's retention (a CloudWatch Logs retention period),
     * and the expiry of objects in the bucket the module creates.
     * @default 30
     */
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
  /** The DynamoDB gateway endpoint, when `gatewayEndpoints` lists it. */
  readonly dynamodbEndpoint: VpcEndpoint | undefined;
  /** Interface endpoints, in the order of `interfaceEndpoints` (one `for_each` resource when that is a reference). */
  readonly interfaceEndpoints: readonly VpcEndpoint[];
  /** The interface endpoints' security group (HTTPS from the VPC only), when there are any. */
  readonly endpointSecurityGroup: SecurityGroup | undefined;
  /** The egress-only internet gateway private subnets route IPv6 through, with `ipv6`. */
  readonly egressOnlyInternetGateway: EgressOnlyInternetGateway | undefined;
  /** The secondary range associations, in the order given. */
  readonly secondaryCidrBlocks: readonly VpcIpv4CidrBlockAssociation[];
  /** Where the flow logs go in CloudWatch Logs; undefined with destination `s3`. */
  readonly flowLogGroup: CloudwatchLogGroup | undefined;
  /** The bucket this network created for S3 flow logs, or the one given. */
  readonly flowLogBucket: Bucket | undefined;
  private readonly ipv6: boolean;
  private readonly subnetOptions: SubnetOptions;
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
    const secondaryCidrs = props.secondaryCidrs ?? [];
    if (!Token.isUnresolved(secondaryCidrs) && !Token.isUnresolved(props.cidr)) {
      checkSecondaryCidrs(props.cidr, secondaryCidrs);
    }
    const layout = decidedAtPlan(props)
      ? undefined
      : subnetLayout(props.cidr, azs.length, props.subnetCidrs, secondaryCidrs);
    if (!Token.isUnresolved(natMode) && !NAT_MODES.includes(natMode)) {
      throw new PropError("network.natMode", `"${natMode}" ${NAT_MODE_RULE}`);
    }
    const ipv6 = props.ipv6 ?? false;
    if (typeof ipv6 !== "boolean") {
      throw new PropError("network.ipv6", "must be true or false, not a Terraform reference");
    }
    this.ipv6 = ipv6;
    const interfaceNames = props.interfaceEndpoints ?? [];
    assertInterfaceEndpoints(interfaceNames);
    const gatewayServices = props.gatewayEndpoints ?? ["s3"];
    assertGatewayEndpoints(gatewayServices);
    this.natMode = natMode;
    this.availabilityZones = azs;
    this.vpcCidr = props.cidr;

    this.vpc = new Vpc(this, "vpc", {
      cidrBlock: props.cidr,
      enableDnsSupport: true,
      enableDnsHostnames: true,
      // Left out when off: networks created before the prop plan no change.
      ...(ipv6 ? { assignGeneratedIpv6CidrBlock: true } : {}),
      tags: { Name: naming.name("vpc") },
    });
    this.vpcId = this.vpc.id;

    const secondaryEach = Token.isUnresolved(secondaryCidrs)
      ? TerraformIterator.fromList(Fn.toset(secondaryCidrs) as unknown as string[])
      : undefined;
    this.secondaryCidrBlocks = secondaryEach
      ? [
          new VpcIpv4CidrBlockAssociation(this, "secondary-cidr", {
            forEach: secondaryEach,
            vpcId: this.vpc.id,
            cidrBlock: Token.asString(secondaryEach.value),
          }),
        ]
      : secondaryCidrs.map(
          (cidr) =>
            new VpcIpv4CidrBlockAssociation(this, `secondary-cidr-${cidr.replace(/[./]/g, "-")}`, {
              vpcId: this.vpc.id,
              cidrBlock: cidr,
            }),
        );
    this.subnetOptions = subnetOptions(props, this.secondaryCidrBlocks);

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
    this.egressOnlyInternetGateway = ipv6
      ? new EgressOnlyInternetGateway(this, "eigw", {
          vpcId: this.vpc.id,
          tags: { Name: naming.name("eigw") },
        })
      : undefined;

    const tierName = this.subnetOptions.names;
    this.publicRouteTable = new RouteTable(this, "public-rt", {
      vpcId: this.vpc.id,
      tags: { Name: naming.name(tierName.public), Tier: "public" },
    });
    new Route(this, "public-default-route", {
      routeTableId: this.publicRouteTable.id,
      destinationCidrBlock: "0.0.0.0/0",
      gatewayId: this.internetGateway.id,
    });
    if (ipv6) {
      new Route(this, "public-ipv6-default-route", {
        routeTableId: this.publicRouteTable.id,
        destinationIpv6CidrBlock: "::/0",
        gatewayId: this.internetGateway.id,
      });
    }
    this.databaseRouteTable = new RouteTable(this, "database-rt", {
      vpcId: this.vpc.id,
      tags: { Name: naming.name(tierName.database), Tier: "database" },
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

    const gatewayRouteTables = zones.routeTableIds([this.publicRouteTable.id]);
    this.s3Endpoint = new VpcEndpoint(this, "s3-endpoint", {
      vpcId: this.vpc.id,
      serviceName: `com.amazonaws.${naming.region}.s3`,
      vpcEndpointType: "Gateway",
      routeTableIds: gatewayRouteTables,
      tags: { Name: naming.name("s3-endpoint") },
    });
    this.dynamodbEndpoint = gatewayServices.includes("dynamodb")
      ? new VpcEndpoint(this, "dynamodb-endpoint", {
          vpcId: this.vpc.id,
          serviceName: `com.amazonaws.${naming.region}.dynamodb`,
          vpcEndpointType: "Gateway",
          routeTableIds: gatewayRouteTables,
          tags: { Name: naming.name("dynamodb-endpoint") },
        })
      : undefined;

    if (Token.isUnresolved(interfaceNames) || interfaceNames.length > 0) {
      const vpcCidrs = Token.isUnresolved(secondaryCidrs)
        ? [props.cidr] // a module's secondary ranges: see modules/hcl/network.ts
        : [props.cidr, ...secondaryCidrs];
      const created = createInterfaceEndpoints(this, {
        naming,
        vpcId: this.vpc.id,
        vpcCidrs,
        subnetIds: this.subnetIds("private"),
        names: interfaceNames,
        // Their network interfaces go into subnets that may lie in a secondary range.
        dependsOn: [...this.secondaryCidrBlocks],
      });
      this.interfaceEndpoints = created.endpoints;
      this.endpointSecurityGroup = created.securityGroup;
    } else {
      this.interfaceEndpoints = [];
      this.endpointSecurityGroup = undefined;
    }

    const flowLogs = props.flowLogs ?? {};
    const retentionInDays = flowLogs.retentionDays ?? 30;
    assertLogRetention(retentionInDays, "network.flowLogs.retentionDays");
    const destination = flowLogs.destination ?? "cloudwatch";
    if (!Token.isUnresolved(destination) && !FLOW_LOG_DESTINATIONS.includes(destination)) {
      throw new PropError(
        "network.flowLogs.destination",
        `"${destination}" ${oneOfRule(FLOW_LOG_DESTINATIONS)}`,
      );
    }
    const toS3 = destination === "s3" || destination === "both";
    if (flowLogs.bucket && flowLogs.bucketArn !== undefined) {
      throw new PropError("network.flowLogs.bucketArn", "give bucket or bucketArn, not both");
    }
    if (!toS3 && (flowLogs.bucket || flowLogs.bucketArn !== undefined)) {
      throw new PropError(
        flowLogs.bucket ? "network.flowLogs.bucket" : "network.flowLogs.bucketArn",
        `a bucket is used only with destination "s3" or "both" (destination is "${destination}")`,
      );
    }
    if (flowLogs.bucketArn !== undefined) {
      assertArn(flowLogs.bucketArn, "network.flowLogs.bucketArn", ARN_KINDS.s3Bucket);
    }
    const trafficType = flowLogs.trafficType ?? "ALL";
    const logGroupClass = flowLogs.logGroupClass;
    if (logGroupClass !== undefined) assertLogGroupClass(logGroupClass, "network.flowLogs.logGroupClass");
    if (destination !== "s3") {
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
        trafficType,
        logDestinationType: "cloud-watch-logs",
        logDestination: this.flowLogGroup.arn,
        iamRoleArn: flowLogRole.arn,
        maxAggregationInterval: 600,
        tags: { Name: naming.name("flow-log") },
      });
    } else {
      this.flowLogGroup = undefined;
    }
    this.flowLogBucket = undefined;
    if (toS3) {
      let bucketArn = flowLogs.bucketArn;
      const dependsOn: ITerraformDependable[] = [];
      if (bucketArn === undefined) {
        const bucket =
          flowLogs.bucket ??
          new Bucket(this, "flow-logs-bucket", {
            naming,
            purpose: "flow-logs",
            lifecycleRules: [{ id: "expire-flow-logs", expirationDays: retentionInDays }],
          });
        allowFlowLogDelivery(bucket, naming);
        this.flowLogBucket = bucket;
        bucketArn = bucket.bucketArn;
        // Log delivery checks its access to the bucket when the flow log is created.
        dependsOn.push(bucket.policy);
      }
      new FlowLog(this, "flow-log-s3", {
        vpcId: this.vpc.id,
        trafficType,
        logDestinationType: "s3",
        logDestination: bucketArn,
        destinationOptions: {
          fileFormat: "parquet",
          perHourPartition: true,
          hiveCompatiblePartitions: true,
        },
        maxAggregationInterval: 600,
        tags: { Name: naming.name("flow-log-s3") },
        ...(dependsOn.length ? { dependsOn } : {}),
      });
    }
  }

  /** Subnet ids of one tier, in AZ order (in name order when the zones are known only at plan). */
  subnetIds(tier: SubnetTier): string[] {
    return this.subnetIdsOf(tier);
  }

  /**
   * A subnet's IPv6 settings with `ipv6`: the `index`th /64 of its tier's block of the VPC's /56
   * (known only at apply), addresses on launch in public and private subnets. Nothing when off.
   */
  private ipv6Subnet(
    tier: SubnetTier,
    index: number,
  ): Pick<SubnetConfig, "ipv6CidrBlock" | "assignIpv6AddressOnCreation"> {
    if (!this.ipv6) return {};
    return {
      ipv6CidrBlock: Fn.cidrsubnet(
        this.vpc.ipv6CidrBlock,
        IPV6_SUBNET_NEWBITS,
        Token.isUnresolved(index)
          ? (Op.add(IPV6_LAYOUT[tier], index) as unknown as number)
          : IPV6_LAYOUT[tier] + index,
      ),
      assignIpv6AddressOnCreation: tier !== "database",
    };
  }

  /** One subnet per tier, route table and NAT per AZ, each its own resource (AZs known at synth). */
  private staticZones(
    naming: Naming,
    azs: readonly string[],
    natMode: NatMode,
    layout: Record<SubnetTier, string[]>,
  ): Zones {
    const options = this.subnetOptions;
    const tierSubnets = (tier: SubnetTier) =>
      azs.map(
        (az, i) =>
          new Subnet(this, `${tier}-${az}`, {
            vpcId: this.vpc.id,
            availabilityZone: az,
            cidrBlock: layout[tier][i],
            mapPublicIpOnLaunch: false,
            ...this.ipv6Subnet(tier, i),
            tags: subnetTagsOf(options, tier, naming.name(`${options.names[tier]}-${azSuffix(az)}`)),
            ...(options.dependsOn.length ? { dependsOn: options.dependsOn } : {}),
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
        tags: { Name: naming.name(`${options.names.private}-${azSuffix(az)}`), Tier: "private" },
      });
      if (this.egressOnlyInternetGateway) {
        new Route(this, `private-ipv6-default-route-${az}`, {
          routeTableId: table.id,
          destinationIpv6CidrBlock: "::/0",
          egressOnlyGatewayId: this.egressOnlyInternetGateway.id,
        });
      }
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
    const options = this.subnetOptions;
    const subnet = (tier: SubnetTier) =>
      new Subnet(this, tier, {
        forEach: zones,
        vpcId: this.vpc.id,
        availabilityZone: zones.key,
        cidrBlock: cidr(tier),
        mapPublicIpOnLaunch: false,
        ...this.ipv6Subnet(tier, index),
        tags: subnetTagsOf(options, tier, `${naming.name(options.names[tier])}-${suffix}`),
        ...(options.dependsOn.length ? { dependsOn: options.dependsOn } : {}),
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
      tags: { Name: `${naming.name(options.names.private)}-${suffix}`, Tier: "private" },
    });
    if (this.egressOnlyInternetGateway) {
      new Route(this, "private-ipv6-default-route", {
        forEach: zones,
        routeTableId: instance(table, zones.key),
        destinationIpv6CidrBlock: "::/0",
        egressOnlyGatewayId: this.egressOnlyInternetGateway.id,
      });
    }
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

/** A subnet's IPv6 /64 is `cidrsubnet(<VPC /56>, 8, n)`. */
export const IPV6_SUBNET_NEWBITS = 8;
/**
 * The first /64 number of each tier (zone `i` gets `first + i`): public 0–5, private 8–13,
 * database 16–21, leaving room for more zones or tiers.
 */
export const IPV6_LAYOUT: Readonly<Record<SubnetTier, number>> = { public: 0, private: 8, database: 16 };

/** How subnets are named, tagged and ordered: worked out once from the props. */
interface SubnetOptions {
  readonly names: Record<SubnetTier, string>;
  readonly tags: Partial<Record<SubnetTier, Readonly<Record<string, string>>>>;
  /** The secondary range associations: a subnet may lie in one. */
  readonly dependsOn: ITerraformDependable[];
}

const SUBNET_NAME = /^[a-z0-9]+(-[a-z0-9]+)*$/;

function subnetOptions(
  props: NetworkProps,
  secondary: readonly VpcIpv4CidrBlockAssociation[],
): SubnetOptions {
  const names = {} as Record<SubnetTier, string>;
  for (const tier of SUBNET_TIERS) {
    const name = props.subnetNames?.[tier] ?? tier;
    if (!Token.isUnresolved(name) && !SUBNET_NAME.test(name)) {
      throw new PropError(`network.subnetNames.${tier}`, `"${name}" ${SUBNET_NAME_RULE}`);
    }
    names[tier] = name;
  }
  const tags = props.subnetTags ?? {};
  for (const tier of SUBNET_TIERS) {
    const given = tags[tier];
    if (given === undefined || Token.isUnresolved(given)) continue;
    const reserved = Object.keys(given).find((key) => RESERVED_SUBNET_TAGS.includes(key));
    if (reserved !== undefined) {
      throw new PropError(
        `network.subnetTags.${tier}.${reserved}`,
        "Name and Tier are written by the module (rename a tier with subnetNames)",
      );
    }
  }
  return { names, tags, dependsOn: [...secondary] };
}

/** A subnet's tags: the tier's extra tags, then `Name` and `Tier` (merged at plan when the extras are a reference). */
function subnetTagsOf(options: SubnetOptions, tier: SubnetTier, name: string): Record<string, string> {
  const own = { Name: name, Tier: tier };
  const extra = options.tags[tier];
  if (extra === undefined) return own;
  if (Token.isUnresolved(extra))
    return Token.asAny(Fn.merge([extra, own])) as unknown as Record<string, string>;
  return { ...extra, ...own };
}

/** Checks the secondary ranges: each a /16–/28 block, overlapping neither the primary nor another. */
export function checkSecondaryCidrs(primary: string, secondary: readonly string[]): void {
  const vpc = parseCidr(primary);
  const seen: { text: string; cidr: Cidr }[] = vpc ? [{ text: `the VPC's range ${primary}`, cidr: vpc }] : [];
  secondary.forEach((text, i) => {
    const field = `network.secondaryCidrs[${i}]`;
    if (Token.isUnresolved(text)) return;
    const cidr = parseCidr(text);
    if (!cidr || cidr.prefix < SECONDARY_PREFIX.min || cidr.prefix > SECONDARY_PREFIX.max) {
      throw new PropError(field, `"${text}" ${SECONDARY_CIDR_RULE}`);
    }
    const clash = seen.find((s) => cidrsOverlap(s.cidr, cidr));
    if (clash) throw new PropError(field, `"${text}" overlaps ${clash.text}: ${SECONDARY_CIDR_RULE}`);
    seen.push({ text, cidr });
  });
}

/**
 * Lets VPC Flow Logs (through CloudWatch Logs' log delivery) write this account's flow logs into
 * `bucket`: `s3:PutObject` under `AWSLogs/<account>/` and `s3:GetBucketAcl`, only for deliveries
 * from this account's log sources.
 */
export function allowFlowLogDelivery(bucket: Bucket, naming: Naming): void {
  const conditions = {
    StringEquals: { "aws:SourceAccount": naming.accountId },
    ArnLike: { "aws:SourceArn": `arn:aws:logs:${naming.region}:${naming.accountId}:*` },
  };
  bucket.addToResourcePolicy({
    sid: "FlowLogDeliveryWrite",
    principal: { Service: "delivery.logs.amazonaws.com" },
    actions: ["s3:PutObject"],
    resources: [`${bucket.bucketArn}/AWSLogs/${naming.accountId}/*`],
    conditions: {
      ...conditions,
      StringEquals: { ...conditions.StringEquals, "s3:x-amz-acl": "bucket-owner-full-control" },
    },
  });
  bucket.addToResourcePolicy({
    sid: "FlowLogDeliveryAclCheck",
    principal: { Service: "delivery.logs.amazonaws.com" },
    actions: ["s3:GetBucketAcl"],
    resources: [bucket.bucketArn],
    conditions,
  });
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
  secondaryCidrs: readonly string[] = [],
): Record<SubnetTier, string[]> {
  const vpc = parseCidr(vpcCidr);
  const secondary = secondaryCidrs.map(parseCidr).filter((c): c is Cidr => c !== undefined);
  const ranges = [vpcCidr, ...secondaryCidrs].join(", ");
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
      const inside = cidr && [vpc, ...secondary].some((r) => cidrContains(r, cidr));
      if (!cidr || !inside || cidr.prefix > SUBNET_PREFIX_MAX) {
        throw new PropError(field, `"${text}" ${SUBNET_CIDR_RULE} (${ranges})`);
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
