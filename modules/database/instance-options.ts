/**
 * What a `Database` and a `ReadReplica` share beyond the instance itself: enhanced monitoring (and
 * its role), Database Insights, gp3 performance, and the customer-managed key a cross-region copy
 * (a replica, replicated backups) is encrypted with in its own region.
 */
import type { DbInstanceConfig } from "@cdktf/provider-aws/lib/db-instance/index.js";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role/index.js";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment/index.js";
import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias/index.js";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key/index.js";
import type { AwsProvider } from "@cdktf/provider-aws/lib/provider/index.js";
import { TerraformResource, Token } from "cdktf";
import type { Construct, IConstruct } from "constructs";
import {
  assertManagedPolicyArn,
  KMS_KEY_ADMINISTRATION_ACTIONS,
  policyDocument,
  serviceTrustPolicy,
} from "../iam/policy.js";
import type { Naming } from "../naming/naming.js";
import { PropError } from "../validation/prop-error.js";
import {
  ARN_KINDS,
  assertIntegerInRange,
  type IntegerRange,
  isArn,
  oneOfRule,
} from "../validation/validators.js";

/** Enhanced monitoring intervals RDS accepts, in seconds; 0 turns it off. */
export const MONITORING_INTERVALS = [0, 1, 5, 10, 15, 30, 60] as const;
/** An enhanced monitoring interval. */
export type MonitoringInterval = (typeof MONITORING_INTERVALS)[number];
/** What a monitoring interval must be. */
export const MONITORING_INTERVAL_RULE = "must be 0 (off), 1, 5, 10, 15, 30 or 60 seconds";
/** The AWS managed policy RDS's enhanced monitoring role needs (CloudWatch Logs writes to RDSOSMetrics only). */
export const ENHANCED_MONITORING_POLICY = "service-role/AmazonRDSEnhancedMonitoringRole";

/** CloudWatch Database Insights modes. */
export const DATABASE_INSIGHTS_MODES = ["standard", "advanced"] as const;
/** A Database Insights mode. */
export type DatabaseInsightsMode = (typeof DATABASE_INSIGHTS_MODES)[number];
/** What a Database Insights mode must be. */
export const DATABASE_INSIGHTS_MODE_RULE = oneOfRule(DATABASE_INSIGHTS_MODES);
/** The Performance Insights retention the advanced mode requires (15 months). */
export const ADVANCED_INSIGHTS_RETENTION_DAYS = 465;
/** Why advanced Database Insights needs a longer Performance Insights retention. */
export const ADVANCED_INSIGHTS_RULE = `"advanced" needs performanceInsightsRetentionDays of at least ${ADVANCED_INSIGHTS_RETENTION_DAYS} (15 months)`;

/**
 * RDS for PostgreSQL on gp3: below 400 GiB the volume gives a fixed baseline of 3,000 IOPS and
 * 125 MiBps; from 400 GiB the baseline is 12,000 IOPS and 500 MiBps and both can be provisioned
 * higher. Source: RDS User Guide, "gp3 storage" (the per-engine table).
 */
export const GP3_PROVISIONING_THRESHOLD_GB = 400;
/** Provisioned gp3 IOPS for PostgreSQL from 400 GiB. */
export const GP3_IOPS: IntegerRange = { min: 12000, max: 64000 };
/** Provisioned gp3 throughput for PostgreSQL from 400 GiB, MiBps. */
export const GP3_THROUGHPUT_MIBPS: IntegerRange = { min: 500, max: 4000 };
/** Why IOPS or throughput cannot be set on a small volume. */
export const GP3_THRESHOLD_RULE = `can be set only with allocatedStorageGb of at least ${GP3_PROVISIONING_THRESHOLD_GB}: below it gp3 gives PostgreSQL a fixed 3,000 IOPS and 125 MiBps`;

/** Days between rotations of a Secrets Manager secret (`AutomaticallyAfterDays`). */
export const SECRET_ROTATION_DAYS: IntegerRange = { min: 1, max: 1000 };

/** The observability props a `Database` and a `ReadReplica` share. */
export interface InstanceObservabilityProps {
  readonly monitoringIntervalSeconds?: number;
  readonly monitoringRolePermissionsBoundaryArn?: string;
  readonly databaseInsightsMode?: string;
}

/**
 * Checks the monitoring and insights props, naming `<prefix>.<field>`. Terraform references (a
 * module's variables) pass; their validation blocks check the same rules.
 */
