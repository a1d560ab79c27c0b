/**
 * The network module from HCL (issue 17): the example plans offline with the real provider, the
 * policy rules pass on it, NAT and subnets follow `nat_mode` and `availability_zones`, and a wrong
 * value fails the plan with the variable's own message.
 */
import { describe, expect, test } from "vitest";
import { exampleSuite, plannedOfType, plannedResources, policyOf } from "./example-plan.js";

const CASES = {
  default: {},
  perAz: { nat_mode: "per_az" },
  none: { nat_mode: "none" },
  threeZones: { availability_zones: ["eu-west-1a", "eu-west-1b", "eu-west-1c"], nat_mode: "per_az" },
  // Terraform checks every variable before planning: one plan reports each wrong value.
  wrong: { nat_mode: "everywhere", cidr: "10.0.0.0/8", availability_zones: ["eu-west-1a"] },
  overlapping: { public_subnets: ["10.40.0.0/24", "10.40.1.0/24"] },
  endpoints: {
    nat_mode: "none",
    interface_endpoints: ["logs", "ecr.api"],
    secondary_cidrs: ["100.64.0.0/20"],
    public_subnet_tags: { "kubernetes.io/role/elb": "1" },
  },
  wrongEndpoints: {
    interface_endpoints: ["com.amazonaws.eu-west-1.logs"],
    secondary_cidrs: ["10.40.128.0/20"],
    private_subnet_tags: { Name: "mine" },
  },
} as const;

const { example, planOf } = exampleSuite("network", CASES);

describe("network example plans offline", () => {
  test("terraform validate finds nothing to report", () => {
    expect(example().validation).toEqual([]);
  });

  test("with only the required variables (and the example's own), it plans", () => {
    expect(planOf("default").errors).toEqual([]);
    expect(planOf("default").ok).toBe(true);
  });

  test("the policy rules pass on the plan", () => {
    for (const name of ["default", "perAz", "threeZones", "endpoints"] as const) {
      const violations = policyOf(planOf(name)).findings.filter((f) => f.status === "violation");
      expect(
        violations.map((f) => `${f.rule} ${f.address}: ${f.message}`),
        name,
      ).toEqual([]);
    }
  });
});

describe("shape follows the variables", () => {
  test.each([
    ["default", 1],
    ["perAz", 2],
    ["none", 0],
    ["threeZones", 3],
  ] as const)("%s: %i NAT gateways and as many Elastic IPs", (name, count) => {
    expect(plannedOfType(planOf(name), "aws_nat_gateway")).toHaveLength(count);
    expect(plannedOfType(planOf(name), "aws_eip")).toHaveLength(count);
  });

  test("two zones: two subnets per tier; three zones: three", () => {
    expect(plannedOfType(planOf("default"), "aws_subnet")).toHaveLength(6);
    const three = plannedOfType(planOf("threeZones"), "aws_subnet");
    expect(three).toHaveLength(9);
    for (const zone of ["eu-west-1a", "eu-west-1b", "eu-west-1c"]) {
      expect(three.filter((address) => address.endsWith(`["${zone}"]`))).toHaveLength(3);
    }
  });

  test("none: the private route tables are kept (one per zone), so switching mode never replaces them", () => {
    expect(plannedOfType(planOf("none"), "aws_route_table")).toHaveLength(4);
  });

  test("single and perAz: every private route table has a default route (none: no such route)", () => {
    const privateRoutes = (name: keyof typeof CASES) =>
      plannedOfType(planOf(name), "aws_route").filter((address) => address.includes("private-default-route"));
    expect(privateRoutes("default")).toHaveLength(2);
    expect(privateRoutes("perAz")).toHaveLength(2);
    expect(privateRoutes("threeZones")).toHaveLength(3);
    expect(privateRoutes("none")).toHaveLength(0);
  });
});

describe("interface endpoints, secondary ranges and subnet tags", () => {
  test("no interface endpoint: no endpoint security group and no rule either", () => {
    expect(plannedOfType(planOf("default"), "aws_vpc_endpoint")).toHaveLength(1);
    expect(plannedOfType(planOf("default"), "aws_security_group")).toHaveLength(0);
    expect(plannedOfType(planOf("default"), "aws_vpc_security_group_ingress_rule")).toHaveLength(0);
  });

  test("one endpoint per name behind one group admitting HTTPS from the VPC; the secondary range is associated", () => {
    const endpoints = plannedResources(planOf("endpoints"), "aws_vpc_endpoint");
    expect(
      endpoints
        .filter((e) => e.after.vpc_endpoint_type === "Interface")
        .map((e) => e.after.service_name)
        .sort(),
    ).toEqual([
      expect.stringMatching(/^com\.amazonaws\.[a-z0-9-]+\.ecr\.api$/),
      expect.stringMatching(/^com\.amazonaws\.[a-z0-9-]+\.logs$/),
    ]);
    expect(plannedOfType(planOf("endpoints"), "aws_security_group")).toHaveLength(1);
    const [ingress] = plannedResources(planOf("endpoints"), "aws_vpc_security_group_ingress_rule");
    expect([ingress?.after.cidr_ipv4, ingress?.after.from_port, ingress?.after.to_port]).toEqual([
      "10.40.0.0/16",
      443,
      443,
    ]);
    const [association] = plannedResources(planOf("endpoints"), "aws_vpc_ipv4_cidr_block_association");
    expect(association?.after.cidr_block).toBe("100.64.0.0/20");
  });

  test("extra tags land on their tier's subnets only", () => {
    for (const subnet of plannedResources(planOf("endpoints"), "aws_subnet")) {
      const tags = subnet.after.tags as Record<string, string>;
      expect(tags["kubernetes.io/role/elb"]).toBe(tags.Tier === "public" ? "1" : undefined);
    }
  });

  test.each([
    "interface_endpoints: each must be a service's short name",
    "secondary_cidrs: each must be an IPv4 CIDR block from /16 to /28",
    "private_subnet_tags: Name and Tier are written by the module",
  ])("%s", (message) => {
    const result = planOf("wrongEndpoints");
    expect(result.ok).toBe(false);
    expect(result.errors.join("\n")).toContain(message);
  });
});

describe("a wrong value fails the plan naming the variable", () => {
  test.each([
    'nat_mode: must be one of "none", "single", "per_az"',
    "cidr: must be an IPv4 CIDR block from /16 to /21",
    "availability_zones: use 2 to 6 distinct availability zones",
  ])("%s", (message) => {
    const result = planOf("wrong");
    expect(result.ok).toBe(false);
    expect(result.errors.join("\n")).toContain("Invalid value for variable");
    expect(result.errors.join("\n")).toContain(message);
  });

  test("subnet ranges that overlap (here public inside the computed private range) fail before anything is created", () => {
    const result = planOf("overlapping");
    expect(result.ok).toBe(false);
    expect(result.errors.join("\n")).toContain(
      "public_subnets, private_subnets, database_subnets: ranges must not overlap one another",
    );
  });
});
