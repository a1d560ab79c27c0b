import { TerraformOutput } from "cdktf";
import type { Construct } from "constructs";
import { Naming } from "../../modules/naming/naming.js";
import { Network } from "../../modules/network/network.js";
import { Bucket } from "../../modules/storage/bucket.js";
import type { EnvironmentConfig } from "../environments/schema.js";
import { AwsStack } from "./aws-stack.js";

export interface PlatformStackProps {
  /** A validated environment config (see `loadEnvironment`). */
  readonly config: EnvironmentConfig;
}

/**
 * One environment (dev, staging, prod): the whole platform the service runs on, composed from the
 * modules. Environments differ only through their config.
 */
export class PlatformStack extends AwsStack {
  readonly config: EnvironmentConfig;
  readonly network: Network;
  readonly uploads: Bucket;

  constructor(scope: Construct, id: string, props: PlatformStackProps) {
    const { config } = props;
    const naming = new Naming({
      project: config.project,
      environment: config.name,
      accountId: config.accountId,
      region: config.region,
    });
    super(scope, id, {
      naming,
      state: { kind: "s3", key: `${config.project}/${config.name}/terraform.tfstate` },
      tags: config.tags,
    });
    this.config = config;

    this.network = new Network(this, "network", {
      naming,
      cidr: config.network.cidr,
      availabilityZones: config.availabilityZones,
      natMode: config.network.natMode as Network["natMode"],
      flowLogs: { retentionDays: config.network.flowLogRetentionDays },
    });

    this.uploads = new Bucket(this, "uploads", {
      naming,
      purpose: "uploads",
      forceDestroy: !config.deletionProtection,
    });

    this.output("vpc_id", this.network.vpcId, "VPC id");
    this.output("public_subnet_ids", this.network.subnetIds("public"), "Public subnet ids, AZ order");
    this.output("private_subnet_ids", this.network.subnetIds("private"), "Private subnet ids, AZ order");
    this.output("database_subnet_ids", this.network.subnetIds("database"), "Database subnet ids, AZ order");
    this.output("uploads_bucket", this.uploads.bucketName, "Uploads bucket name");
  }

  /** A stack output, readable by other stacks through `terraform_remote_state`. */
  protected output(name: string, value: string | string[], description: string): TerraformOutput {
    return new TerraformOutput(this, name, { value, description });
  }
}
