/**
 * Every module capability in this folder, synthesised into one stack and planned once offline with
 * the real Terraform CLI and AWS provider; then each capability's own checks and the policy rules
 * run on that plan. Add a capability: a file `<name>.capability.ts` exporting `capability`.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Naming } from "@aws-platform-kit/modules/naming";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider/index.js";
import { App, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { modelFromPlan, type SynthesisedJson } from "../plan/plan-model.js";
import { evaluate } from "../policy/engine.js";
import { RULES } from "../policy/rules/index.js";
import { type PlanJson, planStacksOffline, type StackPlan } from "../terraform/offline-plan.js";
import { prepareToolchain } from "../terraform/toolchain.js";
import type { Capability, PlannedCapabilities } from "./capability.js";

const STACK = "capabilities";
const files = readdirSync(import.meta.dirname)
  .filter((f) => f.endsWith(".capability.ts"))
  .sort();
const capabilities: Capability[] = await Promise.all(
  files.map(
    async (f) => ((await import(join(import.meta.dirname, f))) as { capability: Capability }).capability,
  ),
);

const outdir = mkdtempSync(join(tmpdir(), "capabilities-"));
let result: StackPlan | undefined;
let planned: PlannedCapabilities;

beforeAll(async () => {
  const app = new App({ outdir });
  const stack = new TerraformStack(app, STACK);
  const naming = new Naming({
    project: "acme",
    environment: "cap",
    accountId: "123456789012",
    region: "us-east-1",
  });
  const context = {
    naming,
    provider: new AwsProvider(stack, "aws", { region: "us-east-1", allowedAccountIds: ["123456789012"] }),
    usEast1: new AwsProvider(stack, "aws-us-east-1", { region: "us-east-1", alias: "us_east_1" }),
    replicaRegion: new AwsProvider(stack, "aws-replica", { region: "eu-west-1", alias: "replica" }),
  };
  for (const capability of capabilities) {
    capability.build(new Construct(stack, capability.id), context);
  }
  app.synth();
  const toolchain = await prepareToolchain(join(outdir, "terraform.rc"));
  [result] = await planStacksOffline(outdir, [STACK], toolchain, { concurrency: 1 });
  // The plan JSON's path (absent when planning failed: the first test then says why).
  const plan = (result?.planJson ? JSON.parse(readFileSync(result.planJson, "utf8")) : {}) as PlanJson;
  const synthesised = JSON.parse(
    readFileSync(join(outdir, "stacks", STACK, "cdk.tf.json"), "utf8"),
  ) as SynthesisedJson;
  const model = modelFromPlan(STACK, plan as never, synthesised);
  planned = {
    plan,
    model,
    policy: evaluate(model, RULES),
    resourcesOf: (type, scopeId) =>
      model.resources.filter((r) => r.type === type && r.address.startsWith(`${type}.${scopeId}_`)),
  };
}, 300_000);
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

describe("module capabilities, planned together offline", () => {
  test("the shared stack validates and plans with no errors and no warnings", () => {
    expect({ errors: result?.errors, warnings: result?.warnings }).toEqual({ errors: [], warnings: [] });
    expect(result?.ok).toBe(true);
  });

  test("the policy rules find no violation in any capability", () => {
    const violations = planned.policy.findings.filter((f) => f.status === "violation");
    expect(violations.map((f) => `${f.rule} ${f.address}: ${f.message}`)).toEqual([]);
  });

  test.each(capabilities.map((c) => [c.id, c] as const))("%s", (_id, capability) => {
    capability.check(planned);
  });
});
