/**
 * One model of a stack's resources, built either from a Terraform plan (`terraform show -json`) or
 * from the synthesised `cdk.tf.json`, so the same rules run at plan time and at synth time.
 *
 * Values are the planned values (`resource_changes[].change.after`). What Terraform only knows at
 * apply time (`after_unknown`) becomes an {@link Unresolved} that carries the configuration written
 * at that spot (from the plan's `configuration` section): a rule can still see that a bucket policy
 * denies plain HTTP when the policy embeds the bucket's ARN, or that a flow log points at a VPC,
 * without guessing. At synth time every `${...}` reference is unresolved in the same way.
 */

/** A value not known until apply (plan) or a reference (synth), with the configuration behind it. */
export class Unresolved {
  constructor(
    /** The configuration at this spot (`"${aws_s3_bucket.b.arn}/*"`), or undefined when the provider computes it. */
    readonly expression: unknown,
    /** Addresses (`aws_s3_bucket.b`) of the resources the expression refers to. */
    readonly references: readonly string[],
  ) {}
}

/** A suppression as found in the synthesised JSON; validated by the engine. */
export interface RecordedSuppression {
  readonly rule?: unknown;
  readonly reason?: unknown;
}

export interface PlannedResource {
  /** `aws_s3_bucket.uploads_bucket_556152F0` (plus `[0]` for counted resources). */
  readonly address: string;
  readonly type: string;
  readonly name: string;
  /** Planned attribute values; unknown ones are {@link Unresolved}. Blocks are lists or objects. */
  readonly values: Readonly<Record<string, unknown>>;
  /** The configuration as written, `${...}` templates included. */
  readonly config: Readonly<Record<string, unknown>>;
  /** Construct path (`dev/network/vpc`), from the synthesised metadata when available. */
  readonly path?: string;
  /** The region of the provider (alias) the resource uses, when the configuration states it. */
  readonly region?: string;
  /** Suppressions recorded on the resource at synth (see suppressions.ts). */
  readonly suppressions: readonly RecordedSuppression[];
}

export interface StackModel {
  readonly stack: string;
  readonly source: "plan" | "synth";
  /** The default AWS provider's region. */
  readonly region?: string;
  /** The default AWS provider's `default_tags`. */
  readonly tags: Readonly<Record<string, string>>;
  readonly resources: readonly PlannedResource[];
  readonly byAddress: ReadonlyMap<string, PlannedResource>;
}

/** The parts of `terraform show -json` output the model reads. */
export interface PlanJson {
  readonly resource_changes?: ReadonlyArray<{
    readonly address: string;
    readonly mode: string;
    readonly type: string;
    readonly name: string;
    readonly change: {
      readonly actions: readonly string[];
      readonly after?: unknown;
      readonly after_unknown?: unknown;
    };
  }>;
  readonly configuration?: {
    readonly provider_config?: Readonly<
      Record<string, { readonly name?: string; readonly alias?: string; readonly expressions?: unknown }>
    >;
    readonly root_module?: ConfigModule;
  };
}

interface ConfigModule {
  readonly resources?: ReadonlyArray<{
    readonly address: string;
    readonly mode?: string;
    readonly provider_config_key?: string;
    readonly expressions?: unknown;
  }>;
  readonly module_calls?: Readonly<Record<string, { readonly module?: ConfigModule }>>;
}

/** The parts of a synthesised `cdk.tf.json` the model reads. */
export interface SynthesisedJson {
  readonly provider?: Readonly<Record<string, ReadonlyArray<Record<string, unknown>>>>;
  readonly resource?: Readonly<Record<string, Readonly<Record<string, Record<string, unknown>>>>>;
}

/** Terraform meta-arguments: not resource attributes. */
const META_ARGUMENTS = new Set([
  "//",
  "count",
  "for_each",
  "depends_on",
  "lifecycle",
  "provider",
  "provisioner",
  "connection",
]);

