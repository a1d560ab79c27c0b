/** How `aws ecs run-task` must place a one-off task (the migration) to reach what the service reaches. */
export interface RunTaskNetwork {
  /** The subnets the service's tasks run in. */
  readonly subnetIds: readonly string[];
  /** The service's own security group and the additional groups its tasks join. */
  readonly securityGroupIds: readonly string[];
  /** Whether the service's tasks get a public IP (subnets without NAT). */
  readonly assignPublicIp: boolean;
}

/** `RunTaskNetwork` in the shape ECS's RunTask API takes (`aws ecs run-task --network-configuration`). */
export function runTaskNetworkConfiguration(network: RunTaskNetwork): {
  awsvpcConfiguration: {
    subnets: string[];
    securityGroups: string[];
    assignPublicIp: "ENABLED" | "DISABLED";
  };
} {
  return {
    awsvpcConfiguration: {
      subnets: [...network.subnetIds],
      securityGroups: [...network.securityGroupIds],
      assignPublicIp: network.assignPublicIp ? "ENABLED" : "DISABLED",
    },
  };
}
