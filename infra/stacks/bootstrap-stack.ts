import { TerraformOutput } from "cdktf";
import type { Construct } from "constructs";
import { StateBackend } from "../../modules/state/state-backend.js";
import { bootstrapNaming } from "../environments/project.js";
import { AwsStack } from "./aws-stack.js";

/** Where the bootstrap stack keeps its own state until it is migrated into the bucket (see README). */
export const BOOTSTRAP_LOCAL_STATE = "../../../bootstrap.tfstate";

export interface BootstrapStackProps {
  /**
   * Where this stack's own state lives: `local` for the first apply (the bucket does not exist
   * yet), then `s3` once it does, to migrate into it (`terraform init -migrate-state`).
   * @default "local"
   */
  readonly stateIn?: "local" | "s3";
}

/**
 * The chicken-and-egg stack: creates the state bucket and lock table every other stack stores its
 * state in. It starts on local state; README explains the two steps.
 */
export class BootstrapStack extends AwsStack {
  readonly state: StateBackend;

  constructor(scope: Construct, id: string, props: BootstrapStackProps = {}) {
    const naming = bootstrapNaming();
    super(scope, id, {
      naming,
      state:
        props.stateIn === "s3"
          ? { kind: "s3", key: `${naming.project}/bootstrap/terraform.tfstate` }
          : { kind: "local", path: BOOTSTRAP_LOCAL_STATE },
    });
    this.state = new StateBackend(this, "state", { naming });
    new TerraformOutput(this, "state_bucket", { value: this.state.bucketName });
    new TerraformOutput(this, "lock_table", { value: this.state.lockTableName });
  }
}
