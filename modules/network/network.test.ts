import { TerraformVariable } from "cdktf";
import { describe, expect, test } from "vitest";
import { policy, type ResourceConfig, synthesise, testNaming } from "../testing/synthesised.js";
import {
  CIDR_RULE,
  NAT_MODE_RULE,
  type NatMode,
  Network,
  SUBNET_CIDR_RULE,
  subnetLayout,
} from "./network.js";

const azs = ["us-east-1a", "us-east-1b", "us-east-1c"];

const boundaryArn = "arn:aws:iam::123456789012:policy/acme-bootstrap-workload-boundary";

function build(natMode: NatMode, permissionsBoundaryArn?: string) {
  return synthesise((scope) => {
    new Network(scope, "net", {
      naming: testNaming,
      cidr: "10.0.0.0/16",
      availabilityZones: azs,
      natMode,
      flowLogs: { retentionDays: 14 },
      permissionsBoundaryArn,
    });
  });
}

// Three small synths for the whole file: one per NAT mode (one of them with a permissions boundary).
const perAz = build("perAz");
const single = build("single");
const none = build("none", boundaryArn);

/** The NAT gateway reference a route table's default route points at, or undefined. */
function defaultRouteTarget(s: ReturnType<typeof build>, routeTableRef: string): ResourceConfig | undefined {
  return s
    .list("aws_route")
    .find((r) => r.route_table_id === routeTableRef && r.destination_cidr_block === "0.0.0.0/0");
}

function privateRouteTables(s: ReturnType<typeof build>): string[] {
  return Object.entries(s.resources("aws_route_table"))
    .filter(([, rt]) => (rt.tags as Record<string, string>).Tier === "private")
    .map(([name]) => `\${aws_route_table.${name}.id}`);
}

describe("subnets", () => {
  test("every tier has one subnet per AZ, in that AZ, with literal CIDRs", () => {
    const subnets = perAz.list("aws_subnet");
    expect(subnets).toHaveLength(9);
    for (const tier of ["public", "private", "database"]) {
      const ofTier = subnets.filter((s) => (s.tags as Record<string, string>).Tier === tier);
      expect(ofTier.map((s) => s.availability_zone)).toEqual(azs);
      for (const s of ofTier) expect(s.cidr_block).toMatch(/^10\.0\.\d+\.\d+\/\d+$/);
    }
  });

  test("no subnet hands out public IPs on launch", () => {
    for (const s of perAz.list("aws_subnet")) expect(s.map_public_ip_on_launch).toBe(false);
  });

  test("the computed layout: private an eighth of the VPC per AZ, public and database a 64th", () => {
    expect(subnetLayout("10.0.0.0/16", 3)).toEqual({
      private: ["10.0.0.0/19", "10.0.32.0/19", "10.0.64.0/19"],
      public: ["10.0.192.0/22", "10.0.196.0/22", "10.0.200.0/22"],
      database: ["10.0.224.0/22", "10.0.228.0/22", "10.0.232.0/22"],
    });
  });

  test("explicit subnet ranges are used as given", () => {
    const layout = subnetLayout("10.0.0.0/16", 2, { public: ["10.0.250.0/24", "10.0.251.0/24"] });
    expect(layout.public).toEqual(["10.0.250.0/24", "10.0.251.0/24"]);
  });

  test.each([
    [
      { public: ["10.1.0.0/24", "10.0.1.0/24"] },
      `network.subnetCidrs.public[0]: "10.1.0.0/24" ${SUBNET_CIDR_RULE} (10.0.0.0/16)`,
    ],
    [{ public: ["10.0.0.0/24"] }, "network.subnetCidrs.public: 1 ranges for 2 availability zones"],
    [
      { public: ["10.0.0.0/19", "10.0.64.0/24"] },
      "network.subnetCidrs.public[0]: 10.0.0.0/19 overlaps private[0] 10.0.0.0/19",
    ],
    [{ database: ["10.0.1.0/29", "10.0.2.0/24"] }, `"10.0.1.0/29" ${SUBNET_CIDR_RULE}`],
  ])("a bad explicit layout is rejected naming the field: %j", (subnetCidrs, message) => {
    expect(() => subnetLayout("10.0.0.0/16", 2, subnetCidrs)).toThrow(message);
  });

  test.each([
    ["10.0.0.0/33", `"10.0.0.0/33" ${CIDR_RULE}`],
    ["10.0.0.1/16", `"10.0.0.1/16" ${CIDR_RULE}`],
    ["10.0.0.0/24", `"10.0.0.0/24" is /24: ${CIDR_RULE}`],
    ["10.0.0.0/8", `"10.0.0.0/8" is /8: ${CIDR_RULE}`],
  ])("VPC range %s is rejected", (cidr, message) => {
    expect(() => subnetLayout(cidr, 2)).toThrow(`network.cidr: `);
    expect(() => subnetLayout(cidr, 2)).toThrow(message);
  });
});

