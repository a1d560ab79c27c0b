/** The state module for Terraform: `StateBackend` (state bucket and lock table) with every prop a variable. */
import { Fn, Token } from "cdktf";
import { StateBackend } from "../state/state-backend.js";
import { KEEP_NONCURRENT_VERSIONS, NONCURRENT_VERSION_DAYS } from "../storage/bucket.js";
import { integerInRange } from "./conditions.js";
import type { HclModule } from "./hcl-module.js";
import { limitNameLength, moduleNaming } from "./shared.js";
import { encryptionFollows, kmsKeyArnRule } from "./storage.js";

const STATE = "state/state-backend.ts#StateBackendProps";

export const state: HclModule = {
  name: "state",
  title: "A Terraform state backend: an S3 bucket and a DynamoDB lock table",
  summary:
    "Where other root modules keep their Terraform state: a private, versioned, encrypted, TLS-only S3 bucket (`<name>-tfstate-<account>-<region>`) whose superseded state versions are kept 90 days and the 20 newest always, and a DynamoDB lock table (`<name>-tfstate-lock`, on-demand, point-in-time recovery, encrypted) for Terraform before 1.10's S3 lockfiles. Terraform refuses to destroy either.",
  example: `module "state" {
  source = "github.com/acme/platform//modules/terraform/state"

  name = "payments"
}

# then, in every root module that keeps its state there (terraform output backend_config):
# terraform {
#   backend "s3" {
#     bucket       = "payments-tfstate-123456789012-eu-west-1"
#     key          = "payments/prod/terraform.tfstate"
#     region       = "eu-west-1"
#     encrypt      = true
#     use_lockfile = true
#   }
# }`,
  limitations: [
    "`prevent_destroy` is always on for the bucket and the table: Terraform takes only literals in `lifecycle.prevent_destroy`, so `protect = false` switches off the table's deletion protection alone. To remove the backend, take the module out of the configuration (or its resources out of the state) instead of `terraform destroy`.",
    "The bucket's name ends in the account id, read from the lock table's ARN (looking it up would need credentials at plan), so it is known only once the table exists: the first plan shows it as known after apply.",
    "Grants (`grantReadState`, `grantReadWriteState`) and `StateBackend.names` are TypeScript methods, not inputs: write the IAM policies on `bucket_arn` and `lock_table_arn` in your own code.",
    "Cross-region replication of the state bucket (`replication`) is TypeScript only: its destination bucket needs a provider for another region, which a module cannot be given as a variable. Write `aws_s3_bucket_replication_configuration` on `bucket_name` in your own code, or use the TypeScript API.",
  ],
  build(stack) {
    let built: StateBackend | undefined;
    const naming = moduleNaming(stack, "state bucket and lock table", () =>
      Token.asString(Fn.element(Fn.split(":", (built as StateBackend).lockTableArn), 4)),
    );
    const noncurrentDays = stack.variable("noncurrent_version_expiration_days", {
      type: "number",
      doc: `${STATE}.noncurrentVersionExpirationDays`,
      default: 90,
      rules: [integerInRange("var.noncurrent_version_expiration_days", NONCURRENT_VERSION_DAYS)],
    });
    const keepVersions = stack.variable("keep_noncurrent_versions", {
      type: "number",
      doc: `${STATE}.keepNoncurrentVersions`,
      default: 20,
      rules: [integerInRange("var.keep_noncurrent_versions", KEEP_NONCURRENT_VERSIONS)],
    });
    const kmsKeyArn = stack.variable("kms_key_arn", {
      type: "string",
      doc: `${STATE}.kmsKeyArn`,
      description: "Null: SSE-S3 for the bucket, an AWS-owned key for the table.",
      default: null,
      rules: [kmsKeyArnRule("var.kms_key_arn")],
    });
    const protect = stack.variable("protect", {
      type: "bool",
      doc: `${STATE}.protect`,
      description:
        "Here it switches the table's deletion protection; `prevent_destroy` stays on for both (Terraform takes only literals there).",
      default: true,
    });

    built = new StateBackend(stack, "state", {
      naming,
      noncurrentVersionExpirationDays: noncurrentDays.numberValue,
      keepNoncurrentVersions: keepVersions.numberValue,
      kmsKeyArn: kmsKeyArn.stringValue,
      protect: protect.booleanValue as unknown as boolean,
    });
    const backend = built;
    encryptionFollows(backend.bucket, kmsKeyArn.stringValue);

    stack.output("bucket_name", { value: backend.bucketName, description: "The state bucket's name." });
    stack.output("bucket_arn", { value: backend.bucketArn, description: "The state bucket's ARN." });
    stack.output("lock_table_name", {
      value: backend.lockTableName,
      description: "The lock table's name, for `dynamodb_table` (Terraform before 1.10).",
    });
    stack.output("lock_table_arn", { value: backend.lockTableArn, description: "The lock table's ARN." });
    stack.output("backend_config", {
      value: {
        bucket: backend.bucketName,
        region: naming.region,
        encrypt: true,
        use_lockfile: true,
        dynamodb_table: backend.lockTableName,
        kms_key_id: kmsKeyArn.stringValue,
      },
      description:
        'The `backend "s3"` settings for a root module that keeps its state here; add its own `key`. `dynamodb_table` is for Terraform before 1.10, `kms_key_id` null without a key.',
    });
    limitNameLength(stack, naming);
  },
};
