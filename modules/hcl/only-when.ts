/** Optional parts of a Terraform module: resources counted on a variable (see `applyGates`). */
import { TerraformResource } from "cdktf";
import type { IConstruct } from "constructs";

/** One condition on a part of the module. */
export interface Gate {
  readonly scope: IConstruct;
  readonly condition: string;
}
type Blocks = Record<string, Record<string, Record<string, unknown>>>;

/**
 * Makes every resource under each gate's scope exist only when its condition (HCL, e.g.
 * `var.create_cloudfront`) holds, as Terraform expresses an optional part of a module:
 * `count = condition ? 1 : 0` (an emptied `for_each` for resources that have one), and every
 * reference to such a resource read through `one(<address>[*].<attribute>)`, which is null when it
 * does not exist. Conditions of nested scopes combine with `&&`. Works on the synthesised JSON, so
 * the constructs need no notion of being optional.
 */
export function applyGates(json: Record<string, unknown>, list: readonly Gate[]): Record<string, unknown> {
  const conditions = new Map<string, string[]>();
  for (const { scope, condition } of list) {
    for (const node of scope.node.findAll()) {
      if (!(node instanceof TerraformResource)) continue;
      const address = `${node.terraformResourceType}.${node.friendlyUniqueId}`;
      conditions.set(address, [...(conditions.get(address) ?? []), condition]);
    }
  }
  const configOf = (address: string) => {
    const [type, name] = address.split(".") as [string, string];
    const config = (json.resource as Blocks | undefined)?.[type]?.[name];
    if (!config) throw new Error(`onlyWhen: ${address} is not in the synthesised module`);
    return config;
  };
  // Counted resources are read through one(...[*]); for_each ones stay maps (empty when off).
  const counted = [...conditions.keys()].filter((address) => configOf(address).for_each === undefined);
  if (counted.length) {
    const escaped = counted.map((address) => address.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
    const reference = new RegExp(`(?<![\\w.-])(${escaped.join("|")})\\.([A-Za-z_][A-Za-z0-9_]*)`, "g");
    const rewrite = (value: unknown): unknown => {
      if (typeof value === "string") return value.replace(reference, "one($1[*].$2)");
      if (Array.isArray(value)) return value.map(rewrite);
      if (value && typeof value === "object") {
        return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, rewrite(inner)]));
      }
      return value;
    };
    for (const block of ["resource", "data", "locals", "output"]) {
      if (json[block] !== undefined) json[block] = rewrite(json[block]);
    }
  }
  for (const [address, all] of conditions) {
    const condition = all.length === 1 ? (all[0] as string) : all.map((c) => `(${c})`).join(" && ");
    const config = configOf(address);
    if (config.for_each === undefined) {
      config.count = `\${${condition} ? 1 : 0}`;
      continue;
    }
    const expression = /^\$\{([\s\S]*)\}$/.exec(String(config.for_each))?.[1];
    if (expression === undefined) throw new Error(`onlyWhen: ${address}'s for_each is not one expression`);
    config.for_each = `\${${condition} ? ${expression} : {}}`;
  }
  return json;
}
