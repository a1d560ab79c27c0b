import { beforeAll, describe, expect, test } from "vitest";
import {
  policy,
  type ResourceConfig,
  type Synthesised,
  synthesise,
  testNaming,
} from "../testing/synthesised.js";
import { AccountBaseline, type AccountBaselineProps } from "./account-baseline.js";

const account = testNaming.accountId;
const trailArn = `arn:aws:cloudtrail:us-east-1:${account}:trail/acme-test-trail`;
const logGroupArn = `arn:aws:logs:us-east-1:${account}:log-group:/aws/cloudtrail/acme-test-trail`;
const custom = testNaming.withEnvironment("custom");

let s: Synthesised;
beforeAll(() => {
  // Two baselines in one synth: every default (`baseline`), and every option changed (`custom`).
  s = synthesise((scope) => {
    new AccountBaseline(scope, "baseline", { naming: testNaming, alarmEmail: "security@example.com" });
    new AccountBaseline(scope, "custom", {
      naming: custom,
      retentionDays: 730,
      logGroupRetentionDays: 90,
      rdsProtection: false,
      findingsMinSeverity: 4,
      protect: false,
    });
  });
});

/** Where each resource config came from (`<type>.<name>`), for references and depends_on. */
const addresses = new WeakMap<ResourceConfig, string>();
const addressOf = (config: ResourceConfig) => addresses.get(config) as string;

/** The resources of `type` built by the baseline whose construct id is `id`. */
function of(type: string, id = "baseline"): ResourceConfig[] {
  return Object.entries(s.resources(type))
    .filter(([name]) => name.startsWith(`${id}_`))
    .map(([name, config]) => {
      addresses.set(config, `${type}.${name}`);
      return config;
    });
}
function one(
  type: string,
  id = "baseline",
  where: (r: ResourceConfig) => boolean = () => true,
): ResourceConfig {
  const found = of(type, id).filter(where);
  if (found.length !== 1) throw new Error(`expected one ${type} in ${id}, found ${found.length}`);
  return found[0] as ResourceConfig;
}
/** `${<the resource's address>.<attribute>}`, as Terraform references it. */
const ref = (config: ResourceConfig, attribute: string) =>
  expect.stringMatching(new RegExp(`^\\$\\{${addressOf(config).replaceAll(".", "\\.")}\\.${attribute}\\}`));
const bucketNamed = (purpose: string, id = "baseline") =>
  one("aws_s3_bucket", id, (b) => b.bucket === (id === "baseline" ? testNaming : custom).bucketName(purpose));
/** The resource of `type` that configures `bucket` (its `bucket` argument references it). */
const ofBucket = (type: string, bucket: ResourceConfig) =>
  one(type, "baseline", (r) => String(r.bucket).startsWith(`\${${addressOf(bucket)}.`));
const keyPolicy = () => policy(one("aws_kms_key").policy).Statement;
const statement = (statements: Array<Record<string, unknown>>, sid: string) => {
  const found = statements.find((x) => x.Sid === sid);
  if (!found) throw new Error(`no statement ${sid}`);
  return found;
};

describe("trail", () => {
  test("records every region's management events, global services included, with log file validation", () => {
    expect(one("aws_cloudtrail")).toMatchObject({
      name: "acme-test-trail",
      is_multi_region_trail: true,
      include_global_service_events: true,
      enable_log_file_validation: true,
      enable_logging: true,
    });
    // No event selector: all management events, read and write; no billed data events.
    expect(one("aws_cloudtrail").event_selector).toBeUndefined();
    expect(one("aws_cloudtrail").advanced_event_selector).toBeUndefined();
  });

  test("encrypts its log files with the baseline key and delivers to its bucket and log group", () => {
    const trail = one("aws_cloudtrail");
    const key = one("aws_kms_key");
    expect(trail.kms_key_id).toEqual(ref(key, "arn"));
    expect(trail.s3_bucket_name).toEqual(ref(bucketNamed("trail"), "id"));
    expect(trail.cloud_watch_logs_group_arn).toMatch(/^\$\{aws_cloudwatch_log_group\.\S+\.arn\}:\*$/);
    expect(trail.cloud_watch_logs_role_arn).toEqual(ref(one("aws_iam_role"), "arn"));
  });

  test("is created after the bucket policy, the key and the role's policy it is checked against", () => {
    expect(one("aws_cloudtrail").depends_on).toEqual(
      expect.arrayContaining([
        addressOf(ofBucket("aws_s3_bucket_policy", bucketNamed("trail"))),
        addressOf(one("aws_kms_key")),
        addressOf(one("aws_iam_role_policy")),
      ]),
    );
  });
});