/**
 * The model of a planned stack. `synthesised` (the stack's `cdk.tf.json`) supplies what a plan does
 * not carry: construct paths and suppressions.
 */
export function modelFromPlan(stack: string, plan: PlanJson, synthesised?: SynthesisedJson): StackModel {
  const configs = new Map<string, { config: Record<string, unknown>; provider?: string }>();
  collectConfigs(plan.configuration?.root_module, "", configs);
  const regions = new Map<string, string>();
  for (const [key, p] of Object.entries(plan.configuration?.provider_config ?? {})) {
    const expressions = raw(p.expressions);
    if (isRecord(expressions) && typeof expressions.region === "string") regions.set(key, expressions.region);
  }
  const resources: PlannedResource[] = [];
  for (const rc of plan.resource_changes ?? []) {
    if (rc.mode !== "managed") continue;
    const actions = rc.change.actions;
    if (actions.length === 1 && actions[0] === "delete") continue;
    const { config, provider } = configs.get(rc.address.replace(/\[[^\]]*\]$/, "")) ?? { config: {} };
    const values = merge(rc.change.after ?? {}, rc.change.after_unknown, config);
    const region = regions.get(provider ?? "aws");
    const meta = synthesised?.resource?.[rc.type]?.[rc.name]?.["//"];
    resources.push({
      address: rc.address,
      type: rc.type,
      name: rc.name,
      values: isRecord(values) ? values : {},
      config,
      ...(region ? { region } : {}),
      ...metadataOf(meta),
    });
  }
  const provider = raw(plan.configuration?.provider_config?.aws?.expressions);
  return build(stack, "plan", isRecord(provider) ? provider : {}, resources);
}

/** The model of a synthesised stack (what the Aspect sees): every reference is unresolved. */
export function modelFromSynth(stack: string, json: SynthesisedJson): StackModel {
  const resources: PlannedResource[] = [];
  const regions = new Map<string, string>();
  for (const p of json.provider?.aws ?? []) {
    if (typeof p.region === "string") regions.set(p.alias ? `aws.${String(p.alias)}` : "aws", p.region);
  }
  for (const [type, byName] of Object.entries(json.resource ?? {})) {
    for (const [name, body] of Object.entries(byName)) {
      const config = Object.fromEntries(Object.entries(body).filter(([key]) => !META_ARGUMENTS.has(key)));
      const region = regions.get(typeof body.provider === "string" ? body.provider : "aws");
      resources.push({
        address: `${type}.${name}`,
        type,
        name,
        values: unresolveReferences(config) as Record<string, unknown>,
        config,
        ...(region ? { region } : {}),
        ...metadataOf(body["//"]),
      });
    }
  }
  const provider = (json.provider?.aws ?? []).find((p) => !p.alias) ?? {};
  return build(stack, "synth", provider, resources);
}

function build(
  stack: string,
  source: StackModel["source"],
  provider: Record<string, unknown>,
  resources: PlannedResource[],
): StackModel {
  const tags = blocks(provider.default_tags)[0]?.tags;
  const stringTags = isRecord(tags)
    ? Object.fromEntries(Object.entries(tags).filter((e): e is [string, string] => typeof e[1] === "string"))
    : {};
  return {
    stack,
    source,
    region: typeof provider.region === "string" ? provider.region : undefined,
    tags: stringTags,
    resources,
    byAddress: new Map(resources.map((r) => [r.address, r])),
  };
}

function metadataOf(meta: unknown): Pick<PlannedResource, "path" | "suppressions"> {
  if (!isRecord(meta)) return { suppressions: [] };
  const path =
    isRecord(meta.metadata) && typeof meta.metadata.path === "string" ? meta.metadata.path : undefined;
  const policy = isRecord(meta.policy) ? meta.policy : {};
  const suppressions = Array.isArray(policy.suppressions)
    ? policy.suppressions.map((s): RecordedSuppression => (isRecord(s) ? s : { rule: s }))
    : [];
  return { ...(path ? { path } : {}), suppressions };
}

