import {
  Cluster,
  Ec2Capacity,
  FargateService,
  runTaskNetworkConfiguration,
} from "@aws-platform-kit/modules/compute";
import {
  Database,
  type DatabaseProps,
  type DatabaseRestore,
  defaultMaxConnections,
  RDS_IDENTIFIER_MAX,
} from "@aws-platform-kit/modules/database";
import { Cdn, LoadBalancer, LoadBalancerVpcOrigin } from "@aws-platform-kit/modules/edge";
import type { LogGroupClass } from "@aws-platform-kit/modules/logs";
import { allowEgressToCidr, createSecurityGroup, Network } from "@aws-platform-kit/modules/network";
import { Observability } from "@aws-platform-kit/modules/observability";
import { type SecretRef, WriteOnlyParameter, WriteOnlySecret } from "@aws-platform-kit/modules/secrets";
import { Bucket } from "@aws-platform-kit/modules/storage";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider/index.js";
import type { SecurityGroup } from "@cdktf/provider-aws/lib/security-group/index.js";
import type { Construct, Node } from "constructs";
import { capacityProviderStrategy, clusterNeedsSpot } from "../environments/capacity.js";
import {
  environmentNaming,
  instanceBoundaryArn,
  sharedRepository,
  workloadBoundaryArn,
} from "../environments/project.js";
import { PLACEHOLDER_IMAGE_TAG } from "../environments/release.js";
import type { DatabaseRestoreConfig, EnvironmentConfig } from "../environments/schema.js";
import { albInternal } from "../policy/rules/alb-internal.js";
import { suppress } from "../policy/suppressions.js";
import { AwsStack } from "./aws-stack.js";
import {
  APP_DATABASE_ROLE,
  applicationMetricsSettings,
  migrationEnvironment,
  SERVICE_CONTAINER_PORT,
  SERVICE_MIGRATION_COMMAND,
  serviceEnvironment,
} from "./service-contract.js";
import { declareOutputs, PLATFORM_OUTPUTS } from "./stack-outputs.js";

/**
 * The common rule set blocks request bodies over 8 KB, which would refuse every file and avatar
 * upload. The service enforces its own body limits (JSON 100 kB, uploads MAX_UPLOAD_BYTES), so this
 * one rule only counts; every other managed rule keeps blocking.
 */
const UPLOADS_PASS_WAF = { AWSManagedRulesCommonRuleSet: ["SizeRestrictions_BODY"] } as const;

/**
 * The log class of log groups read only to investigate (VPC flow logs, the database's logs): no
 * metric filter, subscription or Live Tail reads them, so Infrequent Access ($0.25/GB ingested
 * instead of $0.50) loses nothing they are used for. The service's log group stays Standard: the
 * failed sign-in metric filter reads it.
 */
const INVESTIGATION_LOGS: LogGroupClass = "INFREQUENT_ACCESS";

export interface PlatformStackProps {
  /** A validated environment config (see `loadEnvironment`). */
  readonly config: EnvironmentConfig;
  /** The image tag to run (the commit sha in CI). @default PLACEHOLDER_IMAGE_TAG */
  readonly imageTag?: string;
  /**
   * The environment's first release (its state has no outputs yet): the service is created with 0
   * tasks and no autoscaling, so nothing starts against an unmigrated schema; `release:apply`
   * migrates, then scales it to `service.desiredCount`. The next release adds the autoscaling.
   * @default false
   */
  readonly initialRelease?: boolean;
}

/**
 * One environment (dev, staging, prod): the whole platform the service runs on, composed from the
 * modules, wired by their intent methods. Environments differ only through their config.
 *
 * Traffic: CloudFront at `<domain>` serves the web assets from S3 and sends `/api/*` through a VPC
 * origin to the internal ALB (`origin.<domain>`, private subnets, no public address), which forwards
 * to the Fargate service; the service reaches PostgreSQL in the database subnets and S3 through the
 * gateway endpoint. One WAF web ACL, at CloudFront, guards every way in. With previews, a second
 * distribution at `*.<previews domain>` sends everything (Host included) to the same ALB, whose host
 * rules pick each preview's service.
 */
