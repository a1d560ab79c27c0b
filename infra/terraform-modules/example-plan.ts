/**
 * Plans the HCL examples under `modules/terraform/examples/` offline, as a Terraform user would run
 * them: a copy of `modules/terraform/` in a scratch folder (so `.terraform/` never lands in the
 * checkout), `terraform init` and `validate` once per example with the project's provider source, then `plan`
 * with `-var` values per case, fake credentials from the same override file the stacks use, and
 * `show -json` for the policy rules and shape checks.
 */
import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll } from "vitest";
import { modelFromPlan, type PlanJson, type StackModel } from "../plan/plan-model.js";
import { evaluate, type StackResult } from "../policy/engine.js";
import { RULES } from "../policy/rules/index.js";
import {
  type Diagnostic,
  mapConcurrently,
  OVERRIDE_FILE,
  offlineOverride,
  planDiagnostics,
  terraform,
} from "../terraform/offline-plan.js";
import { prepareToolchain, type Toolchain } from "../terraform/toolchain.js";

/** The committed modules and examples. */
export const TERRAFORM_MODULES = resolve(import.meta.dirname, "..", "..", "modules", "terraform");

/** A scratch copy of `modules/terraform/` and a toolchain to plan its examples with. */
export interface Workspace {
  readonly root: string;
  readonly toolchain: Toolchain;
  /** Removes the scratch copy. */
  dispose(): void;
}

/** Copies `modules/terraform/` to a scratch folder and prepares the Terraform toolchain there. */
export async function exampleWorkspace(): Promise<Workspace> {
  const root = mkdtempSync(join(tmpdir(), "terraform-modules-"));
  cpSync(TERRAFORM_MODULES, join(root, "terraform"), { recursive: true });
  const toolchain = await prepareToolchain(join(root, "terraform.rc"));
  return { root, toolchain, dispose: () => rmSync(root, { recursive: true, force: true }) };
}

/** One example, initialised and validated: plan it with variables. */
export interface Example {
  readonly dir: string;
  /** `terraform validate -json`'s error and warning diagnostics (empty when the example is valid). */
  readonly validation: readonly string[];
  plan(variables?: Readonly<Record<string, unknown>>): Promise<ExamplePlan>;
}

/** The outcome of one plan of an example. */
export interface ExamplePlan {
  readonly ok: boolean;
  /** Error diagnostics: summary and detail (the variable's validation message is in the detail). */
  readonly errors: readonly string[];
  readonly plan?: PlanJson & {
    readonly resource_changes?: ReadonlyArray<{
      readonly address: string;
      readonly type: string;
      readonly mode: string;
    }>;
  };
  /** The plan as the policy rules see it. */
  readonly model?: StackModel;
}

/**
 * `terraform init` of `modules/terraform/examples/<name>` in the workspace; throws when init fails.
 * `aliases`: the example's provider aliases (`us_east_1`), each given fake credentials as well.
 */
export async function initExample(
  workspace: Workspace,
  name: string,
  aliases: readonly string[] = [],
): Promise<Example> {
  const dir = join(workspace.root, "terraform", "examples", name);
  const providers = { aws: [{}, ...aliases.map((alias) => ({ alias }))] };
  writeFileSync(
    join(dir, OVERRIDE_FILE),
    `${JSON.stringify(offlineOverride({ provider: providers }), null, 2)}\n`,
  );
  const init = await terraform(workspace.toolchain, dir, ["init", "-input=false", "-no-color"]);
  if (init.code !== 0)
    throw new Error(`terraform init of examples/${name} failed:\n${init.stderr || init.stdout}`);
  const validate = await terraform(workspace.toolchain, dir, ["validate", "-json", "-no-color"]);
  const validation = (
    (JSON.parse(validate.stdout || "{}") as { diagnostics?: Diagnostic[] }).diagnostics ?? []
  ).map((d) => `${d.severity}: ${[d.summary, d.detail].filter(Boolean).join(": ")}`);
  if (validate.code !== 0 && validation.length === 0) validation.push(validate.stderr);
  let runs = 0;
  return {
    dir,
    validation,
    async plan(variables = {}) {
      const planFile = `case-${runs++}.tfplan`;
      const vars = Object.entries(variables).flatMap(([key, value]) => [
        "-var",
        `${key}=${typeof value === "string" ? value : JSON.stringify(value)}`,
      ]);
      const plan = await terraform(workspace.toolchain, dir, [
        "plan",
        "-json",
        "-input=false",
        "-no-color",
        "-lock=false",
        "-refresh=false",
        `-out=${planFile}`,
        ...vars,
      ]);
      const errors = planDiagnostics(plan.stdout)
        .filter((d: Diagnostic) => d.severity === "error")
        .map((d) => [d.summary, d.detail].filter(Boolean).join(": "));
      if (plan.code !== 0 || errors.length) {
        return { ok: false, errors: errors.length ? errors : [plan.stderr || plan.stdout] };
      }
      const show = await terraform(workspace.toolchain, dir, ["show", "-json", "-no-color", planFile]);
      if (show.code !== 0) return { ok: false, errors: [show.stderr] };
      const json = JSON.parse(show.stdout) as ExamplePlan["plan"] & PlanJson;
      return { ok: true, errors: [], plan: json, model: modelFromPlan(`examples/${name}`, json) };
    },
  };
}