function collectConfigs(
  module: ConfigModule | undefined,
  prefix: string,
  into: Map<string, { config: Record<string, unknown>; provider?: string }>,
): void {
  for (const resource of module?.resources ?? []) {
    if (resource.mode && resource.mode !== "managed") continue;
    const config = raw(resource.expressions, prefix);
    into.set(`${prefix}${resource.address}`, {
      config: isRecord(config) ? config : {},
      ...(resource.provider_config_key ? { provider: resource.provider_config_key } : {}),
    });
  }
  for (const [name, call] of Object.entries(module?.module_calls ?? {})) {
    collectConfigs(call.module, `${prefix}module.${name}.`, into);
  }
}

/**
 * Plan `configuration` expressions → the configuration as written: `{constant_value}` becomes the
 * value (templates included, as Terraform JSON syntax keeps them), a bare reference becomes `${ref}`,
 * nested blocks stay lists of objects.
 */
function raw(node: unknown, prefix = ""): unknown {
  if (Array.isArray(node)) return node.map((item) => raw(item, prefix));
  if (!isRecord(node)) return node;
  const keys = Object.keys(node);
  const isExpression = keys.length > 0 && keys.every((k) => k === "constant_value" || k === "references");
  if (isExpression) {
    const references = Array.isArray(node.references) ? node.references.map(String) : [];
    if ("constant_value" in node) {
      // Terraform JSON syntax keeps templates as constant strings, references and all.
      if (!prefix || !references.length) return node.constant_value;
      return mapStrings(node.constant_value, (text) =>
        references.reduce(
          (t, r) => t.replace(new RegExp(`(?<![\\w.])${escapeRegExp(r)}(?![\\w-])`, "g"), qualify(r, prefix)),
          text,
        ),
      );
    }
    return references.map((r) => `\${${qualify(r, prefix)}}`).join("");
  }
  return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, raw(v, prefix)]));
}

function mapStrings(value: unknown, f: (text: string) => string): unknown {
  if (typeof value === "string") return f(value);
  if (Array.isArray(value)) return value.map((item) => mapStrings(item, f));
  if (isRecord(value))
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapStrings(v, f)]));
  return value;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * A reference written inside a module (`aws_vpc.this.id`) as the address the plan gives the
 * resource (`module.network.aws_vpc.this.id`); variables, locals and the like stay as they are.
 */
function qualify(reference: string, prefix: string): string {
  return prefix && /^(data\.)?[a-z][a-z0-9]*_[a-z0-9_]*\./.test(reference)
    ? `${prefix}${reference}`
    : reference;
}

/** Planned values with the unknown ones replaced by {@link Unresolved} carrying their configuration. */
function merge(after: unknown, unknown: unknown, config: unknown): unknown {
  if (unknown === true) return new Unresolved(config, referencesIn(config));
  if (Array.isArray(after) || Array.isArray(unknown)) {
    const a = Array.isArray(after) ? after : [];
    const u = Array.isArray(unknown) ? unknown : [];
    const c = alignConfig(a, Array.isArray(config) ? config : []);
    return Array.from({ length: Math.max(a.length, u.length) }, (_, i) => merge(a[i], u[i], c[i]));
  }
  if (isRecord(after) || isRecord(unknown)) {
    const a = isRecord(after) ? after : {};
    const u = isRecord(unknown) ? unknown : {};
    const c = isRecord(config) ? config : isRecord(blocks(config)[0]) ? blocks(config)[0] : {};
    const keys = new Set([...Object.keys(a), ...Object.keys(u)]);
    return Object.fromEntries([...keys].map((k) => [k, merge(a[k], u[k], c?.[k])]));
  }
  return after;
}

