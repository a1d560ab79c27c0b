import { EcrLifecyclePolicy } from "@cdktf/provider-aws/lib/ecr-lifecycle-policy/index.js";
import { EcrRepository } from "@cdktf/provider-aws/lib/ecr-repository/index.js";
import type { IamRole } from "@cdktf/provider-aws/lib/iam-role/index.js";
import { Construct } from "constructs";
import { attachPolicy, type PolicyStatement } from "../iam/policy.js";
import type { Naming } from "../naming/naming.js";
import { assertIntegerInRange } from "../validation/validators.js";
import { assertKmsKeyArn } from "./environment.js";

/**
 * A container repository by its address: a `ContainerRepository` of this stack, or the URL and ARN
 * of one read from another stack's state (preview environments reuse dev's repository).
 */
export interface RepositoryRef {
  /** `<account>.dkr.ecr.<region>.amazonaws.com/<name>`, to which `:<tag>` is appended. */
  readonly repositoryUrl: string;
  /** The repository's ARN, for pull and push grants. */
  readonly repositoryArn: string;
}

/** Props of `ContainerRepository`. */
export interface ContainerRepositoryProps {
  /** Names and tags the repository. */
  readonly naming: Naming;
  /**
   * What the repository holds; it is named `<project>-<env>-<name>`.
   * @default "app"
   */
  readonly name?: string;
  /**
   * Keep this many most recently pushed images; older ones expire.
   * @default 30
   */
  readonly keepImages?: number;
  /**
   * Expire untagged images (left behind by failed or superseded pushes) this many days after push.
   * @default 1
   */
  readonly expireUntaggedAfterDays?: number;
  /**
   * Let `terraform destroy` delete the repository while it still holds images. For throwaway
   * environments only.
   * @default false
   */
  readonly forceDelete?: boolean;
  /**
   * Encrypt images with this KMS key.
   * @default - encrypted with an ECR-managed key (AES256)
   */
  readonly kmsKeyArn?: string;
}

/**
 * ECR's `GetAuthorizationToken` has no resource-level permissions: it only returns a login token
 * for the registry, and what the token may pull or push is still limited by the repository
 * statements. So it is the one statement in the kit with a `*` resource.
 */
export const ECR_LOGIN_STATEMENT: PolicyStatement = {
  sid: "EcrLogin",
  actions: ["ecr:GetAuthorizationToken"],
  resources: ["*"],
};

/** Statements that let a role pull images from one repository (and nothing else in ECR). */
export function pullStatements(repositoryArn: string): PolicyStatement[] {
  return [
    ECR_LOGIN_STATEMENT,
    {
      sid: "PullImages",
      actions: ["ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage"],
      resources: [repositoryArn],
    },
  ];
}

/**
 * A private ECR repository: tags immutable (a tag names one image forever, so a deployed tag is
 * what runs), images scanned on push, encrypted, and pruned by a lifecycle policy that keeps the
 * last `keepImages` and expires untagged leftovers.
 */
export class ContainerRepository extends Construct implements RepositoryRef {
  /** The ECR repository. */
  readonly repository: EcrRepository;
  readonly repositoryUrl: string;
  /** The repository's ARN. */
  readonly repositoryArn: string;
  /** The repository's name, `<project>-<env>-<name>`. */
  readonly repositoryName: string;
  private readonly name: string;

  constructor(scope: Construct, id: string, props: ContainerRepositoryProps) {
    super(scope, id);
    this.name = props.name ?? "app";
    const keepImages = props.keepImages ?? 30;
    const untaggedDays = props.expireUntaggedAfterDays ?? 1;
    assertIntegerInRange(keepImages, "compute.repository.keepImages", { min: 1 });
    assertIntegerInRange(untaggedDays, "compute.repository.expireUntaggedAfterDays", { min: 1 });
    if (props.kmsKeyArn !== undefined) assertKmsKeyArn(props.kmsKeyArn, "compute.repository.kmsKeyArn");

    this.repository = new EcrRepository(this, "repository", {
      name: props.naming.name(this.name),
      imageTagMutability: "IMMUTABLE",
      imageScanningConfiguration: { scanOnPush: true },
      encryptionConfiguration: [
        props.kmsKeyArn ? { encryptionType: "KMS", kmsKey: props.kmsKeyArn } : { encryptionType: "AES256" },
      ],
      forceDelete: props.forceDelete ?? false,
    });
    this.repositoryUrl = this.repository.repositoryUrl;
    this.repositoryArn = this.repository.arn;
    this.repositoryName = this.repository.name;

    // ECR requires a tagStatus "any" rule to have the lowest priority (highest number).
    new EcrLifecyclePolicy(this, "lifecycle", {
      repository: this.repository.name,
      policy: JSON.stringify({
        rules: [
          {
            rulePriority: 1,
            description: `Expire untagged images ${untaggedDays} day(s) after push`,
            selection: {
              tagStatus: "untagged",
              countType: "sinceImagePushed",
              countUnit: "days",
              countNumber: untaggedDays,
            },
            action: { type: "expire" },
          },
          {
            rulePriority: 2,
            description: `Keep the ${keepImages} most recent images`,
            selection: { tagStatus: "any", countType: "imageCountMoreThan", countNumber: keepImages },
            action: { type: "expire" },
          },
        ],
      }),
    });
  }

  /** Lets `role` pull images from this repository. */
  grantPull(role: IamRole): void {
    attachPolicy(this, `grant-pull-${role.friendlyUniqueId}`, role, `ecr-${this.name}-pull`, [
      ...pullStatements(this.repositoryArn),
    ]);
  }

  /** Lets `role` push images to this repository (and pull them, which a push needs). */
  grantPush(role: IamRole): void {
    attachPolicy(this, `grant-push-${role.friendlyUniqueId}`, role, `ecr-${this.name}-push`, [
      ECR_LOGIN_STATEMENT,
      {
        sid: "PushImages",
        actions: [
          "ecr:BatchCheckLayerAvailability",
          "ecr:GetDownloadUrlForLayer",
          "ecr:BatchGetImage",
          "ecr:InitiateLayerUpload",
          "ecr:UploadLayerPart",
          "ecr:CompleteLayerUpload",
          "ecr:PutImage",
        ],
        resources: [this.repositoryArn],
      },
    ]);
  }
}
