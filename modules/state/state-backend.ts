import { DynamodbTable } from "@cdktf/provider-aws/lib/dynamodb-table/index.js";
import type { IamRole } from "@cdktf/provider-aws/lib/iam-role/index.js";
import { Token } from "cdktf";
import { Construct } from "constructs";
import { attachPolicy, type PolicyStatement } from "../iam/policy.js";
import type { Naming } from "../naming/naming.js";
import { Bucket } from "../storage/bucket.js";
import type { BucketReplication } from "../storage/replication.js";
import { PropError } from "../validation/prop-error.js";
import { hasWildcard } from "../validation/validators.js";

/** Props of `StateBackend`. */
export interface StateBackendProps {
  /** Names and tags the bucket and table. */
  readonly naming: Naming;
  /**
   * Delete state versions this many days after they were superseded (every apply writes one).
   * @default 90
   */
  readonly noncurrentVersionExpirationDays?: number;
  /**
   * Always keep this many previous state versions, however old, to roll back a bad apply.
   * @default 20
   */
  readonly keepNoncurrentVersions?: number;
  /**
   * Encrypt state with this KMS key instead of an S3-managed key.
   * @default - SSE-S3
   */
  readonly kmsKeyArn?: string;
  /**
   * Refuse `terraform destroy` on the bucket and table. Losing state orphans every resource it tracks.
   * @default true
   */
  readonly protect?: boolean;
  /**
   * Replicate every state version to a bucket in another region, so losing a region does not lose
   * state (see the storage module's `replication`). With `kmsKeyArn`, give the destination's key as
   * `destinationKmsKeyArn`. The destination is yours to create (a `Bucket` on a provider for the
   * other region, `preventDestroy: true`).
   * @default - no replication
   */
  readonly replication?: BucketReplication;
}

/** Which state keys a `grantReadState` or `grantReadWriteState` covers. */
export interface StateAccessOptions {
  /** State keys the grant covers, e.g. `acme/preview/` for every preview stack. `*` is not allowed. */
  readonly keyPrefix: string;
}

/**
 * Where every other stack keeps its Terraform state: a private, versioned, encrypted, TLS-only
 * S3 bucket, plus a DynamoDB table for state locks (on-demand, point-in-time recovery, encrypted).
 * Stacks also lock with S3 lockfiles (`use_lockfile`); the table serves Terraform < 1.10 and the
 * transition period.
 */
export class StateBackend extends Construct {
  /** The state bucket. */
  readonly bucket: Bucket;
  /** The bucket's name, for a stack's `S3Backend` `bucket` (or `StateBackend.names`). */
  readonly bucketName: string;
  /** The bucket's ARN. */
  readonly bucketArn: string;
  /** The DynamoDB lock table. */
  readonly lockTable: DynamodbTable;
  /** The lock table's name, for a stack's `S3Backend` `dynamodbTable`. */
  readonly lockTableName: string;
  /** The lock table's ARN. */
  readonly lockTableArn: string;

  /**
   * The names the backend gets for a given `naming`. Backend blocks cannot reference resources,
   * so stacks that store state here compute the same names from the same naming.
   */
  static names(naming: Naming): { bucket: string; lockTable: string } {
    return { bucket: naming.bucketName("tfstate"), lockTable: naming.name("tfstate-lock") };
  }

