import { project } from "./project.js";
import type { EnvironmentInput } from "./schema.js";

/**
 * prod: survives an availability-zone outage — three AZs, a NAT gateway per AZ, Multi-AZ
 * database, at least two tasks — with long retention and deletion protection on.
 */
export const prod: EnvironmentInput = {
  project: project.name,
  name: "prod",
  accountId: "123456789012",
  region: "us-east-1",
  availabilityZones: ["us-east-1a", "us-east-1b", "us-east-1c"],
  network: { cidr: "10.30.0.0/16", natMode: "perAz", flowLogRetentionDays: 90 },
  dns: { domain: "platform.example.com", hostedZoneId: "Z0PROD000000000000001" },
  database: {
    engineVersion: "16",
    instanceClass: "db.t4g.medium",
    allocatedStorageGb: 50,
    maxAllocatedStorageGb: 500,
    multiAz: true,
    backupRetentionDays: 14,
  },
  service: {
    cpu: 1024,
    memoryMiB: 2048,
    desiredCount: 3,
    minCount: 3,
    maxCount: 12,
    // Graviton on demand (about 20 % cheaper than X86_64; Fargate Spot runs no ARM64 tasks).
    cpuArchitecture: "ARM64",
    capacity: "on-demand",
    containerInsights: "enabled",
  },
  logRetentionDays: 365,
  deletionProtection: true,
  alarms: { email: "platform-alerts@example.com", monthlyBudgetUsd: 1500 },
};
