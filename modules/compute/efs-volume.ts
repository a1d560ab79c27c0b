/**
 * `EfsVolume`: an encrypted, backed-up EFS file system for a `FargateService`'s tasks, reached only
 * over TLS, with IAM authorization, through one access point.
 */
import { EfsAccessPoint } from "@cdktf/provider-aws/lib/efs-access-point/index.js";
import { EfsBackupPolicy } from "@cdktf/provider-aws/lib/efs-backup-policy/index.js";
import { EfsFileSystem } from "@cdktf/provider-aws/lib/efs-file-system/index.js";
import { EfsFileSystemPolicy } from "@cdktf/provider-aws/lib/efs-file-system-policy/index.js";
import { EfsMountTarget } from "@cdktf/provider-aws/lib/efs-mount-target/index.js";
import type { IamRole } from "@cdktf/provider-aws/lib/iam-role/index.js";
import type { SecurityGroup } from "@cdktf/provider-aws/lib/security-group/index.js";
import { Token } from "cdktf";
import { Construct } from "constructs";
import { attachPolicy, type PolicyStatement, policyDocument } from "../iam/policy.js";
import type { Naming } from "../naming/naming.js";
import {
  type AllowFromOptions,
  allowFromOptions,
  allowTraffic,
  createSecurityGroup,
  type SecurityGroupRef,
} from "../network/security-group.js";
import { PropError } from "../validation/prop-error.js";
import { assertKmsKeyArn } from "./environment.js";

/** The NFS port. */
export const NFS_PORT = 2049;

/** Props of `EfsVolume`. */
export interface EfsVolumeProps {
  /** Names and tags every resource. */
  readonly naming: Naming;
  /** What the file system holds; it and its security group are named `<project>-<env>-<purpose>`. */
  readonly purpose: string;
  /** The VPC the mount targets' security group is created in. */
  readonly vpcId: string;
  /** Subnets to put a mount target in (one per Availability Zone), e.g. the network's private subnets. */
  readonly subnetIds: readonly string[];
  /**
   * The POSIX user every access through the access point runs as (whatever the client's own uid).
   * @default { uid: 1000, gid: 1000 } — the service's default container user
   */
  readonly posixUser?: {
    /** The user id (not 0). */
    readonly uid: number;
    /** The group id (not 0). */
    readonly gid: number;
  };
  /**
   * The directory the access point exposes as `/`, created owned by `posixUser` with mode 750.
   * @default "/<purpose>"
   */
  readonly rootDirectory?: string;
  /**
   * Encrypt with this customer-managed KMS key.
   * @default - the AWS-managed `aws/elasticfilesystem` key (encryption at rest is always on)
   */
  readonly kmsKeyArn?: string;
  /**
   * Daily AWS Backup of the file system (the EFS automatic backup policy).
   * @default true
   */
  readonly backup?: boolean;
  /**
   * Move files not read for this many days to Infrequent Access (cheaper storage, per-read charge).
   * @default - never
   */
  readonly transitionToIaDays?: 1 | 7 | 14 | 30 | 60 | 90 | 180 | 270 | 365;
}

/** Anything that is an EFS volume with an access point: an `EfsVolume`, or ids read from another stack. */
export interface EfsVolumeRef {
  /** The file system's id (`fs-…`). */
  readonly fileSystemId: string;
  /** The file system's ARN (the resource of the mount grant). */
  readonly fileSystemArn: string;
  /** The access point's id (`fsap-…`), in the task definition's volume. */
  readonly accessPointId: string;
  /** The access point's ARN (the condition of the mount grant). */
  readonly accessPointArn: string;
  /** Lets `source` reach the mount targets on NFS (2049). */
  allowFrom(source: SecurityGroupRef, options?: string | AllowFromOptions): void;
  /** Lets `role` mount it (read-only unless `write`) through the access point. */
  grantMount(role: IamRole, options?: { readonly write?: boolean }): void;
}

/**
 * An EFS file system (encrypted at rest, backed up), a mount target with a security group of its
 * own (no ingress until `allowFrom`) in each subnet, an access point that pins the POSIX user and
 * root directory, and a file system policy that refuses non-TLS connections, root access and any
 * mount not through the access point. Clients need IAM permission (`grantMount`).
 */
export class EfsVolume extends Construct implements EfsVolumeRef {
  /** The file system. */
  readonly fileSystem: EfsFileSystem;
  /** The access point every client goes through. */
  readonly accessPoint: EfsAccessPoint;
  /** The mount targets' security group: no ingress until `allowFrom`, no egress. */
  readonly securityGroup: SecurityGroup;
  /** The file system's id. */
  readonly fileSystemId: string;
  /** The file system's ARN. */
  readonly fileSystemArn: string;
  /** The access point's id. */
  readonly accessPointId: string;
  /** The access point's ARN. */
  readonly accessPointArn: string;
  private readonly naming: Naming;
  private readonly purpose: string;
  private allowRules = 0;
  private grants = 0;