export class PlatformStack extends AwsStack {
  readonly config: EnvironmentConfig;
  readonly network: Network;
  readonly database: Database;
  readonly uploads: Bucket;
  readonly assets: Bucket;
  readonly loadBalancer: LoadBalancer;
  readonly service: FargateService;
  /** The ECS container instances the service runs on, with `service.compute` `"ec2"`. */
  readonly ec2Capacity: Ec2Capacity | undefined;
  readonly cdn: Cdn;
  /** The distribution previews are served through (`*.<previews domain>`), when previews are on. */
  readonly previewsCdn: Cdn | undefined;
  /** CloudFront's way to the internal load balancer; undefined for an internet-facing one. */
  readonly vpcOrigin: LoadBalancerVpcOrigin | undefined;
  readonly observability: Observability;

  constructor(scope: Construct, id: string, props: PlatformStackProps) {
    const { config } = props;
    const naming = environmentNaming(config);
    super(scope, id, {
      naming,
      state: { kind: "s3", key: `${config.project}/${config.name}/terraform.tfstate` },
      tags: config.tags,
    });
    this.config = config;
    const protect = config.deletionProtection;
    // Every role this stack creates for workloads carries the bootstrap stack's boundary.
    const permissionsBoundaryArn = workloadBoundaryArn(
      config.name,
      config.accountId,
      `${config.name}.accountId`,
    );
    // CloudFront's certificate and web ACL must live in us-east-1, whatever this stack's region.
    const usEast1 = new AwsProvider(this, "aws-us-east-1", {
      alias: "us_east_1",
      region: "us-east-1",
      allowedAccountIds: [config.accountId],
      defaultTags: [{ tags: naming.tags(config.tags) }],
    });

    this.network = new Network(this, "network", {
      naming,
      cidr: config.network.cidr,
      availabilityZones: config.availabilityZones,
      natMode: config.network.natMode as Network["natMode"],
      // Flow logs and database logs are read only to investigate (Logs Insights works on them); no
      // metric filter or subscription reads them: Infrequent Access halves their ingestion price.
      flowLogs: { retentionDays: config.network.flowLogRetentionDays, logGroupClass: INVESTIGATION_LOGS },
      permissionsBoundaryArn,
    });

    const databaseProps: DatabaseProps = {
      naming,
      vpcId: this.network.vpcId,
      subnetIds: this.network.subnetIds("database"),
      engineVersion: config.database.engineVersion,
      instanceClass: config.database.instanceClass,
      allocatedStorageGb: config.database.allocatedStorageGb,
      maxAllocatedStorageGb: config.database.maxAllocatedStorageGb,
      multiAz: config.database.multiAz,
      backupRetentionDays: config.database.backupRetentionDays,
      deletionProtection: protect,
      logRetentionDays: config.logRetentionDays,
      logGroupClass: INVESTIGATION_LOGS,
    };
    // A restore (npm run db:restore) goes into a new instance of its own: first beside the current
    // one (`active: false`, the "standby"), then in its place (`active: true`), when the replaced
    // instance leaves the stack without being destroyed.
    const restore = config.database.restore;
    let standby: Database | undefined;
    if (!restore) {
      this.database = new Database(this, "database", databaseProps);
    } else {
      const replaced = databaseSlot(restore.replaces);
      const restored = databaseSlot(restore.id);
      const restoredProps: DatabaseProps = {
        ...databaseProps,
        purpose: restored.purpose,
        restore: databaseRestoreProps(restore, naming.name(replaced.purpose, RDS_IDENTIFIER_MAX)),
      };
      if (restore.active) {
        this.database = new Database(this, restored.constructId, restoredProps);
        keepReplacedDatabase(this, replaced.constructId);
      } else {
        this.database = new Database(this, replaced.constructId, {
          ...databaseProps,
          purpose: replaced.purpose,
        });
        standby = new Database(this, restored.constructId, restoredProps);
      }
    }

    this.uploads = new Bucket(this, "uploads", { naming, purpose: "uploads", forceDestroy: !protect });
    this.assets = new Bucket(this, "assets", { naming, purpose: "assets", forceDestroy: !protect });
    const accessLogs = new Bucket(this, "alb-logs", {
      naming,
      purpose: "alb-logs",
      forceDestroy: !protect,
      lifecycleRules: [{ id: "expire-access-logs", expirationDays: config.logRetentionDays }],
    });
    // The signing key in the environment's secret store (`secrets.store`): Secrets Manager by
    // default (the construct id and so its address unchanged), or an SSM SecureString (free,
    // Standard tier). The database master secret stays in Secrets Manager: RDS manages and rotates it.
    const signingKeyProps = {
      naming,
      purpose: "app-signing-key",
      description: "Signs the service's session tokens",
    };
    const signingKey: SecretRef =
      config.secrets?.store === "ssm"
        ? new WriteOnlyParameter(this, "app-signing-key-parameter", signingKeyProps)
        : new WriteOnlySecret(this, "app-signing-key", {
            ...signingKeyProps,
            recoveryWindowDays: protect ? 30 : 0,
          });

    const previewsDomain = config.previews?.domain;
    const internetFacingReason = config.loadBalancer?.internetFacingReason;
    const internalAlb = internetFacingReason === undefined;
    this.loadBalancer = new LoadBalancer(this, "load-balancer", {
      naming,
      vpcId: this.network.vpcId,
      subnetIds: this.network.subnetIds(internalAlb ? "private" : "public"),
      internal: internalAlb,
      // One web ACL per environment, at CloudFront, when CloudFront is the only way in; an
      // internet-facing ALB can be reached around it and keeps its own.
      waf: !internalAlb,
      hostedZoneId: config.dns.hostedZoneId,
      domainName: `origin.${config.dns.domain}`,
      subjectAlternativeNames: previewsDomain ? [`*.${previewsDomain}`] : [],
      targetPort: SERVICE_CONTAINER_PORT,
      deletionProtection: protect,
      accessLogs: { bucket: accessLogs },
      behindCloudFront: true,
      wafCountOnlyRules: UPLOADS_PASS_WAF,
    });
    if (internetFacingReason !== undefined)
      suppress(this.loadBalancer.alb, albInternal.id, internetFacingReason);
    this.vpcOrigin = internalAlb
      ? new LoadBalancerVpcOrigin(this, "vpc-origin", { naming, loadBalancerArn: this.loadBalancer.arn })
      : undefined;
    const apiOrigin = { domainName: this.loadBalancer.domainName, vpcOriginId: this.vpcOrigin?.id };

    const containerInsights = config.service.containerInsights ?? "enabled";
    const cluster = new Cluster(this, "cluster", {
      naming,
      containerInsights,
      // Spot for this environment's service or for the previews it hosts (they share this cluster).
      ...(clusterNeedsSpot(config) ? { capacityProviders: {} } : {}),
    });
    if (containerInsights === "disabled") {
      suppress(
        cluster,
        "CKV_AWS_65",
        `${config.name}.service.containerInsights is "disabled": per-task metrics are not worth their CloudWatch cost here; the alarms read the free AWS/ECS service metrics`,
      );
    }
    // Without NAT, tasks run in public subnets with a public IP (still behind their security group).
    const publicTasks = config.network.natMode === "none";
    // compute "ec2": ECS container instances in the private subnets (the schema requires NAT), built
    // before the service so it waits for the cluster's capacity provider association.
    const ec2 = config.service.ec2;
    this.ec2Capacity =
      config.service.compute === "ec2" && ec2
        ? new Ec2Capacity(this, "ec2-capacity", {
            naming,
            cluster,
            vpcId: this.network.vpcId,
            subnetIds: this.network.subnetIds("private"),
            imageId: ec2.imageId,
            instanceType: ec2.instanceType,
            minInstances: ec2.minInstances,
            maxInstances: ec2.maxInstances,
            ...(ec2.rootVolumeGb ? { rootVolumeGb: ec2.rootVolumeGb } : {}),
            // The agents' own boundary: the workload boundary allows no ECS or SSM agent action.
            permissionsBoundaryArn: instanceBoundaryArn(
              config.name,
              config.accountId,
              `${config.name}.accountId`,
            ),
          })
        : undefined;
    this.service = new FargateService(this, "service", {
      naming,
      cluster,
      repository: sharedRepository(),
      imageTag: props.imageTag ?? PLACEHOLDER_IMAGE_TAG,
      vpcId: this.network.vpcId,
      subnetIds: this.network.subnetIds(publicTasks ? "public" : "private"),
      assignPublicIp: publicTasks,
      cpu: config.service.cpu,
      memoryMiB: config.service.memoryMiB,
      cpuArchitecture: config.service.cpuArchitecture ?? "X86_64",
      capacityProviderStrategy: capacityProviderStrategy(
        config.service.capacity,
        this.ec2Capacity?.capacityProviderName,
      ),
      desiredCount: props.initialRelease ? 0 : config.service.desiredCount,
      containerPort: SERVICE_CONTAINER_PORT,
      environment: serviceEnvironment({
        region: config.region,
        // IAM authentication as the application role: the service never holds the master secret.
        database: {
          address: this.database.address,
          port: this.database.port,
          databaseName: this.database.databaseName,
          iamUser: APP_DATABASE_ROLE,
        },
        uploadsBucket: this.uploads.bucketName,
        // CloudFront, then the ALB: the client's address is the second entry from the right.
        trustProxyHops: 2,
        // Requests, errors, latency, pool and uploads as EMF lines: the `application` alarms below.
        metrics: applicationMetricsSettings(naming),
      }),
      secrets: { APP_SECRET: signingKey.containerSecret },
      logRetentionDays: config.logRetentionDays,
      loadBalancer: {
        targetGroupArn: this.loadBalancer.targetGroup.arn,
        requestCountResourceLabel: `${this.loadBalancer.arnSuffix}/${this.loadBalancer.targetGroup.arnSuffix}`,
        dependsOn: [this.loadBalancer.httpsListener],
      },
      autoscaling:
        !props.initialRelease && config.service.maxCount > config.service.minCount
          ? { minCount: config.service.minCount, maxCount: config.service.maxCount }
          : undefined,
      // The migration alone signs in as the master user (its own task role reads the secret), to
      // create the application and owner roles and migrate as the owner.
      migration: {
        command: SERVICE_MIGRATION_COMMAND,
        environment: migrationEnvironment({
          masterSecretArn: this.database.masterSecretArn,
          appRole: APP_DATABASE_ROLE,
        }),
        ownTaskRole: true,
      },
      permissionsBoundaryArn,
    });
    this.service.allowFrom(this.loadBalancer.securityGroup, "load balancer to the service");
    this.database.allowFrom(this.service.securityGroup, "service to PostgreSQL");
    this.database.grantConnect(this.service.taskRole, APP_DATABASE_ROLE);
    if (!this.service.migrationTaskRole) throw new Error("service.migration: expected its own task role");
    this.database.grantReadCredentials(this.service.migrationTaskRole);
    if (standby) {
      // db:restore checks the standby with a read-only query from a one-off migration task. The
      // rule and grant are the ones the restore keeps as the active database (same ids, same text).
      standby.allowFrom(this.service.securityGroup, "service to PostgreSQL");
      standby.grantReadCredentials(this.service.migrationTaskRole);
    }
    this.uploads.grantReadWrite(this.service.taskRole, { prefix: "users/" });

    this.cdn = new Cdn(this, "cdn", {
      naming,
      domainName: config.dns.domain,
      hostedZoneId: config.dns.hostedZoneId,
      assets: this.assets,
      apiOrigin,
      usEast1Provider: usEast1,
      wafCountOnlyRules: UPLOADS_PASS_WAF,
      // The web front end's deep links (`/tasks/123` opened directly) are answered with index.html.
      spaDeepLinks: true,
    });
    // Previews' hosts: everything to the ALB with the viewer's Host (the ALB's certificate covers
    // `*.<previews domain>`; its host rules route each preview), behind the same web ACL. A
    // distribution of its own because one distribution cannot pick its origin for `/` by host.
    this.previewsCdn = previewsDomain
      ? new Cdn(this, "previews-cdn", {
          naming,
          purpose: "previews",
          domainName: `*.${previewsDomain}`,
          hostedZoneId: config.dns.hostedZoneId,
          apiOrigin,
          forwardHostHeader: true,
          webAclArn: this.cdn.webAclArn,
          usEast1Provider: usEast1,
          accessLogRetentionDays: false,
        })
      : undefined;

    this.observability = new Observability(this, "observability", {
      naming,
      alarmEmail: config.alarms.email,
      monthlyBudgetUsd: config.alarms.monthlyBudgetUsd,
      ...(config.alarms.budgetThresholdsPercent
        ? { budgetThresholdsPercent: config.alarms.budgetThresholdsPercent }
        : {}),
      loadBalancer: {
        arnSuffix: this.loadBalancer.arnSuffix,
        targetGroupArnSuffix: this.loadBalancer.targetGroup.arnSuffix,
      },
      service: { clusterName: cluster.clusterName, serviceName: this.service.serviceName },
      database: {
        identifier: this.database.identifier,
        allocatedStorageGb: config.database.allocatedStorageGb,
        maxConnections: defaultMaxConnections(config.database.instanceClass),
      },
      // Refused sign-ins, counted from the service's access log lines.
      failedSignIns: { logGroupName: this.service.logGroup.name },
      // The service's own metrics (embedded metric format lines in its log).
      application: {
        namespace: applicationMetricsSettings(naming).namespace,
        serviceName: applicationMetricsSettings(naming).service,
      },
    });

    // Previews (their own stacks) register in this ALB and use this database. This stack opens both
    // paths once, so a preview never edits this stack's security groups: the ALB may reach the VPC on
    // the service port (each preview's group admits the ALB), and preview tasks join a group this
    // database admits.
    let previewTasks: SecurityGroup | undefined;
    if (previewsDomain) {
      allowEgressToCidr(this, "alb-to-previews", {
        group: this.loadBalancer.securityGroup,
        cidr: config.network.cidr,
        port: SERVICE_CONTAINER_PORT,
        description: "load balancer to preview services in this VPC",
      });
      previewTasks = createSecurityGroup(this, "preview-tasks", {
        naming,
        purpose: "preview-tasks",
        vpcId: this.network.vpcId,
        description: "Preview services: admitted to the database",
      });
      this.database.allowFrom(previewTasks, "preview services to PostgreSQL");
    }

    declareOutputs(this, PLATFORM_OUTPUTS, {
      vpc_id: this.network.vpcId,
      vpc_cidr: this.network.vpcCidr,
      public_subnet_ids: this.network.subnetIds("public"),
      private_subnet_ids: this.network.subnetIds("private"),
      database_subnet_ids: this.network.subnetIds("database"),
      service_subnet_ids: this.network.subnetIds(publicTasks ? "public" : "private"),
      service_assign_public_ip: String(publicTasks),
      cluster_arn: cluster.clusterArn,
      cluster_name: cluster.clusterName,
      service_name: this.service.serviceName,
      migration_task_definition_arn: this.service.migrationTaskDefinition?.arn ?? "",
      service_security_group_id: this.service.securityGroup.id,
      alb_https_listener_arn: this.loadBalancer.httpsListenerArn,
      alb_security_group_id: this.loadBalancer.securityGroupId,
      alb_arn_suffix: this.loadBalancer.arnSuffix,
      alb_dns_name: this.loadBalancer.dnsName,
      alb_zone_id: this.loadBalancer.zoneId,
      hosted_zone_id: config.dns.hostedZoneId,
      database_address: this.database.address,
      database_port: String(this.database.port),
      database_name: this.database.databaseName,
      database_security_group_id: this.database.securityGroup.id,
      database_secret_arn: this.database.masterSecretArn,
      database_resource_id: this.database.resourceId,
      app_signing_key_arn: signingKey.arn,
      uploads_bucket: this.uploads.bucketName,
      assets_bucket: this.assets.bucketName,
      distribution_id: this.cdn.distributionId,
      alarm_topic_arn: this.observability.topicArn,
      url: `https://${config.dns.domain}`,
      run_task_network: runTaskNetworkConfiguration(this.service.runTaskNetwork),
      ...(previewTasks
        ? { preview_tasks_security_group_id: previewTasks.id, previews_domain: previewsDomain as string }
        : {}),
    });
  }
}