describe("trail bucket", () => {
  const trailBucket = () => bucketNamed("trail");

  test("locks every log file for 365 days (Object Lock, governance) and keeps it that long", () => {
    expect(trailBucket()).toMatchObject({ object_lock_enabled: true, lifecycle: { prevent_destroy: true } });
    expect(ofBucket("aws_s3_bucket_object_lock_configuration", trailBucket()).rule).toEqual({
      default_retention: { mode: "GOVERNANCE", days: 365 },
    });
    expect(ofBucket("aws_s3_bucket_lifecycle_configuration", trailBucket()).rule).toContainEqual(
      expect.objectContaining({ id: "expire-trail-logs", expiration: [{ days: 365 }] }),
    );
  });

  test("is private, versioned and encrypted by default (log files themselves with the key, by CloudTrail)", () => {
    expect(ofBucket("aws_s3_bucket_public_access_block", trailBucket())).toMatchObject({
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
    expect(ofBucket("aws_s3_bucket_versioning", trailBucket()).versioning_configuration).toEqual({
      status: "Enabled",
    });
    // SSE-S3 by default: an S3 Bucket Key would replace the aws:cloudtrail:arn encryption context.
    expect(ofBucket("aws_s3_bucket_server_side_encryption_configuration", trailBucket()).rule).toEqual([
      { apply_server_side_encryption_by_default: { sse_algorithm: "AES256" } },
    ]);
  });

  test("admits only this trail's deliveries, denies bypassing the lock to everyone, and requires TLS", () => {
    const statements = policy(ofBucket("aws_s3_bucket_policy", trailBucket()).policy).Statement;
    const bucketArn = ref(trailBucket(), "arn");
    expect(statement(statements, "CloudTrailAclCheck")).toMatchObject({
      Effect: "Allow",
      Principal: { Service: "cloudtrail.amazonaws.com" },
      Action: "s3:GetBucketAcl",
      Resource: bucketArn,
      Condition: { StringEquals: { "aws:SourceArn": trailArn } },
    });
    expect(statement(statements, "CloudTrailWrite")).toMatchObject({
      Effect: "Allow",
      Principal: { Service: "cloudtrail.amazonaws.com" },
      Action: "s3:PutObject",
      Resource: expect.stringMatching(new RegExp(`\\}/AWSLogs/${account}/\\*$`)),
      Condition: {
        StringEquals: { "s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceArn": trailArn },
      },
    });
    expect(statement(statements, "NobodyBypassesObjectLock")).toMatchObject({
      Effect: "Deny",
      Principal: "*",
      Action: "s3:BypassGovernanceRetention",
    });
    expect(statement(statements, "DenyInsecureTransport").Effect).toBe("Deny");
    // Nothing else is allowed: no statement grants deletes or policy changes.
    expect(statements.filter((x) => x.Effect === "Allow").map((x) => x.Sid)).toEqual([
      "CloudTrailAclCheck",
      "CloudTrailWrite",
    ]);
  });

  test("writes its server access logs to a bucket of its own", () => {
    const logging = one("aws_s3_bucket_logging");
    expect(logging).toMatchObject({
      bucket: ref(trailBucket(), "id"),
      target_bucket: ref(bucketNamed("trail-access-logs"), "id"),
      target_prefix: "trail/",
    });
  });
});

describe("access-log bucket", () => {
  const logs = () => bucketNamed("trail-access-logs");

  test("accepts only S3's log delivery for the trail bucket, under its prefix", () => {
    const statements = policy(ofBucket("aws_s3_bucket_policy", logs()).policy).Statement;
    expect(statements.filter((x) => x.Effect === "Allow")).toEqual([
      {
        Sid: "S3ServerAccessLogsWrite",
        Effect: "Allow",
        Principal: { Service: "logging.s3.amazonaws.com" },
        Action: "s3:PutObject",
        Resource: expect.stringMatching(/\}\/trail\/\*$/),
        Condition: {
          ArnLike: { "aws:SourceArn": ref(bucketNamed("trail"), "arn") },
          StringEquals: { "aws:SourceAccount": account },
        },
      },
    ]);
  });

  test("is private, versioned, SSE-S3 (log delivery cannot use KMS or Object Lock) and expires logs", () => {
    expect(logs().object_lock_enabled).toBeUndefined();
    expect(ofBucket("aws_s3_bucket_public_access_block", logs()).block_public_policy).toBe(true);
    expect(ofBucket("aws_s3_bucket_server_side_encryption_configuration", logs()).rule).toEqual([
      { apply_server_side_encryption_by_default: { sse_algorithm: "AES256" } },
    ]);
    expect(ofBucket("aws_s3_bucket_lifecycle_configuration", logs()).rule).toContainEqual(
      expect.objectContaining({ id: "expire-access-logs", expiration: [{ days: 365 }] }),
    );
  });
});

describe("trail log group and its role", () => {
  test("the log group keeps events 365 days, encrypted with the baseline key", () => {
    expect(one("aws_cloudwatch_log_group")).toMatchObject({
      name: "/aws/cloudtrail/acme-test-trail",
      retention_in_days: 365,
      kms_key_id: ref(one("aws_kms_key"), "arn"),
    });
  });

  test("only CloudTrail, for this trail in this account, may assume the role", () => {
    expect(policy(one("aws_iam_role").assume_role_policy).Statement).toEqual([
      {
        Effect: "Allow",
        Principal: { Service: "cloudtrail.amazonaws.com" },
        Action: "sts:AssumeRole",
        Condition: {
          StringEquals: { "aws:SourceAccount": account },
          ArnLike: { "aws:SourceArn": trailArn },
        },
      },
    ]);
  });

  test("the role may only create and write the trail's log streams", () => {
    expect(policy(one("aws_iam_role_policy").policy).Statement).toEqual([
      {
        Sid: "TrailLogStreams",
        Effect: "Allow",
        Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
        Resource: `${logGroupArn}:log-stream:${account}_CloudTrail_*`,
      },
    ]);
  });
});

describe("baseline key", () => {
  test("is rotated yearly, has a 30-day deletion window and an alias", () => {
    expect(one("aws_kms_key")).toMatchObject({ enable_key_rotation: true, deletion_window_in_days: 30 });
    expect(one("aws_kms_alias").name).toBe("alias/acme-test-account-baseline");
  });

  test("the account administers it but cannot use it through IAM alone", () => {
    const admin = statement(keyPolicy(), "AccountAdministersKey");
    expect(admin.Principal).toEqual({ AWS: `arn:aws:iam::${account}:root` });
    const actions = [admin.Action].flat();
    for (const use of ["kms:*", "kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey*", "kms:CreateGrant"]) {
      expect(actions).not.toContain(use);
    }
  });

  test("CloudTrail may encrypt only for this trail, with the CloudTrail encryption context", () => {
    expect(statement(keyPolicy(), "CloudTrailEncryptsThisTrail")).toEqual({
      Sid: "CloudTrailEncryptsThisTrail",
      Effect: "Allow",
      Principal: { Service: "cloudtrail.amazonaws.com" },
      Action: "kms:GenerateDataKey*",
      Resource: "*",
      Condition: {
        StringEquals: { "aws:SourceArn": trailArn },
        StringLike: { "kms:EncryptionContext:aws:cloudtrail:arn": `arn:aws:cloudtrail:*:${account}:trail/*` },
      },
    });
    expect(statement(keyPolicy(), "CloudTrailDescribesKey").Condition).toEqual({
      StringEquals: { "aws:SourceArn": trailArn },
    });
  });

  test("the account's principals may decrypt CloudTrail's log files, and nothing else the key encrypts", () => {
    expect(statement(keyPolicy(), "AccountReadsTrailLogs")).toMatchObject({
      Principal: { AWS: `arn:aws:iam::${account}:root` },
      Action: "kms:Decrypt",
      Condition: { Null: { "kms:EncryptionContext:aws:cloudtrail:arn": "false" } },
    });
  });

  test("CloudWatch Logs may use it for the trail's log group only", () => {
    expect(statement(keyPolicy(), "LogsEncryptsTrailLogGroup")).toMatchObject({
      Principal: { Service: "logs.us-east-1.amazonaws.com" },
      Condition: { ArnEquals: { "kms:EncryptionContext:aws:logs:arn": logGroupArn } },
    });
  });

  test("CloudWatch alarms and EventBridge may encrypt notifications to the topic", () => {
    expect(statement(keyPolicy(), "AlarmsEncryptNotifications").Principal).toEqual({
      Service: "cloudwatch.amazonaws.com",
    });
    expect(statement(keyPolicy(), "EventsEncryptNotifications").Principal).toEqual({
      Service: "events.amazonaws.com",
    });
    expect(keyPolicy()).toHaveLength(7);
  });
});

describe("CIS alarms", () => {
  // The filter patterns exactly as the Security Hub controls CloudWatch.1–5 prescribe them.
  test.each([
    [
      "root-usage",
      '{$.userIdentity.type="Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType !="AwsServiceEvent"}',
    ],
    ["unauthorized-api-calls", '{($.errorCode="*UnauthorizedOperation") || ($.errorCode="AccessDenied*")}'],
    [
      "console-sign-in-without-mfa",
      '{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") && ($.userIdentity.type = "IAMUser") && ($.responseElements.ConsoleLogin = "Success") }',
    ],
    [
      "iam-policy-changes",
      "{($.eventName=DeleteGroupPolicy) || ($.eventName=DeleteRolePolicy) || ($.eventName=DeleteUserPolicy) || ($.eventName=PutGroupPolicy) || ($.eventName=PutRolePolicy) || ($.eventName=PutUserPolicy) || ($.eventName=CreatePolicy) || ($.eventName=DeletePolicy) || ($.eventName=CreatePolicyVersion) || ($.eventName=DeletePolicyVersion) || ($.eventName=AttachRolePolicy) || ($.eventName=DetachRolePolicy) || ($.eventName=AttachUserPolicy) || ($.eventName=DetachUserPolicy) || ($.eventName=AttachGroupPolicy) || ($.eventName=DetachGroupPolicy)}",
    ],
    [
      "cloudtrail-changes",
      "{($.eventName=CreateTrail) || ($.eventName=UpdateTrail) || ($.eventName=DeleteTrail) || ($.eventName=StartLogging) || ($.eventName=StopLogging)}",
    ],
  ])("%s: a metric filter on the trail's log group with the benchmark's pattern", (id, pattern) => {
    const filter = one(
      "aws_cloudwatch_log_metric_filter",
      "baseline",
      (f) => f.name === `acme-test-cis-${id}`,
    );
    expect(filter.pattern).toBe(pattern);
    expect(filter.log_group_name).toEqual(ref(one("aws_cloudwatch_log_group"), "name"));
    // value 1 per match and no default value: nothing is published (or billed) while nothing matches.
    expect(filter.metric_transformation).toEqual({
      name: expect.any(String),
      namespace: "acme-test/cis",
      value: "1",
    });
  });

  test("each filter's alarm fires on the first match in 5 minutes, treats silence as fine and notifies the topic", () => {
    const filters = of("aws_cloudwatch_log_metric_filter");
    const alarms = of("aws_cloudwatch_metric_alarm");
    expect(alarms).toHaveLength(5);
    for (const filter of filters) {
      const transformation = filter.metric_transformation as { name: string; namespace: string };
      const alarm = one("aws_cloudwatch_metric_alarm", "baseline", (a) => a.alarm_name === filter.name);
      expect(alarm).toMatchObject({
        namespace: transformation.namespace,
        metric_name: transformation.name,
        statistic: "Sum",
        period: 300,
        evaluation_periods: 1,
        threshold: 1,
        comparison_operator: "GreaterThanOrEqualToThreshold",
        treat_missing_data: "notBreaching",
        alarm_actions: [ref(one("aws_sns_topic"), "arn")],
      });
      expect(alarm.alarm_description).toMatch(/Security Hub CloudWatch\.[1-5]\)$/);
    }
  });

  test("the topic is encrypted with the baseline key and emails the address given", () => {
    expect(one("aws_sns_topic")).toMatchObject({
      name: "acme-test-security-alarms",
      kms_master_key_id: ref(one("aws_kms_key"), "arn"),
    });
    expect(one("aws_sns_topic_subscription")).toMatchObject({
      protocol: "email",
      endpoint: "security@example.com",
    });
  });

  test("only this stack's alarms and the GuardDuty findings rule may publish to the topic", () => {
    const statements = policy(one("aws_sns_topic_policy").policy).Statement;
    expect(statements.map((x) => [x.Principal, x.Condition])).toEqual([
      [
        { Service: "cloudwatch.amazonaws.com" },
        { ArnLike: { "aws:SourceArn": `arn:aws:cloudwatch:us-east-1:${account}:alarm:acme-test-*` } },
      ],
      [
        { Service: "events.amazonaws.com" },
        {
          ArnEquals: {
            "aws:SourceArn": ref(one("aws_cloudwatch_event_rule"), "arn"),
          },
        },
      ],
    ]);
  });
});