/**
 * Pairs planned blocks with their configuration. Set-typed blocks (CloudFront origins, security
 * group rules) come out of a plan in the provider's order, not the order written, so each planned
 * block takes the configured block whose literal attributes agree with it (`origin_id`, ports);
 * position only breaks ties. Lists of plain values stay paired by position.
 */
function alignConfig(planned: readonly unknown[], config: readonly unknown[]): readonly unknown[] {
  if (planned.length !== config.length || !config.every(isRecord) || !planned.every(isRecord)) return config;
  const score = (a: Record<string, unknown>, c: Record<string, unknown>) => {
    let n = 0;
    for (const [key, value] of Object.entries(c)) {
      if (!["string", "number", "boolean"].includes(typeof value) || !(key in a)) continue;
      const known = a[key];
      if (known === undefined || known === null || typeof known === "object") continue;
      n += known === value ? 1 : -100;
    }
    return n;
  };
  const free = new Set(config.map((_, i) => i));
  return planned.map((a, i) => {
    let best = -1;
    let bestScore = Number.NEGATIVE_INFINITY;
    for (const j of free) {
      const s =
        score(a as Record<string, unknown>, config[j] as Record<string, unknown>) - (j === i ? 0 : 0.5);
      if (s > bestScore) {
        bestScore = s;
        best = j;
      }
    }
    free.delete(best);
    return config[best];
  });
}

/** Synth-time values: any string with a `${...}` reference is unresolved. */
function unresolveReferences(node: unknown): unknown {
  if (typeof node === "string") return node.includes(`\${`) ? new Unresolved(node, referencesIn(node)) : node;
  if (Array.isArray(node)) return node.map(unresolveReferences);
  if (isRecord(node))
    return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, unresolveReferences(v)]));
  return node;
}

const ADDRESS =
  /(?<![\w.])((?:module\.[A-Za-z0-9_-]+\.)*(?:data\.)?[a-z][a-z0-9]*_[a-z0-9_]*\.[A-Za-z_][A-Za-z0-9_-]*)/g;

/** Addresses (`aws_vpc.main`, `data.aws_iam_policy_document.x`) referenced anywhere in `node`. */
export function referencesIn(node: unknown): string[] {
  const found = new Set<string>();
  const visit = (value: unknown): void => {
    if (typeof value === "string") {
      for (const body of interpolations(value))
        for (const m of body.matchAll(ADDRESS)) found.add(m[1] as string);
    } else if (value instanceof Unresolved) {
      for (const r of value.references) found.add(r);
    } else if (Array.isArray(value)) {
      value.forEach(visit);
    } else if (isRecord(value)) {
      Object.values(value).forEach(visit);
    }
  };
  visit(node);
  return [...found];
}

/** The bodies of the `${...}` interpolations in a template string (nested braces allowed). */
function interpolations(text: string): string[] {
  const bodies: string[] = [];
  let start = text.indexOf(`\${`);
  while (start >= 0) {
    let depth = 1;
    let i = start + 2;
    for (; i < text.length && depth > 0; i++) {
      if (text[i] === "{") depth++;
      else if (text[i] === "}") depth--;
    }
    bodies.push(text.slice(start + 2, i - 1));
    start = text.indexOf(`\${`, i);
  }
  return bodies;
}

// ---- reading values -------------------------------------------------------------------------

export function isRecord(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Unresolved)
  );
}

/** A nested block as a list: plans write blocks as lists, `cdk.tf.json` sometimes as one object. */
export function blocks(value: unknown): Record<string, unknown>[] {
  if (Array.isArray(value)) return value.filter(isRecord);
  return isRecord(value) ? [value] : [];
}

/** A list attribute as a list (a single value becomes a one-element list; null becomes empty). */
export function list(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  return value === undefined || value === null ? [] : [value];
}

