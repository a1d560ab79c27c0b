/**
 * Test support: synthesise constructs in a throwaway stack and look resources up by type.
 * Assertions read the same JSON Terraform reads, so they test what users get.
 */
import { Testing } from "cdktf";
import type { Construct } from "constructs";
import { Naming } from "../naming/naming.js";

export type ResourceConfig = Record<string, unknown> & { "//"?: unknown };

export interface Synthesised {
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

export function synthesise(build: (scope: Construct) => void): Synthesised {
  const json = JSON.parse(Testing.synthScope(build)) as Synthesised["json"];
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
