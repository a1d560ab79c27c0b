/** Target-tracking autoscaling of a `FargateService`'s task count. */
import { AppautoscalingPolicy } from "@cdktf/provider-aws/lib/appautoscaling-policy/index.js";
import { AppautoscalingTarget } from "@cdktf/provider-aws/lib/appautoscaling-target/index.js";
import type { Construct } from "constructs";
import type { Naming } from "../naming/naming.js";
import type { FargateAutoscalingProps } from "./fargate-service-props.js";

/** What `addTargetTrackingScaling` scales, and on what. */
export interface ServiceScalingProps {
  readonly naming: Naming;
  /** The service's name: the policies are `<project>-<env>-<name>-cpu` and `-requests`. */
  readonly name: string;
  readonly clusterName: string;
  readonly serviceName: string;
  readonly scaling: FargateAutoscalingProps;
  /** `scaling.cpuTargetPercent`, defaults applied. */
  readonly cpuTargetPercent: number;
  /** `scaling.requestsPerTarget`, defaults applied. */
  readonly requestsPerTarget: number;
  /** Scales on ALB requests per task too, when given. */
  readonly requestCountResourceLabel?: string;
}

/**
 * Scales the service between `minCount` and `maxCount` tasks, tracking average CPU and, with a
 * request-count label, ALB requests per task: out within a minute, in after five.
 */
export function addTargetTrackingScaling(scope: Construct, props: ServiceScalingProps): AppautoscalingTarget {
  const { naming, name } = props;
  // No role_arn: Application Auto Scaling uses its ECS service-linked role.
  const target = new AppautoscalingTarget(scope, "scaling-target", {
    serviceNamespace: "ecs",
    scalableDimension: "ecs:service:DesiredCount",
    resourceId: `service/${props.clusterName}/${props.serviceName}`,
    minCapacity: props.scaling.minCount,
    maxCapacity: props.scaling.maxCount,
  });
  const onTarget = {
    policyType: "TargetTrackingScaling",
    serviceNamespace: target.serviceNamespace,
    scalableDimension: target.scalableDimension,
    resourceId: target.resourceId,
  };
  new AppautoscalingPolicy(scope, "scale-on-cpu", {
    name: naming.name(`${name}-cpu`),
    ...onTarget,
    targetTrackingScalingPolicyConfiguration: {
      targetValue: props.cpuTargetPercent,
      predefinedMetricSpecification: { predefinedMetricType: "ECSServiceAverageCPUUtilization" },
      scaleOutCooldown: 60,
      scaleInCooldown: 300,
    },
  });
  if (props.requestCountResourceLabel) {
    new AppautoscalingPolicy(scope, "scale-on-requests", {
      name: naming.name(`${name}-requests`),
      ...onTarget,
      targetTrackingScalingPolicyConfiguration: {
        targetValue: props.requestsPerTarget,
        predefinedMetricSpecification: {
          predefinedMetricType: "ALBRequestCountPerTarget",
          resourceLabel: props.requestCountResourceLabel,
        },
        scaleOutCooldown: 60,
        scaleInCooldown: 300,
      },
    });
  }
  return target;
}
