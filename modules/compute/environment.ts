/**
 * What may go into a container's environment, and how secrets go in instead.
 *
 * Plain environment variables are stored in the task definition: readable by anyone who may
 * describe task definitions, kept in every revision, and shown in the console. Secrets must come
 * from Secrets Manager or SSM Parameter Store through the task definition's `secrets` (resolved by
 * ECS at start, never stored), so this refuses variables that look like secrets, and never echoes
 * their values.
 */
import { Token } from "cdktf";
import { PropError } from "../validation/prop-error.js";
import { ARN_KINDS, type ArnKind, assertArn, isArn } from "../validation/validators.js";

/** Where a container secret is kept: a Secrets Manager secret or an SSM `SecureString` parameter. */
export type SecretStore = "secretsmanager" | "ssm";

/** A Secrets Manager secret or an SSM Parameter Store parameter to inject as an environment variable. */
export interface ContainerSecret {
  /**
   * The secret's full ARN (with its 6-character suffix), e.g. an RDS-managed master secret, or an
   * SSM parameter's ARN (`arn:aws:ssm:<region>:<account>:parameter/<name>`, a `SecureString`).
   */
  readonly secretArn: string;
  /**
   * Which store `secretArn` is in: decides the grant (`secretsmanager:GetSecretValue` or
   * `ssm:GetParameters`). Give it when `secretArn` is a reference (e.g. `WriteOnlyParameter`'s
   * `containerSecret` does); a literal ARN that names the other store is refused.
   * @default - read from a literal ARN (`ssm` for `arn:…:ssm:…:parameter/…`), else `secretsmanager`
   */
  readonly store?: SecretStore;
  /**
   * Inject only this key of a JSON secret (e.g. `password`); Secrets Manager only.
   * @default - the whole secret string
   */
  readonly jsonKey?: string;
  /**
   * The customer-managed KMS key the secret is encrypted with; the reader is also allowed to decrypt
   * with it, through Secrets Manager (or SSM, for a parameter) only.
   * @default - the secret uses the AWS-managed `aws/secretsmanager` (or `aws/ssm`) key: no KMS grant needed
   */
  readonly kmsKeyArn?: string;
}

/** One SSM Parameter Store parameter, by its whole name: no wildcards. */
export const SSM_PARAMETER_ARN: ArnKind = {
  name: "SSM parameter",
  service: "ssm",
  resourceType: "parameter/",
  resource: "[A-Za-z0-9_.-][A-Za-z0-9/_.-]*",
  shape: "arn:aws:ssm:<region>:<account>:parameter/<name>, no wildcards",
};

/** An environment variable's name. */
export const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** What an environment variable's (or an injected secret's) name must be. */
export const ENV_NAME_RULE = "a variable name must be letters, digits and _, not starting with a digit";
/** Names that say "this is a credential". */
export const SECRET_NAME = /PASSWORD|PASSWD|SECRET|TOKEN|PRIVATE_?KEY|API_?KEY|ACCESS_?KEY|CREDENTIAL/i;
/** Names that are a setting *of* a secret, measured in units (`TOKEN_TTL_SECONDS=900`). */
export const SETTING_NAME = /_(TTL|SECONDS|MS|MINUTES|HOURS|DAYS|LENGTH|BYTES|COUNT)$/i;
/** A value that is an ARN: a reference to a secret, not the secret. */
export const ARN_VALUE = /^arn:aws[a-z-]*:[a-z0-9-]+:/;
/** Values that are credentials whatever the variable is called, and what each is. */
export const SECRET_VALUES: ReadonlyArray<readonly [RegExp, string]> = [
  [/\b(AKIA|ASIA)[A-Z0-9]{16}\b/, "an AWS access key id"],
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----/, "a private key"],
  [/^[a-z][a-z0-9+.-]*:\/\/[^/\s:@]*:[^/\s@]+@/i, "a URL with a password in it"],
];

const USE_SECRETS =
  "pass it in `secrets` (injected from Secrets Manager or SSM Parameter Store at start, never stored in the task definition)";

/** Why a value holding `what` (one of `SECRET_VALUES`) is refused. */
export function secretValueRule(what: string): string {
  return `must not contain ${what}; ${USE_SECRETS}`;
}

/** Why a name that looks like a secret needs a reference (an ARN) or a number as its value. */
export const SECRET_NAME_RULE = `a name that looks like a secret (*PASSWORD*, *SECRET*, *TOKEN*, *API_KEY*, *ACCESS_KEY*, …) may hold only an ARN, a reference in a name ending in _ARN, or a number in a name ending in a unit such as _SECONDS; otherwise ${USE_SECRETS}`;
/** Why a name may not be both a secret and a plain variable. */
export const SECRET_IN_ENVIRONMENT_RULE =
  "a name must not also be set in environment; a variable comes from one place only";
/** A JSON key of a secret. */
export const JSON_KEY = /^[^:\s]+$/;
/** What a secret's `jsonKey` must be. */
export const JSON_KEY_RULE = 'must be a non-empty key without ":" or spaces';

