import { describe, expect, test } from "vitest";
import { ConfigError, environmentInputs, loadEnvironment, parseEnvironment } from "./index.js";

const valid = environmentInputs.dev;

/** The problems `input` is rejected with as environment `name`, one line each. */
function problems(input: unknown, name = "dev"): readonly string[] {
  try {
    parseEnvironment(name, input);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error("config was accepted");
}

test("the shipped configs are valid", () => {
  for (const name of ["dev", "staging", "prod"]) expect(loadEnvironment(name).name).toBe(name);
});

describe("each kind of bad config gets one line naming the field", () => {
  test.each([
    [
      "a CIDR that is not one",
      { network: { ...valid.network, cidr: "10.0.0.0/33" } },
      'dev.network.cidr: "10.0.0.0/33" must be an IPv4 CIDR block from /16 to /21',
    ],
    [
      "a CIDR with host bits set",
      { network: { ...valid.network, cidr: "10.0.0.1/16" } },
      "dev.network.cidr:",
    ],
    [
      "a VPC too small for three tiers",
      { network: { ...valid.network, cidr: "10.0.0.0/24" } },
      'dev.network.cidr: "10.0.0.0/24" is /24: must be an IPv4 CIDR block from /16 to /21',
    ],
    [
      "an AZ outside the region",
      { availabilityZones: ["us-east-1a", "eu-west-1b"] },
      'dev.availabilityZones[1]: "eu-west-1b" is not a zone of region us-east-1',
    ],
    [
      "an AZ letter the region does not have",
      { availabilityZones: ["us-east-1a", "us-east-1z"] },
      'dev.availabilityZones[1]: "us-east-1z" does not exist; us-east-1 has us-east-1a, us-east-1b, us-east-1c, us-east-1d, us-east-1e, us-east-1f',
    ],
    [
      "an AZ listed twice",
      { availabilityZones: ["us-east-1a", "us-east-1a"] },
      'dev.availabilityZones[1]: "us-east-1a" is listed twice',
    ],
    ["a single AZ", { availabilityZones: ["us-east-1a"] }, "dev.availabilityZones: needs at least 2 zones"],
    [
      "a missing domain",
      { dns: { hostedZoneId: valid.dns.hostedZoneId } },
      "dev.dns.domain: is missing (expected string)",
    ],
    ["an empty domain", { dns: { ...valid.dns, domain: "" } }, "dev.dns.domain: is required"],
    [
      "a malformed domain",
      { dns: { ...valid.dns, domain: "Not A Domain" } },
      "dev.dns.domain: is not a lowercase DNS name",
    ],
    [
      "a bad hosted zone id",
      { dns: { ...valid.dns, hostedZoneId: "example.com" } },
      "dev.dns.hostedZoneId: is not a Route 53 hosted zone id",
    ],
    [
      "an unknown NAT mode",
      { network: { ...valid.network, natMode: "double" } },
      'dev.network.natMode: Invalid option: expected one of "none"|"single"|"perAz" (got "double")',
    ],
    ["a bad account id", { accountId: "1234" }, "dev.accountId: must be a 12-digit AWS account id"],
    ["a bad region", { region: "us-east" }, "dev.region: is not an AWS region name"],
    [
      "a retention CloudWatch does not offer",
      { logRetentionDays: 10 },
      "dev.logRetentionDays: is not a CloudWatch Logs retention period",
    ],
    [
      "an invalid Fargate size",
      { service: { ...valid.service, cpu: 256, memoryMiB: 4096 } },
      "dev.service.memoryMiB: 4096 MiB is not allowed with 256 CPU units",
    ],
    [
      "desired count above the maximum",
      { service: { ...valid.service, desiredCount: 5, maxCount: 2 } },
      "dev.service.desiredCount: must satisfy minCount ≤ desiredCount ≤ maxCount",
    ],
    [
      "PostgreSQL older than 16",
      { database: { ...valid.database, engineVersion: "14.9" } },
      "dev.database.engineVersion: must be PostgreSQL 16 or newer",
    ],
    [
      "storage ceiling below the allocation",
      { database: { ...valid.database, maxAllocatedStorageGb: 10 } },
      "dev.database.maxAllocatedStorageGb: must be at least allocatedStorageGb",
    ],
    ["a misspelt field", { databse: {} }, 'dev: unknown field "databse" (a typo?)'],
    [
      "a preview domain outside the environment's zone",
      { previews: { domain: "preview.example.org", ttlDays: 7 } },
      "dev.previews.domain: must be a subdomain of dns.domain (dev.platform.example.com)",
    ],
    [
      "a preview lifetime over 30 days",
      { previews: { domain: "pr.dev.platform.example.com", ttlDays: 90 } },
      "dev.previews.ttlDays: must be at most 30",
    ],
    [
      "a bad alarm email",
      { alarms: { ...valid.alarms, email: "nobody" } },
      "dev.alarms.email: is not an email address",
    ],
    [
      "a repeated budget threshold",
      { alarms: { ...valid.alarms, budgetThresholdsPercent: [80, 80] } },
      "dev.alarms.budgetThresholdsPercent: repeats a percentage",
    ],
    [
      "a fractional budget threshold",
      { alarms: { ...valid.alarms, budgetThresholdsPercent: [50, 99.5] } },
      "dev.alarms.budgetThresholdsPercent[1]: must be whole percentages",
    ],
    [
      "an unknown environment name inside the file",
      { name: "qa" },
      'dev.name: Invalid option: expected one of "dev"|"staging"|"prod" (got "qa")',
    ],
  ])("%s", (_kind, change, message) => {
    const lines = problems({ ...valid, ...change });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(message);
  });
});

test("several problems give one line each, so they can all be fixed in one go", () => {
  const lines = problems({
    ...valid,
    accountId: "x",
    region: "nowhere",
    dns: { domain: "", hostedZoneId: "x" },
  });
  expect(lines.map((l) => l.split(":")[0])).toEqual([
    "dev.accountId",
    "dev.region",
    "dev.dns.domain",
    "dev.dns.hostedZoneId",
  ]);
});

test("prod cannot be configured below its floor: backups, Multi-AZ, protection, two tasks, a NAT per zone", () => {
  const prod = environmentInputs.prod;
  const lines = problems(
    {
      ...prod,
      network: { ...prod.network, natMode: "single" },
      database: { ...prod.database, backupRetentionDays: 3, multiAz: false },
      service: { ...prod.service, desiredCount: 1, minCount: 1 },
      deletionProtection: false,
    },
    "prod",
  );
  expect(lines).toEqual([
    "prod.database.backupRetentionDays: must be at least 7 in prod",
    "prod.database.multiAz: must be true in prod (a standby in another zone)",
    "prod.deletionProtection: must be true in prod",
    "prod.service.desiredCount: must be at least 2 in prod (one task per zone)",
    'prod.network.natMode: must be "perAz" in prod (a NAT gateway per zone; got "single")',
  ]);
  // The same settings are fine for dev.
  expect(() =>
    parseEnvironment("dev", {
      ...valid,
      network: { ...valid.network, natMode: "single" },
      deletionProtection: false,
    }),
  ).not.toThrow();
});

test("an unknown environment name is refused with the list of known ones", () => {
  expect(() => loadEnvironment("qa")).toThrow(
    'environment: unknown environment "qa" (known: dev, staging, prod)',
  );
});

describe("service capacity, architecture and Container Insights", () => {
  const service = (extra: Record<string, unknown>) => ({ ...valid, service: { ...valid.service, ...extra } });

  test("ARM64 with any Spot is refused naming service.capacity and the limitation", () => {
    for (const capacity of ["spot", { onDemandBase: 1, onDemandWeight: 0, spotWeight: 1 }]) {
      expect(problems(service({ cpuArchitecture: "ARM64", capacity }))).toEqual([
        expect.stringMatching(
          /^dev\.service\.capacity: uses Fargate Spot, which runs only X86_64 tasks \(AWS: "Linux tasks with the ARM64 architecture don't support the Fargate Spot capacity provider"\)/,
        ),
      ]);
    }
    // ARM64 on demand, and a mix whose Spot weight is 0, are fine.
    for (const capacity of ["on-demand", { onDemandBase: 2, onDemandWeight: 1, spotWeight: 0 }]) {
      expect(() => parseEnvironment("dev", service({ cpuArchitecture: "ARM64", capacity }))).not.toThrow();
    }
  });

  test("bad values name their field", () => {
    expect(problems(service({ capacity: "cheap" }))[0]).toMatch(/^dev\.service\.capacity: /);
    expect(problems(service({ capacity: { onDemandBase: 0, onDemandWeight: 0, spotWeight: 0 } }))).toEqual([
      "dev.service.capacity: needs onDemandWeight or spotWeight above 0 (tasks above the base go nowhere otherwise)",
    ]);
    expect(problems(service({ cpuArchitecture: "arm64" }))[0]).toMatch(/^dev\.service\.cpuArchitecture: /);
    expect(problems(service({ containerInsights: "off" }))[0]).toMatch(/^dev\.service\.containerInsights: /);
  });

  test("prod keeps at least one task per zone on demand when it takes Spot", () => {
    const prod = environmentInputs.prod;
    const withCapacity = (capacity: unknown) => ({
      ...prod,
      service: { ...prod.service, cpuArchitecture: "X86_64", capacity },
    });
    expect(problems(withCapacity("spot"), "prod")).toEqual([
      "prod.service.capacity: must keep at least 2 tasks on demand in prod (onDemandBase; Spot tasks may all be reclaimed at once)",
    ]);
    expect(() =>
      parseEnvironment("prod", withCapacity({ onDemandBase: 2, onDemandWeight: 0, spotWeight: 1 })),
    ).not.toThrow();
  });

  test("the shipped configs: dev on Spot (X86_64), staging and prod on ARM64 on demand; Container Insights in prod only", () => {
    expect(loadEnvironment("dev").service).toMatchObject({
      capacity: "spot",
      cpuArchitecture: "X86_64",
      containerInsights: "disabled",
    });
    for (const [name, containerInsights] of [
      ["staging", "disabled"],
      ["prod", "enabled"],
    ] as const) {
      expect(loadEnvironment(name).service).toMatchObject({
        capacity: "on-demand",
        cpuArchitecture: "ARM64",
        containerInsights,
      });
    }
  });
});

describe("service.compute: Fargate or EC2 container instances", () => {
  const staging = environmentInputs.staging;
  const ec2 = {
    imageId: "ami-0123456789abcdef0",
    instanceType: "t4g.small",
    minInstances: 1,
    maxInstances: 2,
  };
  /** staging (NAT, ARM64 on demand) switched to EC2, with `extra` over its service. */
  const onEc2 = (extra: Record<string, unknown> = {}, top: Record<string, unknown> = {}) => ({
    ...staging,
    ...top,
    service: { ...staging.service, compute: "ec2", ec2, ...extra },
  });

  test("a config on EC2 is accepted; the shipped ones stay on Fargate", () => {
    expect(parseEnvironment("staging", onEc2()).service).toMatchObject({ compute: "ec2", ec2 });
    for (const name of ["dev", "staging", "prod"])
      expect(loadEnvironment(name).service.compute).toBeUndefined();
  });

  test("EC2 without its instances, or instances without EC2, name service.ec2", () => {
    expect(problems(onEc2({ ec2: undefined }), "staging")).toEqual([
      'staging.service.ec2: is required when service.compute is "ec2" (imageId, instanceType, minInstances, maxInstances)',
    ]);
    expect(problems({ ...staging, service: { ...staging.service, ec2 } }, "staging")).toEqual([
      'staging.service.ec2: applies only with service.compute "ec2"',
    ]);
  });

  test("bad instance settings name their field", () => {
    expect(
      problems(onEc2({ ec2: { ...ec2, imageId: "/aws/service/ecs/optimized-ami" } }), "staging"),
    ).toEqual([
      expect.stringMatching(
        /^staging\.service\.ec2\.imageId: must be an AMI id such as ami-0123456789abcdef0/,
      ),
    ]);
    expect(problems(onEc2({ ec2: { ...ec2, instanceType: "small" } }), "staging")).toEqual([
      'staging.service.ec2.instanceType: is not an EC2 instance type such as t4g.small (got "small")',
    ]);
    expect(problems(onEc2({ ec2: { ...ec2, minInstances: 3, maxInstances: 2 } }), "staging")).toEqual([
      "staging.service.ec2.maxInstances: must be at least minInstances (3)",
    ]);
    expect(problems(onEc2({ ec2: { ...ec2, rootVolumeGb: 8 } }), "staging")[0]).toMatch(
      /^staging\.service\.ec2\.rootVolumeGb: must be at least 30/,
    );
    expect(problems(onEc2({ ec2: { ...ec2, keyName: "mine" } }), "staging")).toEqual([
      'staging.service.ec2: unknown field "keyName" (a typo?)',
    ]);
  });

  test("the instance type's architecture must be the tasks'", () => {
    expect(problems(onEc2({ ec2: { ...ec2, instanceType: "t3.small" } }), "staging")).toEqual([
      'staging.service.ec2.instanceType: "t3.small" is X86_64 but service.cpuArchitecture is ARM64; the instances, their image and the tasks must share one architecture',
    ]);
    expect(() =>
      parseEnvironment(
        "staging",
        onEc2({ cpuArchitecture: "X86_64", ec2: { ...ec2, instanceType: "t3.small" } }),
      ),
    ).not.toThrow();
  });

  test("EC2 needs NAT and on-demand capacity", () => {
    expect(problems(onEc2({}, { network: { ...staging.network, natMode: "none" } }), "staging")).toEqual([
      'staging.service.compute: "ec2" needs a NAT gateway (network.natMode "single" or "perAz"): tasks on EC2 instances get no public IP, so without NAT they cannot pull their image',
    ]);
    expect(
      problems(
        onEc2({ cpuArchitecture: "X86_64", capacity: "spot", ec2: { ...ec2, instanceType: "t3.small" } }),
        "staging",
      ),
    ).toEqual([
      'staging.service.capacity: must be "on-demand" (or unset) with service.compute "ec2": Fargate Spot cannot share a strategy with EC2 capacity',
    ]);
    expect(problems(onEc2({ compute: "lambda" }), "staging")[0]).toMatch(/^staging\.service\.compute: /);
  });
});
