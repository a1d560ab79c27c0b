import { EbsEncryptionByDefault } from "@cdktf/provider-aws/lib/ebs-encryption-by-default/index.js";
import { S3AccountPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-account-public-access-block/index.js";
import { Construct } from "constructs";
import { assertLogRetention } from "../logs/retention.js";
import type { Naming } from "../naming/naming.js";
import { PropError } from "../validation/prop-error.js";
import { assertIntegerInRange } from "../validation/validators.js";
import { BaselineKey } from "./baseline-key.js";
import { SecurityAlarms } from "./security-alarms.js";
import { ThreatDetection } from "./threat-detection.js";
import { Trail } from "./trail.js";

/** Props of `AccountBaseline`: where the baseline goes, who is told, and how long the trail is kept. */
export interface AccountBaselineProps {
  /** Names everything; its account id and region are where the baseline is built. */
  readonly naming: Naming;
  /**
   * Who gets the security alarms and GuardDuty's high-severity findings, by email. SNS sends a
   * confirmation email first; nothing arrives until it is confirmed.
   * @default - no subscription: subscribe an address or a chat integration to the topic yourself
   */
  readonly alarmEmail?: string;
  /**
   * Days every trail log file is locked against deletion (S3 Object Lock, governance mode) and kept;
   * they expire after that. CIS and PCI DSS ask for at least a year.
   * @default 365
   */
  readonly retentionDays?: number;
  /**
   * Days the trail's events stay in the CloudWatch Logs group the alarms' metric filters read (one of
   * CloudWatch Logs' retention periods). Security Hub CloudWatch.16 asks for at least a year.
   * @default 365
   */
  readonly logGroupRetentionDays?: number;
  /**
   * GuardDuty RDS Protection: findings for anomalous sign-ins to the account's RDS databases, about
   * 1 USD per provisioned vCPU a month.
   * @default true
   */
  readonly rdsProtection?: boolean;
  /**
   * GuardDuty findings of at least this severity (1 to 8.9; 4 = medium, 7 = high) are sent to the
   * alarm topic; all findings stay in the GuardDuty console.
   * @default 7
   */
  readonly findingsMinSeverity?: number;
  /**
   * Terraform refuses to destroy the trail's buckets (`prevent_destroy`); their locked files could
   * not be deleted anyway until their retention ends.
   * @default true
   */
  readonly protect?: boolean;
}

/**
 * The account's security baseline, built once in the account every environment runs in:
 *
 * - a multi-region CloudTrail trail to an Object-Locked, KMS-encrypted, access-logged bucket and to
 *   CloudWatch Logs (`Trail`);
 * - CIS metric filters and alarms on it (root use, unauthorized API calls, console sign-in without
 *   MFA, IAM policy changes, trail changes) to an encrypted SNS topic (`SecurityAlarms`);
 * - GuardDuty, with high-severity findings to the same topic, and IAM Access Analyzer
 *   (`ThreatDetection`);
 * - the account-level S3 public access block (all four settings) and EBS encryption by default.
 *
 * One customer managed key (`BaselineKey`) encrypts the log files, the log group and the topic.
 * GuardDuty, Access Analyzer and EBS encryption by default are regional settings: they cover the
 * naming's region only.
 */
export class AccountBaseline extends Construct {
  /** The customer managed key that encrypts the trail's log files, its log group and the alarm topic. */
  readonly key: BaselineKey;
  /** The multi-region CloudTrail trail, its buckets and its log group. */
  readonly trail: Trail;
  /** The CIS metric filters and alarms, and the encrypted SNS topic they and GuardDuty notify. */
  readonly alarms: SecurityAlarms;
  /** GuardDuty and IAM Access Analyzer, in the naming's region. */
  readonly threatDetection: ThreatDetection;
  /** The account-level S3 public access block, all four settings on. */
  readonly publicAccessBlock: S3AccountPublicAccessBlock;
  /** EBS encryption by default, in the naming's region. */
  readonly ebsEncryption: EbsEncryptionByDefault;

  constructor(scope: Construct, id: string, props: AccountBaselineProps) {
    super(scope, id);
    const { naming } = props;
    const settings = validate(props);

    this.key = new BaselineKey(this, "key", {
      naming,
      purpose: "account-baseline",
      description: `Encrypts ${naming.prefix}'s CloudTrail log files, their log group and the security alarm topic`,
    });
    this.trail = new Trail(this, "trail", {
      naming,
      key: this.key,
      retentionDays: settings.retentionDays,
      logGroupRetentionDays: settings.logGroupRetentionDays,
      protect: settings.protect,
    });
    this.alarms = new SecurityAlarms(this, "alarms", {
      naming,
      key: this.key,
      trailLogGroupName: this.trail.logGroupName,
      ...(props.alarmEmail ? { alarmEmail: props.alarmEmail } : {}),
    });
    this.threatDetection = new ThreatDetection(this, "threat-detection", {
      naming,
      rdsProtection: settings.rdsProtection,
      findings: { alarms: this.alarms, minSeverity: settings.findingsMinSeverity },
    });

    // Account-wide settings. The account id is given, not looked up: a plan must never call AWS.
    this.publicAccessBlock = new S3AccountPublicAccessBlock(this, "s3-public-access-block", {
      accountId: naming.accountId,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    this.ebsEncryption = new EbsEncryptionByDefault(this, "ebs-encryption-by-default", { enabled: true });
  }
}

function validate(props: AccountBaselineProps) {
  if (props.alarmEmail !== undefined && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(props.alarmEmail)) {
    throw new PropError("accountBaseline.alarmEmail", `"${props.alarmEmail}" is not an email address`);
  }
  const retentionDays = assertIntegerInRange(props.retentionDays ?? 365, "accountBaseline.retentionDays", {
    min: 1,
    max: 36500,
    unit: "days",
  });
  const logGroupRetentionDays = props.logGroupRetentionDays ?? 365;
  assertLogRetention(logGroupRetentionDays, "accountBaseline.logGroupRetentionDays");
  const findingsMinSeverity = props.findingsMinSeverity ?? 7;
  if (!(Number.isFinite(findingsMinSeverity) && findingsMinSeverity >= 1 && findingsMinSeverity <= 8.9)) {
    throw new PropError(
      "accountBaseline.findingsMinSeverity",
      `${findingsMinSeverity} must be a GuardDuty severity from 1 to 8.9 (4 = medium, 7 = high)`,
    );
  }
  return {
    retentionDays,
    logGroupRetentionDays,
    findingsMinSeverity,
    rdsProtection: props.rdsProtection ?? true,
    protect: props.protect ?? true,
  };
}
