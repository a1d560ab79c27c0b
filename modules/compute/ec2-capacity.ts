/**
 * `Ec2Capacity`: ECS container instances for small teams and the cheapest environments — an
 * autoscaling group launched from a hardened launch template, registered with a cluster as an ECS
 * capacity provider, so a `FargateService` runs on it with a capacity provider strategy and the same
 * task definition and release steps. Sources: "Amazon ECS capacity providers for the EC2 launch
 * type", "Amazon ECS-optimized Linux AMIs" and "Amazon ECS container agent configuration" in the
 * Amazon ECS Developer Guide; "Configure the instance metadata options" in the EC2 User Guide.
 */
import { AutoscalingGroup } from "@cdktf/provider-aws/lib/autoscaling-group/index.js";
import { EcsCapacityProvider } from "@cdktf/provider-aws/lib/ecs-capacity-provider/index.js";
import { IamInstanceProfile } from "@cdktf/provider-aws/lib/iam-instance-profile/index.js";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role/index.js";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment/index.js";
import { LaunchTemplate } from "@cdktf/provider-aws/lib/launch-template/index.js";
import type { SecurityGroup } from "@cdktf/provider-aws/lib/security-group/index.js";
import { Fn, Token } from "cdktf";
import { Construct } from "constructs";
import { assertManagedPolicyArn, trustPolicyDocument } from "../iam/policy.js";
import { NAME_LIMITS, type Naming } from "../naming/naming.js";
import { allowEgressToCidr, createSecurityGroup } from "../network/security-group.js";
import { PropError } from "../validation/prop-error.js";
import { assertIntegerInRange, type IntegerRange } from "../validation/validators.js";
import { type CpuArchitecture, registerEc2CapacityProvider } from "./capacity.js";
import type { Cluster } from "./cluster.js";

/** An AMI id. */
export const IMAGE_ID = /^ami-([0-9a-f]{8}|[0-9a-f]{17})$/;
/** What `imageId` must be. */
export const IMAGE_ID_RULE =
  "must be an AMI id such as ami-0123456789abcdef0 (read /aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id, or its arm64 twin, before the plan)";
/** An EC2 instance type: `<family><generation><attributes>.<size>` (`t4g.small`, `m7g.large`). */
export const INSTANCE_TYPE =
  /^([a-z]+)(\d+)([a-z-]*)\.(nano|micro|small|medium|large|metal|\d*xlarge|metal-\d+xl)$/;
/** What `instanceType` must be. */
export const INSTANCE_TYPE_RULE = "must be an EC2 instance type such as t4g.small or m7g.large";
/** How many instances the group may keep. */
export const INSTANCE_COUNT_RANGE: IntegerRange = { min: 0, max: 100 };
/** Root volume size: the ECS-optimized AMIs need 30 GiB; gp3 goes to 16 TiB. */
export const ROOT_VOLUME_RANGE: IntegerRange = { min: 30, max: 16384 };
/** Why `maxInstances` must reach `minInstances` and be at least 1. */
export const MAX_INSTANCES_RULE = "must be at least minInstances and at least 1";
/** The capacity provider name prefixes ECS refuses. */
export const RESERVED_PROVIDER_PREFIX = /^(aws|ecs|fargate)/i;
/** Why a name with a reserved prefix is refused. */
export const RESERVED_PROVIDER_RULE =
  'starts with "aws", "ecs" or "fargate", which ECS refuses for capacity provider names; give the capacity another name or the project another slug';
/**
 * The SSM public parameters that hold the latest ECS-optimized Amazon Linux 2023 image ids, per
 * architecture. Read one outside the plan (nothing is looked up at plan time) and pass the id:
 * `aws ssm get-parameter --name <parameter> --query Parameter.Value --output text`.
 */
export const ECS_OPTIMIZED_IMAGE_PARAMETERS: Readonly<Record<CpuArchitecture, string>> = {
  X86_64: "/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id",
  ARM64: "/aws/service/ecs/optimized-ami/amazon-linux-2023/arm64/recommended/image_id",
};
/** AWS-managed policies the container instances' role has: the ECS agent's, and SSM Session Manager's. */
export const CONTAINER_INSTANCE_POLICIES = {
  ecs: "arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role",
  ssm: "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
} as const;

