/**
 * What the service (service/) expects from the platform: its port, its migration command and the
 * environment variables its config reads (service/config.ts; documented in service/README.md).
 * One place, so the stacks and the service cannot drift apart.
 */

/** `PORT` the container listens on. */
export const SERVICE_CONTAINER_PORT = 3000;

/** Where the image keeps the Amazon RDS certificate authorities (see Dockerfile). */
export const RDS_CA_BUNDLE_PATH = "/etc/ssl/certs/rds-global-bundle.pem";

/** The one-off migration task's command, in the image's working directory (see Dockerfile). */
export const SERVICE_MIGRATION_COMMAND = ["node", "dist/scripts/db-deploy.js"] as const;

export interface ServiceEnvironmentProps {
  readonly region: string;
  readonly database: {
    readonly address: string;
    readonly port: number | string;
    readonly databaseName: string;
  } & (
    | { readonly masterSecretArn: string; readonly iamUser?: never }
    /** IAM database authentication as this PostgreSQL role (previews' `pr_<N>`): no password anywhere. */
    | { readonly iamUser: string; readonly masterSecretArn?: never }
  );
  /** PostgreSQL schema (previews use `pr_<N>`). @default - public */
  readonly databaseSchema?: string;
  readonly uploadsBucket: string;
  /**
   * Other browser origins allowed to call the API (CORS). The web front end is served from the same
   * origin as the API (CloudFront, or the ALB for previews), so it needs none.
   * @default - none: cross-origin browser calls are refused
   */
  readonly corsOrigins?: readonly string[];
  /** Proxies in front of the service that add an X-Forwarded-For entry. */
  readonly trustProxyHops: number;
}

/** Plain (non-secret) environment of the service container; secrets are injected separately. */
export function serviceEnvironment(props: ServiceEnvironmentProps): Record<string, string> {
  return {
    NODE_ENV: "production",
    PORT: String(SERVICE_CONTAINER_PORT),
    LOG_LEVEL: "info",
    AWS_REGION: props.region,
    DATABASE_HOST: props.database.address,
    DATABASE_PORT: String(props.database.port),
    DATABASE_NAME: props.database.databaseName,
    ...(props.databaseSchema ? { DATABASE_SCHEMA: props.databaseSchema } : {}),
    ...(props.database.iamUser !== undefined
      ? { DATABASE_IAM_USER: props.database.iamUser }
      : // The service re-reads this secret when RDS rotates the password.
        { DATABASE_SECRET_ARN: props.database.masterSecretArn }),
    // RDS enforces TLS (rds.force_ssl = 1); the service also checks the server is really RDS.
    DATABASE_SSL: "verify-full",
    DATABASE_CA_FILE: RDS_CA_BUNDLE_PATH,
    UPLOADS_BUCKET: props.uploadsBucket,
    ...(props.corsOrigins?.length ? { CORS_ORIGINS: props.corsOrigins.join(",") } : {}),
    TRUST_PROXY_HOPS: String(props.trustProxyHops),
  };
}
