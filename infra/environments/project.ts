import { WorkloadBoundary } from "../../modules/ci-access/workload-boundary.js";
import type { RepositoryRef } from "../../modules/compute/repository.js";
import { Naming } from "../../modules/naming/naming.js";

/**
 * Settings shared by every stack: the project's name, where Terraform state lives, and the GitHub
 * repository whose workflows may assume the CI roles. Edit these first.
 */
export const project = {
  /** Prefixes every resource name: `<project>-<env>-<thing>`. */
  name: "acme",
  /**
   * The account and region of the bootstrap stack: the state bucket, lock table, CI roles and the
   * container repository every environment pulls from.
   */
  state: { accountId: "123456789012", region: "us-east-1" },
  /** The repository whose GitHub Actions workflows get AWS roles through OIDC. */
  github: { owner: "acme", repository: "platform" },
  /** The environment that hosts per-pull-request previews (it needs `previews` in its config). */
  previews: { hostEnvironment: "dev" },
} as const;

/** The bootstrap stack's naming; the state bucket and lock table names derive from it. */
export function bootstrapNaming(): Naming {
  return new Naming({
    project: project.name,
    environment: "bootstrap",
    accountId: project.state.accountId,
    region: project.state.region,
  });
}

/** Naming of things every environment shares (the container repository): `<project>-shared-<thing>`. */
export function sharedNaming(): Naming {
  return bootstrapNaming().withEnvironment("shared");
}

/** The name of the one container repository: images are built once and promoted by tag. */
export const REPOSITORY_NAME = "app";

/**
 * The shared repository as a reference, built from its name: environment stacks need its URL and
 * ARN, and computing them keeps those stacks free of cross-stack references.
 */
export function sharedRepository(): RepositoryRef {
  const { accountId, region } = project.state;
  const name = sharedNaming().name(REPOSITORY_NAME);
  return {
    repositoryUrl: `${accountId}.dkr.ecr.${region}.amazonaws.com/${name}`,
    repositoryArn: `arn:aws:ecr:${region}:${accountId}:repository/${name}`,
  };
}

/**
 * The ARN of the workload permissions boundary (the bootstrap stack's `CiAccess` creates it),
 * built from its name like `sharedRepository()`: every role an environment or preview creates for
 * its workloads carries it, and the CI roles may create roles only with it.
 *
 * `accountId` is the account of the stack asking: the boundary (like the CI roles and the
 * repository) exists only in the state account, and IAM accepts only a boundary of the role's own
 * account, so another account fails here, naming `field`, rather than at apply.
 */
export function workloadBoundaryArn(accountId: string, field = "accountId"): string {
  if (accountId !== project.state.accountId) {
    throw new Error(
      `${field}: ${accountId} is not the state account ${project.state.accountId}; the workload permissions boundary, the CI roles and the container repository exist only there (infra/environments/project.ts), so deploy environments into that account`,
    );
  }
  return WorkloadBoundary.arnFor(bootstrapNaming());
}