export function checkObservability(
  prefix: string,
  props: InstanceObservabilityProps,
  performanceInsightsRetentionDays: number,
): void {
  const literal = (value: unknown) => value !== undefined && !Token.isUnresolved(value);
  const interval = props.monitoringIntervalSeconds;
  if (literal(interval) && !(MONITORING_INTERVALS as readonly number[]).includes(interval as number)) {
    throw new PropError(`${prefix}.monitoringIntervalSeconds`, `${interval} ${MONITORING_INTERVAL_RULE}`);
  }
  if (props.monitoringRolePermissionsBoundaryArn !== undefined) {
    assertManagedPolicyArn(
      props.monitoringRolePermissionsBoundaryArn,
      `${prefix}.monitoringRolePermissionsBoundaryArn`,
    );
  }
  const mode = props.databaseInsightsMode;
  if (literal(mode)) {
    if (!(DATABASE_INSIGHTS_MODES as readonly string[]).includes(mode as string)) {
      throw new PropError(`${prefix}.databaseInsightsMode`, `"${mode}" ${DATABASE_INSIGHTS_MODE_RULE}`);
    }
    if (
      mode === "advanced" &&
      !Token.isUnresolved(performanceInsightsRetentionDays) &&
      performanceInsightsRetentionDays < ADVANCED_INSIGHTS_RETENTION_DAYS
    ) {
      throw new PropError(
        `${prefix}.databaseInsightsMode`,
        `${ADVANCED_INSIGHTS_RULE}; it is ${performanceInsightsRetentionDays}`,
      );
    }
  }
}

/** Checks `iops` and `storageThroughputMiBps` against the gp3 rules for PostgreSQL. */
export function checkStoragePerformance(
  prefix: string,
  allocatedStorageGb: number,
  iops: number | undefined,
  throughput: number | undefined,
): void {
  const checks: [string, number | undefined, IntegerRange][] = [
    ["iops", iops, GP3_IOPS],
    ["storageThroughputMiBps", throughput, GP3_THROUGHPUT_MIBPS],
  ];
  for (const [field, value, range] of checks) {
    if (value === undefined || Token.isUnresolved(value)) continue;
    if (!Token.isUnresolved(allocatedStorageGb) && allocatedStorageGb < GP3_PROVISIONING_THRESHOLD_GB) {
      throw new PropError(
        `${prefix}.${field}`,
        `${value} given with allocatedStorageGb ${allocatedStorageGb}; ${field} ${GP3_THRESHOLD_RULE}`,
      );
    }
    assertIntegerInRange(value, `${prefix}.${field}`, range);
  }
}

/** The instance settings for gp3 IOPS and throughput: left out when not given (RDS's baseline). */
export function storagePerformance(
  iops: number | undefined,
  throughput: number | undefined,
): Pick<DbInstanceConfig, "iops" | "storageThroughput"> {
  return {
    ...(iops !== undefined ? { iops } : {}),
    ...(throughput !== undefined ? { storageThroughput: throughput } : {}),
  };
}

/** What `monitoringRole` needs. */
export interface MonitoringRoleProps {
  readonly naming: Naming;
  /** The instance's purpose; the role is `<project>-<env>-<purpose>-monitoring`. */
  readonly purpose: string;
  /** The instance the role reports for (its trust policy names it). */
  readonly identifier: string;
  /** The instance's region. */
  readonly region: string;
  readonly permissionsBoundaryArn?: string;
}

/**
 * The role RDS assumes to publish enhanced monitoring metrics: trusted by
 * `monitoring.rds.amazonaws.com` on behalf of this account and this one instance only, with AWS's
 * managed `AmazonRDSEnhancedMonitoringRole` (log groups and streams named `RDSOSMetrics` only).
 */
export function monitoringRole(scope: Construct, id: string, props: MonitoringRoleProps): IamRole {
  const { naming, region } = props;
  const partition = partitionOf(region);
  const role = new IamRole(scope, id, {
    name: naming.name(`${props.purpose}-monitoring`, 64),
    description: `RDS enhanced monitoring of ${props.identifier}`,
    assumeRolePolicy: serviceTrustPolicy(
      "monitoring.rds.amazonaws.com",
      naming.accountId,
      `arn:${partition}:rds:${region}:${naming.accountId}:db:${props.identifier}`,
    ),
    ...(props.permissionsBoundaryArn ? { permissionsBoundary: props.permissionsBoundaryArn } : {}),
    tags: { Name: naming.name(`${props.purpose}-monitoring`, 64) },
  });
  new IamRolePolicyAttachment(scope, `${id}-policy`, {
    role: role.name,
    policyArn: `arn:${partition}:iam::aws:policy/${ENHANCED_MONITORING_POLICY}`,
  });
  return role;
}

