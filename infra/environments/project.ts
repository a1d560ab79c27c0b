import { Naming } from "../../modules/naming/naming.js";

/**
 * Settings shared by every stack: the project's name, where Terraform state lives, and the GitHub
 * repository whose workflows may assume the CI roles. Edit these first.
 */
export const project = {
  /** Prefixes every resource name: `<project>-<env>-<thing>`. */
  name: "acme",
  /** The account and region of the bootstrap stack: the state bucket, lock table and CI roles. */
  state: { accountId: "123456789012", region: "us-east-1" },
  /** The repository whose GitHub Actions workflows get AWS roles through OIDC. */
  github: { owner: "acme", repository: "platform" },
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
