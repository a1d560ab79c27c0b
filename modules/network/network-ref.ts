/**
 * A network created elsewhere, referenced by its ids: what a stack needs to place things in a VPC it
 * does not own (a preview's service in dev's private subnets).
 */
import { Token } from "cdktf";
import { Construct } from "constructs";
import { VPC_ID } from "../internal/ids.js";
import { PropError } from "../validation/prop-error.js";
import { assertNoDuplicates, assertNonEmptyList } from "../validation/validators.js";
import type { SubnetTier } from "./network.js";

/**
 * A network by its address: a `Network` of this stack, or the ids of one read from another stack's
 * state (`Network.fromAttributes`).
 */
export interface NetworkRef {
  /** The VPC's id. */
  readonly vpcId: string;
  /** The availability zones the subnet tiers are spread over, in order. */
  readonly availabilityZones: readonly string[];
  /** Subnet ids of one tier, in AZ order. */
  subnetIds(tier: SubnetTier): string[];
}

/** What `Network.fromAttributes` needs: the ids another stack published (its outputs). */
export interface NetworkAttributes {
  /** The VPC's id (`vpc-…`). */
  readonly vpcId: string;
  /** The availability zones the subnets are in, in the order their ids are given. */
  readonly availabilityZones: readonly string[];
  /**
   * Subnet ids per tier, one per availability zone, in zone order; a list read from another stack's
   * state is taken as it is. Give the tiers this stack uses.
   * @default - no tier: `subnetIds(tier)` refuses every tier
   */
  readonly subnetIds?: Readonly<Partial<Record<SubnetTier, readonly string[]>>>;
}

/**
 * A network created elsewhere, by its ids (`Network.fromAttributes`). Creates nothing: constructs
 * given its `vpcId` and `subnetIds(tier)` are placed in it exactly as in a `Network` of this stack.
 */
export class ImportedNetwork extends Construct implements NetworkRef {
  /** The VPC's id, as given. */
  readonly vpcId: string;
  /** The availability zones, as given. */
  readonly availabilityZones: readonly string[];
  private readonly subnets: Readonly<Partial<Record<SubnetTier, readonly string[]>>>;

  constructor(scope: Construct, id: string, attributes: NetworkAttributes) {
    super(scope, id);
    const azs = attributes.availabilityZones;
    assertNonEmptyList(azs, "network.availabilityZones", "availability zone");
    assertNoDuplicates(azs, "network.availabilityZones");
    if (!Token.isUnresolved(attributes.vpcId) && !VPC_ID.test(attributes.vpcId)) {
      throw new PropError(
        "network.vpcId",
        `"${attributes.vpcId}" is not a VPC id such as vpc-0123456789abcdef0`,
      );
    }
    const subnets = attributes.subnetIds ?? {};
    for (const [tier, ids] of Object.entries(subnets) as [SubnetTier, readonly string[]][]) {
      const field = `network.subnetIds.${tier}`;
      assertNoDuplicates(ids, field);
      // A list read from state is one token standing for all of them; only literal lists are counted.
      const known = !Token.isUnresolved(ids) && !ids.some((subnetId) => Token.isUnresolved(subnetId));
      if (known && ids.length !== azs.length) {
        throw new PropError(
          field,
          `${ids.length} subnet ids for ${azs.length} availability zones; give one per zone, in zone order`,
        );
      }
    }
    this.vpcId = attributes.vpcId;
    this.availabilityZones = azs;
    this.subnets = subnets;
  }

  /** Subnet ids of one tier, in AZ order, as given. Refuses a tier that was not given. */
  subnetIds(tier: SubnetTier): string[] {
    const ids = this.subnets[tier];
    if (!ids) {
      throw new PropError(
        `network.subnetIds.${tier}`,
        `the ${tier} subnets were not given to Network.fromAttributes; add them to subnetIds`,
      );
    }
    return [...ids];
  }
}
