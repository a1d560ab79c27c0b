import { Cloudtrail } from "@cdktf/provider-aws/lib/cloudtrail/index.js";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group/index.js";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role/index.js";
import { S3BucketLoggingA } from "@cdktf/provider-aws/lib/s3-bucket-logging/index.js";
import { Construct } from "constructs";
import { attachPolicy, serviceTrustPolicy } from "../iam/policy.js";
import { NAME_LIMITS, type Naming } from "../naming/naming.js";
import { Bucket } from "../storage/bucket.js";
import type { BaselineKey } from "./baseline-key.js";

/**
 * Props of `Trail`: the key, how long log files are locked and kept, and whether Terraform may destroy them.
 */
export interface TrailProps {
  /** Names the trail, its buckets, log group and role. */
  readonly naming: Naming;
  /** Encrypts the log files and the log group; the trail adds the key policy statements it needs. */
  readonly key: BaselineKey;
  /** Days each log file is locked (S3 Object Lock, governance mode) and kept in S3. */
  readonly retentionDays: number;
  /** Days the trail's events stay in the CloudWatch Logs group the metric filters read. */
  readonly logGroupRetentionDays: number;
  /** Terraform refuses to destroy the two buckets (`prevent_destroy`). */
  readonly protect: boolean;
}

/** Where S3 writes the trail bucket's server access logs, in the access-log bucket. */
const ACCESS_LOG_PREFIX = "trail/";

/**
 * A multi-region CloudTrail trail of the account's management events (global services included, log
 * file integrity validation on), delivered to a bucket of its own and to a CloudWatch Logs group.
 *
 * - **Bucket**: the storage module's private, versioned, TLS-only bucket. Every log file is
 *   encrypted by CloudTrail with the baseline key (SSE-KMS per object, the trail's `kms_key_id`).
 *   The bucket's default encryption stays SSE-S3: the storage module turns on an S3 Bucket Key with
 *   a KMS default, and a Bucket Key replaces the encryption context (`aws:cloudtrail:arn`) that the
 *   key policy's CloudTrail condition relies on, which would stop delivery.
 * - **Protected against deletion with S3 Object Lock** (governance mode, `retentionDays`), chosen
 *   over a bucket policy that denies `s3:DeleteObject*` to everyone: such a policy is removed by
 *   whoever may `s3:PutBucketPolicy` (the root user always may), and it would also deny Terraform's
 *   own lifecycle updates. Object Lock protects each log version inside S3 whatever the bucket policy
 *   says; governance, not compliance, so a wrong retention can still be corrected by someone allowed
 *   `s3:BypassGovernanceRetention`, which the bucket policy denies to everyone: lifting a lock
 *   early takes a bucket policy change first, and that change is itself in the trail.
 * - **Access-logged**: S3 server access logs go to a small bucket of its own (SSE-S3: S3 log
 *   delivery cannot write to SSE-KMS or Object Lock buckets), written only by the logging service
 *   for this bucket.
 * - **CloudWatch Logs**: the events also go to a log group (encrypted with the baseline key) for the
 *   CIS metric filters, through a role CloudTrail may assume only for this trail, allowed only to
 *   write the trail's log streams.
 */
export class Trail extends Construct {
  /** The multi-region trail. */
  readonly trail: Cloudtrail;
  /** The trail's ARN. */
  readonly trailArn: string;
  /** The Object-Locked bucket the log files are delivered to. */
  readonly bucket: Bucket;
  /** The bucket that receives the trail bucket's S3 server access logs. */
  readonly accessLogBucket: Bucket;
  /** The CloudWatch Logs group the trail also writes to, read by the CIS metric filters. */
  readonly logGroup: CloudwatchLogGroup;
  /** The log group's name (`/aws/cloudtrail/<project>-<env>-trail`). */
  readonly logGroupName: string;
  /** The role CloudTrail assumes to write this trail's log streams, and nothing else. */
  readonly role: IamRole;

