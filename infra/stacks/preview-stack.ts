import { FargateService, runTaskNetworkConfiguration } from "@aws-platform-kit/modules/compute";
import { Database } from "@aws-platform-kit/modules/database";
import { HostRule, LoadBalancer, ServiceTargetGroup } from "@aws-platform-kit/modules/edge";
import { Network } from "@aws-platform-kit/modules/network";
import { WriteOnlySecret } from "@aws-platform-kit/modules/secrets";
import { Bucket } from "@aws-platform-kit/modules/storage";
import { DataTerraformRemoteStateS3 } from "cdktf";
import type { Construct } from "constructs";
import { capacityProviderStrategy } from "../environments/capacity.js";
import {
  PREVIEW_CAPACITY,
  PREVIEW_CPU_ARCHITECTURE,
  type PreviewRequest,
  previewDatabaseRole,
  previewHostName,
  previewNaming,
  previewPriority,
  previewSchema,
  previewStateKey,
  previewTags,
} from "../environments/preview.js";
import {
  bootstrapNaming,
  environmentNaming,
  previewRepository,
  previewWorkloadBoundaryArn,
  project,
} from "../environments/project.js";
import type { EnvironmentConfig } from "../environments/schema.js";
import { AwsStack } from "./aws-stack.js";
import { SERVICE_CONTAINER_PORT, SERVICE_MIGRATION_COMMAND, serviceEnvironment } from "./service-contract.js";
import { declareOutputs, type PlatformOutputName, PREVIEW_OUTPUTS } from "./stack-outputs.js";

/** The name of the host environment's remote-state data source (plan:offline points it at a fixture). */
export const HOST_STATE_ID = "host";

/** The host environment's outputs a preview reads (see PlatformStack). */
export const HOST_OUTPUTS_READ = [
  "vpc_id",
  "public_subnet_ids",
  "private_subnet_ids",
  "cluster_arn",
  "cluster_name",
  "alb_https_listener_arn",
  "alb_arn_suffix",
  "alb_security_group_id",
  "alb_dns_name",
  "alb_zone_id",
  "preview_tasks_security_group_id",
  "database_address",
  "database_security_group_id",
  "database_name",
  "database_secret_arn",
  "database_resource_id",
] as const satisfies readonly PlatformOutputName[];
type HostOutput = (typeof HOST_OUTPUTS_READ)[number];

export interface PreviewStackProps {
  /** The environment whose network, ALB, cluster and database the preview shares (dev). */
  readonly host: EnvironmentConfig;
  readonly preview: PreviewRequest;
  /** "Now", for the ExpiresAt tag. @default the current time */
  readonly now?: Date;
}

/**
 * One pull request's running copy of the service at `https://pr-<N>.<previews domain>`.
 *
 * It adds only what is per pull request — an ECS service and task definitions (its image tag, the
 * smallest Fargate size, one task, no autoscaling), a target group, a host-header rule on the host
 * environment's HTTPS listener, a DNS record, an uploads bucket that destroy can always empty, and a
 * log group with short retention — and reuses the host's VPC, ALB, cluster and database, which it
 * reads from the host's Terraform state. Its data lives in its own PostgreSQL schema `pr_<N>`,
 * created by its migration task. Nothing in it is protected from `terraform destroy`.
 *
 * A preview runs code nobody has reviewed yet, on the internet, so it shares no credential with the
 * host: it signs tokens with its own key, and the service signs in to PostgreSQL as its own role
 * `pr_<N>` with IAM authentication (no password exists), which can read and write only the rows of
 * its schema's tables. Only the one-off migration task (its own task role) reads the host's master
 * secret, to create that role and schema and to drop them on `preview:down`.
 */
export class PreviewStack extends AwsStack {
  readonly host: DataTerraformRemoteStateS3;
  readonly hostName: string;
  readonly uploads: Bucket;
  readonly service: FargateService;
  readonly signingKey: WriteOnlySecret;
  readonly url: string;

