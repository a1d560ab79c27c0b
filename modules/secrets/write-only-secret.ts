import type { IamRole } from "@cdktf/provider-aws/lib/iam-role/index.js";
import { SecretsmanagerSecret } from "@cdktf/provider-aws/lib/secretsmanager-secret/index.js";
import { SecretsmanagerSecretVersion } from "@cdktf/provider-aws/lib/secretsmanager-secret-version/index.js";
import { TerraformVariable } from "cdktf";
import { Construct } from "constructs";
import { attachPolicy } from "../iam/policy.js";
import type { Naming } from "../naming/naming.js";
import { PropError } from "../validation/prop-error.js";
import { assertIntegerInRange } from "../validation/validators.js";
import type { ContainerSecretRef, SecretRef } from "./secret-ref.js";

/** Props of `WriteOnlySecret`. */
export interface WriteOnlySecretProps {
  /** Names and tags the secret. */
  readonly naming: Naming;
  /** What the secret is; its name is `<project>-<env>/<purpose>`. */
  readonly purpose: string;
  /** Shown in the console. */
  readonly description: string;
  /**
   * Bump to write a new value (rotation): the value is written only when this number changes.
   * @default 1
   */
  readonly version?: number;
  /**
   * Days Secrets Manager keeps a deleted secret recoverable (7–30), or 0 to delete at once.
   * @default 30
   */
  readonly recoveryWindowDays?: number;
  /** Encrypt with this KMS key. @default - the account's `aws/secretsmanager` key */
  readonly kmsKeyArn?: string;
}

/**
 * A Secrets Manager secret whose value never appears in code, synthesised JSON, plan files or
 * Terraform state. The value comes from an *ephemeral* Terraform input variable
 * (`TF_VAR_<variableName>`, e.g. `$(openssl rand -base64 48)` in CI) and is written through the
 * provider's write-only `secret_string_wo` attribute. It is written once, when the secret is created,
 * and again only when `version` is bumped; the variable's value is ignored on every other apply, so
 * any fresh random value may be passed each time.
 */
export class WriteOnlySecret extends Construct implements SecretRef {
  /** The Secrets Manager secret. */
  readonly secret: SecretsmanagerSecret;
  /** The secret's ARN, for a task definition's `secrets` or a grant. */
  readonly secretArn: string;
  /** The secret's ARN (`SecretRef`). */
  readonly arn: string;
  /** Always `secretsmanager`. */
  readonly store = "secretsmanager" as const;
  /** The customer-managed KMS key, when one was given. */
  readonly kmsKeyArn?: string;
  /** The Terraform variable that supplies the value: set `TF_VAR_<name>` for plan and apply. */
  readonly variableName: string;
  /** For `FargateService`'s `secrets`: the secret's ARN, store `secretsmanager`, and its KMS key. */
  readonly containerSecret: ContainerSecretRef;

  constructor(scope: Construct, id: string, props: WriteOnlySecretProps) {
    super(scope, id);
    const recoveryWindowDays = props.recoveryWindowDays ?? 30;
    if (recoveryWindowDays !== 0 && (recoveryWindowDays < 7 || recoveryWindowDays > 30)) {
      throw new PropError("secrets.recoveryWindowDays", `${recoveryWindowDays} must be 0 or 7–30`);
    }
    const version = assertIntegerInRange(props.version ?? 1, "secrets.version", { min: 1 });
    if (props.kmsKeyArn !== undefined) this.kmsKeyArn = props.kmsKeyArn;
    this.variableName = props.purpose.replace(/-/g, "_");

    const value = new TerraformVariable(this, "value", {
      type: "string",
      sensitive: true,
      nullable: false,
      description: `${props.description}. Ephemeral: never stored. Written when the secret is created or its version changes; ignored otherwise.`,
    });
    value.overrideLogicalId(this.variableName);
    // Ephemeral (Terraform ≥ 1.10): the value is kept out of plan files and state.
    value.addOverride("ephemeral", true);

    this.secret = new SecretsmanagerSecret(this, "secret", {
      name: `${props.naming.prefix}/${props.purpose}`,
      description: props.description,
      recoveryWindowInDays: recoveryWindowDays,
      ...(props.kmsKeyArn ? { kmsKeyId: props.kmsKeyArn } : {}),
    });
    this.secretArn = this.secret.arn;
    this.arn = this.secretArn;
    this.containerSecret = {
      secretArn: this.secretArn,
      store: "secretsmanager",
      ...(this.kmsKeyArn ? { kmsKeyArn: this.kmsKeyArn } : {}),
    };
    new SecretsmanagerSecretVersion(this, "version", {
      secretId: this.secret.id,
      secretStringWo: value.stringValue,
      secretStringWoVersion: version,
    });
  }

  /** Lets `role` read the value (`secretsmanager:GetSecretValue` on this secret only). */
  grantRead(role: IamRole): void {
    attachPolicy(this, `grant-read-${role.friendlyUniqueId}`, role, `secret-${this.variableName}-read`, [
      { sid: "ReadSecret", actions: ["secretsmanager:GetSecretValue"], resources: [this.secretArn] },
      ...(this.kmsKeyArn
        ? [{ sid: "DecryptSecret", actions: ["kms:Decrypt"], resources: [this.kmsKeyArn] }]
        : []),
    ]);
  }
}
