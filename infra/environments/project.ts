import {
  InstanceBoundary,
  PreviewWorkloadBoundary,
  WorkloadBoundary,
} from "@aws-platform-kit/modules/ci-access";
import type { RepositoryRef } from "@aws-platform-kit/modules/compute";
import { NAME_LIMITS, Naming } from "@aws-platform-kit/modules/naming";

/**
 * Settings shared by every stack: the project's name, where Terraform state lives, and the GitHub
 * repository whose workflows may assume the CI roles. Edit these first.
 */
export const project = {
  /** Prefixes every resource name: `<project>-<env>-<thing>`. */
  name: "acme",
  /**
   * The account and region of the bootstrap stack: the state bucket, lock table, CI roles, the
   * release repository every environment pulls from and the preview repository previews pull from.
   */
  state: { accountId: "123456789012", region: "us-east-1" },
  /** The repository whose GitHub Actions workflows get AWS roles through OIDC. */
  github: { owner: "acme", repository: "platform" },
  /** The environment that hosts per-pull-request previews (it needs `previews` in its config). */
  previews: { hostEnvironment: "dev" },
  /**
   * The environment whose deploy job builds and pushes the release image (deploy.yml's first job,
   * `dev`); the others only promote its tags. Only that environment's apply role may push to the
   * release repository.
   */
  releases: { pushEnvironment: "dev" },
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

/** Naming of things every environment shares (the container repositories): `<project>-shared-<thing>`. */
export function sharedNaming(): Naming {
  return bootstrapNaming().withEnvironment("shared");
}

/**
 * The name of the release repository: images are built once on `main` and promoted by tag to
 * staging and prod. Only the apply role may push to it.
 */
export const REPOSITORY_NAME = "app";

/**
 * The name of the preview repository: images built by pull requests' workflows (whose workflow
 * files come from their branches), kept apart so no release ever runs one. Only the preview role
 * may push to it.
 */
export const PREVIEW_REPOSITORY_NAME = "app-preview";

function repositoryRef(name: string): RepositoryRef {
  const { accountId, region } = project.state;
  const repositoryName = sharedNaming().name(name);
  return {
    repositoryUrl: `${accountId}.dkr.ecr.${region}.amazonaws.com/${repositoryName}`,
    repositoryArn: `arn:aws:ecr:${region}:${accountId}:repository/${repositoryName}`,
  };
}

/**
 * The release repository as a reference, built from its name: environment stacks need its URL and
 * ARN, and computing them keeps those stacks free of cross-stack references.
 */
export function sharedRepository(): RepositoryRef {
  return repositoryRef(REPOSITORY_NAME);
}

/** The preview repository as a reference, built from its name like `sharedRepository()`. */
export function previewRepository(): RepositoryRef {
  return repositoryRef(PREVIEW_REPOSITORY_NAME);
}

/** An environment's naming, from its config (`<project>-<env>-<thing>`). */
export function environmentNaming(config: {
  readonly project: string;
  readonly name: string;
  readonly accountId: string;
  readonly region: string;
}): Naming {
  return new Naming({
    project: config.project,
    environment: config.name,
    accountId: config.accountId,
    region: config.region,
  });
}

/**
 * The ARN of an environment's database instance, built from its name (the `Database` module's
 * default purpose, `db`: `<project>-<env>-db`). RDS tags the master-password secret it manages
 * with this ARN, which is how the preview workload boundary lets previews read the host's secret
 * and no other (infra/app.test.ts checks the name against the synthesised host stack).
 */
export function databaseArn(naming: Naming): string {
  return `arn:aws:rds:${naming.region}:${naming.accountId}:db:${naming.name("db", 63)}`;
}

/**
 * The names of an environment's ECS cluster and load balancer (the compute and edge modules'
 * defaults), which the preview role is limited to in the host environment. infra/app.test.ts
 * checks them against the synthesised host stack, like `databaseArn`.
 */
export function previewHostResources(naming: Naming): { clusterName: string; loadBalancerName: string } {
  return {
    clusterName: naming.name("cluster"),
    loadBalancerName: naming.name("alb", NAME_LIMITS.loadBalancer),
  };
}

/**
 * The ARN of an environment's workload permissions boundary (the bootstrap stack's `CiAccess`
 * creates one per environment), built from its name like `sharedRepository()`: every role the
 * environment creates for its workloads carries it, and its apply role may create roles only with it.
 *
 * `accountId` is the account of the stack asking: the boundary (like the CI roles and the
 * repository) exists only in the state account, and IAM accepts only a boundary of the role's own
 * account, so another account fails here, naming `field`, rather than at apply.
 */
export function workloadBoundaryArn(environment: string, accountId: string, field = "accountId"): string {
  assertStateAccount(accountId, field);
  return WorkloadBoundary.arnFor(bootstrapNaming(), environment);
}

/**
 * The ARN of an environment's container instance boundary (the bootstrap stack's `CiAccess` creates
 * one per environment), built from its name like `workloadBoundaryArn()`: the role of its ECS
 * container instances (`service.compute: "ec2"`) carries it, which lets the ECS and SSM agents do
 * their work and nothing else. Refuses another account, naming `field`.
 */
export function instanceBoundaryArn(environment: string, accountId: string, field = "accountId"): string {
  assertStateAccount(accountId, field);
  return InstanceBoundary.arnFor(bootstrapNaming(), environment);
}

function assertStateAccount(accountId: string, field: string): void {
  if (accountId !== project.state.accountId) {
    throw new Error(
      `${field}: ${accountId} is not the state account ${project.state.accountId}; the workload permissions boundary, the CI roles and the container repository exist only there (infra/environments/project.ts), so deploy environments into that account`,
    );
  }
}

/**
 * The ARN of the preview workload boundary (the bootstrap stack's `CiAccess` creates it), built
 * from its name like `workloadBoundaryArn()`: every role a preview stack creates carries it, and
 * the preview CI role may create roles only with it. Refuses another account, naming `field`.
 */
export function previewWorkloadBoundaryArn(accountId: string, field = "accountId"): string {
  assertStateAccount(accountId, field);
  return PreviewWorkloadBoundary.arnFor(bootstrapNaming());
}