/** The construct id and purpose of an environment's database: the original, or restore `id`'s. */
export function databaseSlot(restoreId: string | undefined): { constructId: string; purpose: string } {
  return restoreId
    ? { constructId: `database-${restoreId}`, purpose: `db-${restoreId}` }
    : { constructId: "database", purpose: "db" };
}

/** `database.restore` of a config as the Database module's `restore` prop; `source` is the replaced instance. */
export function databaseRestoreProps(restore: DatabaseRestoreConfig, source: string): DatabaseRestore {
  if (restore.snapshot !== undefined) return { snapshotIdentifier: restore.snapshot };
  return {
    pointInTime:
      restore.pointInTime === "latest"
        ? { sourceDbInstanceIdentifier: source, useLatestRestorableTime: true }
        : { sourceDbInstanceIdentifier: source, restoreTime: restore.pointInTime },
  };
}

/**
 * What stays in AWS of a replaced database when the stack switches to its restore: the instance and
 * what it cannot run without (its security, subnet and parameter groups, its log groups). Terraform
 * forgets them (`removed` with `destroy = false`, Terraform ≥ 1.7) instead of destroying them; the
 * rules that let the service reach it and the service's grants on it are destroyed.
 */
export const KEPT_DATABASE_RESOURCES: ReadonlyArray<readonly [type: string, child: string]> = [
  ["aws_db_instance", "instance"],
  ["aws_db_subnet_group", "subnet-group"],
  ["aws_db_parameter_group", "parameter-group"],
  ["aws_security_group", "security-group"],
  ["aws_cloudwatch_log_group", "log-group-postgresql"],
  ["aws_cloudwatch_log_group", "log-group-upgrade"],
];

/** The addresses the Database construct `constructId` of `stack` gave its kept resources. */
export function keptDatabaseAddresses(stack: AwsStack, constructId: string): string[] {
  return KEPT_DATABASE_RESOURCES.map(([type, child]) => {
    // The stack names a resource from its construct path below the stack; the replaced construct no
    // longer exists, so its path is given as the scopes cdktf reads.
    const path = { scopes: [stack, { node: { id: constructId } }, { node: { id: child } }] };
    return `${type}.${stack.getLogicalId(path as unknown as Node)}`;
  });
}

/** Writes a `removed` block (destroy = false) for each kept resource of the replaced database. */
function keepReplacedDatabase(stack: AwsStack, constructId: string): void {
  stack.addOverride(
    "removed",
    keptDatabaseAddresses(stack, constructId).map((from) => ({ from, lifecycle: { destroy: false } })),
  );
}
