import { existsSync } from "node:fs";
import { z } from "zod";

// Configuration is read from the environment once, at start, and passed down. Every problem is
// reported on its own line naming the variable, and the process does not start with any of them.

export type NodeEnv = "development" | "test" | "production";

export type DatabaseSource =
  | { kind: "url"; url: string }
  | { kind: "secret"; secretArn: string; host: string; port: number; name: string }
  /** RDS IAM database authentication: a short-lived token signed with the task role's credentials. */
  | { kind: "iam"; user: string; host: string; port: number; name: string };

export interface DatabaseConfig {
  source: DatabaseSource;
  /** PostgreSQL schema the service's tables live in (created by db:deploy if missing). */
  schema: string;
  /** `require`: TLS (verified against caFile when given); `verify-full`: TLS verified against caFile. */
  ssl: "disable" | "require" | "verify-full";
  caFile?: string;
  poolMax: number;
}

export type AppSecretSource = { kind: "value"; value: string } | { kind: "secret"; secretArn: string };

export interface HttpConfig {
  trustProxyHops: number;
  corsOrigins: string[];
  maxUploadBytes: number;
  maxAvatarBytes: number;
  jsonBodyLimitBytes: number;
  /** Cookies carry `Secure` everywhere except local development and tests over plain HTTP. */
  cookieSecure: boolean;
  tokenTtlSeconds: number;
  authRateLimitPerMinute: number;
}

export interface AwsConfig {
  region: string;
  s3Endpoint?: string;
  s3ForcePathStyle: boolean;
  secretsManagerEndpoint?: string;
}

/** Application metrics as CloudWatch embedded metric format lines on stdout (service/emf.ts). */
export interface MetricsConfig {
  /** Seconds between EMF flushes; 0: no EMF lines (Prometheus `/metrics` is always served). */
  emfIntervalSeconds: number;
  /** CloudWatch namespace of the metrics. */
  namespace: string;
  /** Value of the `Service` dimension. */
  service: string;
}