/**
 * The CPU architecture of an instance type: Graviton families (a `g` in the attributes after the
 * generation, `t4g`, `m7g`, `c7gn`; and `a1`) are `ARM64`, the rest `X86_64`. The image and the
 * tasks' `cpuArchitecture` must match it. Undefined when `instanceType` is not one.
 */
export function instanceArchitecture(instanceType: string): CpuArchitecture | undefined {
  const match = INSTANCE_TYPE.exec(instanceType);
  if (!match) return undefined;
  const [, family, , attributes] = match;
  return family === "a" || (attributes ?? "").includes("g") ? "ARM64" : "X86_64";
}

/** Props of `Ec2Capacity`. */
export interface Ec2CapacityProps {
  /** Names and tags every resource. */
  readonly naming: Naming;
  /**
   * What the capacity is; the group, template, role and capacity provider are named
   * `<project>-<env>-<name>`.
   * @default "ec2"
   */
  readonly name?: string;
  /** The cluster the instances join; the capacity provider is associated with it. */
  readonly cluster: Cluster;
  /** The VPC of the instances' security group. */
  readonly vpcId: string;
  /**
   * Subnets the instances (and the tasks' network interfaces, `awsvpc`) run in: private subnets
   * with a NAT gateway. Tasks on EC2 get no public IP, so subnets without NAT leave them unable to
   * pull images.
   */
  readonly subnetIds: readonly string[];
  /**
   * The AMI, an ECS-optimized Amazon Linux 2023 image of the instance type's architecture. Never
   * looked up at plan: read `ECS_OPTIMIZED_IMAGE_PARAMETERS[arch]` with `aws ssm get-parameter`
   * (in CI or by hand) and pass the id; a new id rolls the instances (an instance refresh).
   */
  readonly imageId: string;
  /**
   * The instance type. Graviton types (`t4g`, `m7g`) need an ARM64 image and ARM64 tasks
   * (`cpuArchitecture`); check with `instanceArchitecture`. Burstable types (`t3`, `t4g`) run in
   * unlimited mode: sustained CPU above the baseline is billed as surplus credits.
   * @default "t4g.small"
   */
  readonly instanceType?: string;
  /**
   * Fewest instances. With managed scaling, ECS keeps as many as the tasks need between the bounds.
   * @default 1
   */
  readonly minInstances?: number;
  /**
   * Most instances: room for a deployment's second set of tasks (`deploymentMaxPercent` 200).
   * @default 2
   */
  readonly maxInstances?: number;
  /**
   * The encrypted gp3 root volume's size in GiB (images and container layers live on it).
   * @default 30
   */
  readonly rootVolumeGb?: number;
  /**
   * The root device the AMI boots from (`/dev/xvda` for Amazon Linux 2023 and the ECS-optimized AMIs).
   * @default "/dev/xvda"
   */
  readonly rootDeviceName?: string;
  /**
   * A managed policy set as the permissions boundary of the instances' role. Under the kit's
   * workload boundary, the boundary must allow the ECS agent's and SSM agent's actions.
   * @default - no boundary: the role can do what its two AWS-managed policies grant
   */
  readonly permissionsBoundaryArn?: string;
}

/**
 * ECS container instances as a capacity provider: a launch template (IMDSv2 only with a hop limit
 * of 1 and containers kept away from instance metadata, an encrypted gp3 root volume, no key pair,
 * no SSH — Session Manager for access), an instance role with the ECS agent's and Session Manager's
 * managed policies, a security group with no ingress and HTTPS egress, an autoscaling group whose
 * instances are protected from scale-in, and an `aws_ecs_capacity_provider` with managed scaling,
 * managed termination protection and managed draining, associated with the cluster.
 *
 * Run a service on it with `capacityProviderStrategy: [{ capacityProvider:
 * capacity.capacityProviderName, weight: 1 }]`; build the capacity before the service.
 */
