/**
 * Small plan JSON snippets for tests of what reads plans (the policy rules, the cost estimate), in
 * the exact shape `terraform show -json` writes: known values in `resource_changes[].change.after`,
 * unknown ones flagged in `after_unknown`, and the configuration (with `${...}` references, as cdktf
 * writes it) in `configuration`; and the same resources as a synthesised `cdk.tf.json`.
 */
import { isRecord, type PlanJson, type SynthesisedJson } from "./plan-model.js";

/** A value known only at apply time; `template` is what the configuration says (`${aws_x.y.arn}/*`). */
export class Later {
  constructor(readonly template: string) {}
}
/** A reference to another resource's attribute, unknown until apply: `ref("aws_s3_bucket.b.id")`. */
export const ref = (attribute: string) => new Later(`\${${attribute}}`);
/** A template with references inside, unknown until apply (a policy embedding a bucket ARN). */
export const later = (template: string) => new Later(template);

export interface FixtureResource {
  /** `<type>.<name>`. */
  readonly address: string;
  /** Attribute values; {@link ref} / {@link later} mark values unknown until apply. */
  readonly values: Record<string, unknown>;
  /** Suppressions recorded in the synthesised `//` metadata. */
  readonly suppressions?: ReadonlyArray<{ rule?: unknown; reason?: unknown }>;
}

export interface FixtureOptions {
  /** The provider's default_tags Environment. @default "dev" */
  readonly environment?: string;
  /** @default "us-east-1" */
  readonly region?: string;
  /** @default "fixture" */
  readonly stack?: string;
}

interface Split {
  after: unknown;
  unknown: unknown;
  config: unknown;
}

function split(value: unknown): Split {
  if (value instanceof Later) return { after: undefined, unknown: true, config: value.template };
  if (Array.isArray(value)) {
    const parts = value.map(split);
    return {
      after: parts.map((p) => p.after ?? null),
      unknown: parts.map((p) => p.unknown),
      config: parts.map((p) => p.config),
    };
  }
  if (isRecord(value)) {
    const parts = Object.entries(value).map(([k, v]) => [k, split(v)] as const);
    return {
      after: Object.fromEntries(parts.filter(([, p]) => p.after !== undefined).map(([k, p]) => [k, p.after])),
      unknown: Object.fromEntries(
        parts.filter(([, p]) => p.unknown !== false).map(([k, p]) => [k, p.unknown]),
      ),
      config: Object.fromEntries(parts.map(([k, p]) => [k, p.config])),
    };
  }
  return { after: value, unknown: false, config: value };
}

const isBlockList = (v: unknown) => Array.isArray(v) && v.length > 0 && v.every(isRecord);

/** Configuration as written → plan `configuration` expressions (blocks stay nested). */
function expressions(config: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(config).map(([key, value]) => {
      if (isBlockList(value)) return [key, (value as Record<string, unknown>[]).map(expressions)];
      const refs = [...JSON.stringify(value ?? null).matchAll(/\$\{([a-z][a-z0-9_]*\.[A-Za-z0-9_-]+)/g)].map(
        (m) => m[1],
      );
      return [key, refs.length ? { constant_value: value, references: refs } : { constant_value: value }];
    }),
  );
}

/** A plan JSON (as `terraform show -json` writes it) holding `resources`. */
export function fixturePlan(resources: readonly FixtureResource[], options: FixtureOptions = {}): PlanJson {
  const parts = resources.map((r) => ({ r, ...split(r.values) }));
  return {
    resource_changes: parts.map(({ r, after, unknown }) => {
      const [type, name] = r.address.split(".") as [string, string];
      return {
        address: r.address,
        mode: "managed",
        type,
        name,
        change: { actions: ["create"], after, after_unknown: unknown },
      };
    }),
    configuration: {
      provider_config: {
        aws: {
          name: "aws",
          expressions: {
            region: { constant_value: options.region ?? "us-east-1" },
            default_tags: [
              { tags: { constant_value: { Environment: options.environment ?? "dev", Project: "acme" } } },
            ],
          },
        },
      },
      root_module: {
        resources: parts.map(({ r, config }) => ({
          address: r.address,
          mode: "managed",
          expressions: expressions(config as Record<string, unknown>),
        })),
      },
    },
  };
}

/** The same resources as a synthesised `cdk.tf.json` (suppressions in `//`). */
export function fixtureSynth(
  resources: readonly FixtureResource[],
  options: FixtureOptions = {},
): SynthesisedJson {
  const resource: Record<string, Record<string, Record<string, unknown>>> = {};
  for (const r of resources) {
    const [type, name] = r.address.split(".") as [string, string];
    resource[type] ??= {};
    resource[type][name] = {
      ...(split(r.values).config as Record<string, unknown>),
      "//": {
        metadata: { path: `fixture/${name}` },
        ...(r.suppressions ? { policy: { suppressions: r.suppressions } } : {}),
      },
    };
  }
  return {
    provider: {
      aws: [
        {
          region: options.region ?? "us-east-1",
          default_tags: [{ tags: { Environment: options.environment ?? "dev" } }],
        },
      ],
    },
    resource,
  };
}
