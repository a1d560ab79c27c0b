/**
 * Test input: dev's shipped config switched to ECS container instances (`service.compute: "ec2"`,
 * which no shipped environment uses) as a user would switch it: a NAT gateway and on-demand
 * capacity, which EC2 capacity needs, and X86_64 instances like dev's tasks. The IAM simulations
 * test the apply role and the instance role against the stack built from it.
 */
import { environmentInputs } from "../environments/index.js";

export const EC2_ENVIRONMENT = "dev";

export function devOnEc2(): unknown {
  const dev = environmentInputs[EC2_ENVIRONMENT];
  return {
    ...dev,
    network: { ...dev.network, natMode: "single" },
    service: {
      ...dev.service,
      capacity: "on-demand",
      compute: "ec2",
      ec2: { imageId: "ami-0123456789abcdef0", instanceType: "t3.small", minInstances: 1, maxInstances: 2 },
    },
  };
}
