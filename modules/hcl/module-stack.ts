/**
 * A stack that synthesises as a plain Terraform module: variables and outputs under fixed
 * snake_case names, every resource tagged with `var.tags`, and no provider configuration and no
 * backend (the root module that calls it owns both). The constructs inside are the package's own,
 * given Terraform references (`var.cidr`) where a stack gives literal values.
 */
import {
  type App,
  Fn,
  TerraformOutput,
  TerraformResource,
  TerraformStack,
  TerraformVariable,
  Testing,
} from "cdktf";
import type { IConstruct } from "constructs";
import { propDoc } from "./docs.js";
import { applyGates, type Gate } from "./only-when.js";

/** The provider constraint every module declares: the provider line the kit is built and tested on. */
export const AWS_PROVIDER_CONSTRAINT = "~> 5.100";
/** Terraform 1.10: cross-variable validation (1.9) and the kit's own minimum. */
export const TERRAFORM_CONSTRAINT = ">= 1.10";

/** One validation rule of a variable: an HCL condition and the message Terraform prints when it fails. */
export interface Rule {
  /** An HCL boolean expression, without `${}`; errors count as failure (it is wrapped in `try`). */
  readonly condition: string;
  /** The rule in the words of the prop's synth-time check; the variable's name is put in front. */
  readonly message: string;
}

/** A module input. */
export interface VariableSpec {
  /** Terraform type constraint: `string`, `list(string)`, `object({...})`. */
  readonly type: string;
  /**
   * Where the description comes from: a prop's doc comment, `<file>#<Interface>.<prop>[.<nested>]`
   * relative to `modules/` (`network/network.ts#NetworkProps.cidr`).
   */
  readonly doc?: string;
  /** The description, when no prop documents this input (or in addition to it, after it). */
  readonly description?: string;
  /**
   * The default. Leave out for a required input. A prop's `@default` given as a literal must agree
   * (checked when the module is generated); `null` means "not set" (`nullable`).
   */
  readonly default?: unknown;
  /** Validation rules, each failing `terraform plan` with `<name>: <message>`. */
  readonly rules?: readonly Rule[];
  /** Mark the value sensitive in plan output. @default false */
  readonly sensitive?: boolean;
}

/** A module output. */
export interface OutputSpec {
  /** What it holds. */
  readonly description: string;
  /** The value (a reference). */
  readonly value: unknown;
}

/** One variable or output as the README tables list it. */
export interface Documented {
  readonly name: string;
  readonly description: string;
  readonly type?: string;
  readonly default?: unknown;
  readonly required?: boolean;
  /** The validation messages, as Terraform prints them. */
  readonly rules?: string[];
}

/** The four files of a module folder, as JSON values. */
export interface ModuleFiles {
  readonly "main.tf.json": Record<string, unknown>;
  readonly "variables.tf.json": Record<string, unknown>;
  readonly "outputs.tf.json": Record<string, unknown>;
  readonly "versions.tf.json": Record<string, unknown>;
}

/** A TerraformStack whose synthesis is a reusable module (see the file comment). */
export class TerraformModuleStack extends TerraformStack {
  /** Inputs in declaration order, for the README. */
  readonly inputs: Documented[] = [];
  /** Outputs in declaration order, for the README. */
  readonly outputs: Documented[] = [];
  /** `var.tags`, merged into every taggable resource's own tags at synthesis. */
  readonly tags: TerraformVariable;
  /**
   * Provider aliases the caller must pass (`providers = { aws.us_east_1 = aws.virginia }`), declared
   * as `configuration_aliases`; a resource uses one with `addOverride("provider", "aws.us_east_1")`.
   */
  readonly providerAliases: string[] = [];
  private readonly variables = new Map<string, TerraformVariable>();
  private readonly gates: Gate[] = [];
  /** `<Interface>.<prop path>` (`NetworkProps.natMode`) → the variable that carries that prop. */
  private readonly propVariables = new Map<string, string>();
  /** Each input's props interface, when its description comes from a prop. */
  private readonly inputInterfaces = new Map<string, string>();

  constructor(scope: App, id: string) {
    super(scope, id);
    this.tags = this.variable("tags", {
      type: "map(string)",
      default: {},
      description:
        "Tags for every resource the module creates, on top of the provider's `default_tags` (which they override key by key).",
      rules: [
        {
          condition:
            'alltrue([for key, value in var.tags : length(key) <= 128 && length(value) <= 256 && !startswith(lower(key), "aws:")])',
          message:
            "a tag key must be 1–128 characters and must not start with aws: (reserved for AWS); a value at most 256",
        },
      ],
    });
  }

  /** Declares an input named `name` (snake_case, fixed: users' code depends on it). */
  variable(name: string, spec: VariableSpec): TerraformVariable {
    if (!/^[a-z][a-z0-9_]*$/.test(name)) throw new Error(`variable "${name}" is not snake_case`);
    if (this.variables.has(name)) throw new Error(`variable "${name}" declared twice`);
    const documented = spec.doc ? propDoc(spec.doc) : undefined;
    if (documented?.default !== undefined && "default" in spec && spec.default !== null) {
      const written = JSON.stringify(documented.default);
      if (written !== JSON.stringify(spec.default)) {
        throw new Error(
          `variable "${name}": default ${JSON.stringify(spec.default)} but ${spec.doc} says @default ${written}`,
        );
      }
    }
    const description = [documented?.text, spec.description].filter(Boolean).join(" ");
    if (!description) throw new Error(`variable "${name}" has no description (give doc or description)`);
    const variable = new TerraformVariable(this, `var-${name}`, {
      type: spec.type,
      description,
      ...("default" in spec && spec.default !== null ? { default: spec.default } : {}),
      nullable: spec.default === null,
      ...(spec.sensitive ? { sensitive: true } : {}),
    });
    variable.overrideLogicalId(name);
    // cdktf cannot write a null default itself (it snake-cases the config's keys).
    if (spec.default === null) variable.addOverride("default", null);
    this.variables.set(name, variable);
    const propPath = spec.doc?.split("#")[1];
    if (propPath) {
      this.propVariables.set(propPath, name);
      this.inputInterfaces.set(name, propPath.split(".")[0] as string);
    }
    this.inputs.push({
      name,
      description,
      type: spec.type,
      ...("default" in spec ? { default: spec.default } : {}),
      required: !("default" in spec),
      rules: [],
    });
    for (const rule of spec.rules ?? []) this.addRule(variable, name, rule);
    return variable;
  }

