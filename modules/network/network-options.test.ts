/** The network's opt-in parts: endpoints, IPv6, flow logs to S3, subnet names and tags, secondary ranges. */
import { describe, expect, test } from "vitest";
import { Bucket } from "../storage/bucket.js";
import { policy, type ResourceConfig, synthesise, testNaming } from "../testing/synthesised.js";
import { COMMON_INTERFACE_ENDPOINTS, INTERFACE_ENDPOINT_RULE } from "./endpoints.js";
import {
  Network,
  type NetworkProps,
  SECONDARY_CIDR_RULE,
  SUBNET_CIDR_RULE,
  subnetLayout,
} from "./network.js";

const azs = ["us-east-1a", "us-east-1b"];

function build(extra: Partial<NetworkProps>) {
  return synthesise((scope) => {
    new Network(scope, "net", {
      naming: testNaming,
      cidr: "10.0.0.0/16",
      availabilityZones: azs,
      natMode: "none",
      ...extra,
    });
  });
}

function refuses(extra: Partial<NetworkProps>): () => void {
  return () => build(extra);
}

const plain = build({});
const full = build({
  interfaceEndpoints: COMMON_INTERFACE_ENDPOINTS,
  gatewayEndpoints: ["s3", "dynamodb"],
  ipv6: true,
  secondaryCidrs: ["100.64.0.0/16"],
  subnetCidrs: { private: ["100.64.0.0/18", "100.64.64.0/18"] },
  subnetTags: { public: { "kubernetes.io/role/elb": "1" } },
  subnetNames: { private: "app", database: "data" },
  flowLogs: { destination: "both", retentionDays: 90 },
});

const tagsOf = (r: ResourceConfig) => r.tags as Record<string, string>;

describe("defaults stay as they were", () => {
  test("no interface endpoint, no endpoint security group, no IPv6, no secondary range, one flow log to CloudWatch", () => {
    expect(plain.list("aws_vpc_endpoint")).toHaveLength(1);
    expect(plain.list("aws_security_group")).toHaveLength(0);
    expect(plain.list("aws_egress_only_internet_gateway")).toHaveLength(0);
    expect(plain.list("aws_vpc_ipv4_cidr_block_association")).toHaveLength(0);
    expect(plain.only("aws_vpc").assign_generated_ipv6_cidr_block).toBeUndefined();
    for (const s of plain.list("aws_subnet")) {
      expect(s.ipv6_cidr_block).toBeUndefined();
      expect(s.depends_on).toBeUndefined();
    }
    expect(plain.only("aws_flow_log").log_destination_type).toBe("cloud-watch-logs");
    expect(plain.list("aws_s3_bucket")).toHaveLength(0);
  });
});

describe("interface endpoints", () => {
  const interfaces = () => full.list("aws_vpc_endpoint").filter((e) => e.vpc_endpoint_type === "Interface");

  test("one per name, com.amazonaws.<region>.<name>, private DNS on, in every private subnet, behind the endpoint group", () => {
    expect(interfaces().map((e) => e.service_name)).toEqual(
      COMMON_INTERFACE_ENDPOINTS.map((n) => `com.amazonaws.us-east-1.${n}`).sort(),
    );
    const privateSubnets = Object.entries(full.resources("aws_subnet"))
      .filter(([, s]) => tagsOf(s).Tier === "private")
      .map(([name]) => `\${aws_subnet.${name}.id}`);
    expect(privateSubnets).toHaveLength(2);
    const [groupName] = Object.keys(full.resources("aws_security_group"));
    for (const endpoint of interfaces()) {
      expect(endpoint.private_dns_enabled).toBe(true);
      expect(endpoint.subnet_ids).toEqual(privateSubnets);
      expect(endpoint.security_group_ids).toEqual([`\${aws_security_group.${groupName}.id}`]);
    }
  });

  test("the endpoint group admits HTTPS from each VPC range and nothing else, and has no egress rule", () => {
    const ingress = full.list("aws_vpc_security_group_ingress_rule");
    expect(ingress.map((r) => [r.cidr_ipv4, r.ip_protocol, r.from_port, r.to_port]).sort()).toEqual([
      ["10.0.0.0/16", "tcp", 443, 443],
      ["100.64.0.0/16", "tcp", 443, 443],
    ]);
    expect(full.list("aws_vpc_security_group_egress_rule")).toHaveLength(0);
    expect(full.only("aws_security_group").egress).toBeUndefined();
  });

  test("gateway endpoints: S3 keeps its address, DynamoDB is added on the same route tables", () => {
    const gateways = full.list("aws_vpc_endpoint").filter((e) => e.vpc_endpoint_type === "Gateway");
    expect(gateways.map((e) => e.service_name).sort()).toEqual([
      "com.amazonaws.us-east-1.dynamodb",
      "com.amazonaws.us-east-1.s3",
    ]);
    expect(gateways[1]?.route_table_ids).toEqual(gateways[0]?.route_table_ids);
    expect(Object.keys(plain.resources("aws_vpc_endpoint"))).toEqual(
      Object.keys(full.resources("aws_vpc_endpoint")).filter((k) => k.includes("s3-endpoint")),
    );
  });

  test.each([
    [{ interfaceEndpoints: ["com.amazonaws.us-east-1.logs"] }, "network.interfaceEndpoints[0]"],
    [{ interfaceEndpoints: ["ECR.api"] }, `"ECR.api" ${INTERFACE_ENDPOINT_RULE}`],
    [{ interfaceEndpoints: ["logs", "logs"] }, 'network.interfaceEndpoints: "logs" is listed twice'],
    [{ gatewayEndpoints: ["dynamodb"] }, 'network.gatewayEndpoints: must include "s3"'],
    [{ gatewayEndpoints: ["s3", "sqs"] }, "network.gatewayEndpoints[1]"],
  ] as [Partial<NetworkProps>, string][])("refuses %j", (extra, message) => {
    expect(refuses(extra)).toThrow(message);
  });
});

