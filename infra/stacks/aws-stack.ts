import type { Naming } from "@aws-platform-kit/modules/naming";
import { StateBackend } from "@aws-platform-kit/modules/state";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider/index.js";
import { LocalBackend, S3Backend, TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { bootstrapNaming, project } from "../environments/project.js";

/** Terraform ≥ 1.10: S3 lockfiles (`use_lockfile`). */
export const REQUIRED_TERRAFORM = ">= 1.10.0";

export type StateLocation =
  /** The bootstrap stack: state in a local file until it is migrated into the bucket it creates. */
  | { readonly kind: "local"; readonly path: string }
  /** Every other stack: state in the bootstrap stack's S3 bucket under `key`. */
  | { readonly kind: "s3"; readonly key: string };

export interface AwsStackProps {
  readonly naming: Naming;
  readonly state: StateLocation;
  /** Extra tags on every resource. */
  readonly tags?: Record<string, string>;
}

/**
 * A stack with the kit's ground rules: one AWS provider locked to the configured account (an apply
 * with the wrong credentials fails instead of building in the wrong account), default tags on every
 * resource, a pinned Terraform version, and state where `state` says.
 */
export class AwsStack extends TerraformStack {
  readonly naming: Naming;
  readonly provider: AwsProvider;

  constructor(scope: Construct, id: string, props: AwsStackProps) {
    super(scope, id);
    this.naming = props.naming;
    this.provider = new AwsProvider(this, "aws", {
      region: props.naming.region,
      allowedAccountIds: [props.naming.accountId],
      defaultTags: [{ tags: props.naming.tags(props.tags) }],
    });
    this.addOverride("terraform.required_version", REQUIRED_TERRAFORM);

    if (props.state.kind === "local") {
      new LocalBackend(this, { path: props.state.path });
    } else {
      const names = StateBackend.names(bootstrapNaming());
      const backend = new S3Backend(this, {
        bucket: names.bucket,
        key: props.state.key,
        region: project.state.region,
        encrypt: true,
        dynamodbTable: names.lockTable,
      });
      // Terraform ≥ 1.10 locks with an S3 lockfile; DynamoDB-only locking is deprecated.
      // Both are on while teams move over: each lock is taken in both places.
      backend.addOverride("use_lockfile", true);
    }
  }
}