  constructor(scope: Construct, id: string, props: PreviewStackProps) {
    const { host, preview } = props;
    if (!host.previews) {
      throw new Error(`previews: environment ${host.name} has no "previews" settings (domain, ttlDays)`);
    }
    const { prNumber, imageTag } = preview;
    const naming = previewNaming(host, prNumber);
    const expiresAt = new Date((props.now ?? new Date()).getTime() + host.previews.ttlDays * 86_400_000);
    super(scope, id, {
      naming,
      state: { kind: "s3", key: previewStateKey(host.project, prNumber) },
      tags: { ...host.tags, ...previewTags(prNumber, expiresAt) },
    });
    this.hostName = previewHostName(prNumber, host.previews.domain);
    this.url = `https://${this.hostName}`;

    const stateNames = bootstrapNaming();
    this.host = new DataTerraformRemoteStateS3(this, HOST_STATE_ID, {
      bucket: stateNames.bucketName("tfstate"),
      key: `${host.project}/${host.name}/terraform.tfstate`,
      region: project.state.region,
    });
    const read = (output: HostOutput) => this.host.getString(output);
    const list = (output: HostOutput) => this.host.getList(output);

    // The host's network, load balancer and database, as its state publishes them: grants and rules
    // against them are written by the modules, as for resources of this stack.
    const hostNetwork = Network.fromAttributes(this, "host-network", {
      vpcId: read("vpc_id"),
      availabilityZones: host.availabilityZones,
      subnetIds: { public: list("public_subnet_ids"), private: list("private_subnet_ids") },
    });
    const hostLoadBalancer = LoadBalancer.fromAttributes(this, "host-load-balancer", {
      // The host publishes the suffix (`app/<name>/<id>`, for metrics); the ARN is built from it.
      arn: `arn:aws:elasticloadbalancing:${host.region}:${host.accountId}:loadbalancer/${read("alb_arn_suffix")}`,
      arnSuffix: read("alb_arn_suffix"),
      dnsName: read("alb_dns_name"),
      zoneId: read("alb_zone_id"),
      securityGroupId: read("alb_security_group_id"),
      httpsListenerArn: read("alb_https_listener_arn"),
    });
    const hostDatabase = Database.fromAttributes(this, "host-database", {
      // Not published by the host; the same name its Database gives itself (default purpose "db").
      identifier: environmentNaming(host).name("db"),
      address: read("database_address"),
      securityGroupId: read("database_security_group_id"),
      resourceId: read("database_resource_id"),
      masterSecretArn: read("database_secret_arn"),
      region: host.region,
      accountId: host.accountId,
    });

    this.uploads = new Bucket(this, "uploads", {
      naming,
      purpose: "uploads",
      // A preview's files are throwaway; destroy must never get stuck on them.
      forceDestroy: true,
      noncurrentVersionExpirationDays: 1,
    });

    const targetGroup = new ServiceTargetGroup(this, "target-group", {
      naming,
      name: "app",
      vpcId: hostNetwork.vpcId,
      port: SERVICE_CONTAINER_PORT,
    });
    const rule = new HostRule(this, "host-rule", {
      listenerArn: hostLoadBalancer.httpsListenerArn,
      host: this.hostName,
      targetGroupArn: targetGroup.arn,
      priority: previewPriority(prNumber),
    });
    // No DNS record of its own: the host's `*.<previews domain>` alias points every preview host at
    // the host's previews distribution, which sends it, Host and all, to this rule on the host's ALB.

    // Its own token-signing key: a token issued by a preview is worthless anywhere else.
    this.signingKey = new WriteOnlySecret(this, "app-signing-key", {
      naming,
      purpose: "app-signing-key",
      description: `Signs the session tokens of pull request ${prNumber}'s preview`,
      recoveryWindowDays: 0,
    });
    const schema = previewSchema(prNumber);
    const databaseUser = previewDatabaseRole(prNumber);
    const database = {
      address: hostDatabase.address,
      port: hostDatabase.port,
      databaseName: read("database_name"),
    };

    const publicTasks = host.network.natMode === "none";
    this.service = new FargateService(this, "service", {
      naming,
      cluster: { clusterArn: read("cluster_arn"), clusterName: read("cluster_name") },
      // Never the release repository: preview images are built by pull requests' workflows.
      repository: previewRepository(),
      imageTag,
      vpcId: hostNetwork.vpcId,
      // Where the host runs its own service (PlatformStack): public subnets when there is no NAT.
      subnetIds: hostNetwork.subnetIds(publicTasks ? "public" : "private"),
      assignPublicIp: publicTasks,
      // The host admits this group to its database; the preview never edits the host's rules.
      additionalSecurityGroupIds: [read("preview_tasks_security_group_id")],
      cpu: 256,
      memoryMiB: 512,
      // Spot, like dev's service: the host's cluster has the provider (it hosts previews).
      cpuArchitecture: PREVIEW_CPU_ARCHITECTURE,
      capacityProviderStrategy: capacityProviderStrategy(PREVIEW_CAPACITY),
      desiredCount: 1,
      containerPort: SERVICE_CONTAINER_PORT,
      environment: serviceEnvironment({
        region: host.region,
        database: { ...database, iamUser: databaseUser },
        databaseSchema: schema,
        uploadsBucket: this.uploads.bucketName,
        // Straight to the ALB, no CloudFront in front.
        trustProxyHops: 1,
      }),
      secrets: { APP_SECRET: { secretArn: this.signingKey.secretArn } },
      logRetentionDays: 3,
      loadBalancer: { targetGroupArn: targetGroup.arn, dependsOn: [rule.rule] },
      migration: {
        command: SERVICE_MIGRATION_COMMAND,
        // The migration signs in as the database owner to create (and on preview:down drop) the
        // preview's schema and role; the service never sees these credentials.
        environment: {
          DATABASE_IAM_USER: undefined,
          DATABASE_SECRET_ARN: hostDatabase.masterSecretArn,
          DATABASE_APP_ROLE: databaseUser,
        },
        ownTaskRole: true,
      },
      // Task definitions stay registered on destroy (inert, free): deregistering needs an
      // account-wide permission the preview role must not have (ecs:DeregisterTaskDefinition).
      keepSupersededRevisions: true,
      // The preview CI role may create roles only with this boundary: previews' own data, the
      // host's master secret (for the migration) and previews' database users, nothing else.
      permissionsBoundaryArn: previewWorkloadBoundaryArn(host.accountId, `${host.name}.accountId`),
    });
    // The host's ALB already allows egress to the VPC on the service port.
    this.service.allowFrom(hostLoadBalancer.securityGroup, {
      description: "host load balancer to this preview",
      egressOnSource: false,
    });
    this.service.grantReadSecret(hostDatabase.masterSecretArn, { to: "migration" });
    // The grant lived at the stack's root (`database-connect`) before the database was a reference:
    // a `moved` block carries it. Written as a plain override rather than cdktf's `moveFromId`, which
    // runs `terraform version` at every synth (about 45 ms a preview, and synth fails without
    // terraform on the PATH).
    const connect = hostDatabase.grantConnect(this.service.taskRole, databaseUser);
    this.addOverride("moved", [
      { from: "aws_iam_role_policy.database-connect", to: `aws_iam_role_policy.${connect.friendlyUniqueId}` },
    ]);
    this.uploads.grantReadWrite(this.service.taskRole, { prefix: "users/" });

    declareOutputs(this, PREVIEW_OUTPUTS, {
      url: this.url,
      cluster_arn: read("cluster_arn"),
      service_name: this.service.serviceName,
      migration_task_definition_arn: this.service.migrationTaskDefinition?.arn ?? "",
      run_task_network: runTaskNetworkConfiguration(this.service.runTaskNetwork),
      uploads_bucket: this.uploads.bucketName,
      database_schema: schema,
    });
  }
}
