/**
 * How a `FargateService` reads props that are Terraform references (a Terraform module's
 * variables), decided at plan: what they add is counted (`count`) or written as a dynamic block.
 * - `autoscaling`: a reference to an object of `FargateAutoscalingProps`' shape (every attribute
 *   set), or `null` for none.
 * - `loadBalancer`: a reference to an object of `FargateLoadBalancerProps`' shape (every attribute
 *   set, `dependsOn` aside) whose `targetGroupArn` is `null` for none. Always an object, so that
 *   what depends only on its other attributes (the request-count policy's `count`) is known at
 *   plan even when the target group's ARN is not.
 * - `environment`, `secrets`: maps given as references become `for` expressions.
 * - `enableExecuteCommand`, numbers, strings: written as the references they are.
 * Literal props take the code path they always did. Internal: not part of the package's public API.
 */
import { conditional, Op, propertyAccess, Token } from "cdktf";

/** True when a prop is a Terraform reference, known only at plan. */
export function atPlan(value: unknown): boolean {
  return value !== undefined && Token.isUnresolved(value);
}

/** One attribute of an object given as a reference: `local.autoscaling.minCount`. */
export function attribute(reference: unknown, name: string): unknown {
  return propertyAccess(reference, [name]);
}

/** `1` when the reference is not null, else `0`: the `count` of what an optional part adds. */
export function countIfSet(reference: unknown): number {
  return Token.asNumber(conditional(Op.eq(reference, Token.nullValue()), 0, 1));
}

/** A number as text, also when it is a reference (`${var.container_port}`, not a token's digits). */
export function numberText(value: number): string {
  return Token.isUnresolved(value) ? Token.asString(value) : String(value);
}
