/**
 * Every rule the kit ships, in report order (by area). Add a rule: one file in this folder, one line
 * here, one test with a passing and a failing plan beside it.
 */
import type { Rule } from "../rule.js";
import { albAccessLogs } from "./alb-access-logs.js";
import { albDeletionProtection } from "./alb-deletion-protection.js";
import { albDropInvalidHeaders } from "./alb-drop-invalid-headers.js";
import { albHttpRedirects } from "./alb-http-redirects.js";
import { albInternal } from "./alb-internal.js";
import { albTlsPolicy } from "./alb-tls-policy.js";
import { cloudfrontHttpsOnly } from "./cloudfront-https-only.js";
import { cloudfrontS3Oac } from "./cloudfront-s3-oac.js";
import { cloudfrontTls } from "./cloudfront-tls.js";
import { cloudfrontWaf } from "./cloudfront-waf.js";
import { defaultSgClosed } from "./default-sg-closed.js";
import { dynamodbPitr } from "./dynamodb-pitr.js";
import { ec2Imdsv2 } from "./ec2-imdsv2.js";
import { ecrImmutableTags } from "./ecr-immutable-tags.js";
import { ecrScanOnPush } from "./ecr-scan-on-push.js";
import { ecsContainerInsights } from "./ecs-container-insights.js";
import { ecsNotPrivileged } from "./ecs-not-privileged.js";
import { ecsPlaintextSecrets } from "./ecs-plaintext-secrets.js";
import { ecsPublicIpWithNat } from "./ecs-public-ip-with-nat.js";
import { ecsReadOnlyRoot } from "./ecs-read-only-root.js";
import { iamGithubOidcSub } from "./iam-github-oidc-sub.js";
import { iamNoAdmin } from "./iam-no-admin.js";
import { iamNoWildcardAction } from "./iam-no-wildcard-action.js";
import { iamNoWildcardResource } from "./iam-no-wildcard-resource.js";
import { logGroupRetention } from "./log-group-retention.js";
import { rdsBackupRetention } from "./rds-backup-retention.js";
import { rdsCrossRegionKey } from "./rds-cross-region-key.js";
import { rdsDeletionProtection } from "./rds-deletion-protection.js";
import { rdsEncrypted } from "./rds-encrypted.js";
import { rdsIamAuth } from "./rds-iam-auth.js";
import { rdsLogExports } from "./rds-log-exports.js";
import { rdsMultiAz } from "./rds-multi-az.js";
import { rdsNotPublic } from "./rds-not-public.js";
import { s3AbortMultipart } from "./s3-abort-multipart.js";
import { s3Encryption } from "./s3-encryption.js";
import { s3PublicAccessBlock } from "./s3-public-access-block.js";
import { s3ReplicationKms } from "./s3-replication-kms.js";
import { s3TlsOnly } from "./s3-tls-only.js";
import { s3Versioning } from "./s3-versioning.js";
import { sgNoPublicIngress } from "./sg-no-public-ingress.js";
import { sgRuleDescriptions } from "./sg-rule-descriptions.js";
import { vpcFlowLogs } from "./vpc-flow-logs.js";
import { vpceEndpointSg } from "./vpce-endpoint-sg.js";

export const RULES: readonly Rule[] = [
  s3PublicAccessBlock,
  s3Encryption,
  s3Versioning,
  s3TlsOnly,
  s3AbortMultipart,
  s3ReplicationKms,
  rdsEncrypted,
  rdsNotPublic,
  rdsBackupRetention,
  rdsDeletionProtection,
  rdsMultiAz,
  rdsIamAuth,
  rdsLogExports,
  rdsCrossRegionKey,
  sgNoPublicIngress,
  sgRuleDescriptions,
  defaultSgClosed,
  vpcFlowLogs,
  vpceEndpointSg,
  albDropInvalidHeaders,
  albTlsPolicy,
  albHttpRedirects,
  albDeletionProtection,
  albInternal,
  albAccessLogs,
  cloudfrontHttpsOnly,
  cloudfrontTls,
  cloudfrontWaf,
  cloudfrontS3Oac,
  ecrImmutableTags,
  ecrScanOnPush,
  ecsNotPrivileged,
  ecsReadOnlyRoot,
  ecsPublicIpWithNat,
  ecsContainerInsights,
  ecsPlaintextSecrets,
  ec2Imdsv2,
  iamNoAdmin,
  iamNoWildcardAction,
  iamNoWildcardResource,
  iamGithubOidcSub,
  logGroupRetention,
  dynamodbPitr,
];

/** The rule with this id, or whose Checkov ids include it (`CKV_AWS_24` → the open-ingress rule). */
export function findRule(id: string, rules: readonly Rule[] = RULES): Rule | undefined {
  return rules.find((r) => r.id === id) ?? rules.find((r) => r.checkov.includes(id));
}
