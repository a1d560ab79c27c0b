import { project } from "./project.js";
import type { EnvironmentInput } from "./schema.js";

/**
 * dev: the cheap shape. No NAT gateway (tasks get public IPs in public subnets, still behind
 * their security group), the smallest database, one task, short retention, nothing protected.
 * It also hosts the per-pull-request preview environments.
 */
export const dev: EnvironmentInput = {
  project: project.name,
  name: "dev",
  accountId: "123456789012",
  region: "us-east-1",
  availabilityZones: ["us-east-1a", "us-east-1b"],
  network: { cidr: "10.10.0.0/16", natMode: "none", flowLogRetentionDays: 7 },
  dns: { domain: "dev.platform.example.com", hostedZoneId: "Z0DEV0000000000000001" },
  database: {
    engineVersion: "16",
    instanceClass: "db.t4g.micro",
    allocatedStorageGb: 20,
    maxAllocatedStorageGb: 50,
    multiAz: false,
    backupRetentionDays: 1,
  },
  service: {
    cpu: 256,
    memoryMiB: 512,
    desiredCount: 1,
    minCount: 1,
    maxCount: 2,
    // Interruption costs dev nothing: every task on Fargate Spot (X86_64 only), and no per-task
    // Container Insights metrics (the alarms read the free AWS/ECS ones). Previews run here alike.
    capacity: "spot",
    cpuArchitecture: "X86_64",
    containerInsights: "disabled",
  },
  logRetentionDays: 7,
  deletionProtection: false,
  alarms: { email: "platform-alerts@example.com", monthlyBudgetUsd: 150 },
  previews: {
    domain: "preview.dev.platform.example.com",
    ttlDays: 7,
    // After dev's first apply, from `terraform output` of the dev stack (sample values here, the
    // same as infra/terraform/fixtures/dev.state.json): database_resource_id, service_subnet_ids.
    databaseResourceId: "db-0F1X7UR3000000000000000001",
    serviceSubnetIds: ["subnet-0f1x7ur3000000a01", "subnet-0f1x7ur3000000b01"],
  },
};
