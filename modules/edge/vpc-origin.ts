import { CloudfrontVpcOrigin } from "@cdktf/provider-aws/lib/cloudfront-vpc-origin/index.js";
import { Token } from "cdktf";
import { Construct } from "constructs";
import type { Naming } from "../naming/naming.js";
import { PropError } from "../validation/prop-error.js";
import { ARN_KINDS, assertArn } from "../validation/validators.js";

/**
 * The id of the AWS-managed prefix list `com.amazonaws.global.cloudfront.origin-facing` in each
 * region (the same in every account), so that a security group can admit CloudFront without an
 * `aws_ec2_managed_prefix_list` data source calling AWS at plan time. A region missing here takes
 * its id from `aws ec2 describe-managed-prefix-lists --filters
 * Name=prefix-list-name,Values=com.amazonaws.global.cloudfront.origin-facing`.
 */
export const CLOUDFRONT_ORIGIN_FACING_PREFIX_LISTS: Readonly<Record<string, string>> = {
  "us-east-1": "pl-3b927c52",
  "us-east-2": "pl-b6a144df",
  "us-west-1": "pl-4ea04527",
  "us-west-2": "pl-82a045eb",
  "eu-west-1": "pl-4fa04526",
  "eu-west-2": "pl-93a247fa",
  "eu-central-1": "pl-a3a144ca",
  "ap-southeast-1": "pl-31a34658",
  "ap-southeast-2": "pl-b8a742d1",
  "ap-northeast-1": "pl-58a04531",
};

/** A managed prefix list id. */
export const PREFIX_LIST_ID = /^pl-[0-9a-f]{8,17}$/;

/**
 * The CloudFront origin-facing prefix list of `region`: `override` when given (checked), else the
 * table's; throws a `PropError` naming `field` for a region the table lacks.
 */
export function cloudFrontPrefixListId(region: string, field: string, override?: string): string {
  if (override !== undefined) {
    if (!Token.isUnresolved(override) && !PREFIX_LIST_ID.test(override)) {
      throw new PropError(field, `"${override}" is not a managed prefix list id such as pl-3b927c52`);
    }
    return override;
  }
  const id = CLOUDFRONT_ORIGIN_FACING_PREFIX_LISTS[region];
  if (id) return id;
  throw new PropError(
    field,
    `the CloudFront origin-facing prefix list of ${Token.isUnresolved(region) ? "a region known only at plan" : region} is not in CLOUDFRONT_ORIGIN_FACING_PREFIX_LISTS; give its id (aws ec2 describe-managed-prefix-lists --filters Name=prefix-list-name,Values=com.amazonaws.global.cloudfront.origin-facing)`,
  );
}

/** Props of `LoadBalancerVpcOrigin`. */
export interface LoadBalancerVpcOriginProps {
  /** Names and tags the VPC origin. */
  readonly naming: Naming;
  /** The internal Application Load Balancer CloudFront reaches (`LoadBalancer.arn`). */
  readonly loadBalancerArn: string;
  /** What it serves, in its name: `<prefix>-<purpose>`. @default "api" */
  readonly purpose?: string;
}

/**
 * A CloudFront VPC origin for an internal load balancer: CloudFront reaches it over HTTPS (TLS 1.2)
 * through network interfaces AWS places in the load balancer's subnets, so the load balancer needs
 * no public address and cannot be reached around CloudFront. The load balancer's security group
 * admits CloudFront's origin-facing prefix list on 443 (`LoadBalancer` with `internal: true` does).
 * Pass `id` to `Cdn`'s `apiOrigin.vpcOriginId`; several distributions may share one VPC origin.
 * Creating or deleting one takes CloudFront about 15 minutes.
 */
export class LoadBalancerVpcOrigin extends Construct {
  /** The VPC origin resource. */
  readonly vpcOrigin: CloudfrontVpcOrigin;
  /** Its id, for a distribution's `vpc_origin_config`. */
  readonly id: string;
  /** Its ARN. */
  readonly arn: string;

  constructor(scope: Construct, id: string, props: LoadBalancerVpcOriginProps) {
    super(scope, id);
    assertArn(props.loadBalancerArn, "edge.vpcOrigin.loadBalancerArn", ARN_KINDS.loadBalancer);
    const name = props.naming.name(props.purpose ?? "api");
    this.vpcOrigin = new CloudfrontVpcOrigin(this, "vpc-origin", {
      vpcOriginEndpointConfig: [
        {
          name,
          arn: props.loadBalancerArn,
          httpPort: 80,
          httpsPort: 443,
          originProtocolPolicy: "https-only",
          originSslProtocols: [{ items: ["TLSv1.2"], quantity: 1 }],
        },
      ],
      tags: { Name: name },
    });
    this.id = this.vpcOrigin.id;
    this.arn = this.vpcOrigin.arn;
  }
}
