/**
 * The shape of an environment config, and the checks it must pass before anything is built.
 * Every failure becomes one line naming the field: `dev.network.cidr: "10.0.0.0/33" is not ...`.
 */

import {
  FARGATE_TASK_SIZES,
  IMAGE_ID,
  INSTANCE_TYPE,
  instanceArchitecture,
  ROOT_VOLUME_RANGE,
} from "@aws-platform-kit/modules/compute";
import { RESTORE_TIME, SNAPSHOT_IDENTIFIER } from "@aws-platform-kit/modules/database";
import { LOG_RETENTION_DAYS } from "@aws-platform-kit/modules/logs";
import { NAT_MODES, subnetLayout } from "@aws-platform-kit/modules/network";
import { z } from "zod";
import { PROD_MINIMUMS } from "./production.js";

export const ENVIRONMENT_NAMES = ["dev", "staging", "prod"] as const;

/**
 * The zone letters of each commercial region (AWS's published zones; some older accounts see
 * fewer, e.g. us-west-1 offers new accounts only two of its three). Checked offline, so a typo such
 * as `us-east-1z` fails synth instead of apply. A region missing here is checked by format only.
 */
export const REGION_ZONES: Readonly<Record<string, string>> = {
  "us-east-1": "abcdef",
  "us-east-2": "abc",
  "us-west-1": "abc",
  "us-west-2": "abcd",
  "ca-central-1": "abd",
  "ca-west-1": "abc",
  "sa-east-1": "abc",
  "eu-west-1": "abc",
  "eu-west-2": "abc",
  "eu-west-3": "abc",
  "eu-central-1": "abc",
  "eu-central-2": "abc",
  "eu-north-1": "abc",
  "eu-south-1": "abc",
  "eu-south-2": "abc",
  "ap-south-1": "abc",
  "ap-south-2": "abc",
  "ap-southeast-1": "abc",
  "ap-southeast-2": "abc",
  "ap-southeast-3": "abc",
  "ap-southeast-4": "abc",
  "ap-northeast-1": "acd",
  "ap-northeast-2": "abcd",
  "ap-northeast-3": "abc",
  "ap-east-1": "abc",
  "me-south-1": "abc",
  "me-central-1": "abc",
  "af-south-1": "abc",
  "il-central-1": "abc",
};

export type EnvironmentName = (typeof ENVIRONMENT_NAMES)[number];

const slug = z
  .string()
  .regex(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/, "must be lowercase letters, digits and single hyphens")
  .max(20, "must be at most 20 characters (it prefixes every resource name)");
const accountId = z.string().regex(/^\d{12}$/, "must be a 12-digit AWS account id");
const region = z.string().regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/, "is not an AWS region name such as us-east-1");
const domain = z
  .string()
  .min(1, "is required")
  .regex(
    /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/,
    "is not a lowercase DNS name such as app.example.com",
  );
const retentionDays = z.number().refine((d) => (LOG_RETENTION_DAYS as readonly number[]).includes(d), {
  message: `is not a CloudWatch Logs retention period (one of ${LOG_RETENTION_DAYS.join(", ")})`,
});

/** A restore's id: `r` and the UTC date (and time) it was started, e.g. r202612060930. */
export const RESTORE_ID = /^r\d{8}(\d{4})?$/;
const restoreId = z.string().regex(RESTORE_ID, "must be r<yyyymmdd> or r<yyyymmddhhmm>, e.g. r202612060930");

/** `database.restore` of an environment config. */
export const databaseRestore = z
  .object({
    /** Names the restored instance `<project>-<env>-db-<id>`. */
    id: restoreId,
    /** Restore from this DB snapshot (identifier, `rds:<automated snapshot>`, or ARN). */
    snapshot: z.string().regex(SNAPSHOT_IDENTIFIER, "is not a DB snapshot identifier or ARN").optional(),
    /** Restore the replaced instance as it was at this UTC time, or at its latest restorable time. */
    pointInTime: z
      .string()
      .refine(
        (t) => t === "latest" || (RESTORE_TIME.test(t) && !Number.isNaN(Date.parse(t))),
        'must be "latest" or an ISO 8601 time in UTC such as 2026-12-06T09:30:00Z',
      )
      .optional(),
    /** The restore id of the instance this one replaces (a second restore). @default - the original instance */
    replaces: restoreId.optional(),
    /** false: restored beside the current instance, for checking; true: the service uses it. */
    active: z.boolean(),
  })
  .strict()
  .superRefine((restore, ctx) => {
    if ((restore.snapshot === undefined) === (restore.pointInTime === undefined)) {
      ctx.addIssue({ code: "custom", path: [], message: "give exactly one of snapshot and pointInTime" });
    }
    if (restore.replaces === restore.id) {
      ctx.addIssue({ code: "custom", path: ["replaces"], message: "must name another restore than id" });
    }
  });

