import type { IamRole } from "@cdktf/provider-aws/lib/iam-role/index.js";
import { SsmParameter } from "@cdktf/provider-aws/lib/ssm-parameter/index.js";
import { TerraformVariable } from "cdktf";
import { Construct } from "constructs";
import { attachPolicy } from "../iam/policy.js";
import type { Naming } from "../naming/naming.js";
import { PropError } from "../validation/prop-error.js";
import { ARN_KINDS, assertArn, assertIntegerInRange } from "../validation/validators.js";
import type { ContainerSecretRef, SecretRef } from "./secret-ref.js";

/** A parameter tier: Standard (free, up to 4 KB) or Advanced (charged per parameter-month, up to 8 KB). */
export type ParameterTier = "Standard" | "Advanced";

/** Props of `WriteOnlyParameter`. */
export interface WriteOnlyParameterProps {
  /** Names and tags the parameter. */
  readonly naming: Naming;
  /** What the value is; the parameter is `/<project>-<env>/<purpose>`. */
  readonly purpose: string;
  /** Shown in the console. */
  readonly description: string;
  /**
   * Bump to write a new value (rotation): the value is written only when this number changes.
   * @default 1
   */
  readonly version?: number;
  /**
   * Encrypt with this customer-managed KMS key (its ARN: a grant needs it). The AWS-managed
   * `aws/ssm` key cannot be shared with other accounts: use a customer key for cross-account reads.
   * @default - the account's AWS-managed `alias/aws/ssm` key
   */
  readonly kmsKeyArn?: string;
  /**
   * The parameter tier. Standard is free (values up to 4 KB); Advanced costs $0.05 per
   * parameter-month (values up to 8 KB, parameter policies).
   * @default "Standard"
   */
  readonly tier?: ParameterTier;
}

/**
 * An SSM Parameter Store `SecureString` whose value never appears in code, synthesised JSON, plan
 * files or Terraform state: the Parameter Store twin of `WriteOnlySecret`, with the same grant
 * surface (`SecretRef`). The value comes from an *ephemeral* Terraform input variable
 * (`TF_VAR_<variableName>`) and is written through the provider's write-only `value_wo` attribute:
 * once, when the parameter is created, and again only when `version` is bumped. A deleted
 * parameter is gone at once (Parameter Store has no recovery window).
 */
export class WriteOnlyParameter extends Construct implements SecretRef {
  /** The SSM parameter. */
  readonly parameter: SsmParameter;
  /** The parameter's ARN, for a task definition's `secrets` or a grant. */
  readonly parameterArn: string;
  /** The parameter's name, `/<project>-<env>/<purpose>`. */
  readonly parameterName: string;
  /** The parameter's ARN (`SecretRef`). */
  readonly arn: string;
  /** Always `ssm`. */
  readonly store = "ssm" as const;
  /** The customer-managed KMS key, when one was given. */
  readonly kmsKeyArn?: string;
  /** The Terraform variable that supplies the value: set `TF_VAR_<name>` for plan and apply. */
  readonly variableName: string;
  /** For `FargateService`'s `secrets`: the parameter's ARN, store `ssm`, and its KMS key. */
  readonly containerSecret: ContainerSecretRef;
  private readonly region: string;

  constructor(scope: Construct, id: string, props: WriteOnlyParameterProps) {
    super(scope, id);
    const version = assertIntegerInRange(props.version ?? 1, "secrets.version", { min: 1 });
    const tier = props.tier ?? "Standard";
    if (tier !== "Standard" && tier !== "Advanced") {
      throw new PropError("secrets.tier", `"${tier}" must be "Standard" or "Advanced"`);
    }
    if (props.kmsKeyArn !== undefined) assertArn(props.kmsKeyArn, "secrets.kmsKeyArn", ARN_KINDS.kmsKey);
    if (props.kmsKeyArn !== undefined) this.kmsKeyArn = props.kmsKeyArn;
    this.variableName = props.purpose.replace(/-/g, "_");
    this.region = props.naming.region;

    const value = new TerraformVariable(this, "value", {
      type: "string",
      sensitive: true,
      nullable: false,
      description: `${props.description}. Ephemeral: never stored. Written when the parameter is created or its version changes; ignored otherwise.`,
    });
    value.overrideLogicalId(this.variableName);
    // Ephemeral (Terraform ≥ 1.10): the value is kept out of plan files and state.
    value.addOverride("ephemeral", true);

    this.parameterName = `/${props.naming.prefix}/${props.purpose}`;
    this.parameter = new SsmParameter(this, "parameter", {
      name: this.parameterName,
      description: props.description,
      type: "SecureString",
      tier,
      ...(props.kmsKeyArn ? { keyId: props.kmsKeyArn } : {}),
      valueWo: value.stringValue,
      valueWoVersion: version,
    });
    this.parameterArn = this.parameter.arn;
    this.arn = this.parameterArn;
    this.containerSecret = {
      secretArn: this.parameterArn,
      store: "ssm",
      ...(this.kmsKeyArn ? { kmsKeyArn: this.kmsKeyArn } : {}),
    };
  }

  /**
   * Lets `role` read the value: `ssm:GetParameter` and `ssm:GetParameters` on this parameter only
   * (an application's `GetParameter` or ECS's `GetParameters`), and `kms:Decrypt` on `kmsKeyArn`
   * through SSM when a customer key is given.
   */
  grantRead(role: IamRole): void {
    attachPolicy(this, `grant-read-${role.friendlyUniqueId}`, role, `parameter-${this.variableName}-read`, [
      {
        sid: "ReadParameter",
        actions: ["ssm:GetParameter", "ssm:GetParameters"],
        resources: [this.parameterArn],
      },
      ...(this.kmsKeyArn
        ? [
            {
              sid: "DecryptParameter",
              actions: ["kms:Decrypt"],
              resources: [this.kmsKeyArn],
              conditions: {
                StringEquals: { "kms:ViaService": `ssm.${this.region}.amazonaws.com` },
              },
            },
          ]
        : []),
    ]);
  }
}