export interface Config {
  nodeEnv: NodeEnv;
  port: number;
  logLevel: string;
  database: DatabaseConfig;
  appSecret: AppSecretSource;
  uploadsBucket: string;
  aws: AwsConfig;
  http: HttpConfig;
  shutdownTimeoutMs: number;
  metrics: MetricsConfig;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.join("\n")}`);
    this.name = "ConfigError";
  }
}

const optionalString = z
  .string()
  .trim()
  .transform((value) => (value === "" ? undefined : value))
  .optional();

const integer = (min: number, max: number) =>
  z.coerce
    .number({ message: "expected an integer" })
    .int("expected an integer")
    .min(min, `must be at least ${min}`)
    .max(max, `must be at most ${max}`);

const boolean = z
  .enum(["true", "false", "1", "0"], { message: "expected true or false" })
  .transform((value) => value === "true" || value === "1");

const schemaName = z
  .string()
  .regex(/^[a-z_][a-z0-9_]{0,62}$/, "expected a lower-case PostgreSQL identifier such as pr_42");

const secretArn = z
  .string()
  .regex(/^arn:aws[a-z-]*:secretsmanager:/, "expected a Secrets Manager secret ARN");

const envSchema = z.object({
  NODE_ENV: z.enum(["development", "test", "production"]).default("production"),
  PORT: integer(0, 65_535).default(3000),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  DATABASE_URL: optionalString.pipe(
    z.url({ protocol: /^postgres(ql)?$/, message: "expected a postgres:// or postgresql:// URL" }).optional(),
  ),
  DATABASE_HOST: optionalString,
  DATABASE_PORT: integer(1, 65_535).optional(),
  DATABASE_NAME: optionalString,
  DATABASE_SCHEMA: optionalString.pipe(schemaName.optional()),
  DATABASE_SECRET_ARN: optionalString.pipe(secretArn.optional()),
  DATABASE_IAM_USER: optionalString.pipe(schemaName.optional()),
  DATABASE_SSL: z.enum(["disable", "require", "verify-full"]).default("disable"),
  DATABASE_CA_FILE: optionalString,
  DATABASE_POOL_MAX: integer(1, 100).default(10),
  APP_SECRET: optionalString.pipe(z.string().min(32, "must be at least 32 characters").optional()),
  APP_SECRET_ARN: optionalString.pipe(secretArn.optional()),
  UPLOADS_BUCKET: optionalString.pipe(
    z
      .string({ message: "required" })
      .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, "expected an S3 bucket name"),
  ),
  AWS_REGION: optionalString,
  S3_ENDPOINT: optionalString.pipe(z.url().optional()),
  S3_FORCE_PATH_STYLE: boolean.default(false),
  SECRETS_MANAGER_ENDPOINT: optionalString.pipe(z.url().optional()),
  TRUST_PROXY_HOPS: integer(0, 10).default(0),
  CORS_ORIGINS: z.string().default(""),
  MAX_UPLOAD_BYTES: integer(1, 5 * 1024 ** 4).default(100 * 1024 * 1024),
  TOKEN_TTL_SECONDS: integer(60, 24 * 3600).default(900),
  AUTH_RATE_LIMIT_PER_MINUTE: integer(1, 10_000).default(10),
  SHUTDOWN_TIMEOUT_MS: integer(0, 28_000).default(20_000),
  // Default: 60 with NODE_ENV=production, else 0 (off); see loadConfig.
  METRICS_EMF_INTERVAL_SECONDS: integer(0, 3600).optional(),
  METRICS_NAMESPACE: z
    .string()
    .regex(
      /^(?!AWS\/)[A-Za-z0-9._#/ -]{1,255}$/,
      "expected a CloudWatch namespace: letters, digits and . _ - / # or space, at most 255, not starting with AWS/",
    )
    .default("AwsPlatformKit/Service"),
  METRICS_SERVICE: z
    .string()
    .regex(/^[\x21-\x7e]{1,255}$/, "expected 1 to 255 printable ASCII characters without spaces")
    .default("aws-platform-kit"),
});

type Env = z.infer<typeof envSchema>;

function schemaFromUrl(url: string): string | undefined {
  return new URL(url).searchParams.get("schema") ?? undefined;
}

const databaseKeys = {
  DATABASE_URL: true,
  DATABASE_HOST: true,
  DATABASE_PORT: true,
  DATABASE_NAME: true,
  DATABASE_SCHEMA: true,
  DATABASE_SECRET_ARN: true,
  DATABASE_IAM_USER: true,
  DATABASE_SSL: true,
  DATABASE_CA_FILE: true,
  DATABASE_POOL_MAX: true,
  AWS_REGION: true,
  SECRETS_MANAGER_ENDPOINT: true,
} as const;
type DatabaseEnv = Pick<Env, keyof typeof databaseKeys>;

/** Cross-variable rules for the database settings, one message per variable. */
function databaseProblems(env: DatabaseEnv): string[] {
  const problems: string[] = [];
  const usesUrl = env.DATABASE_URL !== undefined;
  const remote = (["DATABASE_SECRET_ARN", "DATABASE_IAM_USER"] as const).filter(
    (name) => env[name] !== undefined,
  );
  const given = [...(usesUrl ? ["DATABASE_URL"] : []), ...remote];
  if (given.length > 1) {
    problems.push(
      `${given[given.length - 1]}: set exactly one of DATABASE_URL (local), DATABASE_SECRET_ARN or DATABASE_IAM_USER (AWS), not ${given.join(" and ")}`,
    );
  }
  if (given.length === 0) {
    problems.push(
      "DATABASE_URL: required unless DATABASE_SECRET_ARN or DATABASE_IAM_USER is set together with DATABASE_HOST and DATABASE_NAME",
    );
  }
  for (const name of usesUrl ? [] : remote) {
    if (!env.DATABASE_HOST) problems.push(`DATABASE_HOST: required with ${name}`);
    if (!env.DATABASE_NAME) problems.push(`DATABASE_NAME: required with ${name}`);
  }
  if (
    !usesUrl &&
    remote.length === 1 &&
    remote[0] === "DATABASE_IAM_USER" &&
    env.DATABASE_SSL === "disable"
  ) {
    problems.push("DATABASE_SSL: IAM database authentication needs TLS (require or verify-full)");
  }
  if (usesUrl) {
    for (const name of ["DATABASE_HOST", "DATABASE_PORT", "DATABASE_NAME"] as const) {
      if (env[name] !== undefined)
        problems.push(`${name}: not used with DATABASE_URL, which names the database`);
    }
    const fromUrl = schemaFromUrl(env.DATABASE_URL!);
    if (fromUrl !== undefined && !schemaName.safeParse(fromUrl).success) {
      problems.push(`DATABASE_URL: ?schema=${fromUrl} is not a lower-case PostgreSQL identifier`);
    }
    if (fromUrl && env.DATABASE_SCHEMA && fromUrl !== env.DATABASE_SCHEMA) {
      problems.push(`DATABASE_SCHEMA: ${env.DATABASE_SCHEMA} contradicts ?schema=${fromUrl} in DATABASE_URL`);
    }
  }
  if (env.DATABASE_SSL === "verify-full" && !env.DATABASE_CA_FILE) {
    problems.push("DATABASE_CA_FILE: required with DATABASE_SSL=verify-full");
  }
  if (env.DATABASE_CA_FILE) {
    if (env.DATABASE_SSL === "disable")
      problems.push("DATABASE_CA_FILE: has no effect with DATABASE_SSL=disable");
    if (!existsSync(env.DATABASE_CA_FILE))
      problems.push(`DATABASE_CA_FILE: ${env.DATABASE_CA_FILE} does not exist`);
  }
  return problems;
}

/** Cross-variable rules: the combinations that make no sense, one message per variable. */
function crossCheck(env: Env): string[] {
  const problems = databaseProblems(env);
  if (env.APP_SECRET && env.APP_SECRET_ARN) {
    problems.push("APP_SECRET_ARN: set either APP_SECRET (local) or APP_SECRET_ARN (AWS), not both");
  }
  if (!env.APP_SECRET && !env.APP_SECRET_ARN)
    problems.push("APP_SECRET_ARN: required unless APP_SECRET is set");
  if (!env.AWS_REGION && !env.S3_ENDPOINT)
    problems.push("AWS_REGION: required unless S3_ENDPOINT names a stand-in");
  if (env.S3_ENDPOINT === undefined && env.S3_FORCE_PATH_STYLE) {
    problems.push("S3_FORCE_PATH_STYLE: only meaningful with S3_ENDPOINT");
  }
  for (const origin of splitList(env.CORS_ORIGINS)) {
    if (!/^https?:\/\/[^/\s]+$/.test(origin)) {
      problems.push(`CORS_ORIGINS: ${origin} is not an origin (scheme://host[:port], no path)`);
    }
  }
  return problems;
}

