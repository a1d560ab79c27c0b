/**
 * A rule's outcome on a few resources, for rule tests: each fixture (`infra/plan/plan-fixture.ts`)
 * is checked from its plan and at synth time, from the same configuration in `cdk.tf.json` form.
 */
import {
  type FixtureOptions,
  type FixtureResource,
  fixturePlan,
  fixtureSynth,
} from "../plan/plan-fixture.js";
import { modelFromPlan, modelFromSynth } from "../plan/plan-model.js";
import { evaluate, type Finding } from "./engine.js";
import type { Rule } from "./rule.js";

export interface RuleOutcome {
  readonly address: string;
  readonly status: Finding["status"] | "pass";
  readonly message?: string;
}

/**
 * Runs one rule on the fixture, from the plan and from the synthesised form, and returns the
 * outcome per resource the rule applies to (`pass` when it found nothing), for each source.
 */
export function runRule(
  rule: Rule,
  resources: readonly FixtureResource[],
  options: FixtureOptions = {},
): { plan: RuleOutcome[]; synth: RuleOutcome[] } {
  const stack = options.stack ?? "fixture";
  const synthesised = fixtureSynth(resources, options);
  const outcomes = (findings: readonly Finding[]) =>
    resources
      .filter((r) => rule.resourceTypes.includes(r.address.split(".")[0] as string))
      .map((r): RuleOutcome => {
        const finding = findings.find((f) => f.address === r.address);
        return finding
          ? { address: r.address, status: finding.status, message: finding.message }
          : { address: r.address, status: "pass" };
      });
  return {
    plan: outcomes(
      evaluate(modelFromPlan(stack, fixturePlan(resources, options), synthesised), [rule]).findings,
    ),
    synth: outcomes(evaluate(modelFromSynth(stack, synthesised), [rule]).findings),
  };
}

/**
 * The rule's outcome on one resource (default: the first), from the plan and at synth, with the
 * plan-time message: `{ plan: "violation", synth: "violation", message: "…" }`.
 */
export function outcome(
  rule: Rule,
  resources: readonly FixtureResource[],
  options: FixtureOptions & { address?: string } = {},
): { plan: RuleOutcome["status"]; synth: RuleOutcome["status"]; message?: string } {
  const address = options.address ?? resources[0]?.address;
  const { plan, synth } = runRule(rule, resources, options);
  const p = plan.find((o) => o.address === address);
  const s = synth.find((o) => o.address === address);
  if (!p || !s) throw new Error(`${rule.id} does not apply to ${String(address)}`);
  return { plan: p.status, synth: s.status, ...(p.message ? { message: p.message } : {}) };
}
