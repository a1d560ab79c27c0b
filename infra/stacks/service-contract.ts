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

/**
 * The PostgreSQL role the service signs in as in every environment (dev, staging, prod), with RDS IAM
 * authentication; previews use their own `pr_<N>`. The migration task creates it (DATABASE_APP_ROLE)
 * with data access to the schema's tables only, and the schema's owner role `app_owner`
 * (service/migrate/deploy.ts).
 */
export const APP_DATABASE_ROLE = "app";

export interface ServiceEnvironmentProps {
  readonly region: string;
  /**
   * Where the service signs in: always IAM database authentication as `iamUser` (the environment's
   * APP_DATABASE_ROLE, a preview's `pr_<N>`), so no password, and never the master secret, reaches
   * the running service.
   */
  readonly database: {
    readonly address: string;
    readonly port: number | string;
    readonly databaseName: string;
    readonly iamUser: string;
  };
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
  /**
   * Application metrics as CloudWatch embedded metric format lines in the service's log, every
   * minute, in this namespace with this `Service` dimension (what `Observability`'s `application`
   * alarms and graphs read).
   * @default - none: METRICS_EMF_INTERVAL_SECONDS=0 (previews: no custom metrics, no alarms)
   */
  readonly metrics?: ApplicationMetricsSettings;
}

/** Where the service publishes its application metrics (service/emf.ts). */
export interface ApplicationMetricsSettings {
  /** `METRICS_NAMESPACE`. */
  readonly namespace: string;
  /** `METRICS_SERVICE`, the `Service` dimension. */
  readonly service: string;
}

/**
 * A deployed environment's application metrics: the namespace `<project>-<env>/service` (where the
 * failed sign-ins metric is too) and, as the `Service` dimension, the name the environment's ECS
 * service gets (`<project>-<env>-service`). Plain strings: the task definition cannot refer to the
 * service that runs it.
 */
export function applicationMetricsSettings(naming: {
  readonly prefix: string;
  name(thing: string): string;
}): ApplicationMetricsSettings {
  return { namespace: `${naming.prefix}/service`, service: naming.name("service") };
}

/** Seconds between the service's EMF flushes in deployed environments (CloudWatch's standard resolution). */
export const METRICS_EMF_INTERVAL_SECONDS = 60;

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
    DATABASE_IAM_USER: props.database.iamUser,
    // RDS enforces TLS (rds.force_ssl = 1); the service also checks the server is really RDS.
    DATABASE_SSL: "verify-full",
    DATABASE_CA_FILE: RDS_CA_BUNDLE_PATH,
    UPLOADS_BUCKET: props.uploadsBucket,
    ...(props.corsOrigins?.length ? { CORS_ORIGINS: props.corsOrigins.join(",") } : {}),
    TRUST_PROXY_HOPS: String(props.trustProxyHops),
    ...(props.metrics
      ? {
          METRICS_EMF_INTERVAL_SECONDS: String(METRICS_EMF_INTERVAL_SECONDS),
          METRICS_NAMESPACE: props.metrics.namespace,
          METRICS_SERVICE: props.metrics.service,
        }
      : { METRICS_EMF_INTERVAL_SECONDS: "0" }),
  };
}

export interface MigrationEnvironmentProps {
  /** The RDS-managed master secret the migration signs in with (re-read if RDS rotates it). */
  readonly masterSecretArn: string;
  /** The role the service signs in as, which the migration creates and grants data access to. */
  readonly appRole: string;
}

/**
 * What the migration task's environment changes in the service's (`FargateMigrationProps.environment`):
 * it signs in with the master secret instead of IAM authentication, to create the application role
 * and the schema's owner role and to migrate as the owner. Only the migration task role may read
 * that secret.
 */
export function migrationEnvironment(props: MigrationEnvironmentProps): Record<string, string | undefined> {
  return {
    DATABASE_IAM_USER: undefined,
    DATABASE_SECRET_ARN: props.masterSecretArn,
    DATABASE_APP_ROLE: props.appRole,
  };
}