describe("GuardDuty and Access Analyzer", () => {
  test("a detector is enabled, exporting findings every 15 minutes, configured by features only", () => {
    expect(one("aws_guardduty_detector")).toEqual({
      enable: true,
      finding_publishing_frequency: "FIFTEEN_MINUTES",
    });
  });

  test("S3 Protection and RDS Protection are stated on the detector", () => {
    const features = of("aws_guardduty_detector_feature").map((f) => [f.name, f.status, f.detector_id]);
    const detectorId = ref(one("aws_guardduty_detector"), "id");
    expect(features).toEqual(
      expect.arrayContaining([
        ["S3_DATA_EVENTS", "ENABLED", detectorId],
        ["RDS_LOGIN_EVENTS", "ENABLED", detectorId],
      ]),
    );
    expect(features).toHaveLength(2);
  });

  test("high-severity findings (7 and above) go to the security alarm topic", () => {
    expect(JSON.parse(String(one("aws_cloudwatch_event_rule").event_pattern))).toEqual({
      source: ["aws.guardduty"],
      "detail-type": ["GuardDuty Finding"],
      detail: { severity: [{ numeric: [">=", 7] }] },
    });
    expect(one("aws_cloudwatch_event_target")).toMatchObject({
      rule: ref(one("aws_cloudwatch_event_rule"), "name"),
      arn: ref(one("aws_sns_topic"), "arn"),
    });
  });

  test("an account analyzer reports resources shared outside the account", () => {
    expect(one("aws_accessanalyzer_analyzer")).toEqual({
      analyzer_name: "acme-test-access-analyzer",
      type: "ACCOUNT",
    });
  });
});

