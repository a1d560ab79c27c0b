/**
 * A read replica of a `Database`: in the same region (the source's VPC and subnet group), or in
 * another region with a subnet group, parameter group and KMS key of its own there. Reachable only
 * from the groups given to its own `allowFrom`, over TLS, with IAM authentication.
 */
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group/index.js";
import { DbInstance } from "@cdktf/provider-aws/lib/db-instance/index.js";
import {
  DbParameterGroup,
  type DbParameterGroupParameter,
} from "@cdktf/provider-aws/lib/db-parameter-group/index.js";
import { DbSubnetGroup } from "@cdktf/provider-aws/lib/db-subnet-group/index.js";
import type { IamRole } from "@cdktf/provider-aws/lib/iam-role/index.js";
import type { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy/index.js";
import type { AwsProvider } from "@cdktf/provider-aws/lib/provider/index.js";
import type { SecurityGroup } from "@cdktf/provider-aws/lib/security-group/index.js";
import { Token } from "cdktf";
import { Construct } from "constructs";
import type { LogGroupClass } from "../logs/log-group-class.js";
import type { Naming } from "../naming/naming.js";
import {
  type AllowFromOptions,
  createSecurityGroup,
  type SecurityGroupRef,
} from "../network/security-group.js";
import { PropError } from "../validation/prop-error.js";
import { assertIntegerInRange, assertLogRetentionDays } from "../validation/validators.js";
import type { Database } from "./database.js";
import { DatabaseAccess, type DatabaseRef, POSTGRES_PORT } from "./database-ref.js";
import {
  checkObservability,
  checkRegionalKey,
  type DatabaseInsightsMode,
  type MonitoringInterval,
  observabilitySettings,
  providerRegion,
  regionalRdsKey,
  useProvider,
} from "./instance-options.js";

/** Why a replica needs a source whose master password RDS does not manage. */
export const REPLICA_MANAGED_PASSWORD_RULE =
  'needs a source with masterPassword: { managedBy: "write-only", version }: RDS cannot create a read replica of an instance whose master password Secrets Manager manages';
/** Days of automated backups a replica may keep: 0 (none, the default) to 35. */
export const REPLICA_BACKUP_RETENTION_DAYS = { min: 0, max: 35 };
/** Log types a replica exports, as its source; each gets a log group with a retention. */
export const REPLICA_LOGS = ["postgresql", "upgrade"] as const;
/** The identifier rules, as `Database`'s (kept here to avoid a load-order cycle). */
const RDS_IDENTIFIER_MAX = 63;
const INSTANCE_CLASS = /^db\.[a-z0-9]+\.[a-z0-9]+$/;
const PERFORMANCE_INSIGHTS_RETENTION: readonly number[] = [
  7,
  ...Array.from({ length: 23 }, (_, i) => 31 * (i + 1)),
  731,
];

/** What a replica takes from its source `Database` (its settings as resolved). */
export interface ReplicaSource {
  /** The source's naming; the replica is named with it. */
  readonly naming: Naming;
  /** The source's purpose. */
  readonly purpose: string;
  /** The source's VPC: a same-region replica's security group is created in it. */
  readonly vpcId: string;
  /** The source's instance class. */
  readonly instanceClass: string;
  /** The source's initial storage, GiB. */
  readonly allocatedStorageGb: number;
  /** The source's storage autoscaling ceiling, GiB. */
  readonly maxAllocatedStorageGb: number;
  /** Whether the source is protected. */
  readonly deletionProtection: boolean;
  /** The source's log retention. */
  readonly logRetentionDays: number;
  /** The source's log class, if given. */
  readonly logGroupClass: LogGroupClass | undefined;
  /** The source's customer-managed key, if any. */
  readonly kmsKeyArn: string | undefined;
  /** The source's parameter group settings, for a parameter group in another region. */
  readonly parameters: readonly DbParameterGroupParameter[];
  /** The source's major version (`"16"`), the parameter group family's number. */
  readonly major: string;
  /** Who keeps the source's master password: RDS refuses replicas when RDS does. */
  readonly masterPasswordManagedBy: "rds" | "write-only";
}

/** Where a cross-region replica runs: the region's provider, network and key. */
export interface ReadReplicaCrossRegion {
  /** An AWS provider for the replica's region (another region than the source's). */
  readonly provider: AwsProvider;
  /** The VPC in that region; the replica's security group is created in it. */
  readonly vpcId: string;
  /** Database subnets in that region, in at least two availability zones. */
  readonly subnetIds: readonly string[];
  /**
   * A KMS key ARN in that region for the replica's storage and Performance Insights.
   * @default - a new customer-managed key there, rotated yearly, usable only through RDS
   */
  readonly kmsKeyArn?: string;
}

/** Options of `database.addReadReplica(id, options)`. */
export interface ReadReplicaOptions {
  /**
   * What the replica is for; part of its names (`<project>-<env>-<purpose>`). Give each replica of
   * a database its own.
   * @default - "<source purpose>-replica"
   */
  readonly purpose?: string;
  /** The replica's instance class. @default - the source's */
  readonly instanceClass?: string;
  /** A standby for the replica in a second availability zone. @default false */
  readonly multiAz?: boolean;
  /**
   * Deletion protection on the replica; when on, changes wait for the maintenance window. (A
   * replica never takes a final snapshot: RDS does not allow one.)
   * @default - the source's `deletionProtection`
   */
  readonly deletionProtection?: boolean;
  /**
   * Days of automated backups of the replica itself, 0–35 (its data is the source's, backed up there).
   * @default 0
   */
  readonly backupRetentionDays?: number;
  /** Days of Performance Insights history: 7 (free), 31 × 1–23 months, or 731. @default 7 */
  readonly performanceInsightsRetentionDays?: number;
  /**
   * CloudWatch Database Insights mode; `"advanced"` needs `performanceInsightsRetentionDays` ≥ 465.
   * @default - not set: RDS's own (`standard`)
   */
  readonly databaseInsightsMode?: DatabaseInsightsMode;
  /** Enhanced monitoring interval, seconds (0 = off), with a role of the replica's own. @default 0 */
  readonly monitoringIntervalSeconds?: MonitoringInterval;
  /** A permissions boundary for the enhanced monitoring role. @default - none */
  readonly monitoringRolePermissionsBoundaryArn?: string;
  /** Retention of the replica's `postgresql` and `upgrade` log groups. @default - the source's */
  readonly logRetentionDays?: number;
  /**
   * Run the replica in another region (disaster recovery, readers elsewhere).
   * @default - none: the source's region, VPC, subnet group and parameter group
   */
  readonly crossRegion?: ReadReplicaCrossRegion;
}

/** Props of `ReadReplica`: its source and options. */
export interface ReadReplicaProps extends ReadReplicaOptions {
  /** The database to replicate. */
  readonly source: Database;
}

/**
 * An RDS for PostgreSQL read replica (`replicate_source_db`): engine, version, master user and
 * data come from the source, whose master password must not be managed by RDS
 * (`masterPassword: { managedBy: "write-only", version }`). Its own security group (no rule until `allowFrom`), not public,
 * encrypted, IAM authentication on, Performance Insights on, logs exported to log groups with a
 * retention.
 */
export class ReadReplica extends Construct {
  /** The replica instance. */
  readonly instance: DbInstance;
  /** Its identifier, `<project>-<env>-<purpose>`. */
  readonly identifier: string;
  /** Its ARN. */
  readonly arn: string;
  /** Its hostname (readers connect here). */
  readonly address: string;
  /** Always 5432. */
  readonly port: number = POSTGRES_PORT;
  /** `<address>:<port>`. */
  readonly endpoint: string;
  /** The replica's resource id (`db-…`), for `rds-db:connect`. */
  readonly resourceId: string;
  /** The replica's own security group. */
  readonly securityGroup: SecurityGroup;
  /** The id of `securityGroup`. */
  readonly securityGroupId: string;
  /** The region it runs in. */
  readonly region: string;
  /** The KMS key of a cross-region replica (given or created); the source's key otherwise. */
  readonly kmsKeyArn: string | undefined;
  /** The enhanced monitoring role, when monitoring is on. */
  readonly monitoringRole: IamRole | undefined;
  /** The log groups it exports to. */
  readonly logGroups: Readonly<Record<(typeof REPLICA_LOGS)[number], CloudwatchLogGroup>>;
  private readonly access: DatabaseAccess;
  private readonly provider: AwsProvider | undefined;

  constructor(scope: Construct, id: string, props: ReadReplicaProps) {
    super(scope, id);
    const source = props.source.replicaSource;
    const { naming } = source;
    const field = "readReplica";
    const fail = (name: string, message: string): never => {
      throw new PropError(`${field}.${name}`, message);
    };
    if (source.masterPasswordManagedBy === "rds") {
      fail("source", `${props.source.identifier}: ${REPLICA_MANAGED_PASSWORD_RULE}`);
    }
    const purpose = props.purpose ?? `${source.purpose}-replica`;
    if (!/^[a-z][a-z0-9-]*$/.test(purpose))
      fail("purpose", `"${purpose}" must be lowercase letters, digits and hyphens`);
    if (purpose === source.purpose) fail("purpose", `"${purpose}" is the source's; give the replica its own`);
    const instanceClass = props.instanceClass ?? source.instanceClass;
    if (!Token.isUnresolved(instanceClass) && !INSTANCE_CLASS.test(instanceClass)) {
      fail("instanceClass", `"${instanceClass}" must be an RDS instance class such as db.t4g.micro`);
    }
    const backupDays = assertIntegerInRange(
      props.backupRetentionDays ?? 0,
      `${field}.backupRetentionDays`,
      REPLICA_BACKUP_RETENTION_DAYS,
    );
    const insightsDays = props.performanceInsightsRetentionDays ?? 7;
    if (!PERFORMANCE_INSIGHTS_RETENTION.includes(insightsDays)) {
      fail(
        "performanceInsightsRetentionDays",
        `${insightsDays} must be 7 (free), a multiple of 31 up to 713, or 731`,
      );
    }
    checkObservability(field, props, insightsDays);
    const logRetentionDays = props.logRetentionDays ?? source.logRetentionDays;
    assertLogRetentionDays(logRetentionDays, `${field}.logRetentionDays`);
    const protectedData = props.deletionProtection ?? source.deletionProtection;

    const cross = props.crossRegion;
    this.provider = cross?.provider;
    this.region = cross ? providerRegion(cross.provider, `${field}.crossRegion.provider`) : naming.region;
    if (cross) {
      if (this.region === naming.region) {
        fail(
          "crossRegion.provider",
          `is in ${this.region}, the source's region; leave crossRegion out for a same-region replica`,
        );
      }
      if (!Token.isUnresolved(cross.subnetIds)) {
        if (cross.subnetIds.length < 2)
          fail(
            "crossRegion.subnetIds",
            `${cross.subnetIds.length} given; RDS needs subnets in at least two availability zones`,
          );
        if (new Set(cross.subnetIds).size !== cross.subnetIds.length)
          fail("crossRegion.subnetIds", "lists a subnet twice");
      }
      checkRegionalKey(cross.kmsKeyArn, this.region, `${field}.crossRegion.kmsKeyArn`);
    }

    this.identifier = naming.name(purpose, RDS_IDENTIFIER_MAX);
    this.securityGroup = createSecurityGroup(this, "security-group", {
      naming,
      purpose,
      vpcId: cross ? cross.vpcId : source.vpcId,
      description: `PostgreSQL replica ${this.identifier}: only groups allowed by allowFrom reach it`,
    });
    this.securityGroupId = this.securityGroup.id;

    // Same region: RDS puts the replica in the source's subnet group (the provider refuses
    // db_subnet_group_name with a source given by identifier).
    let subnetGroupName: string | undefined;
    let parameterGroupName = props.source.parameterGroup.name;
    let kmsKeyArn = source.kmsKeyArn;
    if (cross) {
      subnetGroupName = new DbSubnetGroup(this, "subnet-group", {
        name: naming.name(purpose),
        description: `Database subnets of ${this.identifier}`,
        subnetIds: [...cross.subnetIds],
        tags: { Name: naming.name(purpose) },
      }).name;
      const family = `postgres${source.major}`;
      const name = naming.name(`${purpose}-${family}`);
      parameterGroupName = new DbParameterGroup(this, "parameter-group", {
        name,
        family,
        description: `${this.identifier}: the settings of ${props.source.identifier} (TLS required)`,
        parameter: [...source.parameters],
        tags: { Name: name },
        lifecycle: { createBeforeDestroy: true },
      }).name;
      kmsKeyArn =
        cross.kmsKeyArn ??
        regionalRdsKey(this, "key", {
          naming,
          purpose,
          provider: cross.provider,
          region: this.region,
          description: `Storage and Performance Insights of ${this.identifier}`,
        }).arn;
    }
    this.kmsKeyArn = kmsKeyArn;

    const logGroups = {} as Record<(typeof REPLICA_LOGS)[number], CloudwatchLogGroup>;
    for (const log of REPLICA_LOGS) {
      logGroups[log] = new CloudwatchLogGroup(this, `log-group-${log}`, {
        name: `/aws/rds/instance/${this.identifier}/${log}`,
        retentionInDays: logRetentionDays,
        ...(source.logGroupClass !== undefined ? { logGroupClass: source.logGroupClass } : {}),
      });
    }
    this.logGroups = logGroups;

    const observability = observabilitySettings(this, {
      ...props,
      naming,
      purpose,
      identifier: this.identifier,
      region: this.region,
    });
    this.monitoringRole = observability.role;

    this.instance = new DbInstance(this, "instance", {
      identifier: this.identifier,
      // Same region: the source's identifier; another region: its ARN.
      replicateSourceDb: cross ? props.source.arn : props.source.instance.identifier,
      engine: "postgres",
      autoMinorVersionUpgrade: true,
      instanceClass,
      iamDatabaseAuthenticationEnabled: true,
      port: POSTGRES_PORT,
      ...(subnetGroupName ? { dbSubnetGroupName: subnetGroupName } : {}),
      vpcSecurityGroupIds: [this.securityGroup.id],
      publiclyAccessible: false,
      multiAz: props.multiAz ?? false,
      parameterGroupName,
      storageType: "gp3",
      // Storage grows as the source's may: a replica smaller than its source stops replicating.
      ...(source.maxAllocatedStorageGb > source.allocatedStorageGb
        ? { maxAllocatedStorage: source.maxAllocatedStorageGb }
        : {}),
      storageEncrypted: true,
      ...(kmsKeyArn ? { kmsKeyId: kmsKeyArn } : {}),
      backupRetentionPeriod: backupDays,
      copyTagsToSnapshot: true,
      deletionProtection: protectedData,
      skipFinalSnapshot: true,
      deleteAutomatedBackups: true,
      applyImmediately: !protectedData,
      performanceInsightsEnabled: true,
      performanceInsightsRetentionPeriod: insightsDays,
      ...(kmsKeyArn ? { performanceInsightsKmsKeyId: kmsKeyArn } : {}),
      enabledCloudwatchLogsExports: [...REPLICA_LOGS],
      ...observability.config,
      tags: { Name: this.identifier },
      dependsOn: Object.values(logGroups),
    });
    this.arn = this.instance.arn;
    this.address = this.instance.address;
    this.endpoint = this.instance.endpoint;
    this.resourceId = this.instance.resourceId;

    const ref: DatabaseRef = {
      identifier: this.identifier,
      address: this.address,
      port: this.port,
      securityGroupId: this.securityGroupId,
      resourceId: this.resourceId,
      masterSecretArn: props.source.masterSecretArn,
    };
    this.access = new DatabaseAccess(this, {
      database: ref,
      region: this.region,
      accountId: naming.accountId,
      kmsKeyArn: undefined,
      purpose,
    });
    this.pinProvider();
  }

  /**
   * Lets `source` connect on 5432: ingress on the replica's group and, unless told otherwise, egress
   * on `source` (for a cross-region replica, a group in the replica's region). As `Database.allowFrom`.
   */
  allowFrom(source: SecurityGroupRef, options: string | AllowFromOptions = {}): void {
    this.access.allowFrom(source, options);
    this.pinProvider();
  }

  /**
   * Lets `role` sign in to the replica as `dbUser` with IAM authentication (`rds-db:connect` on the
   * replica's resource id). The user is the source's (replicated); it must have `GRANT rds_iam`.
   */
  grantConnect(role: IamRole, dbUser: string): IamRolePolicy {
    return this.access.grantConnect(role, dbUser);
  }

  /** Resources of a cross-region replica go to its region's provider; IAM (global) ones stay. */
  private pinProvider(): void {
    useProvider(this, this.provider, (type) => !type.startsWith("aws_iam_"));
  }
}
