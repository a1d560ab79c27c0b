import { EcsCluster } from "@cdktf/provider-aws/lib/ecs-cluster/index.js";
import { Construct } from "constructs";
import type { Naming } from "../naming/naming.js";

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
    this.cluster = new EcsCluster(this, "cluster", {
      name,
      setting: [{ name: "containerInsights", value: "enabled" }],
      tags: { Name: name },
    });
    this.clusterArn = this.cluster.arn;
    this.clusterName = this.cluster.name;
  }
}
