import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test } from "vitest";
import { DEFAULT_PRICE_FILE, loadPriceTable, unverifiedUsageTypes } from "./prices.js";
import { DEFAULT_USAGE_DIR, loadUsageFile } from "./usage.js";

const table = loadPriceTable();

test("every price states its region, unit, value, source and the date it was read", () => {
  for (const price of Object.values(table.prices)) {
    expect(price).toMatchObject({
      region: "us-east-1",
      source: expect.stringMatching(/^https:\/\/aws\.amazon\.com\//),
    });
    expect(price.read).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(price.usd).toBeGreaterThan(0);
  }
});

test("every price cites its AWS Price List entry: service code and a usage type of its region", () => {
  for (const price of Object.values(table.prices)) {
    expect(price.serviceCode, price.id).toMatch(/^[A-Za-z0-9]+$/);
    // us-east-1 usage types carry no prefix (EC2, ELB, RDS, S3), USE1- or us-east-1-, never another region's.
    expect(price.usageType, price.id).not.toMatch(/^(?!USE1-)[A-Z]{3}\d-|^(?!us-east-1-)[a-z]{2}-[a-z]+-\d-/);
    if (price.usageTypeVerified === false) expect(price.usageTypeNote, price.id).toBeTruthy();
  }
  const cite = (id: string) => [table.prices[id]?.serviceCode, table.prices[id]?.usageType];
  expect(cite("nat-gateway-hour")).toEqual(["AmazonEC2", "NatGateway-Hours"]);
  expect(cite("fargate-x86-vcpu-hour")).toEqual(["AmazonECS", "USE1-Fargate-vCPU-Hours:perCPU"]);
  expect(cite("cloudwatch-logs-ingest-gb")).toEqual(["AmazonCloudWatch", "USE1-DataProcessing-Bytes"]);
  expect(cite("cloudwatch-logs-ingest-ia-gb")).toEqual(["AmazonCloudWatch", "USE1-DataProcessingIA-Bytes"]);
  expect(table.prices["cloudwatch-logs-ingest-ia-gb"]?.usd).toBe(0.25);
  // The few not confirmed are marked, so a reader knows which to look up.
  expect(unverifiedUsageTypes(table).map((p) => p.id)).toContain("guardduty-rds-vcpu-month");
});

test("a price without its service code or usage type is refused, naming the price", () => {
  const raw = JSON.parse(readFileSync(DEFAULT_PRICE_FILE, "utf8"));
  delete raw.prices["alb-hour"].usageType;
  delete raw.prices["kms-key-month"].serviceCode;
  raw.prices["s3-put-1k"].usageTypeVerified = false;
  const file = join(mkdtempSync(join(tmpdir(), "prices-")), "prices.json");
  writeFileSync(file, JSON.stringify(raw));
  expect(() => loadPriceTable(file)).toThrow(/alb-hour: usageType is missing/);
  expect(() => loadPriceTable(file)).toThrow(/kms-key-month: serviceCode is missing/);
  expect(() => loadPriceTable(file)).toThrow(
    /s3-put-1k: usageTypeVerified is false: say why in usageTypeNote/,
  );
});

test("the issue's list prices are the ones in the table", () => {
  const usd = (id: string) => table.prices[id]?.usd;
  expect({
    nat: [usd("nat-gateway-hour"), usd("nat-gateway-data-gb")],
    alb: [usd("alb-hour"), usd("alb-lcu-hour")],
    ipv4: usd("public-ipv4-hour"),
    fargate: [usd("fargate-x86-vcpu-hour"), usd("fargate-x86-gb-hour")],
    rds: [usd("rds-postgres-db.t4g.micro-hour"), usd("rds-gp3-gb-month")],
    s3: usd("s3-standard-gb-month"),
    secret: usd("secrets-manager-secret-month"),
    cloudwatch: [usd("cloudwatch-alarm-month"), usd("cloudwatch-logs-ingest-gb")],
    endpoint: usd("interface-endpoint-az-hour"),
    waf: [usd("waf-web-acl-month"), usd("waf-rule-month")],
    kms: usd("kms-key-month"),
  }).toEqual({
    nat: [0.045, 0.045],
    alb: [0.0225, 0.008],
    ipv4: 0.005,
    fargate: [0.04048, 0.004445],
    rds: [0.016, 0.115],
    s3: 0.023,
    secret: 0.4,
    cloudwatch: [0.1, 0.5],
    endpoint: 0.01,
    waf: [5, 1],
    kms: 1,
  });
  expect(table.hoursPerMonth).toBe(730);
});

test("the account baseline's list prices: GuardDuty by what it analyses, KMS requests", () => {
  const usd = (id: string) => table.prices[id]?.usd;
  expect({
    guardduty: [
      usd("guardduty-cloudtrail-events-million"),
      usd("guardduty-flow-dns-logs-gb"),
      usd("guardduty-s3-data-events-million"),
      usd("guardduty-rds-vcpu-month"),
    ],
    kmsRequests: usd("kms-requests-10k"),
  }).toEqual({ guardduty: [4, 1, 0.8, 1], kmsRequests: 0.03 });
});

test("every shipped usage file gives each assumption a reason", () => {
  const files = readdirSync(DEFAULT_USAGE_DIR).filter((f) => f.endsWith(".json"));
  expect(files.sort()).toEqual(["bootstrap.json", "dev.json", "preview.json", "prod.json", "staging.json"]);
  for (const file of files) expect(() => loadUsageFile(join(DEFAULT_USAGE_DIR, file))).not.toThrow();
});
