/**
 * The roles a `FargateService`'s tasks run with: the execution role ECS uses to start them, the task
 * role the application runs as, and the migration's own task role when it has one.
 */
import { IamRole } from "@cdktf/provider-aws/lib/iam-role/index.js";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy/index.js";
import { conditional, Fn, Op, TerraformIterator, Token } from "cdktf";
import type { Construct } from "constructs";
import { attachPolicy, type PolicyStatement, serviceTrustPolicy } from "../iam/policy.js";
import { NAME_LIMITS } from "../naming/naming.js";
import { atPlan } from "./at-plan.js";
import { type ContainerSecret, type SecretStore, secretStore } from "./environment.js";
import type { FargateServiceProps } from "./fargate-service-props.js";
import { pullStatements } from "./repository.js";
import type { ServiceSettings } from "./service-settings.js";

/** A service's roles, created by `createTaskRoles`. */
export interface TaskRoles {
  /** Pulls this image, writes this log group, reads these secrets: nothing else. */
  readonly executionRole: IamRole;
  /** The application's role: nothing until a module grants it something. */
  readonly taskRole: IamRole;
  /** The migration's own role (`migration.ownTaskRole`): nothing until granted. */
  readonly migrationTaskRole?: IamRole;
  /** The execution role's permissions: no task can start before they exist. */
  readonly executionPolicy: IamRolePolicy;
  /**
   * The execution role's read of `secrets` given as a Terraform reference (a module's variable):
   * a policy of its own, created when the map is not empty. Literal secrets are read in
   * `executionPolicy`.
   */
  readonly secretsPolicy?: IamRolePolicy;
}

/**
 * Creates the service's roles in `scope` (the service), each assumable by ECS tasks of this account
 * only and each under `permissionsBoundaryArn` when one is given.
 */
export function createTaskRoles(
  scope: Construct,
  props: FargateServiceProps,
  settings: ServiceSettings,
  logGroupArn: string,
): TaskRoles {
  const { naming } = props;
  const { name } = settings;
  // Only ECS tasks of this account (and, for the task roles, of this region) may assume them.
  const trustAccount = serviceTrustPolicy("ecs-tasks.amazonaws.com", naming.accountId);
  const trustAccountAndRegion = serviceTrustPolicy(
    "ecs-tasks.amazonaws.com",
    naming.accountId,
    `arn:aws:ecs:${naming.region}:${naming.accountId}:*`,
  );
  const executionRole = new IamRole(scope, "execution-role", {
    name: naming.name(`${name}-execution`, NAME_LIMITS.iamRole),
    description: `Lets ECS start ${naming.name(name)} tasks: pull its image, write its logs, read its secrets`,
    assumeRolePolicy: trustAccount,
    permissionsBoundary: props.permissionsBoundaryArn,
  });
  const taskRole = new IamRole(scope, "task-role", {
    name: naming.name(`${name}-task`, NAME_LIMITS.iamRole),
    description: `What the ${naming.name(name)} application may do in AWS`,
    assumeRolePolicy: trustAccountAndRegion,
    permissionsBoundary: props.permissionsBoundaryArn,
  });
  const executionPolicy = attachPolicy(scope, "execution-policy", executionRole, "start-tasks", [
    ...pullStatements(props.repository.repositoryArn),
    {
      sid: "WriteLogs",
      actions: ["logs:CreateLogStream", "logs:PutLogEvents"],
      resources: [logGroupArn, `${logGroupArn}:log-stream:*`],
    },
    ...readSecretStatements(
      [
        ...(atPlan(props.secrets) ? [] : Object.values(props.secrets ?? {})),
        // The sidecars' secrets are resolved by the same role when the task starts.
        ...(props.sidecars ?? []).flatMap((sidecar) => Object.values(sidecar.secrets ?? {})),
      ],
      naming.region,
    ),
  ]);
  const secretsPolicy = atPlan(props.secrets)
    ? readSecretsAtPlan(scope, executionRole, props.secrets as Record<string, ContainerSecret>, naming.region)
    : undefined;
  const migrationTaskRole = props.migration?.ownTaskRole
    ? new IamRole(scope, "migration-task-role", {
        name: naming.name(`${name}-migrate-task`, NAME_LIMITS.iamRole),
        description: `What the ${naming.name(name)} migration task may do in AWS`,
        assumeRolePolicy: trustAccountAndRegion,
        permissionsBoundary: props.permissionsBoundaryArn,
      })
    : undefined;
  return {
    executionRole,
    taskRole,
    executionPolicy,
    ...(migrationTaskRole ? { migrationTaskRole } : {}),
    ...(secretsPolicy ? { secretsPolicy } : {}),
  };
}

