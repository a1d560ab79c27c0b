/**
 * Where tasks run: the `FARGATE` (on-demand) and `FARGATE_SPOT` capacity providers, mixed by a
 * capacity provider strategy — `base` tasks on one provider first, the rest split by `weight` — or
 * the capacity provider of an `Ec2Capacity` (an autoscaling group of ECS container instances); and
 * the checks ECS would otherwise make only at apply. Sources: "AWS Fargate capacity providers" and
 * "Amazon ECS capacity providers for the EC2 launch type" in the Amazon ECS Developer Guide.
 */
import { Token } from "cdktf";
import { PropError } from "../validation/prop-error.js";
import { type IntegerRange, integerRangeRule, oneOfRule } from "../validation/validators.js";

/** The capacity providers every account has for Fargate: on-demand, and Spot (interruptible, cheaper). */
export const FARGATE_CAPACITY_PROVIDERS = ["FARGATE", "FARGATE_SPOT"] as const;
/** A Fargate capacity provider. */
export type FargateCapacityProvider = (typeof FARGATE_CAPACITY_PROVIDERS)[number];
/** The CPU architectures a Fargate Linux task can have. */
export const CPU_ARCHITECTURES = ["X86_64", "ARM64"] as const;
/** A Fargate Linux task's CPU architecture. */
export type CpuArchitecture = (typeof CPU_ARCHITECTURES)[number];

/**
 * The names of the EC2 capacity providers `Ec2Capacity` created in this program (Terraform
 * references to their `name`): a strategy naming one runs its tasks on EC2 container instances.
 */
const EC2_CAPACITY_PROVIDERS = new Set<string>();

/**
 * Records `name` (an `Ec2Capacity`'s `capacityProviderName`) as an EC2 capacity provider, so that
 * strategies naming it are checked and built as EC2 ones. Called by `Ec2Capacity`.
 */
export function registerEc2CapacityProvider(name: string): void {
  EC2_CAPACITY_PROVIDERS.add(name);
}

/** True when `name` is the `capacityProviderName` of an `Ec2Capacity` of this program. */
export function isEc2CapacityProvider(name: string): boolean {
  return EC2_CAPACITY_PROVIDERS.has(name);
}

/**
 * True when `strategy` places tasks on an `Ec2Capacity`: its task definitions must then be
 * compatible with EC2 as well as Fargate, and the service has no Fargate platform version. False
 * for a strategy given as a Terraform reference (a module's variable: Fargate providers only).
 */
export function usesEc2Capacity(strategy: readonly CapacityProviderStrategyItem[] | undefined): boolean {
  if (strategy === undefined || Token.isUnresolved(strategy)) return false;
  return strategy.some((item) => isEc2CapacityProvider(item.capacityProvider));
}

/** One entry of a capacity provider strategy. */
export interface CapacityProviderStrategyItem {
  /**
   * `"FARGATE"` (on-demand), `"FARGATE_SPOT"` (interruptible with two minutes' notice, cheaper), or
   * an `Ec2Capacity`'s `capacityProviderName` (EC2 container instances of an autoscaling group).
   */
  readonly capacityProvider: FargateCapacityProvider | (string & {});
  /**
   * Tasks placed on this provider before any weight applies; at most one entry may have a base.
   * @default 0
   */
  readonly base?: number;
  /** This provider's share of the tasks above the base, relative to the other entries' weights. */
  readonly weight: number;
}

/** ECS's bounds on a strategy entry's `base`. */
export const CAPACITY_BASE_RANGE: IntegerRange = { min: 0, max: 100000 };
/** ECS's bounds on a strategy entry's `weight`. */
export const CAPACITY_WEIGHT_RANGE: IntegerRange = { min: 0, max: 1000 };
/** What a strategy needs. */
export const STRATEGY_EMPTY_RULE = "give at least one capacity provider";
/** Why only one entry may have a base. */
export const STRATEGY_ONE_BASE_RULE = "only one capacity provider in a strategy may have a base above 0";
/** Why a strategy needs a weight. */
export const STRATEGY_WEIGHT_RULE =
  "at least one capacity provider needs a weight above 0 (tasks above the base go nowhere otherwise)";
/** Why Fargate and EC2 capacity providers cannot share a strategy. */
export const STRATEGY_MIXED_RULE =
  "mixes Fargate and EC2 capacity providers; a strategy holds Fargate capacity providers or Auto Scaling group capacity providers, not both: use one Ec2Capacity, or FARGATE / FARGATE_SPOT";
/** What a literal capacity provider name must be. */
export const CAPACITY_PROVIDER_RULE = `${oneOfRule(FARGATE_CAPACITY_PROVIDERS)}, or an Ec2Capacity's capacityProviderName`;
/** Why tasks on EC2 capacity get no public IP. */
export const EC2_PUBLIC_IP_RULE =
  "must be false for tasks on EC2 capacity: ECS gives awsvpc tasks on EC2 instances no public IP; run them in private subnets with a NAT gateway";
