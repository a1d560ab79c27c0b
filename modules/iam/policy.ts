/**
 * IAM policy documents as typed values. Modules express intent (`bucket.grantReadWrite(role)`);
 * this is the one place that turns statements into JSON and attaches them to a role, so every
 * grant in the kit is written, named and reviewed the same way.
 */
import type { IamRole } from "@cdktf/provider-aws/lib/iam-role/index.js";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy/index.js";
import { Token } from "cdktf";
import type { Construct } from "constructs";
import { PropError } from "../validation/prop-error.js";

/**
 * An IAM condition block: operator → condition key → value(s), e.g.
 * `{ StringEquals: { "aws:SourceAccount": accountId } }`.
 */
export type Condition = Record<string, Record<string, string | string[] | boolean>>;

/**
 * Who a resource or trust policy statement is about: everyone (`*`), services, AWS principals or
 * an identity provider.
 */
export type Principal =
  | "*"
  | {
      /** Service principals, e.g. `ecs-tasks.amazonaws.com`. */
      readonly Service: string | readonly string[];
    }
  | {
      /** Account ids, account root ARNs, role or user ARNs. */
      readonly AWS: string | readonly string[];
    }
  | {
      /** An identity provider's ARN (GitHub's OIDC provider, for CI roles). */
      readonly Federated: string;
    };

/** One statement of an identity or resource policy, rendered by `policyDocument`. */
export interface PolicyStatement {
  /** Statement id, shown in the console and in policy findings. @default - no `Sid` */
  readonly sid?: string;
  /** Whether the statement allows or denies. @default "Allow" */
  readonly effect?: "Allow" | "Deny";
  /**
   * Only in resource policies (bucket policies); identity policies have none.
   * @default - no `Principal` (an identity policy statement)
   */
  readonly principal?: Principal;
  /** The actions, `service:Action`; `attachPolicy` refuses `*`. */
  readonly actions: readonly string[];
  /** The resource ARNs the actions apply to. */
  readonly resources: readonly string[];
  /** Conditions every request must meet. @default - no `Condition` */
  readonly conditions?: Condition;
}

/** One statement of a role's trust policy, rendered by `trustPolicyDocument`: always an `Allow`. */
export interface TrustStatement {
  /** Statement id. @default - no `Sid` */
  readonly sid?: string;
  /** Who may assume the role; never everyone. */
  readonly principal: Exclude<Principal, "*">;
  /** `sts:AssumeRole`, `sts:AssumeRoleWithWebIdentity`, `sts:TagSession`, … */
  readonly actions: readonly string[];
  /**
   * Conditions the assuming request must meet (a token's `sub`, the source account).
   * @default - no `Condition`
   */
  readonly conditions?: Condition;
}

/**
 * What an account may do with a KMS key it owns through IAM: administer it, never use it. Encrypting
 * or decrypting takes a statement of the key policy that names the service or the data, so no IAM
 * policy can widen who reads what the key protects. The key policies of the kit's keys grant the
 * account exactly these.
 */
export const KMS_KEY_ADMINISTRATION_ACTIONS: readonly string[] = [
  "kms:CreateAlias",
  "kms:Describe*",
  "kms:Enable*",
  "kms:List*",
  "kms:Put*",
  "kms:Update*",
  "kms:Revoke*",
  "kms:Disable*",
  "kms:Get*",
  "kms:Delete*",
  "kms:TagResource",
  "kms:UntagResource",
  "kms:ScheduleKeyDeletion",
  "kms:CancelKeyDeletion",
  "kms:RotateKeyOnDemand",
];

/** Renders statements as an IAM policy document (tokens such as ARNs resolve at synth). */
export function policyDocument(statements: readonly PolicyStatement[]): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: statements.map((s) => ({
      ...(s.sid ? { Sid: s.sid } : {}),
      Effect: s.effect ?? "Allow",
      ...(s.principal ? { Principal: s.principal } : {}),
      Action: unwrap(s.actions),
      Resource: unwrap(s.resources),
      ...(s.conditions ? { Condition: s.conditions } : {}),
    })),
  });
}

