import { EcsCluster } from "@cdktf/provider-aws/lib/ecs-cluster/index.js";
import {
  EcsClusterCapacityProviders,
  type EcsClusterCapacityProvidersDefaultCapacityProviderStrategy,
} from "@cdktf/provider-aws/lib/ecs-cluster-capacity-providers/index.js";
import { type ITerraformDependable, Lazy, Token } from "cdktf";
import { Construct } from "constructs";
import type { Naming } from "../naming/naming.js";
import { PropError } from "../validation/prop-error.js";
import { oneOfRule } from "../validation/validators.js";
import {
  assertCapacityProviderStrategy,
  type CapacityProviderStrategyItem,
  FARGATE_CAPACITY_PROVIDERS,
} from "./capacity.js";

/**
 * The Container Insights levels a cluster may have. `"disabled"` leaves only the free `AWS/ECS`
 * service metrics (CPU and memory utilisation, which the kit's alarms read); meant for dev and
 * previews, where per-task metrics are not worth their CloudWatch cost.
 */
export const CONTAINER_INSIGHTS = ["enabled", "enhanced", "disabled"] as const;
/** An ECS cluster's ARN, whose last part is its name. */
export const CLUSTER_ARN = /^arn:aws[a-z-]*:ecs:[a-z0-9-]+:\d{12}:cluster\/[A-Za-z0-9_-]{1,255}$/;
/** What a cluster ARN must be. */
export const CLUSTER_ARN_RULE = "must be an ECS cluster ARN (arn:aws:ecs:<region>:<account>:cluster/<name>)";

/**
 * An ECS cluster by its address: a `Cluster` of this stack, or the ARN and name of one read from
 * another stack's state (preview environments run in dev's cluster).
 */
export interface ClusterRef {
  /** The cluster's ARN. */
  readonly clusterArn: string;
  /** The cluster's name. */
  readonly clusterName: string;
  /**
   * The association of the Fargate capacity providers with the cluster, when this stack makes it: a
   * service with a capacity provider strategy waits for it. A cluster of another stack must already
   * have `FARGATE_SPOT` associated (its `Cluster` with `capacityProviders`, applied first).
   * @default - none (a cluster read from another stack)
   */
  readonly capacityProviderAssociation?: ITerraformDependable;
}

/**
 * The capacity providers associated with a cluster — `FARGATE` and `FARGATE_SPOT`, and the capacity
 * provider of each `Ec2Capacity` built for it — and its default strategy.
 */
export interface ClusterCapacityProviders {
  /**
   * The strategy of tasks and services that name neither a launch type nor a strategy of their own
   * (`aws ecs run-task` without `--launch-type`). The kit's services always name one.
   * @default - none: such tasks fail to start; services of the kit are unaffected
   */
  readonly defaultStrategy?: readonly CapacityProviderStrategyItem[];
}

/** Props of `Cluster`. */
export interface ClusterProps {
  /** Names and tags the cluster. */
  readonly naming: Naming;
  /**
   * What the cluster runs; it is named `<project>-<env>-<name>`.
   * @default "cluster"
   */
  readonly name?: string;
  /**
   * Container Insights: `"enabled"` (per-task CPU, memory and network metrics, billed as CloudWatch
   * custom metrics and performance-log ingestion), `"enhanced"` (adds container-level metrics, at a
   * higher cost), or `"disabled"` (only the free `AWS/ECS` service metrics, which the alarms use).
   * @default "enabled"
   */
  readonly containerInsights?: (typeof CONTAINER_INSIGHTS)[number];
  /**
   * Associate the `FARGATE` and `FARGATE_SPOT` capacity providers with the cluster (an
   * `aws_ecs_cluster_capacity_providers`), so services may run on Spot with a capacity provider
   * strategy; optionally with a default strategy. Services without a strategy keep the `FARGATE`
   * launch type. Pass `{}` to associate the providers without a default strategy. An `Ec2Capacity`
   * built for the cluster adds its own provider to the association (creating it when absent).
   * @default - no capacity providers associated (unless an `Ec2Capacity` adds one): services run
   * with the FARGATE launch type only
   */
  readonly capacityProviders?: ClusterCapacityProviders;
}

/**
 * An ECS cluster for Fargate services, with Container Insights on by default (per-task CPU, memory
 * and network metrics in CloudWatch), and optionally the Fargate and Fargate Spot capacity providers.
 */
export class Cluster extends Construct implements ClusterRef {
  /** The ECS cluster. */
  readonly cluster: EcsCluster;
  /** The cluster's ARN. */
  readonly clusterArn: string;
  /** The cluster's name, `<project>-<env>-<name>`. */
  readonly clusterName: string;
  private association?: EcsClusterCapacityProviders;
  /** Names of capacity providers added by `addCapacityProvider` (EC2 capacity). */
  private readonly extraProviders: string[] = [];

  constructor(scope: Construct, id: string, props: ClusterProps) {
    super(scope, id);
    const name = props.naming.name(props.name ?? "cluster");
    const insights = props.containerInsights ?? "enabled";
    if (!Token.isUnresolved(insights) && !CONTAINER_INSIGHTS.includes(insights)) {
      throw new PropError(
        "compute.cluster.containerInsights",
        `"${insights}" ${oneOfRule(CONTAINER_INSIGHTS)}`,
      );
    }
    this.cluster = new EcsCluster(this, "cluster", {
      name,
      setting: [{ name: "containerInsights", value: insights }],
      tags: { Name: name },
    });
    this.clusterArn = this.cluster.arn;
    this.clusterName = this.cluster.name;
    if (props.capacityProviders) {
      const strategy = props.capacityProviders.defaultStrategy;
      if (strategy) {
        assertCapacityProviderStrategy(strategy, "compute.cluster.capacityProviders.defaultStrategy");
      }
      this.associate(
        strategy?.map((item) => ({
          capacityProvider: item.capacityProvider,
          base: item.base ?? 0,
          weight: item.weight,
        })),
      );
    }
  }

  /**
   * The capacity providers' association (`aws_ecs_cluster_capacity_providers`), when
   * `capacityProviders` is given or an `Ec2Capacity` was built for the cluster.
   */
  get capacityProviders(): EcsClusterCapacityProviders | undefined {
    return this.association;
  }

  /** The same association, for services that wait for it (`ClusterRef`). */
  get capacityProviderAssociation(): ITerraformDependable | undefined {
    return this.association;
  }

  /**
   * Associates one more capacity provider (an `Ec2Capacity`'s, which calls this itself) with the
   * cluster, beside `FARGATE` and `FARGATE_SPOT`; creates the association when the cluster has none.
   * Build the capacity before the services that use it: a service waits for the association only
   * when it exists as the service is built.
   */
  addCapacityProvider(name: string): void {
    this.extraProviders.push(name);
    if (!this.association) this.associate(undefined);
  }

  private associate(
    defaultStrategy: EcsClusterCapacityProvidersDefaultCapacityProviderStrategy[] | undefined,
  ): void {
    this.association = new EcsClusterCapacityProviders(this, "capacity-providers", {
      clusterName: this.cluster.name,
      // Fargate's providers, then any added later (resolved at synth, after every construct exists).
      capacityProviders: Lazy.listValue({
        produce: () => [...FARGATE_CAPACITY_PROVIDERS, ...this.extraProviders],
      }),
      ...(defaultStrategy ? { defaultCapacityProviderStrategy: defaultStrategy } : {}),
    });
  }
}
