/**
 * CIS AWS Foundations Benchmark monitoring controls as data: a CloudWatch Logs metric filter on the
 * trail's log group and an alarm on its metric, one per control.
 *
 * The patterns are copied character for character from the AWS Security Hub controls that check
 * them (CloudWatch.1 to CloudWatch.5, "Amazon CloudWatch controls" in the Security Hub user guide):
 * Security Hub fails a control whose metric filter differs from the prescribed one in any way, extra
 * terms included, so do not tidy them.
 */
export interface CisControl {
  /** Short name: the filter and alarm are `<project>-<env>-cis-<id>`, the metric is `metric`. */
  readonly id: string;
  /** The Security Hub control that checks this filter and alarm. */
  readonly securityHubControl: string;
  /** The CIS AWS Foundations Benchmark recommendations it implements (version/number). */
  readonly cis: readonly string[];
  /** The CloudWatch metric the filter publishes (1 per matching event). */
  readonly metric: string;
  /** The metric filter pattern, exactly as the benchmark prescribes it. */
  readonly pattern: string;
  /** What the on-call person reads when the alarm fires: what happened, what to check. */
  readonly description: string;
}

/** The CIS monitoring controls `SecurityAlarms` builds a metric filter and an alarm for, one entry each. */
export const CIS_CONTROLS: readonly CisControl[] = [
  {
    id: "root-usage",
    securityHubControl: "CloudWatch.1",
    cis: ["1.2.0/1.1", "1.2.0/3.3", "1.4.0/1.7", "1.4.0/4.3"],
    metric: "RootAccountUsage",
    pattern:
      '{$.userIdentity.type="Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType !="AwsServiceEvent"}',
    description:
      "The account's root user made a request (console sign-in or API call) in the last 5 minutes. " +
      "Nobody should use root day to day: find the event in CloudTrail (userIdentity.type = Root), " +
      "confirm who it was and why, and rotate the root password and MFA if nobody admits to it.",
  },
  {
    id: "unauthorized-api-calls",
    securityHubControl: "CloudWatch.2",
    cis: ["1.2.0/3.1"],
    metric: "UnauthorizedAPICalls",
    pattern: '{($.errorCode="*UnauthorizedOperation") || ($.errorCode="AccessDenied*")}',
    description:
      "An API call was refused for lack of permission (AccessDenied or UnauthorizedOperation) in the " +
      "last 5 minutes. Often a role missing a permission after a change; sometimes stolen credentials " +
      "probing what they can do. Look at the events' userIdentity, sourceIPAddress and eventName in " +
      "CloudTrail.",
  },
  {
    id: "console-sign-in-without-mfa",
    securityHubControl: "CloudWatch.3",
    cis: ["1.2.0/3.2"],
    metric: "ConsoleSignInWithoutMfa",
    pattern:
      '{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") && ($.userIdentity.type = "IAMUser") && ($.responseElements.ConsoleLogin = "Success") }',
    description:
      "An IAM user signed in to the console without MFA in the last 5 minutes. Find the user in the " +
      "ConsoleLogin event, make them enable MFA (or remove the user: people should sign in through " +
      "IAM Identity Center), and check what the session did.",
  },
  {
    id: "iam-policy-changes",
    securityHubControl: "CloudWatch.4",
    cis: ["1.2.0/3.4", "1.4.0/4.4"],
    metric: "IamPolicyChanges",
    pattern:
      "{($.eventName=DeleteGroupPolicy) || ($.eventName=DeleteRolePolicy) || ($.eventName=DeleteUserPolicy) || ($.eventName=PutGroupPolicy) || ($.eventName=PutRolePolicy) || ($.eventName=PutUserPolicy) || ($.eventName=CreatePolicy) || ($.eventName=DeletePolicy) || ($.eventName=CreatePolicyVersion) || ($.eventName=DeletePolicyVersion) || ($.eventName=AttachRolePolicy) || ($.eventName=DetachRolePolicy) || ($.eventName=AttachUserPolicy) || ($.eventName=DetachUserPolicy) || ($.eventName=AttachGroupPolicy) || ($.eventName=DetachGroupPolicy)}",
    description:
      "An IAM policy was created, changed, attached or detached in the last 5 minutes. Expected during " +
      "a deploy (Terraform manages the project's roles); otherwise find the event in CloudTrail and " +
      "check who changed which permissions.",
  },
  {
    id: "cloudtrail-changes",
    securityHubControl: "CloudWatch.5",
    cis: ["1.2.0/3.5", "1.4.0/4.5"],
    metric: "CloudTrailConfigurationChanges",
    pattern:
      "{($.eventName=CreateTrail) || ($.eventName=UpdateTrail) || ($.eventName=DeleteTrail) || ($.eventName=StartLogging) || ($.eventName=StopLogging)}",
    description:
      "A CloudTrail trail was created, changed, deleted, started or stopped in the last 5 minutes. " +
      "Stopping or redirecting the audit trail is what an intruder does first: unless a bootstrap " +
      "apply did it, find the event in CloudTrail and restore the trail at once.",
  },
];
