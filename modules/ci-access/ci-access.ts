import { IamOpenidConnectProvider } from "@cdktf/provider-aws/lib/iam-openid-connect-provider/index.js";
import { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy/index.js";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role/index.js";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment/index.js";
import { Construct, type IConstruct } from "constructs";
import { attachPolicy, policyDocument, trustPolicyDocument } from "../iam/policy.js";
import { NAME_LIMITS, type Naming } from "../naming/naming.js";
import type { StateBackend } from "../state/state-backend.js";
import { PropError } from "../validation/prop-error.js";
import {
  type ApplyEnvironmentScope,
  applyEc2CapacityStatements,
  applyStatements,
  applyUnscopedStatements,
} from "./apply-permissions.js";
import { InstanceBoundary } from "./instance-boundary.js";
import { boundaryGuardStatements, type PermissionScope, type PreviewHost } from "./permissions.js";
import {
  previewRoleStatements,
  previewStatements,
  previewUnscopedStatements,
  previewUpkeepStatements,
} from "./preview-permissions.js";
import { readPolicyGroups } from "./read-permissions.js";
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
  /** Why the rule does not apply here, for the reviewer and the policy report. */
  readonly reason: string;
}

/** Props of `CiAccess`: the repository, the environments it applies and what previews may reach. */
export interface CiAccessProps {
  /** Names the roles `<project>-<env>-ci-<plan|preview|apply>`; its project scopes what they may manage. */
  readonly naming: Naming;
  /** The repository whose workflows may assume the roles, spelled exactly as GitHub does (case matters). */
  readonly github: {
    /** The user or organisation, e.g. `acme`. */
    readonly owner: string;
    /** The repository's name, e.g. `platform`. */
    readonly repository: string;
  };
  /** Where every stack keeps its state. */
  readonly state: StateBackend;
  /** State keys of every stack, e.g. `acme/`: plan and preview read them, apply writes them. */
  readonly stateKeyPrefix: string;
  /** State keys of preview stacks, e.g. `acme/preview/`: the preview role writes only these. */
  readonly previewStateKeyPrefix: string;
  /**
   * The environments CI applies, one apply role each (`<project>-<bootstrap env>-ci-apply-<env>`),
   * assumable only by jobs of the GitHub environment of the same name
   * (`repo:<owner>/<repo>:environment:<env>`) and reaching only that environment's resources. In
   * GitHub, create each environment before the first run (GitHub creates a missing one unprotected)
   * and protect it: deployment branches `main` only, required reviewers for staging and prod.
   */
  readonly applyEnvironments: readonly ApplyEnvironment[];
  /** The release repository every environment pulls from: the only one workload roles may pull from. */
  readonly releaseRepositoryArn: string;
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
   * (region and VPC come from `previewWorkloads.hostNaming`); and, when given, the subnets its
   * service runs in, the only ones a preview service may be placed in (unknown until the host is
   * applied: until then any subnet).
   */
  readonly previewHost: Pick<PreviewHost, "clusterName" | "loadBalancerName" | "subnetIds">;
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

/** An environment CI applies. */
export interface ApplyEnvironment {
  /** The environment's naming: its slug, account and region (same project and account as `naming`). */
  readonly naming: Naming;
  /** Its Route 53 hosted zone: the only zone whose records its apply role changes. */
  readonly hostedZoneId: string;
}

/**
 * GitHub Actions access to AWS without stored keys: the GitHub OIDC provider and three roles, each
 * assumable only by tokens of one repository with an exact `sub`, for one hour at most.
 *
 * - `plan` (pull requests, the default branch): reads resource configuration and state; writes
 *   nothing, not even a state lock (plan with `-lock=false`).
 * - `preview` (pull requests, the default branch): also manages a pull request's preview resources
 *   (`<project>-pr-*`, tagged `Preview=true`), their state and locks under `previewStateKeyPrefix`;
 *   roles it creates carry the preview workload boundary.
 * - `apply-<env>` (the GitHub environment `<env>` only): creates and changes that environment's
 *   stack and nothing of another; roles it creates carry that environment's workload boundary (or,
 *   for ECS container instances, its instance boundary).
 */
export class CiAccess extends Construct {
  /** The GitHub OIDC provider, when created here (not with `existingOidcProviderArn`). */
  readonly oidcProvider?: IamOpenidConnectProvider;
  /** The GitHub OIDC provider's ARN, created here or given. */
  readonly oidcProviderArn: string;
  /** The read-only plan role: pull requests and the default branch. */
  readonly planRole: IamRole;
  /** The preview role: pull requests' preview stacks, and the reaper on the default branch. */
  readonly previewRole: IamRole;
  /** One apply role per environment, by environment slug. */
  readonly applyRoles: Readonly<Record<string, IamRole>>;
  /** What `terraform plan` reads (configuration, no data), attached to every role: the scoped part. */
  readonly readPolicy: IamPolicy;
  /**
   * Every read policy (`readPolicy` first): reads on this account's ARNs, and the reads IAM
   * authorises only on `*` — two policies, since together they exceed a managed policy's size.
   */
  readonly readPolicies: readonly IamPolicy[];
  /**
   * Each environment's permissions boundary, by slug: every role its apply role creates must carry
   * it; environment stacks pass `WorkloadBoundary.arnFor(naming, env)` to the workload modules'
   * `permissionsBoundaryArn`.
   */
  readonly workloadBoundaries: Readonly<Record<string, WorkloadBoundary>>;
  /**
   * Each environment's container instance boundary, by slug: the ECS and SSM agents only. Its apply
   * role may create roles with it too, and attach the container instances' two AWS managed
   * policies only to those; environment stacks pass `InstanceBoundary.arnFor(naming, env)` to
   * `Ec2Capacity`'s `permissionsBoundaryArn`.
   */
  readonly instanceBoundaries: Readonly<Record<string, InstanceBoundary>>;
  /**
   * The narrower boundary every role the preview role creates must carry
   * (`<project>-<env>-preview-workload-boundary`); preview stacks pass its `policyArn`.
   */
  readonly previewWorkloadBoundary: PreviewWorkloadBoundary;
  /**
   * The explicit denies attached to each apply role, by environment: no role without that
   * environment's boundary, no boundary removed, no boundary policy changed.
   */
  readonly boundaryGuardPolicies: Readonly<Record<string, IamPolicy>>;
  /**
   * What each apply role needs for ECS container instances (`Ec2Capacity`), by environment:
   * autoscaling groups, instance profiles, the agents' AWS managed policies on instance-boundary
   * roles, launching from Amazon's images (managed: the inline quota is full).
   */
  readonly ec2CapacityPolicies: Readonly<Record<string, IamPolicy>>;
  /** The same denies for the preview role, with the preview workload boundary. */
  readonly previewBoundaryGuardPolicy: IamPolicy;
  /** The preview role's own secrets and re-tagging (managed: the inline quota is nearly full). */
  readonly previewUpkeepPolicy: IamPolicy;
  /** The preview role's task and execution roles (managed, like the upkeep policy). */
  readonly previewRolesPolicy: IamPolicy;
  /**
   * The policies that knowingly break a plan-time rule: each apply role's service-wide actions
   * (CKV_AWS_63), each scoped to its environment's names or tag.
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

    const workloadBoundaries: Record<string, WorkloadBoundary> = {};
    for (const env of props.applyEnvironments) {
      const slug = env.naming.environment;
      workloadBoundaries[slug] = new WorkloadBoundary(this, `workload-boundary-${slug}`, {
        naming,
        environment: env.naming,
        repositoryArn: props.releaseRepositoryArn,
      });
    }
    this.workloadBoundaries = workloadBoundaries;
    const instanceBoundaries: Record<string, InstanceBoundary> = {};
    for (const env of props.applyEnvironments) {
      const slug = env.naming.environment;
      instanceBoundaries[slug] = new InstanceBoundary(this, `instance-boundary-${slug}`, {
        naming,
        environment: env.naming,
        repositoryArn: props.releaseRepositoryArn,
      });
    }
    this.instanceBoundaries = instanceBoundaries;
    this.previewWorkloadBoundary = new PreviewWorkloadBoundary(this, "preview-workload-boundary", {
      naming,
      ...props.previewWorkloads,
    });

    const permissionScope: PermissionScope = {
      accountId: naming.accountId,
      project: naming.project,
      bootstrapPrefix: naming.prefix,
      stateBucketArn: state.bucketArn,
      workloadBoundaryArns: Object.values(workloadBoundaries).map((b) => b.policyArn),
      instanceBoundaryArns: Object.values(instanceBoundaries).map((b) => b.policyArn),
      previewWorkloadBoundaryArn: this.previewWorkloadBoundary.policyArn,
      previewHost: {
        region: props.previewWorkloads.hostNaming.region,
        environment: props.previewWorkloads.hostNaming.environment,
        ...props.previewHost,
      },
      previewDomain: props.previewDomain,
      previewHostedZoneId: props.previewHostedZoneId,
    };

    // Managed policies rather than inline: a role's inline policies share a 10,240-character quota,
    // which the preview role's own statements nearly fill.
    this.readPolicies = readPolicyGroups(naming.accountId).map((group, i) => {
      const name = naming.name(group.name);
      return new IamPolicy(this, i === 0 ? "read-policy" : `read-policy-${i + 1}`, {
        name,
        description: group.description,
        policy: policyDocument(group.statements),
        tags: { Name: name },
      });
    });
    this.readPolicy = this.readPolicies[0] as IamPolicy;
    const readBy = (kind: string, ciRole: IamRole) => {
      this.readPolicies.forEach((policy, i) => {
        new IamRolePolicyAttachment(this, i === 0 ? `${kind}-read` : `${kind}-read-${i + 1}`, {
          role: ciRole.name,
          policyArn: policy.arn,
        });
      });
    };
    readBy("plan", this.planRole);
    readBy("preview", this.previewRole);

    // Managed, like the read policy: denies on each role that creates roles, outside the inline
    // quota. Each role gets its own boundary: an apply role its environment's, preview the preview one.
    const guard = (
      id: string,
      name: string,
      ciRole: IamRole,
      boundaryArns: string | readonly string[],
      description: string,
    ) => {
      const guardPolicy = new IamPolicy(this, `${id}-policy`, {
        name,
        description,
        policy: policyDocument(boundaryGuardStatements(permissionScope, boundaryArns)),
        tags: { Name: name },
      });
      new IamRolePolicyAttachment(this, id, { role: ciRole.name, policyArn: guardPolicy.arn });
      return guardPolicy;
    };
    this.previewBoundaryGuardPolicy = guard(
      "preview-boundary-guard",
      naming.name("ci-preview-boundary-guard"),
      this.previewRole,
      this.previewWorkloadBoundary.policyArn,
      "Roles only with the preview workload boundary; no boundary is removed or changed",
    );

    // Plans run with -lock=false: a pull request's role takes no lock, so it can hold none up.
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
    const rolesName = naming.name("ci-preview-roles");
    this.previewRolesPolicy = new IamPolicy(this, "preview-roles-policy", {
      name: rolesName,
      description: "Previews' task and execution roles, only under the preview workload boundary",
      policy: policyDocument(previewRoleStatements(permissionScope)),
      tags: { Name: rolesName },
    });
    new IamRolePolicyAttachment(this, "preview-roles", {
      role: this.previewRole.name,
      policyArn: this.previewRolesPolicy.arn,
    });
    attachPolicy(
      this,
      "preview-unscoped",
      this.previewRole,
      "actions-without-resource-scope",
      previewUnscopedStatements(),
    );
    // Previews read their host's state (its network, load balancer, cluster, database) and write,
    // and lock, only their own.
    state.grantReadState(this.previewRole, {
      keyPrefix: `${props.stateKeyPrefix}${props.previewWorkloads.hostNaming.environment}/`,
    });
    state.grantReadWriteState(this.previewRole, { keyPrefix: props.previewStateKeyPrefix });

    const applyRoles: Record<string, IamRole> = {};
    const guards: Record<string, IamPolicy> = {};
    const ec2CapacityPolicies: Record<string, IamPolicy> = {};
    const exceptions: PolicyException[] = [];
    for (const env of props.applyEnvironments) {
      const slug = env.naming.environment;
      const boundaryArn = (workloadBoundaries[slug] as WorkloadBoundary).policyArn;
      const instanceBoundaryArn = (instanceBoundaries[slug] as InstanceBoundary).policyArn;
      const applyRole = role(
        `apply-${slug}`,
        [`${repo}:environment:${slug}`],
        `terraform apply of ${naming.project}'s ${slug} environment, from the ${slug} GitHub environment of ${github.owner}/${github.repository}`,
      );
      applyRoles[slug] = applyRole;
      readBy(`apply-${slug}`, applyRole);
      guards[slug] = guard(
        `apply-${slug}-boundary-guard`,
        naming.name(`ci-${slug}-boundary-guard`),
        applyRole,
        [boundaryArn, instanceBoundaryArn],
        // Unchanged since before the instance boundary: a new description would replace the policy.
        `Roles only with the ${slug} workload boundary; no boundary is removed or changed`,
      );
      const envScope: ApplyEnvironmentScope = {
        name: slug,
        hostedZoneId: env.hostedZoneId,
        workloadBoundaryArn: boundaryArn,
        instanceBoundaryArn,
      };
      const manage = attachPolicy(
        this,
        `apply-${slug}-manage`,
        applyRole,
        "manage-stack",
        applyStatements(permissionScope, envScope),
        {
          serviceWildcards: `the ${slug} apply role creates a whole platform stack; each service-wide action is scoped to ${slug}'s names or Environment tag`,
        },
      );
      attachPolicy(
        this,
        `apply-${slug}-unscoped`,
        applyRole,
        "actions-without-resource-scope",
        applyUnscopedStatements(envScope),
      );
      const ec2Name = naming.name(`ci-${slug}-ec2-capacity`);
      ec2CapacityPolicies[slug] = new IamPolicy(this, `apply-${slug}-ec2-capacity-policy`, {
        name: ec2Name,
        description: `ECS container instances of the ${slug} environment: autoscaling group, instance profile, agent policies under the ${slug} instance boundary`,
        policy: policyDocument(applyEc2CapacityStatements(permissionScope, envScope)),
        tags: { Name: ec2Name },
      });
      new IamRolePolicyAttachment(this, `apply-${slug}-ec2-capacity`, {
        role: applyRole.name,
        policyArn: (ec2CapacityPolicies[slug] as IamPolicy).arn,
      });
      state.grantReadWriteState(applyRole, { keyPrefix: `${props.stateKeyPrefix}${slug}/` });
      exceptions.push({
        scope: manage,
        rule: "CKV_AWS_63",
        reason: `the ${slug} apply role creates a whole platform stack (VPC, RDS, ECS, ALB, CloudFront, WAF, ...); each service-wide action is scoped to ${slug}'s names or Environment tag, and IAM is never service-wide`,
      });
    }
    this.applyRoles = applyRoles;
    this.boundaryGuardPolicies = guards;
    this.ec2CapacityPolicies = ec2CapacityPolicies;
    this.policyExceptions = exceptions;
  }
}

function validate(props: CiAccessProps): void {
  if (props.naming.scheme !== "project-environment") {
    throw new PropError(
      "ciAccess.naming",
      "the CI roles are scoped to the kit's <project>-<environment>-… names and tags; give it new Naming({ project, environment, accountId, region })",
    );
  }
  for (const [field, value] of [
    ["owner", props.github.owner],
    ["repository", props.github.repository],
  ] as const) {
    if (!GITHUB_NAME.test(value)) {
      throw new PropError(
        `ciAccess.github.${field}`,
        `"${value}" must be a GitHub name (letters, digits, "-", "_", "."), no wildcards`,
      );
    }
  }
  for (const [field, prefix] of [
    ["stateKeyPrefix", props.stateKeyPrefix],
    ["previewStateKeyPrefix", props.previewStateKeyPrefix],
  ] as const) {
    if (!prefix || prefix.includes("*") || !prefix.endsWith("/")) {
      throw new PropError(
        `ciAccess.${field}`,
        `"${prefix}" must be a key prefix ending in "/" (e.g. "acme/"), without "*"`,
      );
    }
  }
  if (!props.previewStateKeyPrefix.startsWith(props.stateKeyPrefix)) {
    throw new PropError(
      "ciAccess.previewStateKeyPrefix",
      `"${props.previewStateKeyPrefix}" must lie under stateKeyPrefix "${props.stateKeyPrefix}" (e.g. "${props.stateKeyPrefix}preview/")`,
    );
  }
  if (props.previewStateKeyPrefix === props.stateKeyPrefix) {
    throw new PropError(
      "ciAccess.previewStateKeyPrefix",
      "must be narrower than stateKeyPrefix, or previews could overwrite every stack's state",
    );
  }
  const branch = props.defaultBranch ?? "main";
  if (!BRANCH_NAME.test(branch) || branch.split("/").some((part) => part === "." || part === "..")) {
    throw new PropError(
      "ciAccess.defaultBranch",
      `"${branch}" must be a branch name (letters, digits, "-", "_", ".", "/"), without wildcards or ":"`,
    );
  }
  if (props.applyEnvironments.length === 0) {
    throw new PropError("ciAccess.applyEnvironments", "list at least one environment (e.g. dev)");
  }
  const slugs = props.applyEnvironments.map((env) => env.naming.environment);
  for (const [i, env] of props.applyEnvironments.entries()) {
    const slug = env.naming.environment;
    if (!/^[a-z][a-z0-9-]*$/.test(slug) || slug.startsWith("pr-")) {
      throw new PropError(
        `ciAccess.applyEnvironments[${i}].naming.environment`,
        `"${slug}" must be a lower-case environment slug (the GitHub environment's name), not a preview's pr-<N>`,
      );
    }
    if (env.naming.project !== props.naming.project || env.naming.accountId !== props.naming.accountId) {
      throw new PropError(
        `ciAccess.applyEnvironments[${i}].naming`,
        `${env.naming.project} in ${env.naming.accountId} must be the project ${props.naming.project} in account ${props.naming.accountId}, where the CI roles live`,
      );
    }
    assertHostedZoneId(env.hostedZoneId, `ciAccess.applyEnvironments[${i}].hostedZoneId`);
  }
  if (new Set(slugs).size !== slugs.length) {
    throw new PropError("ciAccess.applyEnvironments", `[${slugs.join(", ")}] repeats an environment`);
  }
  if (props.releaseRepositoryArn.includes("*")) {
    throw new PropError(
      "ciAccess.releaseRepositoryArn",
      `"${props.releaseRepositoryArn}" must name one repository`,
    );
  }
  if (props.existingOidcProviderArn !== undefined && !OIDC_PROVIDER_ARN.test(props.existingOidcProviderArn)) {
    throw new PropError(
      "ciAccess.existingOidcProviderArn",
      `"${props.existingOidcProviderArn}" must be arn:aws:iam::<account>:oidc-provider/token.actions.githubusercontent.com`,
    );
  }
  if (props.previewDomain !== undefined && !/^[a-z0-9.-]+\.?$/i.test(props.previewDomain)) {
    throw new PropError(
      "ciAccess.previewDomain",
      `"${props.previewDomain}" must be a DNS name such as preview.example.com`,
    );
  }
  if (props.previewHostedZoneId !== undefined)
    assertHostedZoneId(props.previewHostedZoneId, "ciAccess.previewHostedZoneId");
}

function assertHostedZoneId(value: string, field: string): void {
  if (!/^Z[A-Z0-9]+$/.test(value)) throw new PropError(field, `"${value}" must be a hosted zone id (Z...)`);
}
