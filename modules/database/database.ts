import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group/index.js";
import { DbInstance, type DbInstanceConfig } from "@cdktf/provider-aws/lib/db-instance/index.js";
import { DbInstanceAutomatedBackupsReplication } from "@cdktf/provider-aws/lib/db-instance-automated-backups-replication/index.js";
import {
  DbParameterGroup,
  type DbParameterGroupParameter,
} from "@cdktf/provider-aws/lib/db-parameter-group/index.js";
import { DbSubnetGroup } from "@cdktf/provider-aws/lib/db-subnet-group/index.js";
import type { IamRole } from "@cdktf/provider-aws/lib/iam-role/index.js";
import type { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy/index.js";
import type { AwsProvider } from "@cdktf/provider-aws/lib/provider/index.js";
import { SecretsmanagerSecret } from "@cdktf/provider-aws/lib/secretsmanager-secret/index.js";
import { SecretsmanagerSecretRotation } from "@cdktf/provider-aws/lib/secretsmanager-secret-rotation/index.js";
import { SecretsmanagerSecretVersion } from "@cdktf/provider-aws/lib/secretsmanager-secret-version/index.js";
import type { SecurityGroup } from "@cdktf/provider-aws/lib/security-group/index.js";
import { conditional, Fn, type IResolvable, Op, TerraformIterator, TerraformVariable, Token } from "cdktf";
import { Construct } from "constructs";
import { assertLogGroupClass, type LogGroupClass } from "../logs/log-group-class.js";
import { NAME_LIMITS, type Naming } from "../naming/naming.js";
import {
  type AllowFromOptions,
  createSecurityGroup,
  type SecurityGroupRef,
} from "../network/security-group.js";
import { PropError } from "../validation/prop-error.js";
import {
  ARN_KINDS,
  assertIntegerInRange,
  assertLogRetentionDays,
  type IntegerRange,
  isArn,
} from "../validation/validators.js";
import {
  DatabaseAccess,
  type DatabaseAttributes,
  type DatabaseRef,
  ImportedDatabase,
  POSTGRES_PORT,
} from "./database-ref.js";
import {
  checkObservability,
  checkRegionalKey,
  checkStoragePerformance,
  type DatabaseInsightsMode,
  type MonitoringInterval,
  observabilitySettings,
  providerRegion,
  regionalRdsKey,
  SECRET_ROTATION_DAYS,
  storagePerformance,
} from "./instance-options.js";
import { ReadReplica, type ReadReplicaOptions, type ReplicaSource } from "./read-replica.js";

export { POSTGRES_PORT } from "./database-ref.js";

/** RDS DB instance identifiers: 1–63 characters (letters, digits, hyphens). */
export const RDS_IDENTIFIER_MAX = 63;

/** Log types RDS for PostgreSQL exports to CloudWatch Logs; each gets a log group with a retention. */
export const EXPORTED_LOGS = ["postgresql", "upgrade"] as const;

// The rules on a database's props, each written once: the synth-time checks below and the Terraform
// module's variable validation blocks (modules/hcl/database.ts) both say them in these words.

/** An engine version: a major (`16`) or major.minor (`16.4`). */
export const ENGINE_VERSION = /^(\d+)(\.\d+)?$/;
/** What an engine version must look like. */
export const ENGINE_VERSION_RULE = 'must be a major or major.minor version, e.g. "16" or "16.4"';
/** The oldest major version the module deploys. */
export const MINIMUM_MAJOR_VERSION = 16;
/** What the major version must be. */
export const ENGINE_MAJOR_RULE = `must be PostgreSQL ${MINIMUM_MAJOR_VERSION} or newer`;
/** An RDS instance class (`db.t4g.micro`). */
export const INSTANCE_CLASS = /^db\.[a-z0-9]+\.[a-z0-9]+$/;
/** What an instance class must look like. */
export const INSTANCE_CLASS_RULE = "must be an RDS instance class such as db.t4g.micro";
/** Why fewer than two subnets are refused. */
export const SUBNET_COUNT_RULE = "RDS needs subnets in at least two availability zones";
/** Why a subnet listed twice is refused. */
export const SUBNET_DUPLICATE_RULE = "lists a subnet twice; give one database subnet per availability zone";
/** Initial storage, GiB (gp3's minimum to RDS's maximum). */
export const ALLOCATED_STORAGE_GB: IntegerRange = { min: 20, max: 65536 };
/** Days of automated backups RDS keeps. */
export const BACKUP_RETENTION_DAYS: IntegerRange = { min: 1, max: 35 };
/** The fewest days of backups a protected database keeps. */
export const PROTECTED_BACKUP_DAYS = 7;
/** Why a protected database keeps at least `PROTECTED_BACKUP_DAYS` of backups. */
export const PROTECTED_BACKUP_RULE = `is too short for a protected database; keep at least ${PROTECTED_BACKUP_DAYS} days (or turn deletion protection off for a throwaway environment)`;
/** `log_min_duration_statement`, milliseconds: 0 logs every statement; PostgreSQL's integer limit. */
export const SLOW_QUERY_THRESHOLD_MS: IntegerRange = { min: 0, max: 2147483647 };

/**
 * Performance Insights keeps 7 days free; longer retention is 1–23 months (31 × months) or 731 days.
 * Source: RDS API reference, `PerformanceInsightsRetentionPeriod`.
 */
export const PERFORMANCE_INSIGHTS_RETENTION: readonly number[] = [
  7,
  ...Array.from({ length: 23 }, (_, i) => 31 * (i + 1)),
  731,
];
/** What a Performance Insights retention must be. */
export const PERFORMANCE_INSIGHTS_RETENTION_RULE = "must be 7 (free), a multiple of 31 up to 713, or 731";

/** Names PostgreSQL or RDS keep for themselves; a database or master user cannot take them. */
export const RESERVED_NAMES: readonly string[] = [
  "postgres",
  "admin",
  "administrator",
  "root",
  "rdsadmin",
  "rdsrepladmin",
  "rds_superuser",
  "template0",
  "template1",
  "public",
  "user",
];
/** A database or master user name: 1–63 lowercase characters. */
export const POSTGRES_IDENTIFIER = /^[a-z][a-z0-9_]{0,62}$/;
/** What a database or master user name must look like. */
export const POSTGRES_IDENTIFIER_RULE =
  "must be 1–63 lowercase letters, digits and underscores, starting with a letter";
/** Why a reserved name is refused. */
export const RESERVED_NAME_RULE = `must not be reserved or too easily guessed (${RESERVED_NAMES.join(", ")})`;

/** What a customer-managed key must be. */
export const KMS_KEY_ARN_RULE =
  "must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>), not an alias or id";

/** A daily backup window, UTC. */
export const BACKUP_WINDOW = /^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$/;
/** What a backup window must look like. */
export const BACKUP_WINDOW_RULE = "must look like 03:00-04:00 (UTC)";
const DAY_TIME = "(mon|tue|wed|thu|fri|sat|sun):([01]\\d|2[0-3]):[0-5]\\d";
/** A weekly maintenance window, UTC. */
export const MAINTENANCE_WINDOW = new RegExp(`^${DAY_TIME}-${DAY_TIME}$`);
/** What a maintenance window must look like. */
export const MAINTENANCE_WINDOW_RULE = "must look like sun:04:30-sun:05:30 (UTC)";

/** Parameters the module sets itself, from props; `parameters` may not override them. */
export const MANAGED_PARAMETERS: readonly string[] = ["rds.force_ssl", "log_min_duration_statement"];
/** Why `parameters` may not set a managed parameter. */
export const MANAGED_PARAMETER_RULE = `must not set ${MANAGED_PARAMETERS.join(" or ")}: the module sets them (TLS cannot be turned off; the slow-query threshold has its own setting)`;
/** Why a parameter given twice is refused. */
export const PARAMETER_TWICE_RULE = "must name each parameter once";
/** How a parameter change is applied. */
export const APPLY_METHODS = ["immediate", "pending-reboot"] as const;

/**
 * A snapshot to restore: a manual snapshot's identifier (`acme-prod-db-before-upgrade`), an automated
 * one's (`rds:acme-prod-db-2026-12-06-03-10`), or a shared or copied snapshot's ARN.
 */
export const SNAPSHOT_IDENTIFIER =
  /^((rds:)?[a-zA-Z][a-zA-Z0-9-]{0,254}|arn:aws[a-z-]*:rds:[a-z0-9-]+:\d{12}:snapshot:(rds:)?[a-zA-Z][a-zA-Z0-9-]{0,254})$/;
/** What a snapshot identifier must look like. */
export const SNAPSHOT_IDENTIFIER_RULE =
  "must be a DB snapshot identifier (a letter, then letters, digits and hyphens; rds:<name> for an automated snapshot) or a snapshot ARN";
/** A point in time to restore to: ISO 8601 in UTC, to the second (`2026-12-06T09:30:00Z`). */
export const RESTORE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;
/** What a restore time must look like. */
export const RESTORE_TIME_RULE = "must be an ISO 8601 time in UTC such as 2026-12-06T09:30:00Z";
/** Why a point-in-time restore needs exactly one time. */
export const RESTORE_TIME_CHOICE_RULE = "give exactly one of restoreTime and useLatestRestorableTime: true";
/** Why a point-in-time restore needs exactly one source. */
export const RESTORE_SOURCE_RULE = "give exactly one of sourceDbInstanceIdentifier and sourceDbiResourceId";
/** Why a restore cannot go into its own source. */
export const RESTORE_INTO_SOURCE_RULE =
  "is this instance's own identifier; a restore creates a new instance, so give the restored Database a construct of its own with another purpose";

/** Who keeps the master password: RDS (in Secrets Manager) or the kit, from a write-only variable. */
export const MASTER_PASSWORD_MODES = ["rds", "write-only"] as const;
/** Why rotation days need the RDS-managed secret. */
export const WRITE_ONLY_ROTATION_RULE =
  'rotates the secret RDS manages; with masterPassword.managedBy "write-only" the kit\'s own secret would need a rotation Lambda, which is not offered: rotate by bumping masterPassword.version and supplying a new value';
/** Why a restore keeps the RDS-managed password. */
export const WRITE_ONLY_RESTORE_RULE =
  'cannot be combined with masterPassword.managedBy "write-only": a restored instance keeps its source\'s password, which the kit\'s secret would not hold; restore with the RDS-managed password, then switch to "write-only" in a later apply';
/** Why blue/green updates need a password RDS does not manage. */
export const BLUE_GREEN_PASSWORD_RULE =
  'needs masterPassword: { managedBy: "write-only", version }: RDS blue/green deployments do not support master passwords managed in Secrets Manager';

/** The default: RDS generates the master password, keeps it in Secrets Manager and rotates it. */
export interface DatabaseRdsManagedPassword {
  /** RDS manages the password (`manage_master_user_password`). */
  readonly managedBy: "rds";
}

/**
 * The master password comes from an ephemeral Terraform input variable and is written, through
 * write-only attributes, to the instance (`password_wo`) and to a secret of the kit's own with the
 * same JSON shape as RDS's (`{"username","password"}`): neither value reaches state or a plan file.
 * Needed for read replicas and blue/green updates, which RDS refuses for a password it manages.
 */
export interface DatabaseWriteOnlyPassword {
  /** The kit writes the password given in the variable `Database.masterPasswordVariable`. */
  readonly managedBy: "write-only";
  /**
   * Bump to set a new password (rotation): the variable's value is written to the instance and the
   * secret when the database is created and whenever this number changes, and ignored otherwise.
   */
  readonly version: number;
}

/** Who keeps the master password. */
export type DatabaseMasterPassword = DatabaseRdsManagedPassword | DatabaseWriteOnlyPassword;

/** A restore from a DB snapshot (`aws_db_instance.snapshot_identifier`). */
export interface DatabaseSnapshotRestore {
  /**
   * The snapshot: a manual snapshot's identifier, an automated one's (`rds:<instance>-<date>`), or
   * a shared or copied snapshot's ARN.
   */
  readonly snapshotIdentifier: string;
}

/** Which instance, and which moment of it, a point-in-time restore copies. */
export interface DatabasePointInTime {
  /**
   * The source instance's identifier (it must still exist).
   * @default - none; give this or `sourceDbiResourceId`
   */
  readonly sourceDbInstanceIdentifier?: string;
  /**
   * The source's resource id (`db-…`): also works after the source is deleted, from its retained
   * automated backups.
   * @default - none; give this or `sourceDbInstanceIdentifier`
   */
  readonly sourceDbiResourceId?: string;
  /**
   * The moment to restore to, ISO 8601 in UTC (`2026-12-06T09:30:00Z`), within the source's backup
   * retention and before its latest restorable time.
   * @default - none; give this or `useLatestRestorableTime: true`
   */
  readonly restoreTime?: string;
  /**
   * Restore to the latest restorable time (usually within the last five minutes).
   * @default false
   */
  readonly useLatestRestorableTime?: boolean;
}

/** A point-in-time restore of another instance (`aws_db_instance.restore_to_point_in_time`). */
export interface DatabasePointInTimeRestore {
  /** Which instance, and which moment of it. */
  readonly pointInTime: DatabasePointInTime;
}

/** Where a restored database's data comes from: a snapshot, or a point in time of another instance. */
export type DatabaseRestore = DatabaseSnapshotRestore | DatabasePointInTimeRestore;

/** Automated backups copied to another region (`aws_db_instance_automated_backups_replication`). */
export interface DatabaseBackupReplication {
  /** An AWS provider for the destination region (another region than the database's). */
  readonly provider: AwsProvider;
  /**
   * Days the replicated backups are kept, 1–35.
   * @default - the database's `backupRetentionDays`
   */
  readonly retentionDays?: number;
  /**
   * A KMS key ARN in the destination region to encrypt the copies with.
   * @default - a new customer-managed key there, rotated yearly, usable only through RDS
   */
  readonly kmsKeyArn?: string;
}

/** One setting of the database's parameter group. */
export interface DatabaseParameter {
  /** Parameter name, as in `describe-db-parameters` (e.g. `log_connections`). */
  readonly name: string;
  /** The parameter's value, as text (`1`, `pg_stat_statements`). */
  readonly value: string;
  /**
   * `immediate` works for dynamic parameters only; static ones (e.g. `shared_preload_libraries`)
   * need `pending-reboot`.
   * @default "immediate"
   */
  readonly applyMethod?: "immediate" | "pending-reboot";
}

/** Props of `Database`: where it runs, its size and engine, and how its data is protected. */
export interface DatabaseProps {
  /** Names and tags every resource. */
  readonly naming: Naming;
  /** The VPC the database subnets belong to. */
  readonly vpcId: string;
  /** The network's database subnets, in at least two availability zones (RDS requires two). */
  readonly subnetIds: readonly string[];
  /**
   * What the database is for; part of every name (`<project>-<env>-<purpose>`).
   * @default "db"
   */
  readonly purpose?: string;
  /**
   * PostgreSQL version: a major (`"16"`, RDS picks the newest minor and upgrades minors automatically)
   * or major.minor (`"16.4"`; then raise it yourself once RDS has moved on, or plans show a downgrade).
   * The parameter group family (`postgres16`) is derived from it.
   * @default "16"
   */
  readonly engineVersion?: string;
  /**
   * Let a change of major version in `engineVersion` upgrade the instance. Off so a major upgrade is a
   * deliberate, reviewed step.
   * @default false
   */
  readonly allowMajorVersionUpgrade?: boolean;
  /** The RDS instance class (size). @default "db.t4g.micro" */
  readonly instanceClass?: string;
  /** Initial gp3 storage, 20–65536 GiB. @default 20 */
  readonly allocatedStorageGb?: number;
  /**
   * Storage autoscaling ceiling, at least `allocatedStorageGb`; equal to it turns autoscaling off.
   * @default - 100, or twice `allocatedStorageGb` when that is more
   */
  readonly maxAllocatedStorageGb?: number;
  /** A standby in a second availability zone, with automatic failover. @default false */
  readonly multiAz?: boolean;
  /**
   * Days of automated backups (point-in-time recovery window), 1–35; at least 7 when
   * `deletionProtection` is on.
   * @default 7
   */
  readonly backupRetentionDays?: number;
  /**
   * Protect the data: deletion protection on, a final snapshot on delete, automated backups kept after
   * the instance is gone, and changes applied in the maintenance window rather than at once. Turn off
   * only for throwaway environments.
   * @default true
   */
  readonly deletionProtection?: boolean;
  /** The database created with the instance. @default "app" */
  readonly databaseName?: string;
  /**
   * The master user's name; its password is generated and rotated by RDS in Secrets Manager.
   * @default "platform_admin"
   */
  readonly masterUsername?: string;
  /**
   * Who keeps the master password. `{ managedBy: "rds" }`: RDS generates it, keeps it in Secrets
   * Manager and rotates it. `{ managedBy: "write-only", version }`: the value of the ephemeral
   * variable `masterPasswordVariable` (`TF_VAR_<name>`) is written to the instance (`password_wo`)
   * and to a secret of the kit's own, `<project>-<env>-<purpose>-master` (the database's key), when
   * the instance is created and whenever `version` changes — never to state or plans. Read replicas
   * and `blueGreenUpdate` need `"write-only"`; `masterSecretRotationDays` and `restore` need `"rds"`.
   * @default { managedBy: "rds" }
   */
  readonly masterPassword?: DatabaseMasterPassword;
  /**
   * Apply changes that would restart or replace the instance — an engine upgrade above all — through
   * an RDS blue/green deployment (`blue_green_update`): a green copy is updated, kept in sync, and
   * switched over, then the old one deleted. Needs `masterPassword.managedBy: "write-only"`. A major
   * upgrade replicates logically: set `rds.logical_replication` to `1` in `parameters` beforehand.
   * @default false
   */
  readonly blueGreenUpdate?: boolean;
  /**
   * Retention of the `postgresql` and `upgrade` log groups RDS exports to.
   * @default 30
   */
  readonly logRetentionDays?: number;
  /**
   * The log class of the `postgresql` and `upgrade` log groups. `INFREQUENT_ACCESS` halves ingestion
   * ($0.25 instead of $0.50 per GB in us-east-1) and keeps Logs Insights queries, but has no metric
   * filters, subscription filters or Live Tail: right for logs read only to investigate. Fixed at
   * creation: changing it on an existing database replaces both log groups and loses their events.
   * @default "STANDARD"
   */
  readonly logGroupClass?: LogGroupClass;
  /**
   * Log every statement that runs at least this long (`log_min_duration_statement`), in milliseconds.
   * @default 1000
   */
  readonly slowQueryThresholdMs?: number;
  /**
   * Days of Performance Insights history: 7 (free), 31 × 1–23 months, or 731.
   * @default 7
   */
  readonly performanceInsightsRetentionDays?: number;
  /**
   * Customer-managed KMS key (ARN) for storage, snapshots, Performance Insights and the master secret.
   * @default - AWS-managed keys (`aws/rds`, `aws/secretsmanager`)
   */
  readonly kmsKeyArn?: string;
  /** Daily backup window, UTC, `hh24:mi-hh24:mi` (e.g. `03:00-04:00`). @default - chosen by RDS */
  readonly backupWindow?: string;
  /** Weekly maintenance window, UTC, `ddd:hh24:mi-ddd:hh24:mi` (e.g. `sun:04:30-sun:05:30`). @default - chosen by RDS */
  readonly maintenanceWindow?: string;
  /** More parameter-group settings. `rds.force_ssl` and slow-query logging are set by the module. @default - none */
  readonly parameters?: readonly DatabaseParameter[];
  /**
   * Create the instance from a snapshot or as a point-in-time restore of another instance, instead of
   * empty. The database name, master user name and storage encryption (and its key) then come from
   * the source: `databaseName` and `masterUsername` must name the source's (they are what the outputs
   * report). Read when the instance is created only: changing or removing `restore` later changes
   * nothing (the instance ignores it), so restore into a new construct, with a `purpose` of its own
   * (identifiers are unique per account and region), and switch consumers to it.
   * @default - none: a new, empty database
   */
  readonly restore?: DatabaseRestore;
  /**
   * Enhanced monitoring: operating-system metrics every this many seconds (0, 1, 5, 10, 15, 30 or
   * 60), published by RDS through a role of the instance's own (trusted by
   * `monitoring.rds.amazonaws.com` for this instance only, with AWS's
   * `AmazonRDSEnhancedMonitoringRole`) to the `RDSOSMetrics` log group (CloudWatch Logs ingestion).
   * @default 0 (off)
   */
  readonly monitoringIntervalSeconds?: MonitoringInterval;
  /**
   * A permissions boundary (managed policy ARN) for the enhanced monitoring role.
   * @default - none
   */
  readonly monitoringRolePermissionsBoundaryArn?: string;
  /**
   * CloudWatch Database Insights mode. `"advanced"` (per-vCPU-hour charge; execution plans, on-demand
   * analysis, 15 months of history) needs `performanceInsightsRetentionDays` of at least 465.
   * @default - not set: RDS's own (`standard`, free with 7 days of Performance Insights)
   */
  readonly databaseInsightsMode?: DatabaseInsightsMode;
  /**
   * Days between rotations of the RDS-managed master secret, 1–1000 (Secrets Manager's managed
   * rotation schedule for it, set with `aws_secretsmanager_secret_rotation`, no Lambda involved).
   * Only with the RDS-managed password.
   * @default - RDS's own schedule: every 7 days
   */
  readonly masterSecretRotationDays?: number;
  /**
   * Provisioned gp3 IOPS, 12000–64000; only with `allocatedStorageGb` of at least 400 (below it gp3
   * gives PostgreSQL a fixed 3,000 IOPS). Billed above the 12,000 baseline.
   * @default - the gp3 baseline (3,000 below 400 GiB, 12,000 from 400 GiB)
   */
  readonly iops?: number;
  /**
   * Provisioned gp3 throughput in MiBps, 500–4000; only with `allocatedStorageGb` of at least 400.
   * Billed above the 500 MiBps baseline.
   * @default - the gp3 baseline (125 MiBps below 400 GiB, 500 from 400 GiB)
   */
  readonly storageThroughputMiBps?: number;
  /**
   * Copy the automated backups (and transaction logs, for point-in-time restore) to another region,
   * encrypted there with a key of that region. Billed as cross-region transfer and backup storage.
   * @default - none: backups stay in the database's region
   */
  readonly backupReplication?: DatabaseBackupReplication;
}

/**
 * RDS for PostgreSQL in the database subnets, private and encrypted, reachable only from the security
 * groups given to `allowFrom`, over TLS only. The master password never appears in configuration or
 * state: RDS generates it, keeps it in Secrets Manager and rotates it.
 */
export class Database extends Construct implements DatabaseRef {
  /**
   * A database created elsewhere (another stack, read from its state), to admit security groups to
   * and grant roles access to — `allowFrom`, `grantConnect`, `grantReadCredentials` — without owning
   * the instance. Creates nothing until one of them is called.
   */
  static fromAttributes(scope: Construct, id: string, attributes: DatabaseAttributes): ImportedDatabase {
    return new ImportedDatabase(scope, id, attributes);
  }

  /** The RDS instance. */
  readonly instance: DbInstance;
  /** The DB instance identifier, `<project>-<env>-<purpose>`. */
  readonly identifier: string;
  /** The instance's ARN. */
  readonly arn: string;
  /** The instance's hostname. */
  readonly address: string;
  /** Always 5432. */
  readonly port: number = POSTGRES_PORT;
  /** `<address>:<port>`. */
  readonly endpoint: string;
  /** The database created with the instance. */
  readonly databaseName: string;
  /** The master user's name (its password lives in the master secret). */
  readonly masterUsername: string;
  /** The immutable resource id (`db-…`) that IAM database authentication ARNs use. */
  readonly resourceId: string;
  /** The database's own group: no rule until `allowFrom` adds one. */
  readonly securityGroup: SecurityGroup;
  /** The id of `securityGroup`. */
  readonly securityGroupId: string;
  /** The database subnets' group. */
  readonly subnetGroup: DbSubnetGroup;
  /** The parameter group: TLS required, slow queries logged, and `parameters`. */
  readonly parameterGroup: DbParameterGroup;
  /**
   * The secret that holds the master credentials, JSON `{username, password}`: RDS's own, or with
   * `masterPassword.managedBy: "write-only"` the kit's (its ARN as read from the secret's version, so
   * consumers wait until the value is written).
   */
  readonly masterSecretArn: string;
  /** Who keeps the master password (`masterPassword.managedBy`). */
  readonly masterPasswordManagedBy: (typeof MASTER_PASSWORD_MODES)[number];
  /**
   * With a write-only password: the ephemeral Terraform variable that supplies it, `<purpose>_master_password`
   * (hyphens as underscores); set `TF_VAR_<name>` for plan and apply.
   */
  readonly masterPasswordVariable: TerraformVariable | undefined;
  /** With a write-only password: the kit's secret holding the master credentials. */
  readonly masterSecret: SecretsmanagerSecret | undefined;
  /** The log groups RDS exports to, by log type. */
  readonly logGroups: Readonly<Record<(typeof EXPORTED_LOGS)[number], CloudwatchLogGroup>>;
  /** The customer-managed KMS key, if one was given. */
  readonly kmsKeyArn: string | undefined;
  /** The enhanced monitoring role, when `monitoringIntervalSeconds` is above 0. */
  readonly monitoringRole: IamRole | undefined;
  /** The rotation schedule of the master secret, when `masterSecretRotationDays` is given. */
  readonly masterSecretRotation: SecretsmanagerSecretRotation | undefined;
  /** The cross-region backup replication, when `backupReplication` is given. */
  readonly backupReplication: DbInstanceAutomatedBackupsReplication | undefined;
  /** What read replicas take from their source. @internal */
  readonly replicaSource: ReplicaSource;

  private readonly access: DatabaseAccess;

  constructor(scope: Construct, id: string, props: DatabaseProps) {
    super(scope, id);
    const settings = resolveSettings(props);
    const { naming, purpose } = settings;
    this.kmsKeyArn = props.kmsKeyArn;
    this.identifier = naming.name(purpose, RDS_IDENTIFIER_MAX);
    this.databaseName = settings.databaseName;
    this.masterUsername = settings.masterUsername;
    const writeOnly =
      settings.masterPassword.managedBy === "write-only" ? settings.masterPassword : undefined;
    this.masterPasswordManagedBy = settings.masterPassword.managedBy;
    this.masterPasswordVariable = writeOnly ? masterPasswordVariable(this, purpose) : undefined;

    this.securityGroup = createSecurityGroup(this, "security-group", {
      naming,
      purpose,
      vpcId: props.vpcId,
      description: `PostgreSQL ${this.identifier}: only groups allowed by allowFrom reach it`,
    });
    this.securityGroupId = this.securityGroup.id;

    this.subnetGroup = new DbSubnetGroup(this, "subnet-group", {
      name: naming.name(purpose),
      description: `Database subnets of ${this.identifier}`,
      subnetIds: [...props.subnetIds],
      tags: { Name: naming.name(purpose) },
    });

    const family = `postgres${settings.major}`;
    // A major known only at plan (a Terraform variable) cannot be checked as part of a name: the
    // name is put together around it, with room kept for its digits.
    const parameterGroupName = Token.isUnresolved(settings.major)
      ? `${naming.name(`${purpose}-postgres`, NAME_LIMITS.default - 3)}${settings.major}`
      : naming.name(`${purpose}-${family}`);
    const managedParameters: DbParameterGroupParameter[] = [
      // Already 1 by default from PostgreSQL 15, but stated so a changed default cannot turn TLS off.
      // pending-reboot is accepted for static and dynamic parameters alike, and is the apply method
      // RDS reports for this one while it equals the default; "immediate" would leave a permanent diff.
      { name: "rds.force_ssl", value: "1", applyMethod: "pending-reboot" },
      {
        name: "log_min_duration_statement",
        value: Token.isUnresolved(settings.slowQueryThresholdMs)
          ? Token.asString(Fn.tostring(settings.slowQueryThresholdMs))
          : String(settings.slowQueryThresholdMs),
        applyMethod: "immediate",
      },
    ];
    this.parameterGroup = new DbParameterGroup(this, "parameter-group", {
      name: parameterGroupName,
      family,
      description: `${this.identifier}: TLS required, slow queries logged`,
      parameter: Token.isUnresolved(settings.parameters)
        ? parametersAtPlan(managedParameters, settings.parameters)
        : [
            ...managedParameters,
            ...settings.parameters.map(
              (p): DbParameterGroupParameter => ({
                name: p.name,
                value: p.value,
                applyMethod: p.applyMethod ?? "immediate",
              }),
            ),
          ],
      tags: { Name: parameterGroupName },
      // The name carries the family, so a major upgrade creates the new group before dropping the old.
      lifecycle: { createBeforeDestroy: true },
    });

    // RDS creates these on first export with no retention (logs kept forever) unless they exist.
    const logGroups = {} as Record<(typeof EXPORTED_LOGS)[number], CloudwatchLogGroup>;
    for (const log of EXPORTED_LOGS) {
      logGroups[log] = new CloudwatchLogGroup(this, `log-group-${log}`, {
        name: `/aws/rds/instance/${this.identifier}/${log}`,
        retentionInDays: settings.logRetentionDays,
        // Left out when not given: log groups created before the prop plan no change.
        ...(props.logGroupClass !== undefined ? { logGroupClass: props.logGroupClass } : {}),
      });
    }
    this.logGroups = logGroups;

    const observability = observabilitySettings(this, {
      ...props,
      naming,
      purpose,
      identifier: this.identifier,
      region: naming.region,
    });
    this.monitoringRole = observability.role;

    const protectedData = settings.deletionProtection;
    const protection = Token.isUnresolved(protectedData)
      ? protectionAtPlan(protectedData, naming.name(`${purpose}-final`))
      : {
          deletionProtection: protectedData,
          skipFinalSnapshot: !protectedData,
          ...(protectedData ? { finalSnapshotIdentifier: naming.name(`${purpose}-final`) } : {}),
          deleteAutomatedBackups: !protectedData,
          applyImmediately: !protectedData,
        };
    this.instance = new DbInstance(this, "instance", {
      identifier: this.identifier,
      engine: "postgres",
      engineVersion: settings.engineVersion,
      allowMajorVersionUpgrade: props.allowMajorVersionUpgrade ?? false,
      autoMinorVersionUpgrade: true,
      instanceClass: settings.instanceClass,
      // A restore takes the database and master user names from its source.
      ...(props.restore
        ? restoreSource(props.restore)
        : { dbName: settings.databaseName, username: settings.masterUsername }),
      ...(writeOnly && this.masterPasswordVariable
        ? {
            passwordWo: this.masterPasswordVariable.stringValue,
            passwordWoVersion: writeOnly.version,
          }
        : {
            manageMasterUserPassword: true,
            ...(props.kmsKeyArn ? { masterUserSecretKmsKeyId: props.kmsKeyArn } : {}),
          }),
      ...(props.blueGreenUpdate ? { blueGreenUpdate: { enabled: true } } : {}),
      iamDatabaseAuthenticationEnabled: true,
      port: POSTGRES_PORT,

      dbSubnetGroupName: this.subnetGroup.name,
      vpcSecurityGroupIds: [this.securityGroup.id],
      publiclyAccessible: false,
      multiAz: settings.multiAz,
      parameterGroupName: this.parameterGroup.name,

      storageType: "gp3",
      allocatedStorage: settings.allocatedStorageGb,
      ...storageCeiling(settings.allocatedStorageGb, settings.maxAllocatedStorageGb),
      ...storagePerformance(props.iops, props.storageThroughputMiBps),
      // Stated for restores too: a restore is encrypted like its (encrypted) source, and leaving it
      // out would read as "false" and replace the instance on the next plan.
      storageEncrypted: true,
      ...(props.kmsKeyArn && !props.restore ? { kmsKeyId: props.kmsKeyArn } : {}),

      backupRetentionPeriod: settings.backupRetentionDays,
      ...(props.backupWindow ? { backupWindow: props.backupWindow } : {}),
      ...(props.maintenanceWindow ? { maintenanceWindow: props.maintenanceWindow } : {}),
      copyTagsToSnapshot: true,
      ...protection,

      performanceInsightsEnabled: true,
      performanceInsightsRetentionPeriod: settings.performanceInsightsRetentionDays,
      ...(props.kmsKeyArn ? { performanceInsightsKmsKeyId: props.kmsKeyArn } : {}),
      enabledCloudwatchLogsExports: [...EXPORTED_LOGS],
      ...observability.config,

      tags: { Name: this.identifier },
      dependsOn: Object.values(logGroups),
      // Where the data came from matters at creation only: a later change to `restore` (or its
      // removal) must never replace a live database.
      lifecycle: { ignoreChanges: ["snapshot_identifier", "restore_to_point_in_time"] },
    });

    this.arn = this.instance.arn;
    this.address = this.instance.address;
    this.endpoint = this.instance.endpoint;
    this.resourceId = this.instance.resourceId;
    if (writeOnly && this.masterPasswordVariable) {
      const secretName = naming.name(`${purpose}-master`);
      this.masterSecret = new SecretsmanagerSecret(this, "master-secret", {
        name: secretName,
        description: `Master credentials of ${this.identifier} (JSON username, password), written with the instance's password`,
        ...(props.kmsKeyArn ? { kmsKeyId: props.kmsKeyArn } : {}),
        recoveryWindowInDays: Token.isUnresolved(protectedData)
          ? Token.asNumber(conditional(protectedData, 30, 0))
          : protectedData
            ? 30
            : 0,
        tags: { Name: secretName },
      });
      const version = new SecretsmanagerSecretVersion(this, "master-secret-version", {
        secretId: this.masterSecret.id,
        // The same ephemeral value as the instance's password_wo, in the shape of RDS's own secret.
        secretStringWo: Fn.jsonencode({
          username: settings.masterUsername,
          password: this.masterPasswordVariable.stringValue,
        }),
        secretStringWoVersion: writeOnly.version,
        // Written once the instance has taken the password: a failed create or change leaves the
        // secret holding the password the instance still has.
        dependsOn: [this.instance],
      });
      this.masterSecretArn = version.arn;
    } else {
      this.masterSecret = undefined;
      this.masterSecretArn = this.instance.masterUserSecret.get(0).secretArn;
    }
    this.access = new DatabaseAccess(this, {
      database: this,
      region: naming.region,
      accountId: naming.accountId,
      kmsKeyArn: props.kmsKeyArn,
      purpose,
    });

    this.masterSecretRotation =
      props.masterSecretRotationDays === undefined
        ? undefined
        : new SecretsmanagerSecretRotation(this, "master-secret-rotation", {
            secretId: this.masterSecretArn,
            // RDS rotates its own secret (managed rotation): no Lambda, only the schedule changes.
            rotationRules: { automaticallyAfterDays: props.masterSecretRotationDays },
            rotateImmediately: false,
          });

    this.backupReplication = props.backupReplication
      ? this.replicateBackups(props.backupReplication, settings)
      : undefined;

    this.replicaSource = {
      naming,
      purpose,
      vpcId: props.vpcId,
      instanceClass: settings.instanceClass,
      allocatedStorageGb: settings.allocatedStorageGb,
      maxAllocatedStorageGb: settings.maxAllocatedStorageGb,
      deletionProtection: settings.deletionProtection,
      logRetentionDays: settings.logRetentionDays,
      logGroupClass: props.logGroupClass,
      kmsKeyArn: props.kmsKeyArn,
      parameters: [
        ...managedParameters,
        ...(Token.isUnresolved(settings.parameters) ? [] : settings.parameters),
      ].map((p) => ({ name: p.name, value: p.value, applyMethod: p.applyMethod ?? "immediate" })),
      major: settings.major,
      masterPasswordManagedBy: this.masterPasswordManagedBy,
    };
  }

  /**
   * Adds a read replica of this database: same region (in this database's VPC and subnet group) or,
   * with `crossRegion`, in another region with a subnet group, security group and KMS key there. See
   * `ReadReplicaOptions`. Needs `masterPassword.managedBy: "write-only"`: RDS cannot replicate an
   * instance whose master password it manages.
   */
  addReadReplica(id: string, options: ReadReplicaOptions = {}): ReadReplica {
    return new ReadReplica(this, id, { ...options, source: this });
  }

  private replicateBackups(
    replication: DatabaseBackupReplication,
    settings: Settings,
  ): DbInstanceAutomatedBackupsReplication {
    const { naming, purpose } = settings;
    const field = "database.backupReplication";
    const region = providerRegion(replication.provider, `${field}.provider`);
    if (region === naming.region) {
      throw new PropError(
        `${field}.provider`,
        `is in ${region}, the database's own region; give another region's provider`,
      );
    }
    checkRegionalKey(replication.kmsKeyArn, region, `${field}.kmsKeyArn`);
    const retention = assertIntegerInRange(
      replication.retentionDays ?? settings.backupRetentionDays,
      `${field}.retentionDays`,
      BACKUP_RETENTION_DAYS,
    );
    const key =
      replication.kmsKeyArn ??
      regionalRdsKey(this, "backup-replication-key", {
        naming,
        purpose: `${purpose}-backups-${region}`,
        provider: replication.provider,
        region,
        description: `Replicated automated backups of ${this.identifier}`,
      }).arn;
    return new DbInstanceAutomatedBackupsReplication(this, "backup-replication", {
      provider: replication.provider,
      sourceDbInstanceArn: this.arn,
      kmsKeyId: key,
      retentionPeriod: retention,
    });
  }

  /**
   * Lets `source` connect on 5432: ingress on the database's group and, unless told otherwise, egress
   * on `source`. Pass a description string or options. Allowing the same group (the same object, or
   * the same literal id) twice adds nothing.
   */
  allowFrom(source: SecurityGroupRef, options: string | AllowFromOptions = {}): void {
    this.access.allowFrom(source, options);
  }

  /**
   * Lets `role` read the master credentials: `secretsmanager:GetSecretValue` and `DescribeSecret` on
   * exactly the master secret (and `kms:Decrypt` on the key, if one is set). Read the secret at
   * connect time rather than once: RDS rotates the password.
   */
  grantReadCredentials(role: IamRole): IamRolePolicy {
    return this.access.grantReadCredentials(role);
  }

  /**
   * Lets `role` sign in as `dbUser` with IAM database authentication (`rds-db:connect` on
   * `arn:aws:rds-db:<region>:<account>:dbuser:<resource id>/<dbUser>`). The user must exist in
   * PostgreSQL and be granted `rds_iam`.
   */
  grantConnect(role: IamRole, dbUser: string): IamRolePolicy {
    return this.access.grantConnect(role, dbUser);
  }
}

interface Settings {
  readonly naming: Naming;
  readonly purpose: string;
  readonly engineVersion: string;
  /** The major version, as text (`"16"`): it names the parameter group family. */
  readonly major: string;
  readonly instanceClass: string;
  readonly allocatedStorageGb: number;
  readonly maxAllocatedStorageGb: number;
  readonly multiAz: boolean;
  readonly backupRetentionDays: number;
  readonly deletionProtection: boolean;
  readonly databaseName: string;
  readonly masterUsername: string;
  readonly logRetentionDays: number;
  readonly slowQueryThresholdMs: number;
  readonly performanceInsightsRetentionDays: number;
  readonly parameters: readonly DatabaseParameter[];
  readonly masterPassword: DatabaseMasterPassword;
}

/**
 * The storage autoscaling ceiling when none is given: 100 GiB, or twice the initial storage when
 * that is more (at most 65536). For a Terraform reference, the same as a Terraform expression.
 */
export function defaultMaxAllocatedStorageGb(allocatedStorageGb: number): number {
  const max = ALLOCATED_STORAGE_GB.max as number;
  if (Token.isUnresolved(allocatedStorageGb)) {
    return Token.asNumber(Fn.min([max, Fn.max([100, Op.mul(2, allocatedStorageGb)])]));
  }
  return Math.min(max, Math.max(100, 2 * allocatedStorageGb));
}

/**
 * Applies defaults and checks every prop, throwing with the field's name and what to do. A prop
 * given as a Terraform reference (a module's variable) is known only at plan: it is let through,
 * and the variable's validation blocks check the same rules in the same words.
 */
function resolveSettings(props: DatabaseProps): Settings {
  const fail = (field: string, message: string): never => {
    throw new PropError(`database.${field}`, message);
  };
  const wholeNumber = (field: string, value: number, range: IntegerRange): number =>
    assertIntegerInRange(value, `database.${field}`, range);
  const literal = (value: unknown) => !Token.isUnresolved(value);

  const purpose = props.purpose ?? "db";
  const engineVersion = props.engineVersion ?? "16";
  let major: string;
  if (literal(engineVersion)) {
    const versionMatch = ENGINE_VERSION.exec(engineVersion);
    if (!versionMatch) fail("engineVersion", `"${engineVersion}" ${ENGINE_VERSION_RULE}`);
    const number = Number(versionMatch?.[1]);
    if (number < MINIMUM_MAJOR_VERSION) fail("engineVersion", `"${engineVersion}" ${ENGINE_MAJOR_RULE}`);
    major = String(number);
  } else {
    major = Token.asString(Fn.element(Fn.split(".", engineVersion), 0));
  }

  const instanceClass = props.instanceClass ?? "db.t4g.micro";
  if (literal(instanceClass) && !INSTANCE_CLASS.test(instanceClass)) {
    fail("instanceClass", `"${instanceClass}" ${INSTANCE_CLASS_RULE}`);
  }

  if (literal(props.subnetIds)) {
    if (props.subnetIds.length < 2) {
      fail("subnetIds", `${props.subnetIds.length} given; ${SUBNET_COUNT_RULE}`);
    }
    if (new Set(props.subnetIds).size !== props.subnetIds.length) fail("subnetIds", SUBNET_DUPLICATE_RULE);
  }

  const allocatedStorageGb = wholeNumber(
    "allocatedStorageGb",
    props.allocatedStorageGb ?? 20,
    ALLOCATED_STORAGE_GB,
  );
  const maxAllocatedStorageGb = wholeNumber(
    "maxAllocatedStorageGb",
    props.maxAllocatedStorageGb ?? defaultMaxAllocatedStorageGb(allocatedStorageGb),
    { min: allocatedStorageGb, max: ALLOCATED_STORAGE_GB.max },
  );

  const deletionProtection = props.deletionProtection ?? true;
  const backupRetentionDays = wholeNumber(
    "backupRetentionDays",
    props.backupRetentionDays ?? 7,
    BACKUP_RETENTION_DAYS,
  );
  if (
    literal(deletionProtection) &&
    literal(backupRetentionDays) &&
    deletionProtection &&
    backupRetentionDays < PROTECTED_BACKUP_DAYS
  ) {
    fail("backupRetentionDays", `${backupRetentionDays} ${PROTECTED_BACKUP_RULE}`);
  }

  const databaseName = props.databaseName ?? "app";
  checkIdentifier("databaseName", databaseName, fail);
  const masterUsername = props.masterUsername ?? "platform_admin";
  checkIdentifier("masterUsername", masterUsername, fail);

  const logRetentionDays = props.logRetentionDays ?? 30;
  assertLogRetentionDays(logRetentionDays, "database.logRetentionDays");
  if (props.logGroupClass !== undefined) assertLogGroupClass(props.logGroupClass, "database.logGroupClass");

  const slowQueryThresholdMs = wholeNumber(
    "slowQueryThresholdMs",
    props.slowQueryThresholdMs ?? 1000,
    SLOW_QUERY_THRESHOLD_MS,
  );

  const performanceInsightsRetentionDays = props.performanceInsightsRetentionDays ?? 7;
  if (
    literal(performanceInsightsRetentionDays) &&
    !PERFORMANCE_INSIGHTS_RETENTION.includes(performanceInsightsRetentionDays)
  ) {
    fail(
      "performanceInsightsRetentionDays",
      `${performanceInsightsRetentionDays} ${PERFORMANCE_INSIGHTS_RETENTION_RULE}`,
    );
  }

  if (
    props.kmsKeyArn !== undefined &&
    literal(props.kmsKeyArn) &&
    !isArn(props.kmsKeyArn, ARN_KINDS.kmsKey)
  ) {
    fail("kmsKeyArn", `"${props.kmsKeyArn}" ${KMS_KEY_ARN_RULE}`);
  }
  if (
    props.backupWindow !== undefined &&
    literal(props.backupWindow) &&
    !BACKUP_WINDOW.test(props.backupWindow)
  ) {
    fail("backupWindow", `"${props.backupWindow}" ${BACKUP_WINDOW_RULE}`);
  }
  if (
    props.maintenanceWindow !== undefined &&
    literal(props.maintenanceWindow) &&
    !MAINTENANCE_WINDOW.test(props.maintenanceWindow)
  ) {
    fail("maintenanceWindow", `"${props.maintenanceWindow}" ${MAINTENANCE_WINDOW_RULE}`);
  }

  const parameters = props.parameters ?? [];
  if (literal(parameters)) {
    const seen = new Set<string>();
    for (const p of parameters) {
      if (MANAGED_PARAMETERS.includes(p.name))
        fail("parameters", `${p.name} given; ${MANAGED_PARAMETER_RULE}`);
      if (seen.has(p.name)) fail("parameters", `${p.name} given twice; ${PARAMETER_TWICE_RULE}`);
      seen.add(p.name);
    }
  }

  if (props.restore !== undefined && literal(props.restore)) {
    checkRestore(props.restore, props.naming.name(purpose, RDS_IDENTIFIER_MAX), fail);
  }

  const masterPassword = checkMasterPassword(props, fail);

  checkObservability("database", props, performanceInsightsRetentionDays);
  checkStoragePerformance("database", allocatedStorageGb, props.iops, props.storageThroughputMiBps);
  if (props.masterSecretRotationDays !== undefined) {
    wholeNumber("masterSecretRotationDays", props.masterSecretRotationDays, SECRET_ROTATION_DAYS);
  }

  return {
    naming: props.naming,
    purpose,
    engineVersion,
    major,
    instanceClass,
    allocatedStorageGb,
    maxAllocatedStorageGb,
    multiAz: props.multiAz ?? false,
    backupRetentionDays,
    deletionProtection,
    databaseName,
    masterUsername,
    logRetentionDays,
    slowQueryThresholdMs,
    performanceInsightsRetentionDays,
    parameters,
    masterPassword,
  };
}

/**
 * Checks `masterPassword` and what depends on it: rotation days and restores need RDS's secret,
 * blue/green updates need a password RDS does not manage.
 */
function checkMasterPassword(
  props: DatabaseProps,
  fail: (field: string, message: string) => never,
): DatabaseMasterPassword {
  const masterPassword = props.masterPassword ?? { managedBy: "rds" };
  if (!(MASTER_PASSWORD_MODES as readonly string[]).includes(masterPassword.managedBy)) {
    fail(
      "masterPassword.managedBy",
      `"${masterPassword.managedBy}" must be one of ${MASTER_PASSWORD_MODES.map((m) => `"${m}"`).join(", ")}`,
    );
  }
  if (masterPassword.managedBy === "write-only") {
    assertIntegerInRange(masterPassword.version, "database.masterPassword.version", { min: 1 });
    if (props.masterSecretRotationDays !== undefined) {
      fail("masterSecretRotationDays", WRITE_ONLY_ROTATION_RULE);
    }
    if (props.restore !== undefined) fail("restore", WRITE_ONLY_RESTORE_RULE);
  }
  if (props.blueGreenUpdate === true && masterPassword.managedBy !== "write-only") {
    fail("blueGreenUpdate", BLUE_GREEN_PASSWORD_RULE);
  }
  return masterPassword;
}

/**
 * The ephemeral input variable a write-only master password comes from: sensitive, required, never
 * stored (Terraform ≥ 1.10 keeps ephemeral values out of plan files and state).
 */
function masterPasswordVariable(scope: Construct, purpose: string): TerraformVariable {
  const variable = new TerraformVariable(scope, "master-password", {
    type: "string",
    sensitive: true,
    nullable: false,
    description: `Master password of the ${purpose} database. Ephemeral: never stored. Written to the instance and its secret when the database is created or masterPassword.version changes; ignored otherwise.`,
  });
  variable.overrideLogicalId(`${purpose.replace(/-/g, "_")}_master_password`);
  // CDKTF 0.21's TerraformVariable has no `ephemeral` field.
  variable.addOverride("ephemeral", true);
  return variable;
}

/** Checks a restore: one kind, one source, one time, well-formed, and not into its own source. */
function checkRestore(
  restore: DatabaseRestore,
  identifier: string,
  fail: (field: string, message: string) => never,
): void {
  const snapshot = "snapshotIdentifier" in restore ? restore.snapshotIdentifier : undefined;
  const pointInTime = "pointInTime" in restore ? restore.pointInTime : undefined;
  if ((snapshot === undefined) === (pointInTime === undefined)) {
    fail("restore", "give exactly one of snapshotIdentifier and pointInTime");
  }
  if (snapshot !== undefined) {
    if (!Token.isUnresolved(snapshot) && !SNAPSHOT_IDENTIFIER.test(snapshot)) {
      fail("restore.snapshotIdentifier", `"${snapshot}" ${SNAPSHOT_IDENTIFIER_RULE}`);
    }
    return;
  }
  const pit = pointInTime as DatabasePointInTime;
  const field = "restore.pointInTime";
  if ((pit.sourceDbInstanceIdentifier === undefined) === (pit.sourceDbiResourceId === undefined)) {
    fail(field, RESTORE_SOURCE_RULE);
  }
  if ((pit.restoreTime === undefined) === (pit.useLatestRestorableTime !== true)) {
    fail(field, RESTORE_TIME_CHOICE_RULE);
  }
  const time = pit.restoreTime;
  if (
    time !== undefined &&
    !Token.isUnresolved(time) &&
    (!RESTORE_TIME.test(time) || Number.isNaN(Date.parse(time)) || !sameInstant(time))
  ) {
    fail(`${field}.restoreTime`, `"${time}" ${RESTORE_TIME_RULE}`);
  }
  const source = pit.sourceDbInstanceIdentifier;
  if (source !== undefined && !Token.isUnresolved(source) && source === identifier) {
    fail(`${field}.sourceDbInstanceIdentifier`, `"${source}" ${RESTORE_INTO_SOURCE_RULE}`);
  }
}

/** A calendar-valid time: `Date` rolls 2026-02-30 over to March rather than refusing it. */
function sameInstant(time: string): boolean {
  return new Date(time).toISOString().slice(0, 19) === time.slice(0, 19);
}

/** The instance's restore settings, in place of its database and master user names. */
function restoreSource(
  restore: DatabaseRestore,
): Pick<DbInstanceConfig, "snapshotIdentifier" | "restoreToPointInTime"> {
  if ("snapshotIdentifier" in restore) return { snapshotIdentifier: restore.snapshotIdentifier };
  const pit = restore.pointInTime;
  return {
    restoreToPointInTime: {
      ...(pit.sourceDbInstanceIdentifier !== undefined
        ? { sourceDbInstanceIdentifier: pit.sourceDbInstanceIdentifier }
        : {}),
      ...(pit.sourceDbiResourceId !== undefined ? { sourceDbiResourceId: pit.sourceDbiResourceId } : {}),
      ...(pit.restoreTime !== undefined ? { restoreTime: pit.restoreTime } : {}),
      ...(pit.useLatestRestorableTime ? { useLatestRestorableTime: true } : {}),
    },
  };
}

/** PostgreSQL names RDS accepts for the database and master user: 1–63 lowercase characters, not reserved. */
function checkIdentifier(
  field: string,
  value: string,
  fail: (field: string, message: string) => never,
): void {
  if (Token.isUnresolved(value)) return;
  if (!POSTGRES_IDENTIFIER.test(value)) fail(field, `"${value}" ${POSTGRES_IDENTIFIER_RULE}`);
  if (RESERVED_NAMES.includes(value)) fail(field, `"${value}" ${RESERVED_NAME_RULE}`);
}

/** `max_allocated_storage` when it is above the initial storage; equal turns autoscaling off (unset). */
function storageCeiling(allocated: number, max: number): { maxAllocatedStorage?: number } {
  if (Token.isUnresolved(allocated) || Token.isUnresolved(max)) {
    return { maxAllocatedStorage: Token.asNumber(conditional(Op.gt(max, allocated), max, null)) };
  }
  return max > allocated ? { maxAllocatedStorage: max } : {};
}

/**
 * What `deletionProtection` decides, when it is a Terraform reference known only at plan: the same
 * settings as for a literal, as Terraform expressions.
 */
function protectionAtPlan(
  protectedData: boolean,
  finalSnapshotIdentifier: string,
): Pick<
  DbInstanceConfig,
  | "deletionProtection"
  | "skipFinalSnapshot"
  | "finalSnapshotIdentifier"
  | "deleteAutomatedBackups"
  | "applyImmediately"
> {
  const unprotected = Op.not(protectedData);
  return {
    deletionProtection: protectedData,
    skipFinalSnapshot: unprotected,
    finalSnapshotIdentifier: Token.asString(conditional(protectedData, finalSnapshotIdentifier, null)),
    deleteAutomatedBackups: unprotected,
    applyImmediately: unprotected,
  };
}

/**
 * The parameter group's settings when `parameters` is a Terraform reference (a module's variable): a
 * list of objects `{ name, value, apply_method }`, known only at plan. The module's own settings
 * come first, then the given ones, as one `dynamic "parameter"` block.
 */
function parametersAtPlan(
  managed: readonly DbParameterGroupParameter[],
  given: readonly DatabaseParameter[],
): IResolvable {
  const all = TerraformIterator.fromList(
    Fn.concat([
      managed.map((p) => ({ name: p.name, value: p.value, apply_method: p.applyMethod })),
      given as unknown as unknown[],
    ]),
  );
  return all.dynamic({
    name: all.getString("name"),
    value: all.getString("value"),
    apply_method: all.getString("apply_method"),
  });
}