describe("IPv6", () => {
  test("the VPC gets an Amazon-provided /56, every subnet a /64 of it by tier and zone", () => {
    expect(full.only("aws_vpc").assign_generated_ipv6_cidr_block).toBe(true);
    const byTier = (tier: string) =>
      full
        .list("aws_subnet")
        .filter((s) => tagsOf(s).Tier === tier)
        .map((s) => [s.ipv6_cidr_block, s.assign_ipv6_address_on_creation]);
    const vpcName = Object.keys(full.resources("aws_vpc"))[0];
    const block = (n: number) => `\${cidrsubnet(aws_vpc.${vpcName}.ipv6_cidr_block, 8, ${n})}`;
    const expected = (first: number, assign: boolean) => [0, 1].map((i) => [block(first + i), assign]);
    expect(byTier("public")).toEqual(expected(0, true));
    expect(byTier("private")).toEqual(expected(8, true));
    expect(byTier("database")).toEqual(expected(16, false));
  });

  test("::/0 goes to the internet gateway from public, to an egress-only gateway from private, nowhere from database", () => {
    const ipv6Routes = full.list("aws_route").filter((r) => r.destination_ipv6_cidr_block === "::/0");
    const eigw = Object.keys(full.resources("aws_egress_only_internet_gateway"))[0];
    const igw = Object.keys(full.resources("aws_internet_gateway"))[0];
    expect(ipv6Routes.filter((r) => r.gateway_id === `\${aws_internet_gateway.${igw}.id}`)).toHaveLength(1);
    expect(
      ipv6Routes.filter(
        (r) => r.egress_only_gateway_id === `\${aws_egress_only_internet_gateway.${eigw}.id}`,
      ),
    ).toHaveLength(2);
    expect(ipv6Routes).toHaveLength(3);
    const databaseTable = Object.entries(full.resources("aws_route_table")).find(
      ([, t]) => tagsOf(t).Tier === "database",
    )?.[0];
    expect(
      full.list("aws_route").filter((r) => String(r.route_table_id).includes(`${databaseTable}.`)),
    ).toEqual([]);
  });

  test("the default security group stays closed", () => {
    expect(full.only("aws_default_security_group").ingress).toEqual([]);
    expect(full.only("aws_default_security_group").egress).toEqual([]);
  });
});

describe("subnet names, tags and secondary ranges", () => {
  test("tier names rename subnets and route tables; Tier keeps the tier; extra tags land on their tier only", () => {
    const names = full.list("aws_subnet").map((s) => [tagsOf(s).Tier, tagsOf(s).Name]);
    expect(names).toEqual(
      expect.arrayContaining([
        ["private", "acme-test-app-a"],
        ["database", "acme-test-data-b"],
        ["public", "acme-test-public-a"],
      ]),
    );
    expect(full.list("aws_route_table").map((t) => tagsOf(t).Name)).toEqual(
      expect.arrayContaining(["acme-test-app-a", "acme-test-data"]),
    );
    for (const s of full.list("aws_subnet")) {
      expect(tagsOf(s)["kubernetes.io/role/elb"]).toBe(tagsOf(s).Tier === "public" ? "1" : undefined);
    }
  });

  test("a secondary range is associated, subnets may lie in it and wait for it", () => {
    const [association] = Object.entries(full.resources("aws_vpc_ipv4_cidr_block_association"));
    expect(association?.[1].cidr_block).toBe("100.64.0.0/16");
    const privateCidrs = full
      .list("aws_subnet")
      .filter((s) => tagsOf(s).Tier === "private")
      .map((s) => [s.cidr_block, s.depends_on]);
    expect(privateCidrs).toEqual([
      ["100.64.0.0/18", [`aws_vpc_ipv4_cidr_block_association.${association?.[0]}`]],
      ["100.64.64.0/18", [`aws_vpc_ipv4_cidr_block_association.${association?.[0]}`]],
    ]);
  });

  test("an explicit range outside every VPC range is refused, naming them", () => {
    expect(() =>
      subnetLayout("10.0.0.0/16", 2, { private: ["100.65.0.0/24", "10.0.1.0/24"] }, ["100.64.0.0/16"]),
    ).toThrow(
      `network.subnetCidrs.private[0]: "100.65.0.0/24" ${SUBNET_CIDR_RULE} (10.0.0.0/16, 100.64.0.0/16)`,
    );
  });

  test.each([
    [
      { secondaryCidrs: ["10.0.128.0/17"] },
      'network.secondaryCidrs[0]: "10.0.128.0/17" overlaps the VPC\'s range 10.0.0.0/16',
    ],
    [
      { secondaryCidrs: ["100.64.0.0/16", "100.64.1.0/24"] },
      'network.secondaryCidrs[1]: "100.64.1.0/24" overlaps 100.64.0.0/16',
    ],
    [
      { secondaryCidrs: ["100.64.0.0/15"] },
      `network.secondaryCidrs[0]: "100.64.0.0/15" ${SECONDARY_CIDR_RULE}`,
    ],
    [{ subnetNames: { private: "App" } }, "network.subnetNames.private"],
    [{ subnetTags: { public: { Name: "x" } } }, "network.subnetTags.public.Name"],
  ] as [Partial<NetworkProps>, string][])("refuses %j", (extra, message) => {
    expect(refuses(extra)).toThrow(message);
  });
});