export class Ec2Capacity extends Construct {
  /** The capacity provider's name (a reference): name it in a service's capacity provider strategy. */
  readonly capacityProviderName: string;
  /** The ECS capacity provider. */
  readonly capacityProvider: EcsCapacityProvider;
  /** The autoscaling group of container instances. */
  readonly autoScalingGroup: AutoscalingGroup;
  /** The launch template the group launches from. */
  readonly launchTemplate: LaunchTemplate;
  /** The container instances' role (the ECS agent and SSM agent run with it; tasks have their own). */
  readonly instanceRole: IamRole;
  /** The instances' security group: no ingress, HTTPS egress. */
  readonly securityGroup: SecurityGroup;
  /** The instance type. */
  readonly instanceType: string;
  /** The instance type's CPU architecture (`instanceArchitecture`), when known at synth. */
  readonly cpuArchitecture?: CpuArchitecture;

  constructor(scope: Construct, id: string, props: Ec2CapacityProps) {
    super(scope, id);
    const f = "compute.ec2Capacity";
    const { naming } = props;
    const thing = props.name ?? "ec2";
    const name = naming.name(thing);
    if (!Token.isUnresolved(name) && RESERVED_PROVIDER_PREFIX.test(name)) {
      throw new PropError(`${f}.name`, `"${name}" ${RESERVED_PROVIDER_RULE}`);
    }
    if (!Token.isUnresolved(props.imageId) && !IMAGE_ID.test(props.imageId)) {
      throw new PropError(`${f}.imageId`, `"${props.imageId}" ${IMAGE_ID_RULE}`);
    }
    const instanceType = props.instanceType ?? "t4g.small";
    if (!Token.isUnresolved(instanceType) && !INSTANCE_TYPE.test(instanceType)) {
      throw new PropError(`${f}.instanceType`, `"${instanceType}" ${INSTANCE_TYPE_RULE}`);
    }
    if (props.subnetIds.length === 0) throw new PropError(`${f}.subnetIds`, "give at least one subnet");
    const minInstances = props.minInstances ?? 1;
    const maxInstances = props.maxInstances ?? 2;
    assertIntegerInRange(minInstances, `${f}.minInstances`, INSTANCE_COUNT_RANGE);
    assertIntegerInRange(maxInstances, `${f}.maxInstances`, INSTANCE_COUNT_RANGE);
    if (
      !Token.isUnresolved(minInstances) &&
      !Token.isUnresolved(maxInstances) &&
      (maxInstances < minInstances || maxInstances < 1)
    ) {
      throw new PropError(`${f}.maxInstances`, `${maxInstances} ${MAX_INSTANCES_RULE} (${minInstances})`);
    }
    const rootVolumeGb = props.rootVolumeGb ?? 30;
    assertIntegerInRange(rootVolumeGb, `${f}.rootVolumeGb`, ROOT_VOLUME_RANGE);
    if (props.permissionsBoundaryArn !== undefined) {
      assertManagedPolicyArn(props.permissionsBoundaryArn, `${f}.permissionsBoundaryArn`);
    }
    this.instanceType = instanceType;
    const architecture = Token.isUnresolved(instanceType) ? undefined : instanceArchitecture(instanceType);
    if (architecture) this.cpuArchitecture = architecture;

    // The instances' role: what the ECS agent and the SSM agent need. Tasks never use it: awsvpc
    // tasks get their own roles from the agent, and instance metadata is closed to containers.
    this.instanceRole = new IamRole(this, "instance-role", {
      name: naming.name(`${thing}-instance`, NAME_LIMITS.iamRole),
      description: `ECS container instances of ${name}: the ECS agent and Session Manager`,
      assumeRolePolicy: trustPolicyDocument([
        { principal: { Service: "ec2.amazonaws.com" }, actions: ["sts:AssumeRole"] },
      ]),
      permissionsBoundary: props.permissionsBoundaryArn,
    });
    for (const [key, policyArn] of Object.entries(CONTAINER_INSTANCE_POLICIES)) {
      new IamRolePolicyAttachment(this, `instance-${key}-policy`, {
        role: this.instanceRole.name,
        policyArn,
      });
    }
    const profile = new IamInstanceProfile(this, "instance-profile", {
      name: naming.name(`${thing}-instance`, NAME_LIMITS.iamRole),
      role: this.instanceRole.name,
    });

    this.securityGroup = createSecurityGroup(this, "security-group", {
      naming,
      purpose: `${thing}-instances`,
      vpcId: props.vpcId,
      description: `${name} container instances: no ingress (Session Manager, not SSH), HTTPS out`,
    });
    allowEgressToCidr(this, "egress-https", {
      group: this.securityGroup,
      port: 443,
      cidr: "0.0.0.0/0",
      description: "HTTPS to AWS APIs (ECS, ECR, SSM, CloudWatch Logs)",
    });

    // The agent's configuration: this cluster; containers cannot reach instance metadata (awsvpc
    // tasks use the agent's credential endpoint); logs are written with each task's execution role.
    const userData = Fn.base64encode(
      [
        "#!/bin/bash",
        "cat >> /etc/ecs/ecs.config <<'EOF'",
        `ECS_CLUSTER=${props.cluster.clusterName}`,
        "ECS_AWSVPC_BLOCK_IMDS=true",
        "ECS_ENABLE_TASK_IAM_ROLE=true",
        "ECS_ENABLE_AWSLOGS_EXECUTIONROLE_OVERRIDE=true",
        "EOF",
        "",
      ].join("\n"),
    );
    // What the group launches carries the environment's tags too: provider default_tags reach the
    // template itself, not the instances and volumes it describes (tag-scoped IAM and cost reports
    // find them by these).
    const tags = naming.tags({ Name: name });
    this.launchTemplate = new LaunchTemplate(this, "launch-template", {
      name,
      description: `ECS container instances of ${name}`,
      imageId: props.imageId,
      instanceType,
      iamInstanceProfile: { arn: profile.arn },
      vpcSecurityGroupIds: [this.securityGroup.id],
      // IMDSv2 only; a hop limit of 1 keeps the metadata service out of reach of bridged containers.
      metadataOptions: {
        httpEndpoint: "enabled",
        httpTokens: "required",
        httpPutResponseHopLimit: 1,
        instanceMetadataTags: "disabled",
      },
      blockDeviceMappings: [
        {
          deviceName: props.rootDeviceName ?? "/dev/xvda",
          ebs: {
            volumeType: "gp3",
            volumeSize: rootVolumeGb,
            encrypted: "true",
            deleteOnTermination: "true",
          },
        },
      ],
      monitoring: { enabled: false },
      userData,
      updateDefaultVersion: true,
      tagSpecifications: [
        { resourceType: "instance", tags },
        { resourceType: "volume", tags },
      ],
      tags,
    });

    this.autoScalingGroup = new AutoscalingGroup(this, "group", {
      name,
      minSize: minInstances,
      maxSize: maxInstances,
      desiredCapacity: minInstances,
      vpcZoneIdentifier: [...props.subnetIds],
      // The template's version number: a new image or type is a change that starts an instance refresh.
      launchTemplate: {
        id: this.launchTemplate.id,
        version: Token.asString(this.launchTemplate.latestVersion),
      },
      healthCheckType: "EC2",
      // Managed termination protection: ECS takes instances out only when no task runs on them.
      protectFromScaleIn: true,
      // Destroy terminates the (protected) instances instead of waiting for a scale-in that never comes.
      forceDelete: true,
      instanceRefresh: {
        strategy: "Rolling",
        preferences: {
          // Launch the replacement before terminating (managed draining moves the tasks).
          minHealthyPercentage: 100,
          maxHealthyPercentage: 200,
          scaleInProtectedInstances: "Refresh",
          skipMatching: true,
        },
      },
      tag: [
        { key: "Name", value: name, propagateAtLaunch: true },
        // ECS adds this tag to a group with managed scaling; declared so plans stay clean.
        { key: "AmazonECSManaged", value: "true", propagateAtLaunch: true },
      ],
      // ECS managed scaling owns the desired capacity.
      lifecycle: { ignoreChanges: ["desired_capacity"] },
    });

    this.capacityProvider = new EcsCapacityProvider(this, "capacity-provider", {
      name,
      autoScalingGroupProvider: {
        autoScalingGroupArn: this.autoScalingGroup.arn,
        managedTerminationProtection: "ENABLED",
        managedDraining: "ENABLED",
        managedScaling: { status: "ENABLED", targetCapacity: 100 },
      },
      tags,
    });
    this.capacityProviderName = this.capacityProvider.name;
    registerEc2CapacityProvider(this.capacityProviderName);
    props.cluster.addCapacityProvider(this.capacityProviderName);
  }
}
