import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test } from "vitest";
import { fixturePlan, ref } from "../../plan/plan-fixture.js";
import { modelFromPlan } from "../../plan/plan-model.js";
import { estimateStack } from "../estimate.js";

const subnets = ["a", "b", "c"].map((az) => ({
  address: `aws_subnet.private_${az}`,
  values: { cidr_block: "10.0.0.0/24", availability_zone: `us-east-1${az}` },
}));

// 100 GB of flow logs a month, from a usage file of the test's own.
const usageDir = mkdtempSync(join(tmpdir(), "network-usage-"));
writeFileSync(
  join(usageDir, "dev.json"),
  JSON.stringify({
    environment: "dev",
    description: "test",
    byType: { aws_flow_log: { delivered_gb: { value: 100, why: "test" } } },
  }),
);

function estimate(resources: Parameters<typeof fixturePlan>[0]) {
  return estimateStack(modelFromPlan("dev", fixturePlan(resources, { environment: "dev", stack: "dev" })), {
    usageDir,
  });
}

test("an interface endpoint costs $0.01 an hour in each AZ it has a subnet in", () => {
  const result = estimate([
    ...subnets,
    {
      address: "aws_vpc_endpoint.logs",
      values: {
        vpc_endpoint_type: "Interface",
        service_name: "com.amazonaws.us-east-1.logs",
        subnet_ids: subnets.map((s) => ref(`${s.address}.id`)),
      },
    },
  ]);
  const endpoint = result.resources.find((r) => r.address === "aws_vpc_endpoint.logs");
  expect(endpoint?.lines[0]).toMatchObject({
    label: "interface endpoint × 3 AZ",
    priceId: "interface-endpoint-az-hour",
    unitUsd: 0.01,
    quantity: 3 * 730,
  });
  expect(endpoint?.lines[0]?.monthlyUsd).toBeCloseTo(21.9, 6);
});

test("gateway endpoints, egress-only gateways and secondary ranges cost nothing", () => {
  const result = estimate([
    { address: "aws_vpc_endpoint.dynamodb", values: { vpc_endpoint_type: "Gateway" } },
    { address: "aws_egress_only_internet_gateway.eigw", values: { vpc_id: "vpc-1" } },
    { address: "aws_vpc_ipv4_cidr_block_association.extra", values: { cidr_block: "100.64.0.0/16" } },
  ]);
  expect(result.resources.map((r) => [r.type, r.status])).toEqual([
    ["aws_vpc_endpoint", "free"],
    ["aws_egress_only_internet_gateway", "free"],
    ["aws_vpc_ipv4_cidr_block_association", "free"],
  ]);
});

test("a flow log to S3 is billed per GB delivered and per GB converted to Parquet; one to CloudWatch through its log group", () => {
  const result = estimate([
    {
      address: "aws_flow_log.s3",
      values: {
        log_destination_type: "s3",
        destination_options: [{ file_format: "parquet", per_hour_partition: true }],
      },
    },
    { address: "aws_flow_log.cw", values: { log_destination_type: "cloud-watch-logs" } },
  ]);
  const [s3, cw] = ["aws_flow_log.s3", "aws_flow_log.cw"].map((a) =>
    result.resources.find((r) => r.address === a),
  );
  expect(s3?.lines.map((l) => [l.label, l.priceId, l.quantity, l.unitUsd])).toEqual([
    ["flow logs delivered to S3", "vended-logs-s3-gb", 100, 0.25],
    ["conversion to Parquet", "vended-logs-s3-parquet-gb", 100, 0.035],
  ]);
  expect(s3?.monthlyUsd).toBeCloseTo(28.5, 6);
  expect(cw?.status).toBe("free");
});