/** Addresses referenced by one attribute of a resource's configuration (or by all of it). */
export function referencesOf(resource: PlannedResource, attribute?: string): string[] {
  return referencesIn(attribute === undefined ? resource.config : resource.config[attribute]);
}

/** A resource's address at the start of a reference: `module.edge.aws_vpc.main` of `module.edge.aws_vpc.main.id`. */
const RESOURCE_ADDRESS =
  /^((?:module\.[A-Za-z0-9_-]+\.)*(?:data\.)?[a-z][a-z0-9]*_[a-z0-9_]*\.[A-Za-z_][A-Za-z0-9_-]*)/;

/** True when `reference` names a resource of `type`, in the root module or in a module it calls. */
export function refersTo(reference: string, type: string): boolean {
  return new RegExp(`^(module\\.[A-Za-z0-9_-]+\\.)*${type}\\.`).test(reference);
}

/** The resource at `address` (a reference may include an attribute: `aws_vpc.main.id`). */
export function lookup(stack: StackModel, address: string): PlannedResource | undefined {
  const resource = RESOURCE_ADDRESS.exec(address)?.[1];
  return stack.byAddress.get(address) ?? (resource === undefined ? undefined : stack.byAddress.get(resource));
}

/**
 * Resources of `types` whose `attribute` points at `target`: by reference in the configuration, or,
 * when the attribute is a known literal, by equality with one of the target's known `keys` (an S3
 * bucket's `bucket`, a VPC's `id`).
 */
export function attachedTo(
  stack: StackModel,
  target: PlannedResource,
  types: readonly string[],
  attribute: string,
  keys: readonly string[] = ["id"],
): PlannedResource[] {
  const literals = keys.map((k) => target.values[k]).filter((v): v is string => typeof v === "string");
  const withoutKey = target.address.replace(/\[[^\]]*\]$/, "");
  return stack.resources.filter((r) => {
    if (!types.includes(r.type)) return false;
    // A counted or for_each target is referred to without its instance key (`aws_s3_bucket.b`).
    const references = referencesOf(r, attribute);
    if (references.includes(target.address) || references.includes(withoutKey)) return true;
    const value = r.values[attribute];
    return typeof value === "string" && literals.includes(value);
  });
}

/** A string, when it is known; templates such as `${aws_x.y.id}` are not. */
export function knownString(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

/** The written form of a value: the string itself, or an unresolved value's configured template. */
export function writtenText(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (value instanceof Unresolved && typeof value.expression === "string") return value.expression;
  return undefined;
}

/**
 * Parses a JSON document attribute (an IAM policy, container definitions). Works on known values and
 * on configured templates: `${...}` placeholders sit inside JSON strings, so the document still parses.
 * Returns undefined when there is no document to read (e.g. the value comes from another resource).
 */
export function jsonDocument(value: unknown): unknown {
  if (isRecord(value) || Array.isArray(value)) return value;
  const text = writtenText(value);
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** A short description of where an unresolved value comes from, for messages. */
export function describeUnresolved(value: Unresolved): string {
  return value.references.length ? `set from ${value.references.join(", ")}` : "computed by the provider";
}

/** Not configured: absent, null, or computed by the provider with nothing written for it. */
export function isUnset(value: unknown): boolean {
  return (
    value === undefined || value === null || (value instanceof Unresolved && value.expression === undefined)
  );
}

/** A value as shown in messages: `"AES256"`, `false`, `not set`, `unknown until apply (set from …)`. */
export function show(value: unknown): string {
  if (isUnset(value)) return "not set";
  if (value instanceof Unresolved) return `unknown until apply (${describeUnresolved(value)})`;
  return typeof value === "string" ? `"${value}"` : JSON.stringify(value);
}

/**
 * The stack's environment: the provider's `default_tags` `Environment` when set, else the stack name.
 * Preview stacks are named `preview-pr-<N>`.
 */
export function environmentOf(stack: StackModel): string {
  return stack.tags.Environment ?? stack.stack;
}