/** Renders a role's trust policy. */
export function trustPolicyDocument(statements: readonly TrustStatement[]): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: statements.map((s) => ({
      ...(s.sid ? { Sid: s.sid } : {}),
      Effect: "Allow",
      Principal: s.principal,
      Action: unwrap(s.actions),
      ...(s.conditions ? { Condition: s.conditions } : {}),
    })),
  });
}

/**
 * A trust policy for an AWS service principal, with the confused-deputy guard AWS recommends:
 * the service may assume the role only on behalf of this account.
 */
export function serviceTrustPolicy(service: string, accountId: string, sourceArn?: string): string {
  return trustPolicyDocument([
    {
      principal: { Service: service },
      actions: ["sts:AssumeRole"],
      conditions: {
        StringEquals: { "aws:SourceAccount": accountId },
        ...(sourceArn ? { ArnLike: { "aws:SourceArn": sourceArn } } : {}),
      },
    },
  ]);
}

/** Exceptions `attachPolicy` allows when asked. */
export interface AttachPolicyOptions {
  /**
   * Allows service-wide actions (`ec2:*`) in this policy, for a deployment role that creates whole
   * stacks and cannot list every action. The value is the reason, written where the exception is
   * made. Even then a bare `*` is refused, and an allowed `svc:*` must be scoped to resources other
   * than `*`.
   * @default - service-wide actions are refused
   */
  readonly serviceWildcards?: string;
}

/**
 * Attaches `statements` to `role` as an inline policy named `name`. Inline policies live and die
 * with the grant that made them, which keeps a role's permissions readable in one place.
 */
export function attachPolicy(
  scope: Construct,
  id: string,
  role: IamRole,
  name: string,
  statements: readonly PolicyStatement[],
  options: AttachPolicyOptions = {},
): IamRolePolicy {
  if (statements.length === 0) throw new Error(`attachPolicy(${name}): no statements`);
  const wildcardsAllowed = (options.serviceWildcards ?? "").trim() !== "";
  for (const s of statements) {
    for (const action of s.actions) {
      if (action === "*") {
        throw new Error(`attachPolicy(${name}): the action "*" is never allowed; list the actions`);
      }
      if (action.endsWith(":*")) {
        if (!wildcardsAllowed) {
          throw new Error(
            `attachPolicy(${name}): wildcard action "${action}" is not allowed; list the actions (or, for a deployment role, pass { serviceWildcards: "<reason>" })`,
          );
        }
        if ((s.effect ?? "Allow") === "Allow" && s.resources.includes("*")) {
          throw new Error(
            `attachPolicy(${name}): "${action}" on resource "*" is not allowed; scope it to this account's ARNs`,
          );
        }
      }
    }
    if (s.resources.length === 0) throw new Error(`attachPolicy(${name}): a statement has no resources`);
  }
  return new IamRolePolicy(scope, id, { role: role.name, name, policy: policyDocument(statements) });
}

/** A managed policy's ARN (a customer-managed one, or AWS's own). */
export const MANAGED_POLICY_ARN = /^arn:aws[a-z-]*:iam::(\d{12}|aws):policy\/([\w+=,.@-]+\/)*[\w+=,.@-]+$/;
/** What a permissions boundary (or any managed policy ARN) must be. */
export const MANAGED_POLICY_ARN_RULE =
  "must be a managed policy ARN such as arn:aws:iam::123456789012:policy/acme-bootstrap-workload-boundary";

/**
 * Throws, naming `field`, unless `value` is a managed policy ARN
 * (`arn:aws:iam::<account>:policy/<name>`), e.g. a permissions boundary. References pass.
 */
export function assertManagedPolicyArn(value: string, field: string): void {
  if (Token.isUnresolved(value)) return;
  if (!MANAGED_POLICY_ARN.test(value)) {
    throw new PropError(field, `"${value}" ${MANAGED_POLICY_ARN_RULE}`);
  }
}

function unwrap(values: readonly string[]): string | string[] {
  return values.length === 1 ? (values[0] as string) : [...values];
}
