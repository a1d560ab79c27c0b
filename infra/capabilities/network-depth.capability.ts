import { Network } from "@aws-platform-kit/modules/network";
import { expect } from "vitest";
import { vpceEndpointSg } from "../policy/rules/vpce-endpoint-sg.js";
import type { Capability } from "./capability.js";

/**
 * A network with every opt-in part of issue 18: interface and gateway endpoints, dual-stack IPv6,
 * flow logs to CloudWatch and to S3 (Parquet), tier names and tags, a secondary range. No NAT.
 */
export const capability: Capability = {
  id: "network-depth",
  title:
    "network: interface/gateway endpoints, IPv6, flow logs to S3, subnet names and tags, secondary range",
  build(scope, { naming }) {
    new Network(scope, "network", {
      naming,
      cidr: "10.91.0.0/16",
      availabilityZones: ["us-east-1a", "us-east-1b"],
      natMode: "none",
      interfaceEndpoints: ["ecr.api", "logs"],
      gatewayEndpoints: ["s3", "dynamodb"],
      ipv6: true,
      secondaryCidrs: ["100.64.0.0/20"],
      subnetCidrs: { private: ["100.64.0.0/21", "100.64.8.0/21"] },
      subnetNames: { private: "app" },
      subnetTags: { public: { "kubernetes.io/role/elb": "1" } },
      flowLogs: { destination: "both", retentionDays: 30 },
    });
  },
  check({ resourcesOf, model }) {
    const endpoints = resourcesOf("aws_vpc_endpoint", "network-depth");
    const interfaces = endpoints.filter((e) => e.values.vpc_endpoint_type === "Interface");
    expect(interfaces.map((e) => e.values.service_name).sort()).toEqual([
      "com.amazonaws.us-east-1.ecr.api",
      "com.amazonaws.us-east-1.logs",
    ]);
    for (const e of interfaces) expect(e.values.private_dns_enabled).toBe(true);
    expect(
      endpoints.filter((e) => e.values.vpc_endpoint_type === "Gateway").map((e) => e.values.service_name),
    ).toEqual(expect.arrayContaining(["com.amazonaws.us-east-1.s3", "com.amazonaws.us-east-1.dynamodb"]));
    // The endpoint rule passes each one outright (not merely "unverified").
    for (const e of interfaces) expect(vpceEndpointSg.check(e, model), e.address).toEqual({ status: "pass" });
    const ingress = resourcesOf("aws_vpc_security_group_ingress_rule", "network-depth");
    expect(ingress.map((r) => [r.values.cidr_ipv4, r.values.from_port]).sort()).toEqual([
      ["10.91.0.0/16", 443],
      ["100.64.0.0/20", 443],
    ]);

    const [vpc] = resourcesOf("aws_vpc", "network-depth");
    expect(vpc?.values.assign_generated_ipv6_cidr_block).toBe(true);
    expect(resourcesOf("aws_egress_only_internet_gateway", "network-depth")).toHaveLength(1);
    const ipv6Routes = resourcesOf("aws_route", "network-depth").filter(
      (r) => r.values.destination_ipv6_cidr_block === "::/0",
    );
    expect(ipv6Routes).toHaveLength(3);
    const subnets = resourcesOf("aws_subnet", "network-depth");
    const tags = (s: (typeof subnets)[number]) => s.values.tags as Record<string, string>;
    expect(
      subnets.filter((s) => tags(s).Tier === "private").map((s) => [s.values.cidr_block, tags(s).Name]),
    ).toEqual([
      ["100.64.0.0/21", "acme-cap-app-a"],
      ["100.64.8.0/21", "acme-cap-app-b"],
    ]);
    for (const s of subnets) {
      expect(s.values.assign_ipv6_address_on_creation).toBe(tags(s).Tier !== "database");
      expect(tags(s)["kubernetes.io/role/elb"]).toBe(tags(s).Tier === "public" ? "1" : undefined);
    }
    expect(resourcesOf("aws_vpc_ipv4_cidr_block_association", "network-depth")[0]?.values.cidr_block).toBe(
      "100.64.0.0/20",
    );

    const flowLogs = resourcesOf("aws_flow_log", "network-depth");
    expect(flowLogs.map((f) => f.values.log_destination_type).sort()).toEqual(["cloud-watch-logs", "s3"]);
    expect(flowLogs.find((f) => f.values.log_destination_type === "s3")?.values.destination_options).toEqual([
      { file_format: "parquet", hive_compatible_partitions: true, per_hour_partition: true },
    ]);
  },
};
