/**
 * An S3 bucket by its address, and the one implementation of its grants that a `Bucket` of this
 * stack and a bucket referenced from elsewhere (`Bucket.fromAttributes`) share: both write the same
 * policies.
 */
import type { IamRole } from "@cdktf/provider-aws/lib/iam-role/index.js";
import type { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy/index.js";
import { Construct } from "constructs";
import { attachPolicy, type PolicyStatement } from "../iam/policy.js";
import { PropError } from "../validation/prop-error.js";
import { ARN_KINDS, assertArn } from "../validation/validators.js";

/**
 * A bucket by its address: a `Bucket` of this stack, or the name and ARN of one created elsewhere
 * (`Bucket.fromAttributes`).
 */
export interface BucketRef {
  /** The bucket's name. */
  readonly bucketName: string;
  /** The bucket's ARN, `arn:aws:s3:::<name>`. */
  readonly bucketArn: string;
  /**
   * The KMS key the bucket encrypts with (SSE-KMS); grants also allow the key's use.
   * @default - SSE-S3: no KMS grant needed
   */
  readonly kmsKeyArn?: string;
}

/** What `Bucket.fromAttributes` needs: the bucket's address, and a name for its grants. */
export interface BucketAttributes extends BucketRef {
  /**
   * The bucket's `purpose`, which names the inline policies grants write (`s3-<purpose>-read`), so
   * grants on two buckets to one role stay apart.
   * @default - the construct id given to `fromAttributes`
   */
  readonly purpose?: string;
}

/** Limits a grant to part of the bucket. */
export interface GrantOptions {
  /** Limit the grant to keys under this prefix (e.g. `users/`). @default - the whole bucket */
  readonly prefix?: string;
}

/** What a role may do with a bucket's objects. */
export type BucketAccess = "read" | "read-write";

const OBJECT_ACTIONS: Record<BucketAccess, readonly string[]> = {
  read: ["s3:GetObject"],
  "read-write": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"],
};

/**
 * The one way the kit grants a role access to a bucket, owned or referenced: list (under the
 * prefix), the object actions of `access` under the prefix, and the KMS key's use when it has one.
 * The inline policy `s3-<purpose>-<access>` is written into `scope`.
 */
export function grantBucketAccess(
  scope: Construct,
  bucket: BucketRef,
  purpose: string,
  role: IamRole,
  access: BucketAccess,
  options: GrantOptions = {},
): IamRolePolicy {
  const prefix = options.prefix ?? "";
  if (prefix.includes("*")) throw new PropError("storage.grant", `prefix "${prefix}" must not contain "*"`);
  const statements: PolicyStatement[] = [
    {
      sid: "ListBucket",
      actions: ["s3:ListBucket"],
      resources: [bucket.bucketArn],
      ...(prefix ? { conditions: { StringLike: { "s3:prefix": [`${prefix}*`] } } } : {}),
    },
    { sid: "Objects", actions: OBJECT_ACTIONS[access], resources: [`${bucket.bucketArn}/${prefix}*`] },
  ];
  if (bucket.kmsKeyArn) {
    statements.push({
      sid: "UseBucketKey",
      actions: access === "read" ? ["kms:Decrypt"] : ["kms:Decrypt", "kms:GenerateDataKey"],
      resources: [bucket.kmsKeyArn],
    });
  }
  return attachPolicy(
    scope,
    `grant-${access}-${role.friendlyUniqueId}`,
    role,
    `s3-${purpose}-${access}`,
    statements,
  );
}

/**
 * A bucket created elsewhere, by its attributes (`Bucket.fromAttributes`): roles are granted access
 * to it exactly as to a `Bucket` of this stack. Creates nothing until a grant is made; its policy,
 * encryption and lifecycle stay with the stack that owns it.
 */
export class ImportedBucket extends Construct implements BucketRef {
  /** The bucket's name, as given. */
  readonly bucketName: string;
  /** The bucket's ARN, as given. */
  readonly bucketArn: string;
  /** The bucket's KMS key, if one was given. */
  readonly kmsKeyArn: string | undefined;
  private readonly purpose: string;

  constructor(scope: Construct, id: string, attributes: BucketAttributes) {
    super(scope, id);
    // A wildcard here would turn every grant into one on many buckets.
    assertArn(attributes.bucketArn, "storage.bucketArn", ARN_KINDS.s3Bucket);
    if (attributes.kmsKeyArn !== undefined) {
      assertArn(attributes.kmsKeyArn, "storage.kmsKeyArn", ARN_KINDS.kmsKey);
    }
    const purpose = attributes.purpose ?? id;
    if (!/^[\w+=,.@-]+$/.test(purpose)) {
      throw new PropError(
        "storage.purpose",
        `"${purpose}" cannot be part of a policy name (letters, digits and +=,.@_- only); give a purpose`,
      );
    }
    this.bucketName = attributes.bucketName;
    this.bucketArn = attributes.bucketArn;
    this.kmsKeyArn = attributes.kmsKeyArn;
    this.purpose = purpose;
  }

  /** Lets `role` list the bucket and read objects (and decrypt them when a KMS key is set). */
  grantRead(role: IamRole, options: GrantOptions = {}): IamRolePolicy {
    return grantBucketAccess(this, this, this.purpose, role, "read", options);
  }

  /** Lets `role` list, read, write and delete objects, and abort its multipart uploads. */
  grantReadWrite(role: IamRole, options: GrantOptions = {}): IamRolePolicy {
    return grantBucketAccess(this, this, this.purpose, role, "read-write", options);
  }
}