/**
 * `readSecretStatements` for a map of secrets known only at plan: the same statements, written in
 * Terraform (`jsonencode`), in a policy that exists only when the map is not empty (IAM refuses a
 * statement without resources); the decrypt statement only when a secret names a KMS key.
 */
function readSecretsAtPlan(
  scope: Construct,
  role: IamRole,
  secrets: Record<string, ContainerSecret>,
  region: string,
): IamRolePolicy {
  const each = TerraformIterator.fromMap(secrets);
  const arns = Fn.distinct(Token.asList(each.forExpressionForList("val.secretArn")));
  const keys = Fn.distinct(Token.asList(each.forExpressionForList("val.kmsKeyArn if val.kmsKeyArn != null")));
  const read = {
    Sid: "ReadSecrets",
    Effect: "Allow",
    Action: "secretsmanager:GetSecretValue",
    Resource: arns,
  };
  const decrypt = {
    Sid: "DecryptSecrets",
    Effect: "Allow",
    Action: "kms:Decrypt",
    Resource: keys,
    // `format`: cdktf cannot put a reference inside a string inside a conditional.
    Condition: { StringEquals: { "kms:ViaService": Fn.format("secretsmanager.%s.amazonaws.com", [region]) } },
  };
  return new IamRolePolicy(scope, "read-secrets-policy", {
    count: Token.asNumber(conditional(Op.gte(Fn.lengthOf(secrets), 1), 1, 0)),
    role: role.name,
    name: "read-secrets",
    policy: Fn.jsonencode({
      Version: "2012-10-17",
      Statement: Fn.concat([[read], conditional(Op.gte(Fn.lengthOf(keys), 1), [decrypt], [])]),
    }),
  });
}

/**
 * GetSecretValue on exactly these Secrets Manager secrets, GetParameters on exactly these SSM
 * parameters, and decrypt with their keys only through the service that holds each.
 */
export function readSecretStatements(secrets: readonly ContainerSecret[], region: string): PolicyStatement[] {
  const inStore = (store: SecretStore) => secrets.filter((s) => secretStore(s) === store);
  const arnsOf = (list: readonly ContainerSecret[]) => [...new Set(list.map((s) => s.secretArn))];
  const keysOf = (list: readonly ContainerSecret[]) => [
    ...new Set(list.flatMap((s) => (s.kmsKeyArn ? [s.kmsKeyArn] : []))),
  ];
  const managed = inStore("secretsmanager");
  const parameters = inStore("ssm");
  const statements: PolicyStatement[] = [];
  // A JSON key selects part of the value; the IAM resource is still the whole secret's ARN.
  const arns = arnsOf(managed);
  if (arns.length)
    statements.push({ sid: "ReadSecrets", actions: ["secretsmanager:GetSecretValue"], resources: arns });
  const keys = keysOf(managed);
  if (keys.length) {
    statements.push({
      sid: "DecryptSecrets",
      actions: ["kms:Decrypt"],
      resources: keys,
      conditions: { StringEquals: { "kms:ViaService": `secretsmanager.${region}.amazonaws.com` } },
    });
  }
  // ECS resolves `valueFrom` parameters with GetParameters (decrypting SecureStrings).
  const parameterArns = arnsOf(parameters);
  if (parameterArns.length)
    statements.push({ sid: "ReadParameters", actions: ["ssm:GetParameters"], resources: parameterArns });
  const parameterKeys = keysOf(parameters);
  if (parameterKeys.length) {
    statements.push({
      sid: "DecryptParameters",
      actions: ["kms:Decrypt"],
      resources: parameterKeys,
      conditions: { StringEquals: { "kms:ViaService": `ssm.${region}.amazonaws.com` } },
    });
  }
  return statements;
}