  constructor(scope: Construct, id: string, props: EfsVolumeProps) {
    super(scope, id);
    const f = "compute.efsVolume";
    const { naming } = props;
    this.naming = naming;
    this.purpose = props.purpose;
    if (props.subnetIds.length === 0) throw new PropError(`${f}.subnetIds`, "give at least one subnet");
    if (props.kmsKeyArn !== undefined) assertKmsKeyArn(props.kmsKeyArn, `${f}.kmsKeyArn`);
    const posixUser = props.posixUser ?? { uid: 1000, gid: 1000 };
    for (const key of ["uid", "gid"] as const) {
      const value = posixUser[key];
      if (!Token.isUnresolved(value) && !(Number.isInteger(value) && value > 0 && value <= 4_294_967_295)) {
        throw new PropError(`${f}.posixUser.${key}`, `${value} must be a whole number above 0 (not root)`);
      }
    }
    const rootDirectory = props.rootDirectory ?? `/${props.purpose}`;
    if (!/^\/[A-Za-z0-9._/-]*$/.test(rootDirectory) || rootDirectory.split("/").includes("..")) {
      throw new PropError(`${f}.rootDirectory`, `"${rootDirectory}" must be an absolute path`);
    }
    const name = naming.name(props.purpose);

    this.fileSystem = new EfsFileSystem(this, "file-system", {
      creationToken: name,
      encrypted: true,
      kmsKeyId: props.kmsKeyArn,
      ...(props.transitionToIaDays
        ? {
            lifecyclePolicy: [
              {
                transitionToIa: `AFTER_${props.transitionToIaDays}_DAY${props.transitionToIaDays === 1 ? "" : "S"}`,
              },
            ],
          }
        : {}),
      tags: { Name: name },
    });
    this.fileSystemId = this.fileSystem.id;
    this.fileSystemArn = this.fileSystem.arn;
    new EfsBackupPolicy(this, "backup-policy", {
      fileSystemId: this.fileSystem.id,
      backupPolicy: { status: (props.backup ?? true) ? "ENABLED" : "DISABLED" },
    });

    this.securityGroup = createSecurityGroup(this, "security-group", {
      naming,
      purpose: `${props.purpose}-efs`,
      vpcId: props.vpcId,
      description: `${name} EFS mount targets: NFS only from allowed groups`,
    });
    props.subnetIds.forEach((subnetId, i) => {
      new EfsMountTarget(this, `mount-target-${i}`, {
        fileSystemId: this.fileSystem.id,
        subnetId,
        securityGroups: [this.securityGroup.id],
      });
    });

    this.accessPoint = new EfsAccessPoint(this, "access-point", {
      fileSystemId: this.fileSystem.id,
      posixUser: { uid: posixUser.uid, gid: posixUser.gid },
      rootDirectory: {
        path: rootDirectory,
        creationInfo: { ownerUid: posixUser.uid, ownerGid: posixUser.gid, permissions: "750" },
      },
      tags: { Name: name },
    });
    this.accessPointId = this.accessPoint.id;
    this.accessPointArn = this.accessPoint.arn;

    const clientActions = [
      "elasticfilesystem:ClientMount",
      "elasticfilesystem:ClientWrite",
      "elasticfilesystem:ClientRootAccess",
    ];
    const statements: PolicyStatement[] = [
      {
        sid: "DenyWithoutTls",
        effect: "Deny",
        principal: "*",
        actions: clientActions,
        resources: [this.fileSystem.arn],
        conditions: { Bool: { "aws:SecureTransport": "false" } },
      },
      {
        sid: "DenyOutsideAccessPoint",
        effect: "Deny",
        principal: "*",
        actions: clientActions,
        resources: [this.fileSystem.arn],
        conditions: { StringNotEquals: { "elasticfilesystem:AccessPointArn": this.accessPoint.arn } },
      },
      {
        sid: "DenyRootAccess",
        effect: "Deny",
        principal: "*",
        actions: ["elasticfilesystem:ClientRootAccess"],
        resources: [this.fileSystem.arn],
      },
    ];
    new EfsFileSystemPolicy(this, "policy", {
      fileSystemId: this.fileSystem.id,
      policy: policyDocument(statements),
    });
  }

  /** Lets TCP connections from `source` reach the mount targets on NFS (2049), and nothing else. */
  allowFrom(source: SecurityGroupRef, options: string | AllowFromOptions = {}): void {
    const { description, egressOnSource } = allowFromOptions(options);
    this.allowRules += 1;
    allowTraffic(this, `allow-from-${this.allowRules}`, {
      from: source,
      to: this.securityGroup,
      port: NFS_PORT,
      description: description ?? `NFS to ${this.naming.name(this.purpose)} EFS`,
      egressOnSource,
    });
  }

  /**
   * Lets `role` mount the file system through the access point (`ClientMount`, and `ClientWrite`
   * when `write`), on this file system only, conditioned on the access point.
   */
  grantMount(role: IamRole, options: { readonly write?: boolean } = {}): void {
    this.grants += 1;
    attachPolicy(this, `grant-mount-${this.grants}`, role, `efs-${this.purpose}-${this.grants}`, [
      {
        sid: "MountThroughAccessPoint",
        actions: [
          "elasticfilesystem:ClientMount",
          ...(options.write ? ["elasticfilesystem:ClientWrite"] : []),
        ],
        resources: [this.fileSystem.arn],
        conditions: { StringEquals: { "elasticfilesystem:AccessPointArn": this.accessPoint.arn } },
      },
    ]);
  }
}