function splitList(value: string): string[] {
  return value
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item !== "");
}

/**
 * Parses `source`, then applies `crossChecks`. Variables that fail on their own are reported and
 * then left out, so the cross-variable rules still run and every problem is listed at once.
 */
function parseAll<S extends z.ZodType>(
  schema: S,
  source: NodeJS.ProcessEnv,
  crossChecks: (env: z.output<S>) => string[],
): z.output<S> {
  const parsed = schema.safeParse(source);
  if (parsed.success) {
    const problems = crossChecks(parsed.data);
    if (problems.length > 0) throw new ConfigError(problems);
    return parsed.data;
  }
  const problems = parsed.error.issues.map((issue) => {
    const name = issue.path.join(".");
    const message = source[name] === undefined && issue.code === "invalid_type" ? "required" : issue.message;
    return `${name}: ${message}`;
  });
  const failing = new Set(parsed.error.issues.map((issue) => String(issue.path[0])));
  const rest = Object.fromEntries(Object.entries(source).filter(([name]) => !failing.has(name)));
  // Required variables that are missing were reported above; the rules below treat them as unset.
  const lenient = (schema as unknown as z.ZodObject).partial().safeParse(rest);
  if (lenient.success) {
    for (const problem of crossChecks(lenient.data as z.output<S>)) {
      // Skip rules about variables already reported: "X: required unless Y" when Y was invalid.
      if (![...failing].some((name) => new RegExp(`\\b${name}\\b`).test(problem))) problems.push(problem);
    }
  }
  throw new ConfigError(problems);
}