/** Why a provider may not appear twice. */
export const STRATEGY_DUPLICATE_RULE = "is listed twice; give each capacity provider once";
/**
 * Why ARM64 tasks cannot use Fargate Spot. AWS: "Linux tasks with the ARM64 architecture don't
 * support the Fargate Spot capacity provider. Fargate Spot only supports Linux tasks with the X86_64
 * architecture."
 */
export const SPOT_ARM64_RULE =
  'FARGATE_SPOT runs only X86_64 tasks (AWS: "Linux tasks with the ARM64 architecture don\'t support the Fargate Spot capacity provider"); use cpuArchitecture "X86_64" or give FARGATE_SPOT no base and weight 0';

/**
 * Throws a `PropError` naming `field` (or one of its entries) unless `strategy` is one ECS accepts
 * for a Fargate task of `cpuArchitecture`: known providers, each once, whole-number bases and
 * weights in ECS's ranges, at most one base, some weight, and no Spot for ARM64. Entries or an
 * architecture given as Terraform references are let through.
 */
export function assertCapacityProviderStrategy(
  strategy: readonly CapacityProviderStrategyItem[],
  field: string,
  cpuArchitecture?: string,
): void {
  if (Token.isUnresolved(strategy)) return;
  if (strategy.length === 0) throw new PropError(field, STRATEGY_EMPTY_RULE);
  const seen = new Set<string>();
  let bases = 0;
  let weighted = false;
  strategy.forEach((item, i) => {
    const at = `${field}[${i}]`;
    const provider = item.capacityProvider;
    if (!Token.isUnresolved(provider)) {
      if (!(FARGATE_CAPACITY_PROVIDERS as readonly string[]).includes(provider)) {
        throw new PropError(`${at}.capacityProvider`, `"${provider}" ${CAPACITY_PROVIDER_RULE}`);
      }
      if (seen.has(provider))
        throw new PropError(`${at}.capacityProvider`, `"${provider}" ${STRATEGY_DUPLICATE_RULE}`);
      seen.add(provider);
    }
    const base = item.base ?? 0;
    const { weight } = item;
    if (!Token.isUnresolved(base) && !isWhole(base, CAPACITY_BASE_RANGE)) {
      throw new PropError(`${at}.base`, `${base} ${integerRangeRule(CAPACITY_BASE_RANGE)}`);
    }
    if (!Token.isUnresolved(weight) && !isWhole(weight, CAPACITY_WEIGHT_RANGE)) {
      throw new PropError(`${at}.weight`, `${weight} ${integerRangeRule(CAPACITY_WEIGHT_RANGE)}`);
    }
    if (!Token.isUnresolved(base) && base > 0) bases += 1;
    if (Token.isUnresolved(weight) || weight > 0) weighted = true;
    if (bases > 1) throw new PropError(`${at}.base`, STRATEGY_ONE_BASE_RULE);
    if (
      provider === "FARGATE_SPOT" &&
      cpuArchitecture === "ARM64" &&
      (Token.isUnresolved(weight) || weight > 0 || Token.isUnresolved(base) || base > 0)
    ) {
      throw new PropError(`${at}.capacityProvider`, SPOT_ARM64_RULE);
    }
  });
  if (!weighted) throw new PropError(field, STRATEGY_WEIGHT_RULE);
  const ec2 = strategy.filter((item) => isEc2CapacityProvider(item.capacityProvider)).length;
  const fargate = strategy.filter((item) =>
    (FARGATE_CAPACITY_PROVIDERS as readonly string[]).includes(item.capacityProvider),
  ).length;
  if (ec2 > 0 && fargate > 0) throw new PropError(field, STRATEGY_MIXED_RULE);
}

function isWhole(value: number, range: IntegerRange): boolean {
  return Number.isInteger(value) && value >= range.min && value <= (range.max ?? Number.POSITIVE_INFINITY);
}

/**
 * How many of `count` tasks each provider of `strategy` runs, as ECS places them: the base first
 * on its provider, the rest split by weight. Fractions are kept (the long-run share), so the result
 * prices a strategy without rounding one task one way or the other.
 */
export function tasksPerProvider(
  strategy: readonly CapacityProviderStrategyItem[],
  count: number,
): Map<CapacityProviderStrategyItem["capacityProvider"], number> {
  const tasks = new Map<CapacityProviderStrategyItem["capacityProvider"], number>();
  let rest = count;
  for (const item of strategy) {
    const base = Math.min(item.base ?? 0, rest);
    if (base > 0) tasks.set(item.capacityProvider, (tasks.get(item.capacityProvider) ?? 0) + base);
    rest -= base;
  }
  const total = strategy.reduce((sum, item) => sum + item.weight, 0);
  if (rest > 0 && total > 0) {
    for (const item of strategy) {
      if (item.weight > 0)
        tasks.set(
          item.capacityProvider,
          (tasks.get(item.capacityProvider) ?? 0) + (rest * item.weight) / total,
        );
    }
  }
  return tasks;
}
