import { IamOpenidConnectProvider } from "@cdktf/provider-aws/lib/iam-openid-connect-provider/index.js";
import { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy/index.js";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role/index.js";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment/index.js";
import { Construct, type IConstruct } from "constructs";
import { attachPolicy, policyDocument, trustPolicyDocument } from "../iam/policy.js";
import { NAME_LIMITS, type Naming } from "../naming/naming.js";
import type { StateBackend } from "../state/state-backend.js";
import {
  applyStatements,
  applyUnscopedStatements,
  boundaryGuardStatements,
  type PermissionScope,
  type PreviewHost,
  previewStatements,
  previewUnscopedStatements,
  previewUpkeepStatements,
  readStatements,
} from "./permissions.js";
import {
  PreviewWorkloadBoundary,
  type PreviewWorkloadBoundaryProps,
  WorkloadBoundary,
} from "./workload-boundary.js";

export { PREVIEW_TAG } from "./permissions.js";

/** GitHub Actions' OIDC issuer; its host is the prefix of every claim condition key. */
export const GITHUB_OIDC_URL = "https://token.actions.githubusercontent.com";
const ISSUER = "token.actions.githubusercontent.com";
/** The audience `aws-actions/configure-aws-credentials` requests. */
export const GITHUB_OIDC_AUDIENCE = "sts.amazonaws.com";

const GITHUB_NAME = /^[A-Za-z0-9_.-]+$/;
/** A git branch name as the token's `ref:refs/heads/<branch>` spells it: no wildcard, no ":". */
const BRANCH_NAME = /^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*$/;
const OIDC_PROVIDER_ARN = /^arn:aws:iam::\d{12}:oidc-provider\/token\.actions\.githubusercontent\.com$/;

/**
 * A deliberate exception to a plan-time policy rule (infra/policy), with its reason. The stack
 * applies them: `for (const e of ci.policyExceptions) suppress(e.scope, e.rule, e.reason)`.
 */
export interface PolicyException {
  /** The inline policy the exception covers, and nothing else. */
  readonly scope: IConstruct;
  /** The rule's (Checkov) id. */
  readonly rule: string;
  readonly reason: string;
}

export interface CiAccessProps {
  /** Names the roles `<project>-<env>-ci-<plan|preview|apply>`; its project scopes what they may manage. */
  readonly naming: Naming;
  /** The repository whose workflows may assume the roles, spelled exactly as GitHub does (case matters). */
  readonly github: { readonly owner: string; readonly repository: string };
  /** Where every stack keeps its state. */
  readonly state: StateBackend;
  /** State keys of every stack, e.g. `acme/`: plan and preview read them, apply writes them. */
  readonly stateKeyPrefix: string;
  /** State keys of preview stacks, e.g. `acme/preview/`: the preview role writes only these. */
  readonly previewStateKeyPrefix: string;
  /**
   * GitHub environments whose jobs may apply (`repo:<owner>/<repo>:environment:<name>`), e.g.
   * `["dev", "staging", "prod"]`. Protect them in GitHub (required reviewers, branch rules).
   */
  readonly applyEnvironments: readonly string[];
  /**
   * The repository's default branch. Jobs of pushes to it and of scheduled runs carry
   * `repo:<owner>/<repo>:ref:refs/heads/<branch>`, which the plan role (drift checks, the prod plan)
   * and the preview role (the nightly reaper) also trust. Protect it in GitHub.
   * @default "main"
   */
  readonly defaultBranch?: string;
  /**
   * What roles created by the preview role may reach, for its permissions boundary
   * (`PreviewWorkloadBoundary`): the host environment's naming (its secrets and region), the host
   * database's ARN (its RDS-managed master secret) and the preview image repository.
   */
  readonly previewWorkloads: Omit<PreviewWorkloadBoundaryProps, "naming">;
  /**
   * The host environment's ECS cluster and load balancer, by name: the preview role may run
   * services and tasks only in that cluster and add listener rules only to that load balancer
   * (region and VPC come from `previewWorkloads.hostNaming`).
   */
  readonly previewHost: Pick<PreviewHost, "clusterName" | "loadBalancerName">;
  /**
   * Use the account's existing GitHub OIDC provider (an account has at most one per URL).
   * @default - the provider is created here
   */
  readonly existingOidcProviderArn?: string;
  /**
   * Preview DNS records are `pr-<N>.<previewDomain>`; the preview role may change only those.
   * @default - `pr-*` records of any name
   */
  readonly previewDomain?: string;
  /**
   * The hosted zone preview records live in; the preview role may change records only there.
   * @default - any hosted zone of the account
   */
  readonly previewHostedZoneId?: string;
}

/**
 * GitHub Actions access to AWS without stored keys: the GitHub OIDC provider and three roles, each
 * assumable only by tokens of one repository with an exact `sub`, for one hour at most.
 *
 * - `plan` (pull requests, the default branch): reads resource configuration and state, takes
 *   state locks.
 * - `preview` (pull requests, the default branch): also manages a pull request's preview resources
 *   (`<project>-pr-*`, tagged `Preview=true`) and the state under `previewStateKeyPrefix`; roles it
 *   creates carry the preview workload boundary.
 * - `apply` (the listed GitHub environments): creates and changes every stack; roles it creates
 *   carry the workload boundary.
 */
export class CiAccess extends Construct {
  readonly oidcProvider?: IamOpenidConnectProvider;
  readonly oidcProviderArn: string;
  readonly planRole: IamRole;
  readonly previewRole: IamRole;
  readonly applyRole: IamRole;
  /** What `terraform plan` reads (configuration, no data), attached to all three roles. */
  readonly readPolicy: IamPolicy;
  /**
   * The permissions boundary every role the apply role creates must carry
   * (`<project>-<env>-workload-boundary`); pass `workloadBoundary.policyArn` to the workload
   * modules' `permissionsBoundaryArn` in environment stacks.
   */
  readonly workloadBoundary: WorkloadBoundary;
  /**
   * The narrower boundary every role the preview role creates must carry
   * (`<project>-<env>-preview-workload-boundary`); preview stacks pass its `policyArn`.
   */
  readonly previewWorkloadBoundary: PreviewWorkloadBoundary;
  /**
   * The explicit denies attached to the apply role: no role without the workload boundary, no
   * boundary removed, neither boundary policy changed.
   */
  readonly boundaryGuardPolicy: IamPolicy;
  /** The same denies for the preview role, with the preview workload boundary. */
  readonly previewBoundaryGuardPolicy: IamPolicy;
  /** The preview role's own secrets and re-tagging (managed: the inline quota is nearly full). */
  readonly previewUpkeepPolicy: IamPolicy;
  /**
   * The policies that knowingly break a plan-time rule: the apply role's service-wide actions
   * (CKV_AWS_63) and its actions that accept no resource but `*` (CKV_AWS_355). (The preview
   * role's `ecs:DeregisterTaskDefinition` on `*` is on the rule's own list of unscopable actions.)
   */
  readonly policyExceptions: readonly PolicyException[];

  constructor(scope: Construct, id: string, props: CiAccessProps) {
    super(scope, id);
    validate(props);
    const { naming, github, state } = props;
    const repo = `repo:${github.owner}/${github.repository}`;
    const defaultBranch = `${repo}:ref:refs/heads/${props.defaultBranch ?? "main"}`;

    if (props.existingOidcProviderArn) {
      this.oidcProviderArn = props.existingOidcProviderArn;
    } else {
      // No thumbprint_list: AWS verifies GitHub's certificate against its trusted CAs and ignores
      // thumbprints for this provider; the attribute is optional in provider 5.100.
      this.oidcProvider = new IamOpenidConnectProvider(this, "github-oidc", {
        url: GITHUB_OIDC_URL,
        clientIdList: [GITHUB_OIDC_AUDIENCE],
        tags: { Name: naming.name("github-oidc") },
      });
      this.oidcProviderArn = this.oidcProvider.arn;
    }

    const role = (kind: string, subjects: readonly string[], description: string) =>
      new IamRole(this, `${kind}-role`, {
        name: naming.name(`ci-${kind}`, NAME_LIMITS.iamRole),
        description,
        maxSessionDuration: 3600,
        assumeRolePolicy: trustPolicyDocument([
          {
            sid: "GitHubActions",
            principal: { Federated: this.oidcProviderArn },
            actions: ["sts:AssumeRoleWithWebIdentity"],
            conditions: {
              StringEquals: {
                [`${ISSUER}:aud`]: GITHUB_OIDC_AUDIENCE,
                [`${ISSUER}:sub`]: subjects.length === 1 ? (subjects[0] as string) : [...subjects],
              },
            },
          },
        ]),
        tags: { Name: naming.name(`ci-${kind}`, NAME_LIMITS.iamRole) },
      });

    // Read-only work on the default branch (drift checks, the prod plan) needs no environment and
    // never holds write credentials; the nightly reaper destroys previews with the preview role.
    this.planRole = role(
      "plan",
      [`${repo}:pull_request`, defaultBranch],
      `terraform plan for pull requests and the default branch of ${github.owner}/${github.repository}: reads configuration and state`,
    );
    this.previewRole = role(
      "preview",
      [`${repo}:pull_request`, defaultBranch],
      `Preview environments for pull requests of ${github.owner}/${github.repository}: ${naming.project}-pr-* only`,
    );
    this.applyRole = role(
      "apply",
      props.applyEnvironments.map((env) => `${repo}:environment:${env}`),
      `terraform apply from the ${props.applyEnvironments.join(", ")} environments of ${github.owner}/${github.repository}`,
    );

    this.workloadBoundary = new WorkloadBoundary(this, "workload-boundary", { naming });
    this.previewWorkloadBoundary = new PreviewWorkloadBoundary(this, "preview-workload-boundary", {
      naming,
      ...props.previewWorkloads,
    });

    const permissionScope: PermissionScope = {
      accountId: naming.accountId,
      project: naming.project,
      bootstrapPrefix: naming.prefix,
      stateBucketArn: state.bucketArn,
      workloadBoundaryArn: this.workloadBoundary.policyArn,
      previewWorkloadBoundaryArn: this.previewWorkloadBoundary.policyArn,
      previewHost: {
        region: props.previewWorkloads.hostNaming.region,
        environment: props.previewWorkloads.hostNaming.environment,
        ...props.previewHost,
      },
      previewDomain: props.previewDomain,
      previewHostedZoneId: props.previewHostedZoneId,
    };

    // A managed policy rather than inline: a role's inline policies share a 10,240-character quota,
    // which the preview role's own statements nearly fill.
    this.readPolicy = new IamPolicy(this, "read-policy", {
      name: naming.name("ci-terraform-read"),
      description: "What terraform plan reads: resource configuration, no data",
      policy: policyDocument(readStatements()),
      tags: { Name: naming.name("ci-terraform-read") },
    });
    for (const [kind, ciRole] of [
      ["plan", this.planRole],
      ["preview", this.previewRole],
      ["apply", this.applyRole],
    ] as const) {
      new IamRolePolicyAttachment(this, `${kind}-read`, {
        role: ciRole.name,
        policyArn: this.readPolicy.arn,
      });
    }

    // Managed, like the read policy: denies on each role that creates roles, outside the inline
    // quota. Each role gets its own boundary: apply the general one, preview the preview one.
    // The apply guard keeps its construct id, name and description: a new description would
    // replace the policy (and detach it for a moment) on the next bootstrap apply.
    const guard = (kind: "apply" | "preview", ciRole: IamRole, boundaryArn: string, description: string) => {
      const name = naming.name(kind === "apply" ? "ci-boundary-guard" : "ci-preview-boundary-guard");
      const id = kind === "apply" ? "boundary-guard-policy" : "preview-boundary-guard-policy";
      const guardPolicy = new IamPolicy(this, id, {
        name,
        description,
        policy: policyDocument(boundaryGuardStatements(permissionScope, boundaryArn)),
        tags: { Name: name },
      });
      new IamRolePolicyAttachment(this, `${kind}-boundary-guard`, {
        role: ciRole.name,
        policyArn: guardPolicy.arn,
      });
      return guardPolicy;
    };
    this.boundaryGuardPolicy = guard(
      "apply",
      this.applyRole,
      this.workloadBoundary.policyArn,
      "Roles only with the workload boundary; the boundary is never removed or changed",
    );
    this.previewBoundaryGuardPolicy = guard(
      "preview",
      this.previewRole,
      this.previewWorkloadBoundary.policyArn,
      "Roles only with the preview workload boundary; no boundary is removed or changed",
    );

    state.grantReadState(this.planRole, { keyPrefix: props.stateKeyPrefix });

    attachPolicy(
      this,
      "preview-manage",
      this.previewRole,
      "manage-previews",
      previewStatements(permissionScope),
    );
    const upkeepName = naming.name("ci-preview-upkeep");
    this.previewUpkeepPolicy = new IamPolicy(this, "preview-upkeep-policy", {
      name: upkeepName,
      description: "Previews' own secrets, and re-tagging what is already a preview's",
      policy: policyDocument(previewUpkeepStatements(permissionScope)),
      tags: { Name: upkeepName },
    });
    new IamRolePolicyAttachment(this, "preview-upkeep", {
      role: this.previewRole.name,
      policyArn: this.previewUpkeepPolicy.arn,
    });
    attachPolicy(
      this,
      "preview-unscoped",
      this.previewRole,
      "actions-without-resource-scope",
      previewUnscopedStatements(),
    );
    state.grantReadState(this.previewRole, { keyPrefix: props.stateKeyPrefix });
    state.grantReadWriteState(this.previewRole, { keyPrefix: props.previewStateKeyPrefix });

    const serviceWide =
      "the apply role creates whole platform stacks (VPC, RDS, ECS, ALB, CloudFront, WAF, ...); each service-wide action is scoped to this account's (or the project's) resources, and IAM is never service-wide";
    const applyManage = attachPolicy(
      this,
      "apply-manage",
      this.applyRole,
      "manage-stacks",
      applyStatements(permissionScope),
      { serviceWildcards: serviceWide },
    );
    const applyUnscoped = attachPolicy(
      this,
      "apply-unscoped",
      this.applyRole,
      "actions-without-resource-scope",
      applyUnscopedStatements(),
    );
    state.grantReadWriteState(this.applyRole, { keyPrefix: props.stateKeyPrefix });

    const noResourceScope =
      'these actions support no resource-level permission (Service Authorization Reference): "*" is the only resource they accept; each is listed by name';
    this.policyExceptions = [
      { scope: applyManage, rule: "CKV_AWS_63", reason: serviceWide },
      { scope: applyUnscoped, rule: "CKV_AWS_355", reason: noResourceScope },
    ];
  }
}

function validate(props: CiAccessProps): void {
  for (const [field, value] of [
    ["owner", props.github.owner],
    ["repository", props.github.repository],
  ] as const) {
    if (!GITHUB_NAME.test(value)) {
      throw new Error(
        `ciAccess.github.${field}: "${value}" must be a GitHub name (letters, digits, "-", "_", "."), no wildcards`,
      );
    }
  }
  for (const [field, prefix] of [
    ["stateKeyPrefix", props.stateKeyPrefix],
    ["previewStateKeyPrefix", props.previewStateKeyPrefix],
  ] as const) {
    if (!prefix || prefix.includes("*") || !prefix.endsWith("/")) {
      throw new Error(
        `ciAccess.${field}: "${prefix}" must be a key prefix ending in "/" (e.g. "acme/"), without "*"`,
      );
    }
  }
  if (!props.previewStateKeyPrefix.startsWith(props.stateKeyPrefix)) {
    throw new Error(
      `ciAccess.previewStateKeyPrefix: "${props.previewStateKeyPrefix}" must lie under stateKeyPrefix "${props.stateKeyPrefix}" (e.g. "${props.stateKeyPrefix}preview/")`,
    );
  }
  if (props.previewStateKeyPrefix === props.stateKeyPrefix) {
    throw new Error(
      `ciAccess.previewStateKeyPrefix: must be narrower than stateKeyPrefix, or previews could overwrite every stack's state`,
    );
  }
  const branch = props.defaultBranch ?? "main";
  if (!BRANCH_NAME.test(branch) || branch.split("/").some((part) => part === "." || part === "..")) {
    throw new Error(
      `ciAccess.defaultBranch: "${branch}" must be a branch name (letters, digits, "-", "_", ".", "/"), without wildcards or ":"`,
    );
  }
  if (props.applyEnvironments.length === 0) {
    throw new Error(`ciAccess.applyEnvironments: list at least one GitHub environment (e.g. ["dev"])`);
  }
  for (const env of props.applyEnvironments) {
    if (!env || /[*?:]/.test(env) || env !== env.trim()) {
      throw new Error(
        `ciAccess.applyEnvironments: "${env}" must be a GitHub environment name, without wildcards or ":"`,
      );
    }
  }
  if (new Set(props.applyEnvironments).size !== props.applyEnvironments.length) {
    throw new Error(`ciAccess.applyEnvironments: [${props.applyEnvironments.join(", ")}] repeats a name`);
  }
  if (props.existingOidcProviderArn !== undefined && !OIDC_PROVIDER_ARN.test(props.existingOidcProviderArn)) {
    throw new Error(
      `ciAccess.existingOidcProviderArn: "${props.existingOidcProviderArn}" must be arn:aws:iam::<account>:oidc-provider/token.actions.githubusercontent.com`,
    );
  }
  if (props.previewDomain !== undefined && !/^[a-z0-9.-]+\.?$/i.test(props.previewDomain)) {
    throw new Error(
      `ciAccess.previewDomain: "${props.previewDomain}" must be a DNS name such as preview.example.com`,
    );
  }
  if (props.previewHostedZoneId !== undefined && !/^Z[A-Z0-9]+$/.test(props.previewHostedZoneId)) {
    throw new Error(
      `ciAccess.previewHostedZoneId: "${props.previewHostedZoneId}" must be a hosted zone id (Z...)`,
    );
  }
}
