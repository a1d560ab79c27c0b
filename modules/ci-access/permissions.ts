/**
 * What the CI roles share: the scope their statements are written for, and the boundary guard every
 * role that creates roles carries. What every role reads is in `read-permissions.ts`; each role's
 * own permissions are in `apply-permissions.ts` (one apply role per environment) and
 * `preview-permissions.ts`; `ci-access.ts` attaches them.
 *
 * ARN patterns are written against the Service Authorization Reference: actions that support no
 * resource-level permission are only ever granted on `*`, listed one by one and explained.
 */
import type { PolicyStatement } from "../iam/policy.js";

/** The tag that marks a preview stack's resources (set it in the preview stack's `default_tags`). */
export const PREVIEW_TAG = { key: "Preview", value: "true" } as const;

/** Who and what the statements are scoped to. */
export interface PermissionScope {
  /** The account every CI role and every stack lives in. */
  readonly accountId: string;
  /** Project slug: every stack's resources are named `<project>-...`. */
  readonly project: string;
  /**
   * Name prefix of the bootstrap stack (`<project>-<bootstrap env>`), whose roles the apply role
   * must never change.
   */
  readonly bootstrapPrefix: string;
  /** The state bucket's ARN, which the apply role must never reconfigure. */
  readonly stateBucketArn: string;
  /**
   * Every environment's permissions boundary (`WorkloadBoundary`), as literal ARNs: no CI role may
   * change any of them.
   */
  readonly workloadBoundaryArns: readonly string[];
  /**
   * Every environment's container instance boundary (`InstanceBoundary`), as literal ARNs: no CI
   * role may change any of them either.
   * @default - none
   */
  readonly instanceBoundaryArns?: readonly string[];
  /**
   * The narrower boundary every role the preview role creates or changes must carry
   * (`PreviewWorkloadBoundary`), as a literal ARN.
   */
  readonly previewWorkloadBoundaryArn: string;
  /** Where previews run: the one environment whose cluster, load balancer and VPC they share. */
  readonly previewHost: PreviewHost;
  /**
   * Preview DNS records live under this domain (`pr-<N>.<domain>`).
   * @default - `pr-*` records of any name
   */
  readonly previewDomain?: string;
  /**
   * Preview DNS records live in this hosted zone.
   * @default - any hosted zone of the account
   */
  readonly previewHostedZoneId?: string;
}

/** The environment that hosts the previews, as far as the preview role's permissions need it. */
export interface PreviewHost {
  /** Its region: previews are created there only. */
  readonly region: string;
  /** Its environment slug (`dev`): the `Environment` tag of its VPC. */
  readonly environment: string;
  /** Its ECS cluster's name: preview services and one-off tasks run there only. */
  readonly clusterName: string;
  /** Its load balancer's name: preview listener rules go on its listeners only. */
  readonly loadBalancerName: string;
  /**
   * The subnets its service runs in: preview services may be placed there only.
   * @default - any subnet (unknown until the host is applied)
   */
  readonly subnetIds?: readonly string[];
}

/**
 * The IAM actions that add permissions to a role or decide who may assume it: allowed to CI only on
 * a role under a workload boundary (a role's trust policy opened to anyone is as good as a grant).
 */
export const ROLE_GRANT_ACTIONS = [
  "iam:CreateRole",
  "iam:PutRolePolicy",
  "iam:AttachRolePolicy",
  "iam:PutRolePermissionsBoundary",
  "iam:UpdateAssumeRolePolicy",
] as const;

/** What changes the boundary policy itself (a new default version would rewrite every role's limit). */
export const BOUNDARY_POLICY_CHANGES = [
  "iam:CreatePolicyVersion",
  "iam:DeletePolicy",
  "iam:DeletePolicyVersion",
  "iam:SetDefaultPolicyVersion",
] as const;

/**
 * Explicit denies for a role that creates roles (preview, apply), so no Allow added later can undo
 * them: no role may be created or granted permissions without one of `boundaryArns` (the role's own
 * boundaries: the preview workload boundary for preview; the environment's workload boundary, and
 * its container instance boundary, for apply), no role's boundary may be removed, and no boundary
 * policy may be changed or deleted. (`StringNotEquals` is also true when a role has no boundary at
 * all; with a list, it is true when the boundary is none of them.)
 */
export function boundaryGuardStatements(
  scope: PermissionScope,
  boundaryArns: string | readonly string[],
): PolicyStatement[] {
  const roles = `arn:aws:iam::${scope.accountId}:role/*`;
  const own = typeof boundaryArns === "string" ? [boundaryArns] : [...boundaryArns];
  if (own.length === 0) throw new Error("boundaryGuardStatements: give at least one boundary ARN");
  return [
    {
      sid: "NoRoleWithoutTheWorkloadBoundary",
      effect: "Deny",
      actions: ROLE_GRANT_ACTIONS,
      resources: [roles],
      conditions: {
        StringNotEquals: { "iam:PermissionsBoundary": own.length === 1 ? (own[0] as string) : own },
      },
    },
    {
      sid: "NeverRemoveABoundary",
      effect: "Deny",
      actions: ["iam:DeleteRolePermissionsBoundary"],
      resources: [roles],
    },
    {
      sid: "NeverChangeTheWorkloadBoundaries",
      effect: "Deny",
      actions: BOUNDARY_POLICY_CHANGES,
      resources: [
        ...scope.workloadBoundaryArns,
        ...(scope.instanceBoundaryArns ?? []),
        scope.previewWorkloadBoundaryArn,
      ],
    },
  ];
}
