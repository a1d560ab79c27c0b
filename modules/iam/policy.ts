/**
 * IAM policy documents as typed values. Modules express intent (`bucket.grantReadWrite(role)`);
 * this is the one place that turns statements into JSON and attaches them to a role, so every
 * grant in the kit is written, named and reviewed the same way.
 */
import type { IamRole } from "@cdktf/provider-aws/lib/iam-role/index.js";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy/index.js";
import { Token } from "cdktf";
import type { Construct } from "constructs";

export type Condition = Record<string, Record<string, string | string[] | boolean>>;

export type Principal =
  | "*"
  | { readonly Service: string | readonly string[] }
  | { readonly AWS: string | readonly string[] }
  | { readonly Federated: string };

export interface PolicyStatement {
  /** Statement id, shown in the console and in policy findings. */
  readonly sid?: string;
  readonly effect?: "Allow" | "Deny";
  /** Only in resource policies (bucket policies); identity policies have none. */
  readonly principal?: Principal;
  readonly actions: readonly string[];
  readonly resources: readonly string[];
  readonly conditions?: Condition;
}

export interface TrustStatement {
  readonly sid?: string;
  readonly principal: Exclude<Principal, "*">;
  readonly actions: readonly string[];
  readonly conditions?: Condition;
}

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

const MANAGED_POLICY_ARN = /^arn:aws[a-z-]*:iam::(\d{12}|aws):policy\/([\w+=,.@-]+\/)*[\w+=,.@-]+$/;

/**
 * Throws, naming `field`, unless `value` is a managed policy ARN
 * (`arn:aws:iam::<account>:policy/<name>`), e.g. a permissions boundary. References pass.
 */
export function assertManagedPolicyArn(value: string, field: string): void {
  if (Token.isUnresolved(value)) return;
  if (!MANAGED_POLICY_ARN.test(value)) {
    throw new Error(
      `${field}: "${value}" must be a managed policy ARN such as arn:aws:iam::123456789012:policy/acme-bootstrap-workload-boundary`,
    );
  }
}

function unwrap(values: readonly string[]): string | string[] {
  return values.length === 1 ? (values[0] as string) : [...values];
}