describe("NAT modes", () => {
  test("perAz: one NAT gateway and EIP per AZ, each in its AZ's public subnet", () => {
    const nats = perAz.resources("aws_nat_gateway");
    expect(Object.keys(nats)).toHaveLength(3);
    expect(perAz.list("aws_eip")).toHaveLength(3);
    const publicSubnets = Object.entries(perAz.resources("aws_subnet")).filter(
      ([, s]) => (s.tags as Record<string, string>).Tier === "public",
    );
    const natSubnets = Object.values(nats).map((n) => n.subnet_id);
    expect(natSubnets).toEqual(publicSubnets.map(([name]) => `\${aws_subnet.${name}.id}`));
  });

  test("perAz: each private route table routes to its own AZ's NAT gateway", () => {
    const tables = privateRouteTables(perAz);
    expect(tables).toHaveLength(3);
    const natNames = Object.keys(perAz.resources("aws_nat_gateway"));
    tables.forEach((table, i) => {
      const route = defaultRouteTarget(perAz, table);
      expect(route?.nat_gateway_id).toBe(`\${aws_nat_gateway.${natNames[i]}.id}`);
      expect(table).toContain(azs[i]);
      expect(natNames[i]).toContain(azs[i]);
    });
  });

  test("single: one NAT gateway, every private route table routes to it", () => {
    const natNames = Object.keys(single.resources("aws_nat_gateway"));
    expect(natNames).toHaveLength(1);
    for (const table of privateRouteTables(single)) {
      expect(defaultRouteTarget(single, table)?.nat_gateway_id).toBe(`\${aws_nat_gateway.${natNames[0]}.id}`);
    }
  });

  test("none: no NAT gateway, no EIP, and no default route out of private subnets", () => {
    expect(none.list("aws_nat_gateway")).toHaveLength(0);
    expect(none.list("aws_eip")).toHaveLength(0);
    const tables = privateRouteTables(none);
    expect(tables).toHaveLength(3);
    for (const table of tables) expect(defaultRouteTarget(none, table)).toBeUndefined();
  });

  test("private route tables exist in every mode, so switching modes never replaces them", () => {
    expect(privateRouteTables(none)).toEqual(privateRouteTables(perAz));
  });
});