describe("account settings", () => {
  test("the account-level S3 public access block has all four settings on, for the configured account", () => {
    expect(one("aws_s3_account_public_access_block")).toEqual({
      account_id: account,
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
  });

  test("new EBS volumes are encrypted by default", () => {
    expect(one("aws_ebs_encryption_by_default")).toEqual({ enabled: true });
  });

  test("nothing is looked up: the baseline plans without calling AWS", () => {
    expect(s.json.data).toBeUndefined();
  });
});

describe("options", () => {
  test("retention periods apply to the lock, the bucket expiry and the log group", () => {
    const trailBucket = bucketNamed("trail", "custom");
    const lock = one("aws_s3_bucket_object_lock_configuration", "custom");
    expect(lock.rule).toEqual({ default_retention: { mode: "GOVERNANCE", days: 730 } });
    expect(one("aws_cloudwatch_log_group", "custom").retention_in_days).toBe(90);
    expect(trailBucket.lifecycle).toBeUndefined();
  });

  test("without an email there is no subscription; RDS Protection can be turned off; the findings threshold moves", () => {
    expect(of("aws_sns_topic_subscription", "custom")).toHaveLength(0);
    expect(of("aws_guardduty_detector_feature", "custom").map((f) => [f.name, f.status])).toContainEqual([
      "RDS_LOGIN_EVENTS",
      "DISABLED",
    ]);
    expect(JSON.parse(String(one("aws_cloudwatch_event_rule", "custom").event_pattern)).detail).toEqual({
      severity: [{ numeric: [">=", 4] }],
    });
  });

  test.each([
    [{ alarmEmail: "security" }, "accountBaseline.alarmEmail"],
    [{ retentionDays: 0 }, "accountBaseline.retentionDays"],
    [{ retentionDays: 36501 }, "accountBaseline.retentionDays"],
    [{ logGroupRetentionDays: 100 }, "accountBaseline.logGroupRetentionDays"],
    [{ findingsMinSeverity: 0 }, "accountBaseline.findingsMinSeverity"],
    [{ findingsMinSeverity: 9 }, "accountBaseline.findingsMinSeverity"],
  ] as Array<[Partial<AccountBaselineProps>, string]>)("%o is refused with %s", (props, field) => {
    expect(() =>
      synthesise((scope) => {
        new AccountBaseline(scope, "baseline", { naming: testNaming, ...props });
      }),
    ).toThrow(field);
  });
});