/**
 * Plans every case (name → variables), two at a time: a plan spends much of its time starting the
 * provider and waiting on it, so two share the machine's cores well.
 */
export async function planCases<K extends string>(
  example: Example,
  cases: Readonly<Record<K, Readonly<Record<string, unknown>>>>,
  concurrency = 2,
): Promise<Map<K, ExamplePlan>> {
  const names = Object.keys(cases) as K[];
  const results = await mapConcurrently(names, concurrency, (name) => example.plan(cases[name]));
  return new Map(names.map((name, i) => [name, results[i] as ExamplePlan]));
}

/** One test file's example: initialised and every case planned before its tests, removed after. */
export interface ExampleSuite<K extends string> {
  /** The example, once initialised (its `validation`). */
  example(): Example;
  /** The plan of one case. */
  planOf(name: K): ExamplePlan;
}

/**
 * Registers the test file's hooks: a scratch workspace, `modules/terraform/examples/<name>`
 * initialised (with fake credentials for `aliases` too) and every case planned, before the tests;
 * the workspace removed after them.
 */
export function exampleSuite<K extends string>(
  name: string,
  cases: Readonly<Record<K, Readonly<Record<string, unknown>>>>,
  aliases: readonly string[] = [],
): ExampleSuite<K> {
  let workspace: Workspace | undefined;
  let example: Example | undefined;
  let plans = new Map<K, ExamplePlan>();
  beforeAll(async () => {
    workspace = await exampleWorkspace();
    example = await initExample(workspace, name, aliases);
    plans = await planCases(example, cases);
  }, 300_000);
  afterAll(() => workspace?.dispose());
  return {
    example: () => example as Example,
    planOf: (key) => plans.get(key) as ExamplePlan,
  };
}

/** A planned resource's address and values (`change.after`). */
export interface PlannedResource {
  readonly address: string;
  readonly after: Record<string, unknown>;
}

/** The planned resources of `type` (managed), inside `module.<module>` when given. */
export function plannedResources(result: ExamplePlan, type: string, module?: string): PlannedResource[] {
  const changes = (result.plan?.resource_changes ?? []) as ReadonlyArray<{
    readonly address: string;
    readonly mode: string;
    readonly type: string;
    readonly change?: { readonly after?: Record<string, unknown> };
  }>;
  return changes
    .filter((rc) => rc.mode === "managed" && rc.type === type)
    .filter((rc) => module === undefined || rc.address.startsWith(`module.${module}.`))
    .map((rc) => ({ address: rc.address, after: rc.change?.after ?? {} }));
}

/** The planned values of the one resource of `type` (inside `module.<module>` when given); throws unless exactly one. */
export function onlyPlanned(result: ExamplePlan, type: string, module?: string): Record<string, unknown> {
  const found = plannedResources(result, type, module);
  if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}`);
  return (found[0] as PlannedResource).after;
}

/** The addresses of the planned resources of `type` (managed). */
export function plannedOfType(result: ExamplePlan, type: string): string[] {
  return plannedResources(result, type).map((resource) => resource.address);
}

/** The policy rules' verdict on a plan. */
export function policyOf(result: ExamplePlan): StackResult {
  if (!result.model) throw new Error(`no plan to check: ${result.errors.join("; ")}`);
  return evaluate(result.model, RULES);
}
