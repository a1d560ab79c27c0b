import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import type { AwsConfig } from "../config.js";

/** Reads secret strings from AWS Secrets Manager (or a stand-in at SECRETS_MANAGER_ENDPOINT). */
export interface SecretsReader {
  read(secretArn: string): Promise<string>;
}

export function createSecretsReader(aws: AwsConfig): SecretsReader {
  const client = new SecretsManagerClient({
    region: aws.region,
    ...(aws.secretsManagerEndpoint ? { endpoint: aws.secretsManagerEndpoint } : {}),
    maxAttempts: 3,
  });
  return {
    async read(secretArn) {
      const result = await client.send(new GetSecretValueCommand({ SecretId: secretArn }));
      if (result.SecretString === undefined) throw new Error(`secret ${secretArn} has no SecretString`);
      return result.SecretString;
    },
  };
}

export interface DatabaseCredentials {
  username: string;
  password: string;
}

/** The RDS-managed master secret is JSON with (at least) username and password. */
export function parseDatabaseSecret(secretString: string): DatabaseCredentials {
  let value: unknown;
  try {
    value = JSON.parse(secretString);
  } catch {
    throw new Error("database secret is not JSON");
  }
  const { username, password } = (value ?? {}) as Record<string, unknown>;
  if (typeof username !== "string" || typeof password !== "string" || username === "") {
    throw new Error('database secret must be JSON with string "username" and "password"');
  }
  return { username, password };
}

/**
 * The token-signing key: either the whole SecretString, or JSON `{"signingKey": "..."}`.
 * Either way at least 32 characters.
 */
export function parseSigningKeySecret(secretString: string): string {
  let key = secretString;
  if (secretString.trimStart().startsWith("{")) {
    const parsed = JSON.parse(secretString) as { signingKey?: unknown };
    if (typeof parsed.signingKey !== "string")
      throw new Error('app secret JSON must have a string "signingKey"');
    key = parsed.signingKey;
  }
  if (key.length < 32) throw new Error("app secret signing key must be at least 32 characters");
  return key;
}