describe("routing", () => {
  test("public subnets route to the internet gateway", () => {
    const publicRt = Object.entries(perAz.resources("aws_route_table")).find(
      ([, rt]) => (rt.tags as Record<string, string>).Tier === "public",
    );
    const route = defaultRouteTarget(perAz, `\${aws_route_table.${publicRt?.[0]}.id}`);
    expect(route?.gateway_id).toMatch(/^\$\{aws_internet_gateway\./);
  });

  test("the database route table has no route out of the VPC", () => {
    const [name] = Object.entries(perAz.resources("aws_route_table")).find(
      ([, rt]) => (rt.tags as Record<string, string>).Tier === "database",
    ) as [string, ResourceConfig];
    expect(defaultRouteTarget(perAz, `\${aws_route_table.${name}.id}`)).toBeUndefined();
    expect(perAz.list("aws_route").filter((r) => String(r.route_table_id).includes(name))).toHaveLength(0);
  });

  test("every subnet is associated with exactly one route table", () => {
    const associated = perAz.list("aws_route_table_association").map((a) => a.subnet_id);
    expect(new Set(associated).size).toBe(9);
    expect(associated).toHaveLength(9);
  });

  test("an S3 gateway endpoint serves the public and private route tables", () => {
    const endpoint = perAz.only("aws_vpc_endpoint");
    expect(endpoint.vpc_endpoint_type).toBe("Gateway");
    expect(endpoint.service_name).toBe("com.amazonaws.us-east-1.s3");
    expect(endpoint.route_table_ids).toHaveLength(4);
  });
});

describe("guard rails", () => {
  test("the default security group is emptied: no ingress, no egress", () => {
    const sg = perAz.only("aws_default_security_group");
    expect(sg.ingress).toEqual([]);
    expect(sg.egress).toEqual([]);
  });

  test("flow logs capture all traffic into a log group with the configured retention", () => {
    const flowLog = perAz.only("aws_flow_log");
    expect(flowLog.traffic_type).toBe("ALL");
    expect(flowLog.log_destination_type).toBe("cloud-watch-logs");
    expect(perAz.only("aws_cloudwatch_log_group").retention_in_days).toBe(14);
  });

  test("the flow-log role can be assumed only by VPC Flow Logs for this account, and writes only its group", () => {
    const trust = policy(perAz.only("aws_iam_role").assume_role_policy);
    expect(trust.Statement).toEqual([
      expect.objectContaining({
        Principal: { Service: "vpc-flow-logs.amazonaws.com" },
        Condition: {
          StringEquals: { "aws:SourceAccount": "123456789012" },
          ArnLike: { "aws:SourceArn": "arn:aws:ec2:us-east-1:123456789012:vpc-flow-log/*" },
        },
      }),
    ]);
    const statements = policy(perAz.only("aws_iam_role_policy").policy).Statement;
    for (const s of statements) {
      for (const resource of [s.Resource].flat()) expect(resource).toMatch(/^\$\{aws_cloudwatch_log_group\./);
    }
  });

  test("the flow-log role has no permissions boundary unless one is given", () => {
    expect(perAz.only("aws_iam_role").permissions_boundary).toBeUndefined();
  });

  test("permissionsBoundaryArn is the flow-log role's permissions boundary", () => {
    expect(none.only("aws_iam_role").permissions_boundary).toBe(boundaryArn);
  });

  test("a permissions boundary that is not a policy ARN is rejected at synth", () => {
    expect(() =>
      synthesise((scope) => {
        new Network(scope, "net", {
          naming: testNaming,
          cidr: "10.0.0.0/16",
          availabilityZones: azs,
          permissionsBoundaryArn: "arn:aws:iam::123456789012:role/acme-boundary",
        });
      }),
    ).toThrow("network.permissionsBoundaryArn:");
  });

  test("a retention CloudWatch does not accept is rejected at synth", () => {
    expect(() =>
      synthesise((scope) => {
        new Network(scope, "net", {
          naming: testNaming,
          cidr: "10.0.0.0/16",
          availabilityZones: azs,
          flowLogs: { retentionDays: 10 },
        });
      }),
    ).toThrow("network.flowLogs.retentionDays: 10 is not a CloudWatch Logs retention period");
  });
});

describe("zones, range and NAT mode known only at plan (a Terraform module's variables)", () => {
  const atPlan = synthesise((scope) => {
    const zones = new TerraformVariable(scope, "zones", { type: "list(string)" });
    const mode = new TerraformVariable(scope, "mode", { type: "string" });
    const range = new TerraformVariable(scope, "range", { type: "string" });
    new Network(scope, "net", {
      naming: testNaming,
      cidr: range.stringValue,
      availabilityZones: zones.listValue,
      natMode: mode.stringValue as NatMode,
    });
  });

  test("per-zone resources are one resource each, for_each over the zones", () => {
    for (const type of ["aws_subnet", "aws_route_table_association"]) {
      for (const resource of atPlan.list(type)) {
        expect(resource.for_each).toBe(
          `\${zipmap(slice(var.zones, 0, length(var.zones)), range(0, length(var.zones), 1))}`,
        );
      }
    }
    expect(atPlan.list("aws_subnet")).toHaveLength(3);
    expect(
      atPlan
        .list("aws_subnet")
        .map((s) => (s.tags as Record<string, string>).Tier)
        .sort(),
    ).toEqual(["database", "private", "public"]);
  });

  test("subnet ranges follow the same layout as at synth, written as cidrsubnet", () => {
    const cidrs = atPlan.list("aws_subnet").map((s) => s.cidr_block);
    expect(cidrs).toContain(`\${cidrsubnet(var.range, 3, (0 + each.value))}`);
    expect(cidrs).toContain(`\${cidrsubnet(var.range, 6, (48 + each.value))}`);
    expect(cidrs).toContain(`\${cidrsubnet(var.range, 6, (56 + each.value))}`);
  });

  test("NAT gateways: one per zone (perAz), the first zone's (single) or none, decided by the mode", () => {
    const nat = atPlan.only("aws_nat_gateway");
    expect(nat.for_each).toContain(
      '(var.mode == "perAz") ? length(var.zones) : (var.mode == "single") ? 1 : 0',
    );
    const route = atPlan
      .list("aws_route")
      .find((r) => String(r.nat_gateway_id ?? "").includes("aws_nat_gateway")) as ResourceConfig;
    expect(route.nat_gateway_id).toMatch(
      /\[\(var\.mode == "perAz"\) \? each\.key : element\(var\.zones, 0\)\]\.id\}$/,
    );
  });

  test("subnet ids by tier are the instances' ids; the S3 endpoint serves the public and every private table", () => {
    const endpoint = atPlan.only("aws_vpc_endpoint");
    expect(String(endpoint.route_table_ids)).toMatch(
      /^\$\{concat\(\[aws_route_table\.[^\]]+\.id\], values\(aws_route_table\./,
    );
  });

  test("a literal natMode that is not a mode is refused, with the rule's words", () => {
    expect(() =>
      synthesise((scope) => {
        new Network(scope, "net", {
          naming: testNaming,
          cidr: "10.0.0.0/16",
          availabilityZones: azs,
          natMode: "everywhere" as NatMode,
        });
      }),
    ).toThrow(`network.natMode: "everywhere" ${NAT_MODE_RULE}`);
  });

  test("a zone listed twice is refused", () => {
    expect(() =>
      synthesise((scope) => {
        new Network(scope, "net", {
          naming: testNaming,
          cidr: "10.0.0.0/16",
          availabilityZones: ["us-east-1a", "us-east-1a"],
        });
      }),
    ).toThrow('network.availabilityZones: "us-east-1a" is listed twice');
  });
});