  /** Adds a validation rule to a declared variable (e.g. a length limit known only after building). */
  rule(name: string, rule: Rule): void {
    const variable = this.variables.get(name);
    if (!variable) throw new Error(`no variable "${name}"`);
    this.addRule(variable, name, rule);
  }

  /** Declares an output named `name`. */
  output(name: string, spec: OutputSpec): void {
    if (!/^[a-z][a-z0-9_]*$/.test(name)) throw new Error(`output "${name}" is not snake_case`);
    new TerraformOutput(this, `output-${name}`, {
      value: spec.value,
      description: spec.description,
    }).overrideLogicalId(name);
    this.outputs.push({ name, description: spec.description });
  }

  /**
   * Makes every resource under `scope` exist only when `condition` (HCL, e.g. `var.create_cloudfront`)
   * holds: `count` (or an emptied `for_each`), with references read through `one(...)`. Applied when
   * the files are written, so resources added to `scope` later are included.
   */
  onlyWhen(scope: IConstruct, condition: string): void {
    this.gates.push({ scope, condition });
  }

  /** Synthesises the stack and splits it into the module's four files. */
  files(): ModuleFiles {
    this.mergeTags();
    this.renamePropsInDescriptions();
    const json = applyGates(JSON.parse(Testing.synth(this)) as Record<string, unknown>, this.gates);
    const clean = stripComments(json) as Record<string, unknown>;
    // The backend (cdktf's default local one) and any provider block are the caller's to set.
    const { variable, output, terraform: _backend, provider, ...main } = clean;
    if (provider !== undefined) throw new Error(`${this.node.id}: a module must not configure a provider`);
    return {
      "main.tf.json": main,
      "variables.tf.json": { variable: variable ?? {} },
      "outputs.tf.json": { output: output ?? {} },
      "versions.tf.json": {
        terraform: {
          required_version: TERRAFORM_CONSTRAINT,
          required_providers: {
            aws: {
              source: "hashicorp/aws",
              version: AWS_PROVIDER_CONSTRAINT,
              ...(this.providerAliases.length
                ? // A static reference, not a template: Terraform refuses `${aws.x}` here.
                  { configuration_aliases: this.providerAliases.map((alias) => `aws.${alias}`) }
                : {}),
            },
          },
        },
      },
    };
  }

  /**
   * Descriptions come from the props' doc comments, which name other props in camelCase
   * (`` `natMode` ``): where a variable carries that prop, they name the variable instead.
   */
  private renamePropsInDescriptions(): void {
    const variableOf = (input: string, prop: string): string | undefined => {
      const own = this.inputInterfaces.get(input);
      const inOwn = own === undefined ? undefined : this.propVariables.get(`${own}.${prop}`);
      if (inOwn) return inOwn;
      // Another interface's prop of that name, when only one has it.
      const elsewhere = [...this.propVariables].filter(
        ([path]) => path.slice(path.indexOf(".") + 1) === prop,
      );
      return elsewhere.length === 1 ? elsewhere[0]?.[1] : undefined;
    };
    this.inputs.forEach((input, i) => {
      const renamed = input.description.replace(/`([a-z][A-Za-z0-9.]*)`/g, (whole, prop: string) => {
        const variable = variableOf(input.name, prop);
        return variable ? `\`${variable}\`` : whole;
      });
      if (renamed === input.description) return;
      this.inputs[i] = { ...input, description: renamed };
      this.variables.get(input.name)?.addOverride("description", renamed);
    });
  }

  private addRule(variable: TerraformVariable, name: string, rule: Rule): void {
    this.inputs.find((input) => input.name === name)?.rules?.push(rule.message);
    variable.addValidation({
      condition: `\${try(${rule.condition}, false)}`,
      errorMessage: `${name}: ${rule.message}`,
    });
  }

  /** Every resource that takes tags gets `merge(var.tags, <its own tags>)`: its own win. */
  private mergeTags(): void {
    for (const node of this.node.findAll()) {
      if (!(node instanceof TerraformResource)) continue;
      if (!("tagsInput" in node)) continue;
      const own = (node as unknown as { tagsInput?: Record<string, string> }).tagsInput ?? {};
      (node as unknown as { tags: unknown }).tags = Fn.merge([this.tags.value, own]);
    }
  }
}

/** A throwaway app for module stacks: synthesised in memory only. */
export function moduleApp(outdir: string): App {
  return Testing.app({ outdir });
}

/** Drops cdktf's `//` metadata comments (a module's JSON is read by people) and sorts keys. */
function stripComments(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripComments);
  if (value === null || typeof value !== "object") return value;
  // Keys sorted, as cdktf writes them, also after applyGates added `count`.
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => key !== "//")
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([key, inner]) => [key, stripComments(inner)]),
  );
}