/**
 * `service.capacity`: where the tasks run. `"on-demand"` is the FARGATE launch type (no capacity
 * provider strategy); `"spot"` puts every task on Fargate Spot (interruptible with two minutes'
 * notice, about 70 % cheaper, X86_64 only); the object mixes them — `onDemandBase` tasks on demand
 * first, the rest split `onDemandWeight : spotWeight`.
 */
export const serviceCapacity = z.union([
  z.literal("on-demand"),
  z.literal("spot"),
  z
    .object({
      onDemandBase: z.number().int("must be a whole number").min(0, "must be at least 0").max(100000),
      onDemandWeight: z.number().int("must be a whole number").min(0, "must be at least 0").max(1000),
      spotWeight: z.number().int("must be a whole number").min(0, "must be at least 0").max(1000),
    })
    .strict(),
]);
/** `service.capacity` of a validated config. */
export type ServiceCapacity = z.output<typeof serviceCapacity>;

/** True when `capacity` may place tasks on Fargate Spot. */
export function usesSpot(capacity: ServiceCapacity | undefined): boolean {
  return capacity === "spot" || (typeof capacity === "object" && capacity.spotWeight > 0);
}

/**
 * `service.ec2`: the container instances of `compute: "ec2"`. The image id is never looked up at
 * plan: read `/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id` (or its
 * `arm64` twin) with `aws ssm get-parameter` and write the id here; a new id rolls the instances.
 */
export const serviceEc2 = z
  .object({
    /** An ECS-optimized Amazon Linux 2023 AMI of the instance type's architecture. */
    imageId: z
      .string()
      .regex(
        IMAGE_ID,
        "must be an AMI id such as ami-0123456789abcdef0 (aws ssm get-parameter --name /aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id)",
      ),
    /** e.g. t4g.small (Graviton: ARM64 tasks and image) or t3.small (X86_64). */
    instanceType: z.string().regex(INSTANCE_TYPE, "is not an EC2 instance type such as t4g.small"),
    minInstances: z.number().int("must be a whole number").min(0, "must be at least 0").max(100),
    maxInstances: z.number().int("must be a whole number").min(1, "must be at least 1").max(100),
    /** The encrypted gp3 root volume. @default 30 */
    rootVolumeGb: z
      .number()
      .int("must be a whole number")
      .min(ROOT_VOLUME_RANGE.min, `must be at least ${ROOT_VOLUME_RANGE.min} (the ECS-optimized AMIs' size)`)
      .max(ROOT_VOLUME_RANGE.max as number)
      .optional(),
  })
  .strict();
/** `service.ec2` of a validated config. */
export type ServiceEc2 = z.output<typeof serviceEc2>;

