/**
 * Test support: synthesise constructs in a throwaway stack and look resources up by type.
 * Assertions read the same JSON Terraform reads, so they test what users get.
 */
import { mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TerraformStack, Testing } from "cdktf";
import type { Construct } from "constructs";
import { Naming } from "../naming/naming.js";

/** One resource's configuration in the synthesised JSON, keys in snake_case as Terraform reads them. */
export type ResourceConfig = Record<string, unknown> & {
  /** cdktf's metadata: the construct path and unique id. @default - absent when cdktf writes none */
  "//"?: unknown;
};

/** A stack synthesised by `synthesise`: its Terraform JSON and lookups by resource type. */
export interface Synthesised {
  /** The whole synthesised Terraform JSON (`resource`, `data`, `output`, …). */
  readonly json: Record<string, Record<string, Record<string, ResourceConfig>>>;
  /** Every resource of `type` (e.g. `aws_subnet`), keyed by its Terraform name. */
  resources(type: string): Record<string, ResourceConfig>;
  /** Every resource of `type`, as a list. */
  list(type: string): ResourceConfig[];
  /** The only resource of `type`; throws when there are none or several. */
  only(type: string): ResourceConfig;
  /** `${type}.${name}` of every resource, for "nothing else was created" assertions. */
  addresses(): string[];
}

/**
 * The output folder of every test app: one fixed folder, made once and reused. cdktf's
 * `Testing.app()` and `Testing.synthScope` make a new `cdktf.outdir.*` folder in the temp directory
 * per call and never remove it (a few hundred per test run). The apps given this folder are only
 * rendered to JSON in memory (`Testing.synth`), never written, so tests running in parallel can
 * share it; both folders the App constructor wants exist beforehand, so none of them races to make it.
 */
export function testOutdir(): string {
  const folder = join(tmpdir(), "cdktf-test-outdir");
  mkdirSync(join(folder, "stacks"), { recursive: true });
  return folder;
}

/** Builds constructs in a throwaway stack (`build` receives the stack) and synthesises it, offline. */
export function synthesise(build: (scope: Construct) => void): Synthesised {
  const stack = new TerraformStack(Testing.app({ outdir: testOutdir() }), "stack");
  build(stack);
  const json = JSON.parse(Testing.synth(stack)) as Synthesised["json"];
  const resources = (type: string) => json.resource?.[type] ?? {};
  return {
    json,
    resources,
    list: (type) => Object.values(resources(type)),
    only(type) {
      const all = Object.values(resources(type));
      if (all.length !== 1) throw new Error(`expected exactly one ${type}, found ${all.length}`);
      return all[0] as ResourceConfig;
    },
    addresses: () =>
      Object.entries(json.resource ?? {}).flatMap(([type, byName]) =>
        Object.keys(byName).map((n) => `${type}.${n}`),
      ),
  };
}

/** Parses an IAM policy document rendered into the synthesised JSON. */
export function policy(document: unknown): { Statement: Array<Record<string, unknown>> } {
  return JSON.parse(String(document)) as { Statement: Array<Record<string, unknown>> };
}

/** A naming for module tests. */
export const testNaming = new Naming({
  project: "acme",
  environment: "test",
  accountId: "123456789012",
  region: "us-east-1",
});
