import { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy/index.js";
import { Construct } from "constructs";
import { ECS_EXEC_STATEMENT } from "../compute/fargate-service.js";
import { ECR_LOGIN_STATEMENT } from "../compute/repository.js";
import { type PolicyStatement, policyDocument } from "../iam/policy.js";
import type { Naming } from "../naming/naming.js";
import { PropError } from "../validation/prop-error.js";

/** An RDS DB instance ARN with a literal identifier (no wildcard). */
const DB_INSTANCE_ARN = /^arn:aws:rds:[a-z0-9-]+:\d{12}:db:[a-z][a-z0-9-]*$/;
/**
 * The tag RDS puts on the master-password secret it manages (`rds!db-<uuid>`), valued with the DB
 * instance's ARN: AWS's own `AmazonRDSServiceRolePolicy` tags those secrets with exactly
 * `aws:rds:primaryDBInstanceArn` (instances) or `aws:rds:primaryDBClusterArn` (clusters) and
 * matches AWS-reserved tag keys with the `secretsmanager:ResourceTag/<key>` condition key.
 */
export const RDS_MASTER_SECRET_TAG = "aws:rds:primaryDBInstanceArn";

/** Who an environment's workload boundary is scoped to. */
export interface WorkloadBoundaryScope {
  /** The account the environment runs in. */
  readonly accountId: string;
  /** Project slug. */
  readonly project: string;
  /** The environment's slug (`dev`): its buckets, secrets and log groups are `<project>-<env>-...`. */
  readonly environment: string;
  /** The environment's region: its databases and keys are there. */
  readonly region: string;
  /** The release repository every environment pulls its image from: the only one it may pull from. */
  readonly repositoryArn: string;
}

/** The object actions the kit's workloads use (storage's `grantRead` / `grantReadWrite`). */
const OBJECT_ACTIONS = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"];

/**
 * The most one environment's workload role (task, execution, migration and flow-logs roles) may ever
 * do, whatever its own policies say: exactly the actions the kit's modules grant, on that
 * environment's resources — never another environment's, a preview's or the bootstrap stack's.
 *
 * - S3: object actions and `ListBucket` on `<project>-<env>-*` buckets.
 * - Secrets Manager: read `<project>-<env>-*` / `<project>-<env>/*` secrets and the `rds!` secrets
 *   RDS manages for this environment's instances (tagged `aws:rds:primaryDBInstanceArn`).
 * - KMS: decrypt and generate data keys only when Secrets Manager or S3 calls on the role's behalf,
 *   in the environment's region.
 * - CloudWatch Logs: write to `/ecs/<project>-<env>-*` (containers) and `/vpc/<project>-<env>-*`.
 * - ECR: pull from the release repository only; `GetAuthorizationToken` (`*` only).
 * - RDS IAM authentication: `rds-db:connect` in the environment's region (the ARN holds the
 *   instance's resource id, not its name; the security groups keep other environments' databases
 *   out of network reach).
 * - ECS Exec: the four `ssmmessages:*Channel` actions (`*` only).
 *
 * No IAM, STS, EC2, ECS or other control-plane action: a role under this boundary can change nothing
 * about the platform, only use the data its environment's workloads use.
 */
export function workloadBoundaryStatements(scope: WorkloadBoundaryScope): PolicyStatement[] {
  const { accountId: a, region: r } = scope;
  const ep = `${scope.project}-${scope.environment}-`;
  const readSecrets = ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"];
  return [
    { sid: "EnvironmentObjects", actions: OBJECT_ACTIONS, resources: [`arn:aws:s3:::${ep}*/*`] },
    { sid: "ListEnvironmentBuckets", actions: ["s3:ListBucket"], resources: [`arn:aws:s3:::${ep}*`] },
    {
      sid: "ReadEnvironmentSecrets",
      actions: readSecrets,
      resources: [
        `arn:aws:secretsmanager:${r}:${a}:secret:${ep}*`,
        `arn:aws:secretsmanager:${r}:${a}:secret:${scope.project}-${scope.environment}/*`,
      ],
    },
    {
      // SecureString parameters (`WriteOnlyParameter`, `/<project>-<env>/<purpose>`), the Parameter
      // Store alternative to the secrets above: what ECS reads to inject them.
      sid: "ReadEnvironmentParameters",
      actions: ["ssm:GetParameters", "ssm:GetParameter"],
      resources: [`arn:aws:ssm:${r}:${a}:parameter/${scope.project}-${scope.environment}/*`],
    },
    {
      sid: "ReadEnvironmentDatabaseMasterSecrets",
      actions: readSecrets,
      resources: [`arn:aws:secretsmanager:${r}:${a}:secret:rds!*`],
      conditions: {
        StringLike: {
          [`secretsmanager:ResourceTag/${RDS_MASTER_SECRET_TAG}`]: `arn:aws:rds:${r}:${a}:db:${ep}*`,
        },
      },
    },
    {
      sid: "UseKeysThroughSecretsManagerAndS3",
      actions: ["kms:Decrypt", "kms:GenerateDataKey"],
      resources: [`arn:aws:kms:${r}:${a}:key/*`],
      conditions: {
        StringEquals: {
          "kms:ViaService": [
            `secretsmanager.${r}.amazonaws.com`,
            `s3.${r}.amazonaws.com`,
            `ssm.${r}.amazonaws.com`,
          ],
        },
      },
    },
    {
      sid: "WriteEnvironmentLogs",
      actions: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
      // `*` also matches the groups' `:log-stream:<name>` ARNs.
      resources: [
        `arn:aws:logs:${r}:${a}:log-group:/ecs/${ep}*`,
        `arn:aws:logs:${r}:${a}:log-group:/vpc/${ep}*`,
      ],
    },
    {
      sid: "PullReleaseImages",
      actions: ["ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage"],
      resources: [scope.repositoryArn],
    },
    {
      sid: "ConnectToDatabases",
      actions: ["rds-db:connect"],
      resources: [`arn:aws:rds-db:${r}:${a}:dbuser:*/*`],
    },
    // The two statements below name actions that support no resource-level permission: `*` is the
    // only resource they accept (Service Authorization Reference).
    ECR_LOGIN_STATEMENT,
    ECS_EXEC_STATEMENT,
  ];
}

/** Who the preview workload boundary's statements are scoped to. */
export interface PreviewWorkloadBoundaryScope {
  /** The account previews run in. */
  readonly accountId: string;
  /** Project slug: preview resources are `<project>-pr-...`. */
  readonly project: string;
  /** The host environment's region, where previews run. */
  readonly hostRegion: string;
  /** The host's DB instance ARN: its RDS-managed master secret carries it as a tag. */
  readonly hostDatabaseArn: string;
  /**
   * The host DB instance's resource id (`db-…`, `terraform output database_resource_id` of the host
   * stack): previews' IAM database users may sign in to that instance only. Unknown until the host
   * is first applied; without it, previews' users may sign in nowhere.
   * @default - previews' database users may sign in to no instance
   */
  readonly hostDatabaseResourceId?: string;
  /** The repository preview images are pushed to and pulled from. */
  readonly repositoryArn: string;
}

/**
 * The most a preview's workload role may ever do: what a `PreviewStack` grants, and only on what
 * belongs to previews or is shared with them by the host environment — never another environment's
 * data, never a database login by IAM except as a preview's own user.
 *
 * - S3: object actions and `ListBucket` on `<project>-pr-*` buckets only.
 * - Secrets Manager: read previews' own secrets (`<project>-pr-*`) and the host database's
 *   RDS-managed master secret (`rds!db-*` tagged `aws:rds:primaryDBInstanceArn` = the host DB's ARN;
 *   its name is random, the tag is the only handle), in the host's region.
 * - RDS: `rds-db:connect` as database users named `pr_*` only, in the host's region.
 * - KMS: decrypt and generate data keys only through Secrets Manager or S3, in the host's region.
 * - CloudWatch Logs: write to `/ecs/<project>-pr-*` only.
 * - ECR: pull from the preview repository only; `GetAuthorizationToken` (`*` only).
 * - ECS Exec: the four `ssmmessages:*Channel` actions (`*` only).
 *
 * No other database user, no flow logs, no release images, no IAM or control-plane action.
 */
export function previewWorkloadBoundaryStatements(scope: PreviewWorkloadBoundaryScope): PolicyStatement[] {
  const { accountId: a, project: p, hostRegion: r } = scope;
  const pr = `${p}-pr-`;
  const readSecrets = ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"];
  return [
    { sid: "PreviewObjects", actions: OBJECT_ACTIONS, resources: [`arn:aws:s3:::${pr}*/*`] },
    { sid: "ListPreviewBuckets", actions: ["s3:ListBucket"], resources: [`arn:aws:s3:::${pr}*`] },
    {
      sid: "ReadPreviewSecrets",
      actions: readSecrets,
      resources: [`arn:aws:secretsmanager:${r}:${a}:secret:${pr}*`],
    },
    {
      sid: "ReadHostDatabaseMasterSecret",
      actions: readSecrets,
      resources: [`arn:aws:secretsmanager:${r}:${a}:secret:rds!db-*`],
      conditions: {
        StringEquals: { [`secretsmanager:ResourceTag/${RDS_MASTER_SECRET_TAG}`]: scope.hostDatabaseArn },
      },
    },
    // Previews' services sign in to the host's database, and no other, as their own users `pr_<N>`
    // (IAM authentication). The ARN names the instance by resource id, which exists only once the
    // host is applied: until it is configured, no preview user may sign in anywhere.
    ...(scope.hostDatabaseResourceId
      ? [
          {
            sid: "ConnectAsPreviewDatabaseUsers",
            actions: ["rds-db:connect"],
            resources: [`arn:aws:rds-db:${r}:${a}:dbuser:${scope.hostDatabaseResourceId}/pr_*`],
          },
        ]
      : []),
    {
      sid: "UseKeysThroughSecretsManagerAndS3",
      actions: ["kms:Decrypt", "kms:GenerateDataKey"],
      resources: [`arn:aws:kms:${r}:${a}:key/*`],
      conditions: {
        StringEquals: { "kms:ViaService": [`secretsmanager.${r}.amazonaws.com`, `s3.${r}.amazonaws.com`] },
      },
    },
    {
      sid: "WritePreviewLogs",
      actions: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
      // `*` also matches the group's `:log-stream:<name>` ARNs.
      resources: [`arn:aws:logs:${r}:${a}:log-group:/ecs/${pr}*`],
    },
    {
      sid: "PullPreviewImages",
      actions: ["ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage"],
      resources: [scope.repositoryArn],
    },
    // `*` is the only resource these accept (Service Authorization Reference).
    ECR_LOGIN_STATEMENT,
    ECS_EXEC_STATEMENT,
  ];
}

/** `arn:aws:iam::<account>:policy/<name>`: a customer managed policy's ARN, known from its name. */
function policyArnFor(naming: Naming, policyName: string): string {
  return `arn:aws:iam::${naming.accountId}:policy/${policyName}`;
}

/**
 * A permissions boundary: a customer managed policy whose ARN is computed from its name, so roles
 * in other stacks name it without a reference to this one.
 */
abstract class BoundaryPolicy extends Construct {
  readonly policy: IamPolicy;
  readonly policyName: string;
  /** The policy's ARN, computed from its name (a plain string: usable in conditions and other stacks). */
  readonly policyArn: string;

  protected constructor(
    scope: Construct,
    id: string,
    props: {
      naming: Naming;
      policyName: string;
      description: string;
      statements: readonly PolicyStatement[];
    },
  ) {
    super(scope, id);
    this.policyName = props.policyName;
    this.policyArn = policyArnFor(props.naming, props.policyName);
    this.policy = new IamPolicy(this, "policy", {
      name: this.policyName,
      description: props.description,
      policy: policyDocument(props.statements),
      tags: { Name: this.policyName },
    });
  }
}

/** Props of `WorkloadBoundary`: the environment whose workload roles carry it. */
export interface WorkloadBoundaryProps {
  /** The bootstrap stack's naming: the policy is `<project>-<bootstrap env>-<env>-workload-boundary`. */
  readonly naming: Naming;
  /**
   * The naming of the environment whose workload roles carry the boundary: its slug and region
   * scope what they may reach. Same project and account as `naming`.
   */
  readonly environment: Naming;
  /** The release repository: the only one the environment's tasks may pull images from. */
  readonly repositoryArn: string;
}

/**
 * The permissions boundary of every role the kit creates for one environment's workloads: a
 * customer managed policy that caps what such a role can do, whatever policies are attached to it (a
 * role's effective permissions are the intersection of its policies and its boundary). Each
 * environment's apply role may create and change roles only with its own environment's boundary
 * (see `CiAccess`), so a role created by dev's apply can never reach staging's or prod's data, even
 * if its inline policy says `*` on `*`.
 *
 * Roles reference it by ARN, computed from the name (`WorkloadBoundary.arnFor(naming, env)`), so
 * stacks need no reference to the bootstrap stack.
 */
export class WorkloadBoundary extends BoundaryPolicy {
  /** `<project>-<bootstrap env>-<env>-workload-boundary` for the bootstrap naming. */
  static policyNameFor(naming: Naming, environment: string): string {
    return naming.name(`${environment}-workload-boundary`);
  }

  /** `arn:aws:iam::<account>:policy/<name>`: the ARN the policy will have, without a reference to it. */
  static arnFor(naming: Naming, environment: string): string {
    return policyArnFor(naming, WorkloadBoundary.policyNameFor(naming, environment));
  }

  constructor(scope: Construct, id: string, props: WorkloadBoundaryProps) {
    const { naming, environment } = props;
    if (environment.project !== naming.project || environment.accountId !== naming.accountId) {
      throw new PropError(
        "workloadBoundary.environment",
        `${environment.project} in ${environment.accountId} must be the project ${naming.project} in account ${naming.accountId}, where the boundary and the CI roles live`,
      );
    }
    super(scope, id, {
      naming,
      policyName: WorkloadBoundary.policyNameFor(naming, environment.environment),
      description: `Permissions boundary of ${naming.project}'s ${environment.environment} workload roles: the most any of them may do`,
      statements: workloadBoundaryStatements({
        accountId: naming.accountId,
        project: naming.project,
        environment: environment.environment,
        region: environment.region,
        repositoryArn: props.repositoryArn,
      }),
    });
  }
}

/** Props of `PreviewWorkloadBoundary`: the host environment and what previews share with it. */
export interface PreviewWorkloadBoundaryProps {
  /** The bootstrap stack's naming: the policy is `<project>-<env>-preview-workload-boundary`. */
  readonly naming: Naming;
  /**
   * The naming of the environment that hosts previews (dev): previews run in its region. Same
   * project and account as `naming`.
   */
  readonly hostNaming: Naming;
  /**
   * The host's DB instance ARN, `arn:aws:rds:<region>:<account>:db:<identifier>`: previews may read
   * the master secret RDS manages for it (and no other `rds!` secret).
   */
  readonly hostDatabaseArn: string;
  /**
   * The host DB instance's resource id (`db-` and 26 characters; the host stack's
   * `database_resource_id` output): previews' database users may sign in to that instance only.
   * @default - none: previews' database users may sign in nowhere until it is set
   */
  readonly hostDatabaseResourceId?: string;
  /** The repository preview images are pushed to: the only one preview workloads may pull from. */
  readonly repositoryArn: string;
}

/**
 * The permissions boundary of every role a preview stack creates, narrower than `WorkloadBoundary`:
 * a role the preview CI role creates (any collaborator's pull request can write its policies) can
 * reach previews' buckets, logs and secrets, the host database's master secret (for previews'
 * migration tasks), the host database as a `pr_*` user, and the preview repository — never the
 * host's other secrets, staging's or prod's data, other `rds!` secrets or release images. The
 * preview CI role may create and grant roles only with this boundary.
 */
export class PreviewWorkloadBoundary extends BoundaryPolicy {
  /** `<project>-<env>-preview-workload-boundary` for the bootstrap naming. */
  static policyNameFor(naming: Naming): string {
    return naming.name("preview-workload-boundary");
  }

  /** The ARN the policy will have, without a reference to it. */
  static arnFor(naming: Naming): string {
    return policyArnFor(naming, PreviewWorkloadBoundary.policyNameFor(naming));
  }

  constructor(scope: Construct, id: string, props: PreviewWorkloadBoundaryProps) {
    const { naming, hostNaming } = props;
    if (hostNaming.project !== naming.project || hostNaming.accountId !== naming.accountId) {
      throw new PropError(
        "previewWorkloadBoundary.hostNaming",
        `${hostNaming.project} in ${hostNaming.accountId} must be the project ${naming.project} in account ${naming.accountId}, where the boundary and the CI roles live`,
      );
    }
    const hostDatabases = `arn:aws:rds:${hostNaming.region}:${hostNaming.accountId}:db:`;
    if (!DB_INSTANCE_ARN.test(props.hostDatabaseArn) || !props.hostDatabaseArn.startsWith(hostDatabases)) {
      throw new PropError(
        "previewWorkloadBoundary.hostDatabaseArn",
        `"${props.hostDatabaseArn}" must be ${hostDatabases}<identifier> (the host's instance), without wildcards`,
      );
    }
    if (
      props.hostDatabaseResourceId !== undefined &&
      !/^db-[A-Z0-9]{10,40}$/.test(props.hostDatabaseResourceId)
    ) {
      throw new PropError(
        "previewWorkloadBoundary.hostDatabaseResourceId",
        `"${props.hostDatabaseResourceId}" must be an RDS resource id such as db-ABCDEFGHIJKLMNOPQRSTUVWXY0 (the host stack's database_resource_id output)`,
      );
    }
    if (props.repositoryArn.includes("*")) {
      throw new PropError(
        "previewWorkloadBoundary.repositoryArn",
        `"${props.repositoryArn}" must name one repository`,
      );
    }
    super(scope, id, {
      naming,
      policyName: PreviewWorkloadBoundary.policyNameFor(naming),
      description: `Permissions boundary of ${naming.project}'s preview workload roles: previews' own data and the ${hostNaming.environment} secrets they share`,
      statements: previewWorkloadBoundaryStatements({
        accountId: naming.accountId,
        project: naming.project,
        hostRegion: hostNaming.region,
        hostDatabaseArn: props.hostDatabaseArn,
        ...(props.hostDatabaseResourceId ? { hostDatabaseResourceId: props.hostDatabaseResourceId } : {}),
        repositoryArn: props.repositoryArn,
      }),
    });
  }
}
