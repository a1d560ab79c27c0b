import { Cluster, FargateService, runTaskNetworkConfiguration } from "@aws-platform-kit/modules/compute";
import { Database, defaultMaxConnections } from "@aws-platform-kit/modules/database";
import { Cdn, LoadBalancer } from "@aws-platform-kit/modules/edge";
import { allowEgressToCidr, createSecurityGroup, Network } from "@aws-platform-kit/modules/network";
import { Observability } from "@aws-platform-kit/modules/observability";
import { WriteOnlySecret } from "@aws-platform-kit/modules/secrets";
import { Bucket } from "@aws-platform-kit/modules/storage";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider/index.js";
import type { SecurityGroup } from "@cdktf/provider-aws/lib/security-group/index.js";
import type { Construct } from "constructs";
import { environmentNaming, sharedRepository, workloadBoundaryArn } from "../environments/project.js";
import { PLACEHOLDER_IMAGE_TAG } from "../environments/release.js";
import type { EnvironmentConfig } from "../environments/schema.js";
import { AwsStack } from "./aws-stack.js";
import {
  APP_DATABASE_ROLE,
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

export interface PlatformStackProps {
  /** A validated environment config (see `loadEnvironment`). */
  readonly config: EnvironmentConfig;
  /** The image tag to run (the commit sha in CI). @default PLACEHOLDER_IMAGE_TAG */
  readonly imageTag?: string;
}

/**
 * One environment (dev, staging, prod): the whole platform the service runs on, composed from the
 * modules, wired by their intent methods. Environments differ only through their config.
 *
 * Traffic: CloudFront at `<domain>` serves the web assets from S3 and sends `/api/*` to the ALB
 * at `origin.<domain>`, which forwards to the Fargate service; the service reaches PostgreSQL in
 * the database subnets and S3 through the gateway endpoint.
 */
export class PlatformStack extends AwsStack {
  readonly config: EnvironmentConfig;
  readonly network: Network;
  readonly database: Database;
  readonly uploads: Bucket;
  readonly assets: Bucket;
  readonly loadBalancer: LoadBalancer;
  readonly service: FargateService;
  readonly cdn: Cdn;
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
      flowLogs: { retentionDays: config.network.flowLogRetentionDays },
      permissionsBoundaryArn,
    });

    this.database = new Database(this, "database", {
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
    });

    this.uploads = new Bucket(this, "uploads", { naming, purpose: "uploads", forceDestroy: !protect });
    this.assets = new Bucket(this, "assets", { naming, purpose: "assets", forceDestroy: !protect });
    const accessLogs = new Bucket(this, "alb-logs", {
      naming,
      purpose: "alb-logs",
      forceDestroy: !protect,
      lifecycleRules: [{ id: "expire-access-logs", expirationDays: config.logRetentionDays }],
    });
    const signingKey = new WriteOnlySecret(this, "app-signing-key", {
      naming,
      purpose: "app-signing-key",
      description: "Signs the service's session tokens",
      recoveryWindowDays: protect ? 30 : 0,
    });

    const previewsDomain = config.previews?.domain;
    this.loadBalancer = new LoadBalancer(this, "load-balancer", {
      naming,
      vpcId: this.network.vpcId,
      subnetIds: this.network.subnetIds("public"),
      hostedZoneId: config.dns.hostedZoneId,
      domainName: `origin.${config.dns.domain}`,
      subjectAlternativeNames: previewsDomain ? [`*.${previewsDomain}`] : [],
      targetPort: SERVICE_CONTAINER_PORT,
      deletionProtection: protect,
      accessLogs: { bucket: accessLogs },
      behindCloudFront: true,
      wafCountOnlyRules: UPLOADS_PASS_WAF,
    });

    const cluster = new Cluster(this, "cluster", { naming });
    // Without NAT, tasks run in public subnets with a public IP (still behind their security group).
    const publicTasks = config.network.natMode === "none";
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
      desiredCount: config.service.desiredCount,
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
      }),
      secrets: { APP_SECRET: { secretArn: signingKey.secretArn } },
      logRetentionDays: config.logRetentionDays,
      loadBalancer: {
        targetGroupArn: this.loadBalancer.targetGroup.arn,
        requestCountResourceLabel: `${this.loadBalancer.arnSuffix}/${this.loadBalancer.targetGroup.arnSuffix}`,
        dependsOn: [this.loadBalancer.httpsListener],
      },
      autoscaling:
        config.service.maxCount > config.service.minCount
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
    this.uploads.grantReadWrite(this.service.taskRole, { prefix: "users/" });

    this.cdn = new Cdn(this, "cdn", {
      naming,
      domainName: config.dns.domain,
      hostedZoneId: config.dns.hostedZoneId,
      assets: this.assets,
      apiOrigin: { domainName: this.loadBalancer.domainName },
      usEast1Provider: usEast1,
      wafCountOnlyRules: UPLOADS_PASS_WAF,
    });

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
      app_signing_key_arn: signingKey.secretArn,
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
