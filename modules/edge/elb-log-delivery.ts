/**
 * Who writes ALB access logs into S3, per region — a constant table instead of the
 * `aws_elb_service_account` data source, so synth and plan need no AWS API call.
 *
 * Source: "Attach a bucket policy", Elastic Load Balancing User Guide,
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html#attach-bucket-policy
 * Regions available before August 2022 grant `s3:PutObject` to the regional Elastic Load Balancing
 * account; regions opened since then grant it to the `logdelivery.elasticloadbalancing.amazonaws.com`
 * service principal (the legacy account ids do not exist there).
 */
import { Fn, Token } from "cdktf";
import type { Principal } from "../iam/policy.js";

/** The regional Elastic Load Balancing account of every region opened before August 2022. */
export const ELB_LOG_DELIVERY_ACCOUNTS: Readonly<Record<string, string>> = {
  "us-east-1": "127311923021",
  "us-east-2": "033677994240",
  "us-west-1": "027434742980",
  "us-west-2": "797873946194",
  "af-south-1": "098369216593",
  "ap-east-1": "754344448648",
  "ap-southeast-3": "589379963580",
  "ap-south-1": "718504428378",
  "ap-northeast-3": "383597477331",
  "ap-northeast-2": "600734575887",
  "ap-southeast-1": "114774131450",
  "ap-southeast-2": "783225319266",
  "ap-northeast-1": "582318560864",
  "ca-central-1": "985666609251",
  "eu-central-1": "054676820928",
  "eu-west-1": "156460612806",
  "eu-west-2": "652711504416",
  "eu-south-1": "635631232127",
  "eu-west-3": "009996457667",
  "eu-north-1": "897822967062",
  "me-south-1": "076674570225",
  "sa-east-1": "507241528517",
  "us-gov-west-1": "048591011584",
  "us-gov-east-1": "190560391635",
  "cn-north-1": "638102146993",
  "cn-northwest-1": "037604701340",
};

/** The service principal of regions opened in or after August 2022. */
export const ELB_LOG_DELIVERY_SERVICE = "logdelivery.elasticloadbalancing.amazonaws.com";

/** The AWS partition of a region: `aws`, `aws-cn` or `aws-us-gov`. */
export function partitionOf(region: string): string {
  if (region.startsWith("cn-")) return "aws-cn";
  if (region.startsWith("us-gov-")) return "aws-us-gov";
  return "aws";
}

/** The principal to grant `s3:PutObject` on the log prefix to, for an ALB in `region`. */
export function elbLogDeliveryPrincipal(region: string): Principal {
  const account = ELB_LOG_DELIVERY_ACCOUNTS[region];
  return account
    ? { AWS: `arn:${partitionOf(region)}:iam::${account}:root` }
    : { Service: ELB_LOG_DELIVERY_SERVICE };
}

/**
 * The principals to grant `s3:PutObject` on the log prefix to when the region is known only at plan
 * (a Terraform module's provider region): the regional ELB account, looked up in
 * `ELB_LOG_DELIVERY_ACCOUNTS` at plan, and the log-delivery service principal. A statement's
 * principal type cannot change at plan, so both are granted; the one the region does not use writes
 * nothing. Where the region has no ELB account, the lookup falls back to `accountId`'s own root,
 * which the bucket owner's account holds anyway (it grants nothing new).
 */
export function elbLogDeliveryPrincipalsAtPlan(region: string, accountId: string): Principal[] {
  const accounts = Object.fromEntries(
    Object.entries(ELB_LOG_DELIVERY_ACCOUNTS).map(([name, account]) => [
      name,
      `arn:${partitionOf(name)}:iam::${account}:root`,
    ]),
  );
  return [
    { AWS: Token.asString(Fn.lookup(accounts, region, `arn:aws:iam::${accountId}:root`)) },
    { Service: ELB_LOG_DELIVERY_SERVICE },
  ];
}