/** Parses and validates the environment; throws ConfigError listing every problem. */
export function loadConfig(source: NodeJS.ProcessEnv = process.env): Config {
  const env = parseAll(envSchema, source, crossCheck);
  return {
    nodeEnv: env.NODE_ENV,
    port: env.PORT,
    logLevel: env.LOG_LEVEL,
    database: databaseConfig(env),
    appSecret: env.APP_SECRET
      ? { kind: "value", value: env.APP_SECRET }
      : { kind: "secret", secretArn: env.APP_SECRET_ARN! },
    uploadsBucket: env.UPLOADS_BUCKET,
    aws: awsConfig(env),
    http: {
      trustProxyHops: env.TRUST_PROXY_HOPS,
      corsOrigins: splitList(env.CORS_ORIGINS),
      maxUploadBytes: env.MAX_UPLOAD_BYTES,
      maxAvatarBytes: 2 * 1024 * 1024,
      jsonBodyLimitBytes: 100 * 1024,
      cookieSecure: env.NODE_ENV === "production",
      tokenTtlSeconds: env.TOKEN_TTL_SECONDS,
      authRateLimitPerMinute: env.AUTH_RATE_LIMIT_PER_MINUTE,
    },
    shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
    metrics: {
      // On in production (the task's stdout reaches CloudWatch Logs); off locally and in tests.
      emfIntervalSeconds: env.METRICS_EMF_INTERVAL_SECONDS ?? (env.NODE_ENV === "production" ? 60 : 0),
      namespace: env.METRICS_NAMESPACE,
      service: env.METRICS_SERVICE,
    },
  };
}

/** Only the database settings (and what reading its secret needs): what `db:deploy` requires. */
export function loadDatabaseConfig(source: NodeJS.ProcessEnv = process.env): {
  database: DatabaseConfig;
  aws: AwsConfig;
} {
  const env = parseAll(envSchema.pick(databaseKeys), source, databaseProblems);
  return { database: databaseConfig(env), aws: awsConfig(env) };
}

function awsConfig(env: Partial<Env>): AwsConfig {
  return {
    region: env.AWS_REGION ?? "us-east-1",
    ...(env.S3_ENDPOINT ? { s3Endpoint: env.S3_ENDPOINT } : {}),
    s3ForcePathStyle: env.S3_FORCE_PATH_STYLE ?? false,
    ...(env.SECRETS_MANAGER_ENDPOINT ? { secretsManagerEndpoint: env.SECRETS_MANAGER_ENDPOINT } : {}),
  };
}

function databaseConfig(env: DatabaseEnv): DatabaseConfig {
  return {
    source: env.DATABASE_URL
      ? { kind: "url", url: env.DATABASE_URL }
      : env.DATABASE_IAM_USER
        ? {
            kind: "iam",
            user: env.DATABASE_IAM_USER,
            host: env.DATABASE_HOST!,
            port: env.DATABASE_PORT ?? 5432,
            name: env.DATABASE_NAME!,
          }
        : {
            kind: "secret",
            secretArn: env.DATABASE_SECRET_ARN!,
            host: env.DATABASE_HOST!,
            port: env.DATABASE_PORT ?? 5432,
            name: env.DATABASE_NAME!,
          },
    schema:
      env.DATABASE_SCHEMA ?? (env.DATABASE_URL ? schemaFromUrl(env.DATABASE_URL) : undefined) ?? "public",
    ssl: env.DATABASE_SSL,
    ...(env.DATABASE_CA_FILE ? { caFile: env.DATABASE_CA_FILE } : {}),
    poolMax: env.DATABASE_POOL_MAX,
  };
}