  constructor(scope: Construct, id: string, props: StateBackendProps) {
    super(scope, id);
    const protect = props.protect ?? true;
    // Terraform takes only literals in `lifecycle.prevent_destroy`: a `protect` known only at plan
    // (a module's variable) keeps it on, and switches the table's deletion protection alone.
    const preventDestroy = Token.isUnresolved(protect) || protect;
    this.bucket = new Bucket(this, "bucket", {
      naming: props.naming,
      purpose: "tfstate",
      kmsKeyArn: props.kmsKeyArn,
      noncurrentVersionExpirationDays: props.noncurrentVersionExpirationDays ?? 90,
      keepNoncurrentVersions: props.keepNoncurrentVersions ?? 20,
      preventDestroy,
      replication: props.replication,
    });
    this.bucketName = this.bucket.bucketName;
    this.bucketArn = this.bucket.bucketArn;

    this.lockTable = new DynamodbTable(this, "lock-table", {
      name: StateBackend.names(props.naming).lockTable,
      billingMode: "PAY_PER_REQUEST",
      hashKey: "LockID",
      attribute: [{ name: "LockID", type: "S" }],
      pointInTimeRecovery: { enabled: true },
      serverSideEncryption: { enabled: true, ...(props.kmsKeyArn ? { kmsKeyArn: props.kmsKeyArn } : {}) },
      deletionProtectionEnabled: protect,
      lifecycle: preventDestroy ? { preventDestroy: true } : undefined,
    });
    this.lockTableName = this.lockTable.name;
    this.lockTableArn = this.lockTable.arn;
  }

  /**
   * Lets `role` read state under `keyPrefix` and nothing else: no lockfile, no lock-table item is
   * ever written, so the role can neither hold up nor break another run's lock. Plan with
   * `terraform plan -lock=false`. (The S3 backend still reads the table's `-md5` digest item.)
   */
  grantReadState(role: IamRole, options: StateAccessOptions): void {
    const prefix = this.checkPrefix(options);
    this.attach(role, "read", [
      this.listStatement(prefix),
      { sid: "StateObjects", actions: ["s3:GetObject"], resources: [`${this.bucketArn}/${prefix}*`] },
      this.lockTableStatement(prefix, ["dynamodb:GetItem"]),
      ...this.keyStatements(["kms:Decrypt"]),
    ]);
  }

  /**
   * Lets `role` read and write state under `keyPrefix` and take its locks — the S3 lockfile
   * `<key>.tflock` and the lock table's items, both only for keys under the prefix (`apply`,
   * `destroy`).
   */
  grantReadWriteState(role: IamRole, options: StateAccessOptions): void {
    const prefix = this.checkPrefix(options);
    const objects = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"];
    this.attach(role, "read-write", [
      this.listStatement(prefix),
      // Terraform's S3 lockfile is `<key>.tflock` beside the state, under the same prefix.
      { sid: "StateObjects", actions: objects, resources: [`${this.bucketArn}/${prefix}*`] },
      this.lockTableStatement(prefix, ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteItem"]),
      ...this.keyStatements(["kms:Decrypt", "kms:GenerateDataKey"]),
    ]);
  }

  private checkPrefix(options: StateAccessOptions): string {
    const prefix = options.keyPrefix;
    if (!prefix || hasWildcard(prefix)) {
      throw new PropError("state.keyPrefix", `"${prefix}" must be a non-empty key prefix without "*" or "?"`);
    }
    return prefix;
  }

  private listStatement(prefix: string): PolicyStatement {
    return {
      sid: "ListState",
      actions: ["s3:ListBucket"],
      resources: [this.bucketArn],
      conditions: { StringLike: { "s3:prefix": [`${prefix}*`] } },
    };
  }

  /**
   * The lock table's items for keys under `prefix` only: the S3 backend's `LockID` is
   * `<bucket>/<key>` (the lock) and `<bucket>/<key>-md5` (the state's digest).
   */
  private lockTableStatement(prefix: string, actions: string[]): PolicyStatement {
    return {
      sid: "StateLockTableItems",
      actions,
      resources: [this.lockTableArn],
      conditions: {
        Null: { "dynamodb:LeadingKeys": "false" },
        "ForAllValues:StringLike": { "dynamodb:LeadingKeys": [`${this.bucketName}/${prefix}*`] },
      },
    };
  }

  private keyStatements(actions: string[]): PolicyStatement[] {
    return this.bucket.kmsKeyArn ? [{ sid: "StateKey", actions, resources: [this.bucket.kmsKeyArn] }] : [];
  }

  private attach(role: IamRole, access: string, statements: PolicyStatement[]): void {
    attachPolicy(this, `grant-${access}-${role.friendlyUniqueId}`, role, `tfstate-${access}`, statements);
  }
}
