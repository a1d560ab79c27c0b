import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig, loadDatabaseConfig } from "./config.js";

const local = {
  DATABASE_URL: "postgres://app:pw@localhost:5432/app?schema=pr_7",
  APP_SECRET: "x".repeat(32),
  UPLOADS_BUCKET: "uploads-bucket",
  S3_ENDPOINT: "http://127.0.0.1:4569",
  S3_FORCE_PATH_STYLE: "true",
};

const aws = {
  NODE_ENV: "production",
  DATABASE_HOST: "db.internal",
  DATABASE_NAME: "app",
  DATABASE_SECRET_ARN: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!db-1",
  DATABASE_SSL: "require",
  APP_SECRET_ARN: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:app",
  UPLOADS_BUCKET: "acme-prod-uploads",
  AWS_REGION: "eu-west-1",
  TRUST_PROXY_HOPS: "1",
  CORS_ORIGINS: "https://app.example.com, https://admin.example.com",
};

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe("config", () => {
  it("reads a local configuration, taking the schema from ?schema=", () => {
    const config = loadConfig(local);
    expect(config.database).toMatchObject({
      source: { kind: "url" },
      schema: "pr_7",
      ssl: "disable",
      poolMax: 10,
    });
    expect(config.port).toBe(3000);
    expect(config.http).toMatchObject({ maxUploadBytes: 104_857_600, trustProxyHops: 0, corsOrigins: [] });
  });

  it("reads the AWS configuration: secrets by ARN, host and name from env, secure cookies", () => {
    const config = loadConfig(aws);
    expect(config.database.source).toEqual({
      kind: "secret",
      secretArn: aws.DATABASE_SECRET_ARN,
      host: "db.internal",
      port: 5432,
      name: "app",
    });
    expect(config.database.schema).toBe("public");
    expect(config.appSecret).toEqual({ kind: "secret", secretArn: aws.APP_SECRET_ARN });
    expect(config.http).toMatchObject({
      cookieSecure: true,
      trustProxyHops: 1,
      corsOrigins: ["https://app.example.com", "https://admin.example.com"],
    });
  });

  it("reports every problem at once, one line per problem naming the variable", () => {
    const unset = [
      "DATABASE_URL: required unless DATABASE_SECRET_ARN or DATABASE_IAM_USER is set together with DATABASE_HOST and DATABASE_NAME",
      "APP_SECRET_ARN: required unless APP_SECRET is set",
      "AWS_REGION: required unless S3_ENDPOINT names a stand-in",
    ];
    expect(problems({})).toEqual(["UPLOADS_BUCKET: required", ...unset]);
    expect(problems({ UPLOADS_BUCKET: "bucket" })).toEqual(unset);
    expect(problems({ ...local, PORT: "http", DATABASE_SSL: "maybe", DATABASE_POOL_MAX: "0" })).toEqual([
      "PORT: expected an integer",
      expect.stringMatching(/^DATABASE_SSL: /),
      "DATABASE_POOL_MAX: must be at least 1",
    ]);
    expect(problems({ ...aws, PORT: "-1", DATABASE_HOST: "" })).toEqual([
      "PORT: must be at least 0",
      "DATABASE_HOST: required with DATABASE_SECRET_ARN",
    ]);
  });

  it("rejects combinations that make no sense", () => {
    expect(problems({ ...aws, DATABASE_URL: local.DATABASE_URL, DATABASE_HOST: "" })).toContain(
      "DATABASE_SECRET_ARN: set exactly one of DATABASE_URL (local), DATABASE_SECRET_ARN or DATABASE_IAM_USER (AWS), not DATABASE_URL and DATABASE_SECRET_ARN",
    );
    expect(problems({ ...aws, DATABASE_HOST: "" })).toEqual([
      "DATABASE_HOST: required with DATABASE_SECRET_ARN",
    ]);
    expect(problems({ ...local, DATABASE_HOST: "db" })).toEqual([
      "DATABASE_HOST: not used with DATABASE_URL, which names the database",
    ]);
    expect(problems({ ...local, DATABASE_SCHEMA: "other" })).toEqual([
      "DATABASE_SCHEMA: other contradicts ?schema=pr_7 in DATABASE_URL",
    ]);
    expect(problems({ ...aws, DATABASE_SSL: "verify-full" })).toEqual([
      "DATABASE_CA_FILE: required with DATABASE_SSL=verify-full",
    ]);
    expect(problems({ ...aws, APP_SECRET: "y".repeat(40) })).toEqual([
      "APP_SECRET_ARN: set either APP_SECRET (local) or APP_SECRET_ARN (AWS), not both",
    ]);
    expect(problems({ ...aws, CORS_ORIGINS: "https://ok.example.com,https://bad.example.com/path" })).toEqual(
      ["CORS_ORIGINS: https://bad.example.com/path is not an origin (scheme://host[:port], no path)"],
    );
    expect(problems({ ...local, APP_SECRET: "short" })).toEqual([
      "APP_SECRET: must be at least 32 characters",
    ]);
    expect(problems({ ...aws, DATABASE_SCHEMA: "PR-7" })).toEqual([
      expect.stringMatching(/^DATABASE_SCHEMA: /),
    ]);
    expect(problems({ ...aws, SHUTDOWN_TIMEOUT_MS: "30000" })).toEqual([
      expect.stringMatching(/^SHUTDOWN_TIMEOUT_MS: /),
    ]);
  });

  it("reads IAM database authentication: a user instead of a secret, TLS required", () => {
    const { DATABASE_SECRET_ARN: _, ...withoutSecret } = aws;
    const iam = { ...withoutSecret, DATABASE_IAM_USER: "pr_7", DATABASE_SCHEMA: "pr_7" };
    expect(loadConfig(iam).database.source).toEqual({
      kind: "iam",
      user: "pr_7",
      host: "db.internal",
      port: 5432,
      name: "app",
    });
    expect(problems({ ...iam, DATABASE_SSL: "disable" })).toEqual([
      "DATABASE_SSL: IAM database authentication needs TLS (require or verify-full)",
    ]);
    expect(problems({ ...iam, DATABASE_NAME: "" })).toEqual([
      "DATABASE_NAME: required with DATABASE_IAM_USER",
    ]);
    expect(problems({ ...iam, DATABASE_IAM_USER: "PR-7; DROP" })).toEqual([
      expect.stringMatching(/^DATABASE_IAM_USER: expected a lower-case PostgreSQL identifier/),
    ]);
    expect(problems({ ...iam, DATABASE_SECRET_ARN: aws.DATABASE_SECRET_ARN })).toEqual([
      "DATABASE_IAM_USER: set exactly one of DATABASE_URL (local), DATABASE_SECRET_ARN or DATABASE_IAM_USER (AWS), not DATABASE_SECRET_ARN and DATABASE_IAM_USER",
    ]);
  });

  it("reads only the database settings for db:deploy", () => {
    const { database } = loadDatabaseConfig({ DATABASE_URL: local.DATABASE_URL });
    expect(database.schema).toBe("pr_7");
    expect(() => loadDatabaseConfig({})).toThrow(ConfigError);
  });

  it("publishes EMF metrics every minute in production, not locally or in tests unless asked", () => {
    expect(loadConfig(aws).metrics).toEqual({
      emfIntervalSeconds: 60,
      namespace: "AwsPlatformKit/Service",
      service: "aws-platform-kit",
    });
    expect(loadConfig({ ...local, NODE_ENV: "development" }).metrics.emfIntervalSeconds).toBe(0);
    expect(loadConfig({ ...local, NODE_ENV: "test" }).metrics.emfIntervalSeconds).toBe(0);
    expect(loadConfig({ ...aws, METRICS_EMF_INTERVAL_SECONDS: "0" }).metrics.emfIntervalSeconds).toBe(0);
    expect(
      loadConfig({
        ...local,
        METRICS_EMF_INTERVAL_SECONDS: "15",
        METRICS_NAMESPACE: "acme-dev/service",
        METRICS_SERVICE: "acme-dev-service",
      }).metrics,
    ).toEqual({ emfIntervalSeconds: 15, namespace: "acme-dev/service", service: "acme-dev-service" });
  });

  it("rejects EMF settings CloudWatch would refuse, naming the variable", () => {
    expect(
      problems({
        ...aws,
        METRICS_EMF_INTERVAL_SECONDS: "-1",
        METRICS_NAMESPACE: "AWS/ECS",
        METRICS_SERVICE: "has space",
      }),
    ).toEqual([
      "METRICS_EMF_INTERVAL_SECONDS: must be at least 0",
      expect.stringMatching(/^METRICS_NAMESPACE: expected a CloudWatch namespace/),
      expect.stringMatching(/^METRICS_SERVICE: expected 1 to 255 printable ASCII/),
    ]);
    expect(problems({ ...aws, METRICS_NAMESPACE: "a:b" })).toEqual([
      expect.stringMatching(/^METRICS_NAMESPACE: /),
    ]);
  });
});
