/**
 * An environment's `service.capacity` as the capacity provider strategy the compute module takes:
 * `"on-demand"` is no strategy at all (the FARGATE launch type, as before strategies existed), so an
 * environment that never asks for Spot keeps its service exactly as it was. With `service.compute`
 * `"ec2"`, the strategy is the environment's EC2 capacity provider alone.
 */
import type { CapacityProviderStrategyItem } from "@aws-platform-kit/modules/compute";
import { type ServiceCapacity, usesSpot } from "./schema.js";

/**
 * The strategy for `capacity`, or undefined for on-demand (the FARGATE launch type); every task on
 * `ec2CapacityProvider` (an `Ec2Capacity`'s `capacityProviderName`) when one is given.
 */
export function capacityProviderStrategy(
  capacity: ServiceCapacity | undefined,
  ec2CapacityProvider?: string,
): readonly CapacityProviderStrategyItem[] | undefined {
  if (ec2CapacityProvider !== undefined) return [{ capacityProvider: ec2CapacityProvider, weight: 1 }];
  if (capacity === undefined || capacity === "on-demand") return undefined;
  if (capacity === "spot") return [{ capacityProvider: "FARGATE_SPOT", weight: 1 }];
  return [
    { capacityProvider: "FARGATE", base: capacity.onDemandBase, weight: capacity.onDemandWeight },
    { capacityProvider: "FARGATE_SPOT", weight: capacity.spotWeight },
  ];
}

/**
 * True when the environment's cluster must have the Fargate Spot capacity provider associated: its
 * own service may run on Spot, or it hosts previews (which run on Spot, `PREVIEW_CAPACITY`).
 */
export function clusterNeedsSpot(config: {
  readonly service: { readonly capacity?: ServiceCapacity };
  readonly previews?: unknown;
}): boolean {
  return usesSpot(config.service.capacity) || config.previews !== undefined;
}