/**
 * Throws, naming the variable (never its value), when a plain environment variable looks like a
 * secret. A name such as `*PASSWORD*`, `*SECRET*`, `*TOKEN*`, `*API_KEY*` or `*ACCESS_KEY*` is
 * accepted only when its value is a reference or a setting, not the secret itself:
 * - an ARN (`APP_SECRET_ARN=arn:aws:secretsmanager:...`), or a Terraform reference when the name
 *   ends in `_ARN` (`DATABASE_SECRET_ARN=${db.secretArn}`);
 * - a plain number when the name ends in a unit (`TOKEN_TTL_SECONDS=900`).
 * Any value holding an AWS access key id, a private key or a URL with a password is refused.
 */
export function assertPlainEnvironment(environment: Readonly<Record<string, string>>, field: string): void {
  for (const [name, value] of Object.entries(environment)) {
    const at = `${field}.${name}`;
    if (!ENV_NAME.test(name)) throw new PropError(at, ENV_NAME_RULE);
    // Checked on the text even when it embeds a reference: `postgres://app:${password}@host` is caught.
    for (const [pattern, what] of SECRET_VALUES) {
      if (pattern.test(value)) throw new PropError(at, `the value ${secretValueRule(what)}`);
    }
    const unresolved = Token.isUnresolved(value);
    if (!SECRET_NAME.test(name)) continue;
    const isReference = unresolved ? /_ARN$/i.test(name) : ARN_VALUE.test(value);
    const isSetting = !unresolved && SETTING_NAME.test(name) && /^\d+$/.test(value);
    if (!isReference && !isSetting) throw new PropError(at, SECRET_NAME_RULE);
  }
}

/** Throws, naming the field, when `secrets` are malformed or collide with `environment`. */
export function assertSecrets(
  secrets: Readonly<Record<string, ContainerSecret>>,
  environment: Readonly<Record<string, string>>,
  field: string,
): void {
  for (const [name, secret] of Object.entries(secrets)) {
    const at = `${field}.${name}`;
    if (!ENV_NAME.test(name)) throw new PropError(at, ENV_NAME_RULE);
    if (name in environment) throw new PropError(at, SECRET_IN_ENVIRONMENT_RULE);
    const store = secretStore(secret);
    if (secret.store !== undefined && secret.store !== "secretsmanager" && secret.store !== "ssm") {
      throw new PropError(`${at}.store`, `"${secret.store}" ${SECRET_STORE_RULE}`);
    }
    if (store === "ssm") assertArn(secret.secretArn, `${at}.secretArn`, SSM_PARAMETER_ARN);
    else assertSecretArn(secret.secretArn, `${at}.secretArn`);
    if (secret.jsonKey !== undefined && store === "ssm") {
      throw new PropError(`${at}.jsonKey`, JSON_KEY_SSM_RULE);
    }
    if (secret.jsonKey !== undefined && !JSON_KEY.test(secret.jsonKey)) {
      throw new PropError(`${at}.jsonKey`, `"${secret.jsonKey}" ${JSON_KEY_RULE}`);
    }
    if (secret.kmsKeyArn !== undefined) assertKmsKeyArn(secret.kmsKeyArn, `${at}.kmsKeyArn`);
  }
}

/** What a secret's `store` must be. */
export const SECRET_STORE_RULE = 'must be "secretsmanager" or "ssm"';
/** Why an SSM parameter has no `jsonKey`. */
export const JSON_KEY_SSM_RULE =
  "is for Secrets Manager secrets only; ECS injects an SSM parameter's whole value";

/**
 * The store a container secret is in: its `store`, else `ssm` when `secretArn` is a literal SSM
 * parameter ARN, else `secretsmanager`. (A literal ARN of the other store than `store` says is
 * refused by `assertSecrets`, as not an ARN of that store.)
 */
export function secretStore(secret: ContainerSecret): SecretStore {
  if (secret.store !== undefined) return secret.store;
  return !Token.isUnresolved(secret.secretArn) && isArn(secret.secretArn, SSM_PARAMETER_ARN)
    ? "ssm"
    : "secretsmanager";
}

/** Throws unless `arn` is one whole Secrets Manager secret ARN (or a reference to one): no wildcards. */
export function assertSecretArn(arn: string, field: string): void {
  assertArn(arn, field, ARN_KINDS.secret);
}

/** Throws unless `arn` is a KMS key ARN (aliases cannot scope an IAM grant). */
export function assertKmsKeyArn(arn: string, field: string): void {
  assertArn(arn, field, ARN_KINDS.kmsKey);
}

/** The task definition's `valueFrom`: the ARN, or `<arn>:<json key>::` for one key of a JSON secret. */
export function secretValueFrom(secret: ContainerSecret): string {
  return secret.jsonKey ? `${secret.secretArn}:${secret.jsonKey}::` : secret.secretArn;
}