/** The instance's enhanced monitoring and Database Insights settings. */
export function observabilitySettings(
  scope: Construct,
  props: InstanceObservabilityProps & MonitoringRoleProps,
): {
  config: Pick<DbInstanceConfig, "monitoringInterval" | "monitoringRoleArn" | "databaseInsightsMode">;
  role?: IamRole;
} {
  const interval = props.monitoringIntervalSeconds ?? 0;
  const insights =
    props.databaseInsightsMode !== undefined ? { databaseInsightsMode: props.databaseInsightsMode } : {};
  if (interval === 0) return { config: insights };
  const role = monitoringRole(scope, "monitoring-role", {
    ...props,
    permissionsBoundaryArn: props.monitoringRolePermissionsBoundaryArn,
  });
  return { config: { monitoringInterval: interval, monitoringRoleArn: role.arn, ...insights }, role };
}

/** What `regionalRdsKey` needs. */
export interface RegionalKeyProps {
  readonly naming: Naming;
  /** What the key encrypts; its alias is `alias/<project>-<env>-<purpose>`. */
  readonly purpose: string;
  /** The provider of the key's region. */
  readonly provider: AwsProvider;
  /** That region. */
  readonly region: string;
  /** Shown in the KMS console. */
  readonly description: string;
}

/**
 * A customer-managed key in another region for RDS copies there (a cross-region replica, replicated
 * automated backups): rotated yearly, administered by the account, usable only through RDS in that
 * region by this account's principals that IAM allows to.
 */
export function regionalRdsKey(scope: Construct, id: string, props: RegionalKeyProps): KmsKey {
  const { naming, region } = props;
  const partition = partitionOf(region);
  const key = new KmsKey(scope, id, {
    provider: props.provider,
    description: props.description,
    enableKeyRotation: true,
    deletionWindowInDays: 30,
    policy: policyDocument([
      {
        sid: "AccountAdministersKey",
        principal: { AWS: `arn:${partition}:iam::${naming.accountId}:root` },
        actions: KMS_KEY_ADMINISTRATION_ACTIONS,
        resources: ["*"],
      },
      {
        sid: "UseThroughRds",
        principal: { AWS: `arn:${partition}:iam::${naming.accountId}:root` },
        actions: [
          "kms:Encrypt",
          "kms:Decrypt",
          "kms:ReEncrypt*",
          "kms:GenerateDataKey*",
          "kms:CreateGrant",
          "kms:ListGrants",
          "kms:DescribeKey",
        ],
        resources: ["*"],
        conditions: {
          StringEquals: {
            "kms:CallerAccount": naming.accountId,
            "kms:ViaService": `rds.${region}.amazonaws.com`,
          },
        },
      },
    ]),
    tags: { Name: naming.name(props.purpose) },
  });
  new KmsAlias(scope, `${id}-alias`, {
    provider: props.provider,
    name: `alias/${naming.name(props.purpose)}`,
    targetKeyId: key.keyId,
  });
  return key;
}

/** The region an AWS provider is configured for, or a PropError naming `field`. */
export function providerRegion(provider: AwsProvider, field: string): string {
  const region = provider.region;
  if (region === undefined || Token.isUnresolved(region)) {
    throw new PropError(field, "the provider must state its region (a literal, e.g. eu-west-1)");
  }
  return region;
}

/** Checks a KMS key ARN given for another region: a key (not an alias), in that region. */
export function checkRegionalKey(value: string | undefined, region: string, field: string): void {
  if (value === undefined || Token.isUnresolved(value)) return;
  if (!isArn(value, ARN_KINDS.kmsKey)) {
    throw new PropError(field, `"${value}" must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>)`);
  }
  if (value.split(":")[3] !== region) {
    throw new PropError(
      field,
      `"${value}" is not in ${region}; a copy there is encrypted with a key of that region`,
    );
  }
}

/** Puts every resource under `scope` with no provider of its own (and of a type `include` takes) on `provider`. */
export function useProvider(
  scope: IConstruct,
  provider: AwsProvider | undefined,
  include: (resourceType: string) => boolean = () => true,
): void {
  if (!provider) return;
  for (const child of scope.node.findAll()) {
    if (
      child instanceof TerraformResource &&
      child.provider === undefined &&
      include(child.terraformResourceType)
    ) {
      child.provider = provider;
    }
  }
}

/** The ARN partition of a region. */
export function partitionOf(region: string): string {
  if (region.startsWith("cn-")) return "aws-cn";
  if (region.startsWith("us-gov-")) return "aws-us-gov";
  return "aws";
}