describe("flow logs to S3", () => {
  const s3Log = (s: typeof full) => s.list("aws_flow_log").find((f) => f.log_destination_type === "s3");

  test("both: CloudWatch as before, plus Parquet files with hourly Hive partitions into a bucket of the network's own", () => {
    expect(
      full
        .list("aws_flow_log")
        .map((f) => f.log_destination_type)
        .sort(),
    ).toEqual(["cloud-watch-logs", "s3"]);
    const log = s3Log(full);
    expect(log?.destination_options).toEqual({
      file_format: "parquet",
      per_hour_partition: true,
      hive_compatible_partitions: true,
    });
    expect(log?.traffic_type).toBe("ALL");
    const [bucketName] = Object.keys(full.resources("aws_s3_bucket"));
    expect(log?.log_destination).toBe(`\${aws_s3_bucket.${bucketName}.arn}`);
    expect(log?.depends_on).toEqual([expect.stringMatching(/^aws_s3_bucket_policy\./)]);
    expect(full.only("aws_s3_bucket").bucket).toBe("acme-test-flow-logs-123456789012-us-east-1");
    const rules = full.only("aws_s3_bucket_lifecycle_configuration").rule as Record<string, unknown>[];
    expect(rules.find((r) => r.id === "expire-flow-logs")?.expiration).toEqual([{ days: 90 }]);
  });

  test("the bucket policy lets only log delivery, for this account's sources, write under AWSLogs/<account>/", () => {
    const statements = policy(full.only("aws_s3_bucket_policy").policy).Statement;
    const write = statements.find((s) => s.Sid === "FlowLogDeliveryWrite");
    expect(write).toMatchObject({
      Effect: "Allow",
      Principal: { Service: "delivery.logs.amazonaws.com" },
      Action: "s3:PutObject",
      Condition: {
        StringEquals: { "aws:SourceAccount": "123456789012", "s3:x-amz-acl": "bucket-owner-full-control" },
        ArnLike: { "aws:SourceArn": "arn:aws:logs:us-east-1:123456789012:*" },
      },
    });
    expect(String(write?.Resource)).toMatch(/\.arn\}\/AWSLogs\/123456789012\/\*$/);
    expect(statements.find((s) => s.Sid === "FlowLogDeliveryAclCheck")).toMatchObject({
      Action: "s3:GetBucketAcl",
    });
  });

  test("s3 only: no log group and no role; a bucket given gets the statements, an ARN given is used as is", () => {
    const given = synthesise((scope) => {
      const bucket = new Bucket(scope, "archive", { naming: testNaming, purpose: "archive" });
      new Network(scope, "net", {
        naming: testNaming,
        cidr: "10.0.0.0/16",
        availabilityZones: azs,
        flowLogs: { destination: "s3", bucket },
      });
    });
    expect(given.list("aws_cloudwatch_log_group")).toHaveLength(0);
    expect(given.list("aws_iam_role")).toHaveLength(0);
    expect(given.only("aws_s3_bucket").bucket).toBe("acme-test-archive-123456789012-us-east-1");
    expect(policy(given.only("aws_s3_bucket_policy").policy).Statement.map((s) => s.Sid)).toContain(
      "FlowLogDeliveryWrite",
    );
    const byArn = build({ flowLogs: { destination: "s3", bucketArn: "arn:aws:s3:::central-logs" } });
    expect(byArn.list("aws_s3_bucket")).toHaveLength(0);
    expect(s3Log(byArn)?.log_destination).toBe("arn:aws:s3:::central-logs");
  });

  test.each([
    [{ flowLogs: { destination: "s3", bucketArn: "central-logs" } }, "network.flowLogs.bucketArn"],
    [{ flowLogs: { bucketArn: "arn:aws:s3:::central-logs" } }, 'destination is "cloudwatch"'],
    [{ flowLogs: { destination: "kinesis" } }, "network.flowLogs.destination"],
  ] as [Partial<NetworkProps>, string][])("refuses %j", (extra, message) => {
    expect(refuses(extra)).toThrow(message);
  });
});
