/**
 * One module capability, planned offline with the real AWS provider together with every other one
 * in `infra/capabilities/` (one stack, one plan: see capabilities.test.ts), so each capability the
 * modules offer beyond what the environment stacks use is covered by a real plan without a plan of
 * its own. A capability is a file `<name>.capability.ts` exporting `capability`.
 */
import type { Naming } from "@aws-platform-kit/modules/naming";
import type { AwsProvider } from "@cdktf/provider-aws/lib/provider/index.js";
import type { Construct } from "constructs";
import type { PlannedResource, StackModel } from "../plan/plan-model.js";
import type { StackResult } from "../policy/engine.js";
import type { PlanJson } from "../terraform/offline-plan.js";

/** What a capability builds with: its own scope in the shared stack, names, and the providers. */
export interface CapabilityContext {
  /** Names everything (`acme-cap-…`); give each resource a purpose of your capability's own. */
  readonly naming: Naming;
  /** The stack's default provider (us-east-1 here). */
  readonly provider: AwsProvider;
  /** A second provider, aliased `us_east_1` (CloudFront's certificates and web ACLs). */
  readonly usEast1: AwsProvider;
  /** A third provider in another region (`eu-west-1`, aliased `replica`), for cross-region parts. */
  readonly replicaRegion: AwsProvider;
}

/** What a capability's checks read: the plan of the whole shared stack. */
export interface PlannedCapabilities {
  readonly plan: PlanJson;
  readonly model: StackModel;
  /** The policy rules' findings over the whole plan. */
  readonly policy: StackResult;
  /** Planned resources whose address starts with `<type>.<capability scope id>_`. */
  readonly resourcesOf: (type: string, scopeId: string) => PlannedResource[];
}

export interface Capability {
  /** A short id, also the construct id of its scope (`[a-z0-9-]+`). */
  readonly id: string;
  /** Which issue item it covers, in words, for the test name. */
  readonly title: string;
  /** Builds the capability inside `scope`. Throwing fails the whole suite: keep it valid. */
  readonly build: (scope: Construct, context: CapabilityContext) => void;
  /** Expectations on the plan (use vitest's expect). */
  readonly check: (planned: PlannedCapabilities) => void;
}
