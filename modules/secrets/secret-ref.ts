import type { IamRole } from "@cdktf/provider-aws/lib/iam-role/index.js";

/** Where a secret is kept: a Secrets Manager secret or an SSM Parameter Store `SecureString`. */
export type SecretStoreKind = "secretsmanager" | "ssm";

/**
 * A secret as a task definition's `secrets` takes it: the shape of compute's `ContainerSecret`
 * (`FargateService`'s `secrets: { NAME: ref.containerSecret }`), with the store named so that a
 * reference ARN is granted the right way.
 */
export interface ContainerSecretRef {
  /** The secret's or parameter's ARN. */
  readonly secretArn: string;
  /** Which store it is in. */
  readonly store: SecretStoreKind;
  /** The customer-managed KMS key it is encrypted with. @default - the store's AWS-managed key */
  readonly kmsKeyArn?: string;
}

/**
 * What `WriteOnlySecret` and `WriteOnlyParameter` have in common: one grant surface whichever store
 * holds the value, so a stack can pick the store per environment and use the result the same way.
 */
export interface SecretRef {
  /** The secret's or parameter's ARN. */
  readonly arn: string;
  /** Which store holds the value. */
  readonly store: SecretStoreKind;
  /** The customer-managed KMS key the value is encrypted with. @default - the store's AWS-managed key */
  readonly kmsKeyArn?: string;
  /** The Terraform variable that supplies the value: set `TF_VAR_<name>` for plan and apply. */
  readonly variableName: string;
  /** For a task definition's `secrets`: `FargateService`'s `secrets: { NAME: ref.containerSecret }`. */
  readonly containerSecret: ContainerSecretRef;
  /** Lets `role` read the value (this one secret or parameter only, and decrypt it when a customer key). */
  grantRead(role: IamRole): void;
}