export const environmentSchema = z
  .object({
    /** Project slug; prefixes every resource name. */
    project: slug,
    /** Which environment this is. */
    name: z.enum(ENVIRONMENT_NAMES),
    accountId,
    region,
    /** Spelled out, never looked up: synth and plan need no AWS call. */
    availabilityZones: z.array(z.string()).min(2, "needs at least 2 zones").max(6, "allows at most 6 zones"),
    network: z
      .object({
        cidr: z.string(),
        natMode: z.enum(NAT_MODES as [string, ...string[]]),
        flowLogRetentionDays: retentionDays,
      })
      .strict(),
    dns: z
      .object({
        /** The service is served at this name (and `www.` is not assumed). */
        domain,
        /** The Route 53 hosted zone that holds `domain`; certificates are validated in it. */
        hostedZoneId: z
          .string()
          .regex(/^Z[A-Z0-9]{1,31}$/, "is not a Route 53 hosted zone id such as Z0123456789ABC"),
      })
      .strict(),
    database: z
      .object({
        engineVersion: z
          .string()
          .regex(/^1[6-9](\.\d+)?$/, "must be PostgreSQL 16 or newer, e.g. 16 or 16.4"),
        instanceClass: z
          .string()
          .regex(/^db\.[a-z0-9]+\.[a-z0-9]+$/, "is not an RDS instance class such as db.t4g.micro"),
        allocatedStorageGb: z.number().int().min(20, "must be at least 20 (the gp3 minimum)").max(65536),
        maxAllocatedStorageGb: z.number().int().max(65536),
        multiAz: z.boolean(),
        backupRetentionDays: z.number().int().min(1, "must be at least 1").max(35, "must be at most 35"),
        /**
         * A restore into a new instance (`npm run db:restore`, docs/runbooks/db-restore.md). Set with
         * `active: false` first (the restored instance is created beside the current one, which the
         * service keeps using), then `active: true` (the service switches to it and the replaced
         * instance leaves the stack but stays in AWS, deletion protection on). Keep it afterwards.
         */
        restore: databaseRestore.optional(),
      })
      .strict(),
    service: z
      .object({
        cpu: z.number().int(),
        memoryMiB: z.number().int(),
        desiredCount: z.number().int().min(1),
        minCount: z.number().int().min(1),
        maxCount: z.number().int().min(1).max(100),
        /** Task CPU architecture; ARM64 (Graviton) is about 20 % cheaper and cannot use Spot. @default "X86_64" */
        cpuArchitecture: z.enum(["X86_64", "ARM64"]).optional(),
        /** On-demand, Spot, or a mix (`serviceCapacity`). @default "on-demand" */
        capacity: serviceCapacity.optional(),
        /**
         * Container Insights on the cluster: per-task metrics, billed as CloudWatch custom metrics
         * and log ingestion (priced by the cost estimate). "disabled" keeps only the free AWS/ECS
         * metrics the alarms use. @default "enabled"
         */
        containerInsights: z.enum(["enabled", "enhanced", "disabled"]).optional(),
        /**
         * Where the tasks run: `"fargate"`, or `"ec2"` — an autoscaling group of ECS container
         * instances (`service.ec2`) registered as the service's capacity provider, for small teams
         * and the cheapest environments; the same task definition and release steps. Needs a NAT
         * gateway (tasks on EC2 get no public IP) and on-demand `capacity`. @default "fargate"
         */
        compute: z.enum(["fargate", "ec2"]).optional(),
        /** The container instances, required when `compute` is `"ec2"`. */
        ec2: serviceEc2.optional(),
      })
      .strict(),
    /**
     * The load balancer is internal, in the private subnets, reached only through CloudFront's VPC
     * origin, unless `internetFacingReason` says why it must have public addresses (the policy rule
     * KIT_ALB_1 records the reason; the load balancer then keeps a WAF web ACL of its own, since it
     * can be reached around CloudFront's).
     */
    loadBalancer: z
      .object({
        internetFacingReason: z
          .string()
          .trim()
          .min(20, "must say in at least 20 characters why the load balancer must face the internet"),
      })
      .strict()
      .optional(),
    /** Retention of application and platform logs. */
    logRetentionDays: retentionDays,
    /** Protects the database, load balancer and state from `terraform destroy`. */
    deletionProtection: z.boolean(),
    alarms: z
      .object({
        email: z.email("is not an email address"),
        monthlyBudgetUsd: z.number().positive("must be more than 0"),
        /** Budget alerts (actual and forecast) at these percentages of the budget. @default [50, 80, 100] */
        budgetThresholdsPercent: z
          .array(
            z
              .number()
              .int("must be whole percentages")
              .min(1, "must be at least 1")
              .max(1000, "must be at most 1000"),
          )
          .min(1, "needs at least one percentage")
          .max(5, "allows at most 5 percentages (each is an actual and a forecast alert; AWS allows 10)")
          .refine((list) => new Set(list).size === list.length, "repeats a percentage")
          .optional(),
      })
      .strict(),
    /**
     * Per-pull-request preview environments hosted on this environment's network, load balancer,
     * cluster and database (set on one environment only, usually dev).
     */
    previews: z
      .object({
        /** Previews are served at `pr-<N>.<domain>`; must lie in `dns.hostedZoneId`'s zone. */
        domain,
        /** A preview is reaped this many days after its last deploy. */
        ttlDays: z.number().int().min(1, "must be at least 1").max(30, "must be at most 30"),
        /**
         * This environment's DB instance resource id (`terraform output database_resource_id` after
         * its first apply): previews' IAM database users may sign in to this instance only. Until it
         * is set (and bootstrap re-applied), previews' database users may sign in nowhere.
         */
        databaseResourceId: z
          .string()
          .regex(/^db-[A-Z0-9]{10,40}$/, "must be an RDS resource id such as db-ABCDEFGHIJKLMNOPQRSTUVWXY0")
          .optional(),
        /**
         * The subnets this environment's service runs in (`terraform output service_subnet_ids` after
         * its first apply): previews' services may be placed in these only. Until set, a preview
         * service may name any subnet (it is still only a preview task under the preview boundary).
         */
        serviceSubnetIds: z
          .array(
            z
              .string()
              .regex(/^subnet-[0-9a-z]{8,17}$/, "must be a subnet id such as subnet-0123456789abcdef0"),
          )
          .min(1, "list at least one subnet")
          .optional(),
      })
      .strict()
      .optional(),
    /**
     * Where the application's own secrets (the session signing key) are kept: a Secrets Manager
     * secret (`secretsmanager`, $0.40 per secret-month) or an SSM Parameter Store `SecureString`
     * (`ssm`, Standard tier: free, encrypted with `alias/aws/ssm`). Either is injected the same way
     * through the task definition's `secrets`. The database master secret stays in Secrets Manager
     * whatever this says: RDS creates and rotates it there. Switching an existing environment
     * replaces the signing key (sessions end). @default { store: "secretsmanager" }
     */
    secrets: z
      .object({
        store: z.enum(["secretsmanager", "ssm"], 'must be "secretsmanager" or "ssm"'),
      })
      .strict()
      .optional(),
    /** Extra tags on every resource. */
    tags: z.record(z.string(), z.string()).optional(),
  })
  .strict()
  .superRefine((env, ctx) => {
    const issue = (path: (string | number)[], message: string) =>
      ctx.addIssue({ code: "custom", path, message });
    const regionValid = region.safeParse(env.region).success;
    const letters = REGION_ZONES[env.region];
    env.availabilityZones.forEach((az, i) => {
      // With a bad region, every zone would "not be in it": the region's own line says enough.
      if (regionValid && !new RegExp(`^${env.region}[a-z]$`).test(az)) {
        issue(
          ["availabilityZones", i],
          `"${az}" is not a zone of region ${env.region} (expected e.g. ${env.region}a)`,
        );
      } else if (regionValid && letters && !letters.includes(az.slice(-1))) {
        issue(
          ["availabilityZones", i],
          `"${az}" does not exist; ${env.region} has ${[...letters].map((l) => `${env.region}${l}`).join(", ")}`,
        );
      }
      if (env.availabilityZones.indexOf(az) !== i) issue(["availabilityZones", i], `"${az}" is listed twice`);
    });
    try {
      subnetLayout(env.network.cidr, Math.max(2, Math.min(6, env.availabilityZones.length)));
    } catch (error) {
      issue(["network", "cidr"], (error as Error).message.replace(/^network\.cidr: /, ""));
    }
    if (env.database.maxAllocatedStorageGb < env.database.allocatedStorageGb) {
      issue(
        ["database", "maxAllocatedStorageGb"],
        "must be at least allocatedStorageGb (it is the autoscaling ceiling)",
      );
    }
    const memory = FARGATE_TASK_SIZES[env.service.cpu];
    if (!memory) {
      issue(
        ["service", "cpu"],
        `${env.service.cpu} is not a Fargate CPU size (one of ${Object.keys(FARGATE_TASK_SIZES).join(", ")})`,
      );
    } else if (!memory.includes(env.service.memoryMiB)) {
      issue(
        ["service", "memoryMiB"],
        `${env.service.memoryMiB} MiB is not allowed with ${env.service.cpu} CPU units (allowed: ${memory.join(", ")})`,
      );
    }
    const domainsValid =
      domain.safeParse(env.dns.domain).success && domain.safeParse(env.previews?.domain).success;
    if (env.previews && domainsValid && !env.previews.domain.endsWith(`.${env.dns.domain}`)) {
      issue(
        ["previews", "domain"],
        `must be a subdomain of dns.domain (${env.dns.domain}) so its zone can validate it`,
      );
    }
    if (env.name === "prod") {
      // prod survives a zone outage and an accidental destroy, and keeps a week of backups.
      if (env.database.backupRetentionDays < PROD_MINIMUMS.backupRetentionDays) {
        issue(
          ["database", "backupRetentionDays"],
          `must be at least ${PROD_MINIMUMS.backupRetentionDays} in prod`,
        );
      }
      if (!env.database.multiAz)
        issue(["database", "multiAz"], "must be true in prod (a standby in another zone)");
      if (!env.deletionProtection) issue(["deletionProtection"], "must be true in prod");
      if (env.service.desiredCount < PROD_MINIMUMS.desiredCount) {
        issue(
          ["service", "desiredCount"],
          `must be at least ${PROD_MINIMUMS.desiredCount} in prod (one task per zone)`,
        );
      }
      if (env.network.natMode !== "perAz") {
        issue(
          ["network", "natMode"],
          `must be "perAz" in prod (a NAT gateway per zone; got "${env.network.natMode}")`,
        );
      }
    }
    const { capacity, cpuArchitecture } = env.service;
    const { compute, ec2 } = env.service;
    if (compute === "ec2") {
      if (!ec2)
        issue(
          ["service", "ec2"],
          'is required when service.compute is "ec2" (imageId, instanceType, minInstances, maxInstances)',
        );
      if (capacity !== undefined && capacity !== "on-demand") {
        issue(
          ["service", "capacity"],
          'must be "on-demand" (or unset) with service.compute "ec2": Fargate Spot cannot share a strategy with EC2 capacity',
        );
      }
      if (env.network.natMode === "none") {
        issue(
          ["service", "compute"],
          '"ec2" needs a NAT gateway (network.natMode "single" or "perAz"): tasks on EC2 instances get no public IP, so without NAT they cannot pull their image',
        );
      }
      const architecture = ec2 ? instanceArchitecture(ec2.instanceType) : undefined;
      const tasks = cpuArchitecture ?? "X86_64";
      if (ec2 && architecture && architecture !== tasks) {
        issue(
          ["service", "ec2", "instanceType"],
          `"${ec2.instanceType}" is ${architecture} but service.cpuArchitecture is ${tasks}; the instances, their image and the tasks must share one architecture`,
        );
      }
      if (ec2 && ec2.maxInstances < ec2.minInstances) {
        issue(["service", "ec2", "maxInstances"], `must be at least minInstances (${ec2.minInstances})`);
      }
    } else if (ec2) {
      issue(["service", "ec2"], 'applies only with service.compute "ec2"');
    }
    if (cpuArchitecture === "ARM64" && usesSpot(capacity)) {
      issue(
        ["service", "capacity"],
        'uses Fargate Spot, which runs only X86_64 tasks (AWS: "Linux tasks with the ARM64 architecture don\'t support the Fargate Spot capacity provider"); set cpuArchitecture "X86_64" or give spotWeight 0',
      );
    }
    if (typeof capacity === "object" && capacity.onDemandWeight + capacity.spotWeight === 0) {
      issue(
        ["service", "capacity"],
        "needs onDemandWeight or spotWeight above 0 (tasks above the base go nowhere otherwise)",
      );
    }
    if (env.name === "prod" && usesSpot(capacity)) {
      const base = typeof capacity === "object" ? capacity.onDemandBase : 0;
      if (base < PROD_MINIMUMS.desiredCount) {
        issue(
          ["service", "capacity", ...(typeof capacity === "object" ? ["onDemandBase"] : [])],
          `must keep at least ${PROD_MINIMUMS.desiredCount} tasks on demand in prod (onDemandBase; Spot tasks may all be reclaimed at once)`,
        );
      }
    }
    const { minCount, desiredCount, maxCount } = env.service;
    if (!(minCount <= desiredCount && desiredCount <= maxCount)) {
      issue(
        ["service", "desiredCount"],
        `must satisfy minCount ≤ desiredCount ≤ maxCount (got ${minCount} ≤ ${desiredCount} ≤ ${maxCount})`,
      );
    }
  });

