import { AccessanalyzerAnalyzer } from "@cdktf/provider-aws/lib/accessanalyzer-analyzer/index.js";
import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule/index.js";
import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target/index.js";
import { GuarddutyDetector } from "@cdktf/provider-aws/lib/guardduty-detector/index.js";
import { GuarddutyDetectorFeature } from "@cdktf/provider-aws/lib/guardduty-detector-feature/index.js";
import { Construct } from "constructs";
import type { Naming } from "../naming/naming.js";
import type { SecurityAlarms } from "./security-alarms.js";

/** Props of `ThreatDetection`: which GuardDuty protection plans, and where findings go. */
export interface ThreatDetectionProps {
  /** Names the analyzer and the findings rule. */
  readonly naming: Naming;
  /** GuardDuty RDS Protection: anomalous sign-ins to the account's RDS databases. */
  readonly rdsProtection: boolean;
  /** GuardDuty findings of at least `minSeverity` are published to these alarms' topic. */
  readonly findings: {
    /** The security alarms whose topic receives the findings. */
    readonly alarms: SecurityAlarms;
    /** The lowest severity sent (1 to 8.9; 4 = medium, 7 = high). */
    readonly minSeverity: number;
  };
}

/**
 * GuardDuty and IAM Access Analyzer for the account, in the stack's region (both are regional).
 *
 * - **GuardDuty**: one detector, findings exported every 15 minutes. Its optional protection plans
 *   are stated here rather than left to GuardDuty's defaults, because they are what it bills:
 *   S3 Protection (S3 data events) on, RDS Protection as `rdsProtection` says. The plans this kit has
 *   nothing for (EKS, Lambda, EC2 malware scans) stay at GuardDuty's defaults and cost nothing
 *   without such resources; Runtime Monitoring is off unless enabled by hand.
 * - **Findings reach people**: an EventBridge rule sends findings of severity `minSeverity` and
 *   above (7 = high) to the security alarm topic; the rest stay in the GuardDuty console.
 * - **Access Analyzer** (type `ACCOUNT`, external access: no charge) reports resources shared
 *   outside the account (buckets, keys, roles, secrets…) in the IAM console.
 */
export class ThreatDetection extends Construct {
  /** The account's GuardDuty detector in this region, exporting findings every 15 minutes. */
  readonly detector: GuarddutyDetector;
  /** The detector's id. */
  readonly detectorId: string;
  /** The protection plans this construct states: S3 Protection, and RDS Protection per `rdsProtection`. */
  readonly features: readonly GuarddutyDetectorFeature[];
  /** The IAM Access Analyzer (type `ACCOUNT`): resources shared outside the account. */
  readonly analyzer: AccessanalyzerAnalyzer;
  /** The EventBridge rule that sends findings of `minSeverity` and above to the alarm topic. */
  readonly findingsRule: CloudwatchEventRule;

  constructor(scope: Construct, id: string, props: ThreatDetectionProps) {
    super(scope, id);
    const { naming } = props;

    this.detector = new GuarddutyDetector(this, "detector", {
      enable: true,
      findingPublishingFrequency: "FIFTEEN_MINUTES",
    });
    this.detectorId = this.detector.id;
    // Features, not the detector's `datasources` block: the provider deprecates it (a plan warning)
    // and GuardDuty adds no new protection there.
    const features: Array<[name: string, enabled: boolean]> = [
      ["S3_DATA_EVENTS", true],
      ["RDS_LOGIN_EVENTS", props.rdsProtection],
    ];
    this.features = features.map(
      ([name, enabled]) =>
        new GuarddutyDetectorFeature(this, `feature-${name.toLowerCase().replaceAll("_", "-")}`, {
          detectorId: this.detector.id,
          name,
          status: enabled ? "ENABLED" : "DISABLED",
        }),
    );

    this.analyzer = new AccessanalyzerAnalyzer(this, "access-analyzer", {
      analyzerName: naming.name("access-analyzer"),
      type: "ACCOUNT",
    });

    const { alarms, minSeverity } = props.findings;
    const ruleName = naming.name("guardduty-findings");
    this.findingsRule = new CloudwatchEventRule(this, "findings-rule", {
      name: ruleName,
      description: `GuardDuty findings of severity ${minSeverity} and above, to the security alarm topic`,
      eventPattern: JSON.stringify({
        source: ["aws.guardduty"],
        "detail-type": ["GuardDuty Finding"],
        detail: { severity: [{ numeric: [">=", minSeverity] }] },
      }),
    });
    alarms.allowEventRule(this.findingsRule.arn);
    new CloudwatchEventTarget(this, "findings-target", {
      rule: this.findingsRule.name,
      targetId: "security-alarm-topic",
      arn: alarms.topicArn,
      dependsOn: [alarms.topicPolicy],
    });
  }
}
