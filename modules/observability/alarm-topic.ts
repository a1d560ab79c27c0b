/**
 * The environment's alarm topic: SNS, encrypted with a customer managed key of its own, emailing the
 * on-call address; only this environment's CloudWatch alarms and this account's budgets may publish.
 *
 * The AWS managed key `alias/aws/sns` cannot be used: its key policy cannot be edited and does not let
 * CloudWatch or Budgets use it, so their publishes would fail silently.
 */
import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias/index.js";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key/index.js";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic/index.js";
import { SnsTopicPolicy } from "@cdktf/provider-aws/lib/sns-topic-policy/index.js";
import { SnsTopicSubscription } from "@cdktf/provider-aws/lib/sns-topic-subscription/index.js";
import type { Construct } from "constructs";
import { KMS_KEY_ADMINISTRATION_ACTIONS, policyDocument } from "../iam/policy.js";
import type { Naming } from "../naming/naming.js";

/** The topic and what publishing to it needs, created by `createAlarmTopic`. */
export interface AlarmTopic {
  /** The customer managed key the topic is encrypted with. */
  readonly key: KmsKey;
  readonly topic: SnsTopic;
  /** Who may publish: alarms and budgets must be created after it, or their first publish fails. */
  readonly topicPolicy: SnsTopicPolicy;
}

/** Creates the key, the topic (`<project>-<env>-alarms`), its policy and the email subscription in `scope`. */
export function createAlarmTopic(scope: Construct, naming: Naming, alarmEmail: string): AlarmTopic {
  const key = new KmsKey(scope, "key", {
    description: `Encrypts the ${naming.prefix} alarm topic`,
    enableKeyRotation: true,
    // The key protects only notifications in flight, nothing stored: a short window is enough.
    deletionWindowInDays: 7,
    policy: keyPolicy(naming),
    tags: { Name: naming.name("alarms") },
  });
  new KmsAlias(scope, "key-alias", { name: `alias/${naming.name("alarms")}`, targetKeyId: key.keyId });

  const topic = new SnsTopic(scope, "topic", {
    name: naming.name("alarms"),
    displayName: `${naming.prefix} alarms`,
    kmsMasterKeyId: key.arn,
    tags: { Name: naming.name("alarms") },
  });
  const topicPolicy = new SnsTopicPolicy(scope, "topic-policy", {
    arn: topic.arn,
    policy: topicPolicyDocument(naming, topic.arn),
  });
  new SnsTopicSubscription(scope, "email", {
    topicArn: topic.arn,
    protocol: "email",
    endpoint: alarmEmail,
  });
  return { key, topic, topicPolicy };
}

/**
 * The key may be administered by the account (through IAM policies) and used by CloudWatch and
 * Budgets only. Its use is not conditioned on the caller's account: AWS documents no source
 * condition for these services' KMS calls, and a wrong condition would drop every alarm silently.
 * The topic policy carries those conditions instead.
 */
function keyPolicy(naming: Naming): string {
  return policyDocument([
    {
      sid: "AccountAdministersKey",
      principal: { AWS: `arn:aws:iam::${naming.accountId}:root` },
      // Administration, not use: encrypting or decrypting with the key takes a key policy change.
      actions: KMS_KEY_ADMINISTRATION_ACTIONS,
      resources: ["*"],
    },
    {
      sid: "AlarmsAndBudgetsEncryptNotifications",
      principal: { Service: ["cloudwatch.amazonaws.com", "budgets.amazonaws.com"] },
      actions: ["kms:GenerateDataKey*", "kms:Decrypt"],
      resources: ["*"],
    },
  ]);
}

/** Only this environment's CloudWatch alarms and this account's budgets may publish. */
function topicPolicyDocument(naming: Naming, topicArn: string): string {
  return policyDocument([
    {
      sid: "CloudWatchAlarmsPublish",
      principal: { Service: "cloudwatch.amazonaws.com" },
      actions: ["sns:Publish"],
      resources: [topicArn],
      conditions: {
        ArnLike: {
          "aws:SourceArn": `arn:aws:cloudwatch:${naming.region}:${naming.accountId}:alarm:${naming.prefix}-*`,
        },
      },
    },
    {
      sid: "BudgetsPublish",
      principal: { Service: "budgets.amazonaws.com" },
      actions: ["sns:Publish"],
      resources: [topicArn],
      conditions: {
        StringEquals: { "aws:SourceAccount": naming.accountId },
        ArnLike: { "aws:SourceArn": `arn:aws:budgets::${naming.accountId}:*` },
      },
    },
  ]);
}
