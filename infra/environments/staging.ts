import { project } from "./project.js";
import type { EnvironmentInput } from "./schema.js";

/** staging: prod's topology at a smaller size — one shared NAT, single-AZ database, two tasks. */
export const staging: EnvironmentInput = {
  project: project.name,
  name: "staging",
  accountId: "123456789012",
  region: "us-east-1",
  availabilityZones: ["us-east-1a", "us-east-1b"],
  network: { cidr: "10.20.0.0/16", natMode: "single", flowLogRetentionDays: 14 },
  dns: { domain: "staging.platform.example.com", hostedZoneId: "Z0STAGING000000000001" },
  database: {
    engineVersion: "16",
    instanceClass: "db.t4g.small",
    allocatedStorageGb: 20,
    maxAllocatedStorageGb: 100,
    multiAz: false,
    backupRetentionDays: 7,
  },
  service: {
    cpu: 512,
    memoryMiB: 1024,
    desiredCount: 2,
    minCount: 2,
    maxCount: 4,
    // Graviton on demand (about 20 % cheaper than X86_64; Fargate Spot runs no ARM64 tasks).
    cpuArchitecture: "ARM64",
    capacity: "on-demand",
    // Off: staging's load is the test suite's, and the free AWS/ECS service metrics, the
    // application's own metrics (EMF) and the alarms on them cover it ($12/month saved; prod keeps
    // Container Insights). Turn it on for a performance investigation.
    containerInsights: "disabled",
  },
  logRetentionDays: 30,
  deletionProtection: false,
  alarms: { email: "platform-alerts@example.com", monthlyBudgetUsd: 400 },
};