  constructor(scope: Construct, id: string, props: TrailProps) {
    super(scope, id);
    const { naming, key } = props;
    const { accountId, region } = naming;
    const name = naming.name("trail");
    // Built from the name, not read from the resource: the key policy and the bucket policy must
    // name the trail before it exists (CloudTrail checks both when the trail is created).
    const trailArn = `arn:aws:cloudtrail:${region}:${accountId}:trail/${name}`;
    const logGroupName = `/aws/cloudtrail/${name}`;
    const logGroupArn = `arn:aws:logs:${region}:${accountId}:log-group:${logGroupName}`;

    this.accessLogBucket = new Bucket(this, "access-logs", {
      naming,
      purpose: "trail-access-logs",
      lifecycleRules: [{ id: "expire-access-logs", expirationDays: props.retentionDays }],
      preventDestroy: props.protect,
    });
    this.bucket = new Bucket(this, "bucket", {
      naming,
      purpose: "trail",
      objectLock: { mode: "GOVERNANCE", retentionDays: props.retentionDays },
      // Current files get a delete marker when their lock ends; the storage module then expires
      // the (by then unlocked) noncurrent version.
      lifecycleRules: [{ id: "expire-trail-logs", expirationDays: props.retentionDays }],
      preventDestroy: props.protect,
    });

    // The bucket policy CloudTrail documents, with aws:SourceArn so only this trail may deliver.
    this.bucket.addToResourcePolicy({
      sid: "CloudTrailAclCheck",
      principal: { Service: "cloudtrail.amazonaws.com" },
      actions: ["s3:GetBucketAcl"],
      resources: [this.bucket.bucketArn],
      conditions: { StringEquals: { "aws:SourceArn": trailArn } },
    });
    this.bucket.addToResourcePolicy({
      sid: "CloudTrailWrite",
      principal: { Service: "cloudtrail.amazonaws.com" },
      actions: ["s3:PutObject"],
      resources: [`${this.bucket.bucketArn}/AWSLogs/${accountId}/*`],
      conditions: {
        StringEquals: { "s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceArn": trailArn },
      },
    });
    this.bucket.addToResourcePolicy({
      sid: "NobodyBypassesObjectLock",
      effect: "Deny",
      principal: "*",
      actions: ["s3:BypassGovernanceRetention"],
      resources: [`${this.bucket.bucketArn}/*`],
    });

    this.accessLogBucket.addToResourcePolicy({
      sid: "S3ServerAccessLogsWrite",
      principal: { Service: "logging.s3.amazonaws.com" },
      actions: ["s3:PutObject"],
      resources: [`${this.accessLogBucket.bucketArn}/${ACCESS_LOG_PREFIX}*`],
      conditions: {
        ArnLike: { "aws:SourceArn": this.bucket.bucketArn },
        StringEquals: { "aws:SourceAccount": accountId },
      },
    });
    new S3BucketLoggingA(this, "access-logging", {
      bucket: this.bucket.bucketName,
      targetBucket: this.accessLogBucket.bucketName,
      targetPrefix: ACCESS_LOG_PREFIX,
      dependsOn: [this.accessLogBucket.policy],
    });

    key.addToKeyPolicy({
      sid: "CloudTrailEncryptsThisTrail",
      principal: { Service: "cloudtrail.amazonaws.com" },
      actions: ["kms:GenerateDataKey*"],
      conditions: {
        StringEquals: { "aws:SourceArn": trailArn },
        StringLike: {
          "kms:EncryptionContext:aws:cloudtrail:arn": `arn:aws:cloudtrail:*:${accountId}:trail/*`,
        },
      },
    });
    key.addToKeyPolicy({
      sid: "CloudTrailDescribesKey",
      principal: { Service: "cloudtrail.amazonaws.com" },
      actions: ["kms:DescribeKey"],
      conditions: { StringEquals: { "aws:SourceArn": trailArn } },
    });
    // Reading the log files: the account's principals may decrypt CloudTrail's files (and nothing
    // else the key encrypts) when an IAM policy of theirs allows it too.
    key.addToKeyPolicy({
      sid: "AccountReadsTrailLogs",
      principal: { AWS: `arn:aws:iam::${accountId}:root` },
      actions: ["kms:Decrypt"],
      conditions: { Null: { "kms:EncryptionContext:aws:cloudtrail:arn": "false" } },
    });
    key.addToKeyPolicy({
      sid: "LogsEncryptsTrailLogGroup",
      principal: { Service: `logs.${region}.amazonaws.com` },
      actions: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
      conditions: { ArnEquals: { "kms:EncryptionContext:aws:logs:arn": logGroupArn } },
    });

    this.logGroup = new CloudwatchLogGroup(this, "logs", {
      name: logGroupName,
      retentionInDays: props.logGroupRetentionDays,
      kmsKeyId: key.keyArn,
    });
    this.logGroupName = this.logGroup.name;

    this.role = new IamRole(this, "role", {
      name: naming.name("trail-to-logs", NAME_LIMITS.iamRole),
      description: `CloudTrail writes trail ${name} to ${logGroupName}`,
      assumeRolePolicy: serviceTrustPolicy("cloudtrail.amazonaws.com", accountId, trailArn),
    });
    const rolePolicy = attachPolicy(this, "role-policy", this.role, "write-trail-log-streams", [
      {
        sid: "TrailLogStreams",
        actions: ["logs:CreateLogStream", "logs:PutLogEvents"],
        // CloudTrail names its streams <account>_CloudTrail_<region>, one per region.
        resources: [`${logGroupArn}:log-stream:${accountId}_CloudTrail_*`],
      },
    ]);

    this.trail = new Cloudtrail(this, "trail", {
      name,
      s3BucketName: this.bucket.bucketName,
      kmsKeyId: key.keyArn,
      isMultiRegionTrail: true,
      includeGlobalServiceEvents: true,
      enableLogFileValidation: true,
      enableLogging: true,
      // No event selector: every management event, read and write (Security Hub CloudTrail.1).
      // Data events are billed per event and left off.
      cloudWatchLogsGroupArn: `${this.logGroup.arn}:*`,
      cloudWatchLogsRoleArn: this.role.arn,
      // CloudTrail checks the bucket policy, the key policy and that it can assume the role (and
      // write the log group) when the trail is created.
      dependsOn: [this.bucket.policy, key.key, rolePolicy],
    });
    this.trailArn = this.trail.arn;
  }
}
