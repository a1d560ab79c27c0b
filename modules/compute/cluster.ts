import { EcsCluster } from "@cdktf/provider-aws/lib/ecs-cluster/index.js";
import { Token } from "cdktf";
import { Construct } from "constructs";
import type { Naming } from "../naming/naming.js";
import { PropError } from "../validation/prop-error.js";
import { oneOfRule } from "../validation/validators.js";

/** The Container Insights levels a cluster may have: never off (the alarms and dashboards read its metrics). */
export const CONTAINER_INSIGHTS = ["enabled", "enhanced"] as const;
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
   * Container Insights: `"enabled"` (per-task CPU, memory and network metrics), or `"enhanced"`
   * (adds container-level metrics, at a higher CloudWatch cost). Never off.
   * @default "enabled"
   */
  readonly containerInsights?: (typeof CONTAINER_INSIGHTS)[number];
}

/**
 * An ECS cluster for Fargate services, with Container Insights on (per-task CPU, memory and network
 * metrics in CloudWatch, which the alarms and dashboards use).
 */
export class Cluster extends Construct implements ClusterRef {
  /** The ECS cluster. */
  readonly cluster: EcsCluster;
  /** The cluster's ARN. */
  readonly clusterArn: string;
  /** The cluster's name, `<project>-<env>-<name>`. */
  readonly clusterName: string;

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
  }
}
