import { AccountBaseline } from "@aws-platform-kit/modules/account-baseline";
import { CiAccess } from "@aws-platform-kit/modules/ci-access";
import { ContainerRepository } from "@aws-platform-kit/modules/compute";
import { StateBackend } from "@aws-platform-kit/modules/state";
import { TerraformOutput } from "cdktf";
import type { Construct } from "constructs";
import { loadEnvironment } from "../environments/index.js";
import { previewStateKeyPrefix } from "../environments/preview.js";
import {
  bootstrapNaming,
  databaseArn,
  environmentNaming,
  PREVIEW_REPOSITORY_NAME,
  previewHostResources,
  project,
  REPOSITORY_NAME,
  sharedNaming,
} from "../environments/project.js";
import { ENVIRONMENT_NAMES } from "../environments/schema.js";
import { suppress } from "../policy/suppressions.js";
import { AwsStack } from "./aws-stack.js";

/** Where the bootstrap stack keeps its own state until it is migrated into the bucket (see README). */
export const BOOTSTRAP_LOCAL_STATE = "../../../bootstrap.tfstate";

export interface BootstrapStackProps {
  /**
   * Where this stack's own state lives: `local` for the first apply (the bucket does not exist
   * yet), then `s3` once it does, to migrate into it (`terraform init -migrate-state`).
   * @default "local"
   */
  readonly stateIn?: "local" | "s3";
}

/**
 * What exists once per project, before any environment: the state bucket and lock table every other
 * stack stores its state in, the release repository every environment pulls the same image from,
 * the preview repository pull requests push to, the GitHub OIDC roles CI uses, and the permissions
 * boundaries every workload role carries. It starts on local state; README explains the two steps.
 */
export class BootstrapStack extends AwsStack {
  readonly state: StateBackend;
  /** Release images, built on `main`: only the apply role pushes here. */
  readonly repository: ContainerRepository;
  /** Preview images, built by pull requests' workflows: only the preview role pushes here. */
  readonly previewRepository: ContainerRepository;
  readonly ciAccess: CiAccess;

  constructor(scope: Construct, id: string, props: BootstrapStackProps = {}) {
    const naming = bootstrapNaming();
    super(scope, id, {
      naming,
      state:
        props.stateIn === "s3"
          ? { kind: "s3", key: `${naming.project}/bootstrap/terraform.tfstate` }
          : { kind: "local", path: BOOTSTRAP_LOCAL_STATE },
    });
    this.state = new StateBackend(this, "state", { naming });
    // One release repository for every environment: an image is built once and the same tag is
    // promoted. Previews get a repository of their own: a pull request's workflow (its file comes
    // from its branch) could push anything under any tag, and no release may ever run that.
    this.repository = new ContainerRepository(this, "repository", {
      naming: sharedNaming(),
      name: REPOSITORY_NAME,
    });
    this.previewRepository = new ContainerRepository(this, "preview-repository", {
      naming: sharedNaming(),
      name: PREVIEW_REPOSITORY_NAME,
      // A push per pull request update; previews live days, not releases.
      keepImages: 50,
      expireUntaggedAfterDays: 1,
    });

    const previewHost = loadEnvironment(project.previews.hostEnvironment);
    const previewHostNaming = environmentNaming(previewHost);
    this.ciAccess = new CiAccess(this, "ci-access", {
      naming,
      github: project.github,
      state: this.state,
      stateKeyPrefix: `${project.name}/`,
      previewStateKeyPrefix: previewStateKeyPrefix(project.name),
      applyEnvironments: ENVIRONMENT_NAMES.map((name) => {
        const config = loadEnvironment(name);
        return { naming: environmentNaming(config), hostedZoneId: config.dns.hostedZoneId };
      }),
      releaseRepositoryArn: this.repository.repositoryArn,
      previewDomain: previewHost.previews?.domain,
      previewHostedZoneId: previewHost.dns.hostedZoneId,
      previewWorkloads: {
        hostNaming: previewHostNaming,
        hostDatabaseArn: databaseArn(previewHostNaming),
        ...(previewHost.previews?.databaseResourceId
          ? { hostDatabaseResourceId: previewHost.previews.databaseResourceId }
          : {}),
        repositoryArn: this.previewRepository.repositoryArn,
      },
      previewHost: {
        ...previewHostResources(previewHostNaming),
        ...(previewHost.previews?.serviceSubnetIds
          ? { subnetIds: previewHost.previews.serviceSubnetIds }
          : {}),
      },
    });
    // Each repository has exactly one writer: the release image is built once, pushed by one
    // environment's deploy job and promoted by tag; pull requests push to their own repository.
    const pusher = this.ciAccess.applyRoles[project.releases.pushEnvironment];
    if (!pusher) {
      throw new Error(
        `project.releases.pushEnvironment: "${project.releases.pushEnvironment}" is not one of the environments (${ENVIRONMENT_NAMES.join(", ")})`,
      );
    }
    this.repository.grantPush(pusher);
    this.previewRepository.grantPush(this.ciAccess.previewRole);
    // The apply role needs service-wide actions; ci-access names each exception and its reason.
    for (const exception of this.ciAccess.policyExceptions)
      suppress(exception.scope, exception.rule, exception.reason);

    // The account's security baseline (CloudTrail, GuardDuty, Access Analyzer, CIS alarms): every
    // environment runs in this account, so it is built once, here. Its alarms page prod's on-call.
    const baseline = new AccountBaseline(this, "account-baseline", {
      naming,
      alarmEmail: loadEnvironment("prod").alarms.email,
    });

    const outputs: Record<string, string> = {
      state_bucket: this.state.bucketName,
      lock_table: this.state.lockTableName,
      repository_url: this.repository.repositoryUrl,
      preview_repository_url: this.previewRepository.repositoryUrl,
      plan_role_arn: this.ciAccess.planRole.arn,
      preview_role_arn: this.ciAccess.previewRole.arn,
      ...Object.fromEntries(
        Object.entries(this.ciAccess.applyRoles).map(([env, role]) => [`apply_role_arn_${env}`, role.arn]),
      ),
      // Environments compute the same ARNs from the names (workloadBoundaryArn in project.ts).
      ...Object.fromEntries(
        Object.entries(this.ciAccess.workloadBoundaries).map(([env, b]) => [
          `workload_boundary_arn_${env}`,
          b.policy.arn,
        ]),
      ),
      preview_workload_boundary_arn: this.ciAccess.previewWorkloadBoundary.policy.arn,
      trail_arn: baseline.trail.trailArn,
      trail_bucket: baseline.trail.bucket.bucketName,
      security_alarm_topic_arn: baseline.alarms.topicArn,
      guardduty_detector_id: baseline.threatDetection.detectorId,
    };
    for (const [name, value] of Object.entries(outputs)) new TerraformOutput(this, name, { value });
  }
}
