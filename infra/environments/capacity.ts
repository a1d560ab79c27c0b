/**
 * An environment's `service.capacity` as the capacity provider strategy the compute module takes:
 * `"on-demand"` is no strategy at all (the FARGATE launch type, as before strategies existed), so an
 * environment that never asks for Spot keeps its service exactly as it was.
 */
import type { CapacityProviderStrategyItem } from "@aws-platform-kit/modules/compute";
import { type ServiceCapacity, usesSpot } from "./schema.js";

/** The strategy for `capacity`, or undefined for on-demand (the FARGATE launch type). */
export function capacityProviderStrategy(
  capacity: ServiceCapacity | undefined,
): readonly CapacityProviderStrategyItem[] | undefined {
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