/** `database.restore` of a validated config. */
export type DatabaseRestoreConfig = z.output<typeof databaseRestore>;

/** What a config file holds. */
export type EnvironmentInput = z.input<typeof environmentSchema>;
/** A config that passed every check. */
export type EnvironmentConfig = z.output<typeof environmentSchema>;

/** A config that failed validation; `problems` holds one line per field. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(problems.join("\n"));
    this.name = "ConfigError";
  }
}

/** Validates `input` as the config of environment `label`; throws ConfigError listing every problem. */
export function parseEnvironment(label: string, input: unknown): EnvironmentConfig {
  const result = environmentSchema.safeParse(input, { reportInput: true });
  if (result.success) return result.data;
  // One line per field: the first problem found is the one worth fixing first.
  const seen = new Set<string>();
  const lines = result.error.issues
    .filter((issue) => {
      const key = issue.path.join(".");
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .map((issue) => describeIssue(label, issue));
  throw new ConfigError(lines);
}

function describeIssue(label: string, issue: z.core.$ZodIssue): string {
  const path = [label, ...issue.path.map(String)].join(".").replace(/\.(\d+)(?=\.|$)/g, "[$1]");
  if (issue.code === "unrecognized_keys") {
    return `${path}: unknown field${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => `"${k}"`).join(", ")} (a typo?)`;
  }
  if (issue.code === "invalid_type" && !("input" in issue && issue.input !== undefined)) {
    return `${path}: is missing (expected ${issue.expected})`;
  }
  const got =
    "input" in issue && issue.input !== undefined && typeof issue.input !== "object"
      ? ` (got ${JSON.stringify(issue.input)})`
      : "";
  return `${path}: ${issue.message.replace(/^Invalid input: /, "")}${issue.code === "custom" ? "" : got}`;
}
