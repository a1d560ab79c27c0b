/**
 * Validates and plans synthesised stacks with the real Terraform CLI and AWS provider, with no AWS
 * account and no network. Override files beside `cdk.tf.json` (which is never edited) swap the
 * backend for a local one and give the provider fake credentials with every AWS call-out skipped;
 * an unreachable proxy makes any stray request fail at once instead of hanging.
 */
import { execFile } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { OFFLINE_BACKEND, type Toolchain } from "./toolchain.js";

export const OVERRIDE_FILE = "offline_override.tf.json";
export const PLAN_FILE = "offline.tfplan";

export interface StackPlan {
  readonly stack: string;
  readonly ok: boolean;
  /** Resources in the plan (planned_values), excluding data sources. */
  readonly resources: number;
  readonly add: number;
  readonly change: number;
  readonly destroy: number;
  readonly warnings: readonly string[];
  readonly errors: readonly string[];
  readonly seconds: number;
  /** The path of `terraform show -json` of the plan, when planning got that far. */
  readonly planJson?: string;
}

export interface PlanOptions {
  /** Stop after `terraform validate`. @default false */
  readonly validateOnly?: boolean;
  /** Where `<stack>.json` plan files go. @default "<outdir>/plans" */
  readonly planDir?: string;
  /** Stacks planned at once. @default 2 */
  readonly concurrency?: number;
  /** Extra override files per stack (file name → content), e.g. a remote-state fixture. */
  readonly extraOverrides?: (stack: string, config: SynthesisedStack) => Record<string, unknown>;
}

/** Where plan:offline finds the stand-in state of an environment a stack reads remotely. */
export const REMOTE_STATE_FIXTURES = fileURLToPath(new URL("./fixtures/", import.meta.url));

export interface SynthesisedStack {
  readonly provider?: Record<string, Array<{ alias?: string }>>;
  readonly variable?: Record<string, { default?: unknown; ephemeral?: boolean }>;
  readonly terraform?: { backend?: Record<string, unknown> };
  readonly data?: Record<string, Record<string, { backend?: string; config?: { key?: string } }>>;
}

/** Stack names under `<outdir>/stacks`, in manifest order when a manifest exists. */
export function listStacks(outdir: string): string[] {
  const manifest = join(outdir, "manifest.json");
  if (existsSync(manifest)) {
    const { stacks } = JSON.parse(readFileSync(manifest, "utf8")) as { stacks: Record<string, unknown> };
    return Object.keys(stacks);
  }
  return readdirSync(join(outdir, "stacks"));
}

/**
 * The override that makes a stack plannable offline: local backend, one provider block per alias with
 * fake credentials, and every S3 `terraform_remote_state` (key `<project>/<env>/terraform.tfstate`)
 * read from the fixture of that environment instead.
 */
export function offlineOverride(
  config: SynthesisedStack,
  fixtures = REMOTE_STATE_FIXTURES,
): Record<string, unknown> {
  const aliases = (config.provider?.aws ?? [{}]).map((p) => p.alias);
  const remoteStates = Object.entries(config.data?.terraform_remote_state ?? {}).filter(
    ([, source]) => source.backend === "s3",
  );
  const fixtureFor = (key = "") => {
    const environment = /^[^/]+\/([^/]+)\/terraform\.tfstate$/.exec(key)?.[1];
    const path = environment && join(fixtures, `${environment}.state.json`);
    if (!path || !existsSync(path)) {
      throw new Error(
        `no remote-state fixture for key "${key}" (expected ${join(fixtures, "<environment>.state.json")})`,
      );
    }
    return path;
  };
  return {
    "//": "Written by plan:offline. Local state and fake credentials; nothing here reaches AWS.",
    terraform: { backend: OFFLINE_BACKEND },
    ...(remoteStates.length
      ? {
          data: {
            terraform_remote_state: Object.fromEntries(
              remoteStates.map(([name, source]) => [
                name,
                { backend: "local", config: { path: fixtureFor(source.config?.key) } },
              ]),
            ),
          },
        }
      : {}),
    provider: {
      aws: aliases.map((alias) => ({
        ...(alias ? { alias } : {}),
        access_key: "offline-plan-no-credentials",
        secret_key: "offline-plan-no-credentials",
        skip_credentials_validation: true,
        skip_requesting_account_id: true,
        skip_metadata_api_check: "true",
        skip_region_validation: true,
        // The account cannot be looked up offline; real plans keep the allowed_account_ids guard.
        allowed_account_ids: null,
      })),
    },
  };
}

/** Environment for terraform: no real AWS credentials leak in, and any network attempt fails fast. */
function terraformEnv(toolchain: Toolchain): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith("AWS_") && !/^(https?|no)_proxy$/i.test(key) && !key.startsWith("TF_"))
      env[key] = value;
  }
  return {
    ...env,
    TF_CLI_CONFIG_FILE: toolchain.cliConfig,
    TF_IN_AUTOMATION: "1",
    TF_INPUT: "0",
    CHECKPOINT_DISABLE: "1",
    AWS_EC2_METADATA_DISABLED: "true",
    // Nothing listens on port 9 (discard): a request that should never happen fails in milliseconds.
    HTTPS_PROXY: "http://127.0.0.1:9",
    HTTP_PROXY: "http://127.0.0.1:9",
  };
}

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Input variables without a default (e.g. the ephemeral value of a write-only secret) get a
 * placeholder through `TF_VAR_*`, as CI would pass a real value: never in a file, never in the plan.
 */
export function placeholderVariables(config: SynthesisedStack): Record<string, string> {
  return Object.fromEntries(
    Object.entries(config.variable ?? {})
      .filter(([, variable]) => variable.default === undefined)
      .map(([name]) => [`TF_VAR_${name}`, "offline-plan-placeholder-not-a-secret"]),
  );
}

/** Runs terraform in `cwd` with the offline environment (the project's CLI config, no AWS credentials or proxies). */
export function terraform(
  toolchain: Toolchain,
  cwd: string,
  args: string[],
  extraEnv: Record<string, string> = {},
): Promise<CommandResult> {
  return new Promise((resolvePromise) => {
    execFile(
      toolchain.terraform,
      args,
      { cwd, env: { ...terraformEnv(toolchain), ...extraEnv }, maxBuffer: 512 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
        resolvePromise({ code, stdout, stderr });
      },
    );
  });
}

export interface Diagnostic {
  severity: "error" | "warning";
  summary: string;
  detail?: string;
  address?: string;
}

function describe(d: Diagnostic): string {
  return [d.address, d.summary, d.detail?.split("\n")[0]].filter(Boolean).join(": ");
}

/** The warning every command prints while the direct provider (`dev_overrides`) is in use: ours, not the stack's. */
export const DIRECT_PROVIDER_WARNING = "Provider development overrides are in effect";

/** Warnings and errors as lines, each once: `plan` reports a configuration warning in its validate and its plan phase. */
function split(diagnostics: readonly Diagnostic[]): { warnings: string[]; errors: string[] } {
  const lines = (severity: Diagnostic["severity"]) => [
    ...new Set(
      diagnostics
        .filter((d) => d.severity === severity && d.summary !== DIRECT_PROVIDER_WARNING)
        .map(describe),
    ),
  ];
  return { warnings: lines("warning"), errors: lines("error") };
}

/** An error that only `terraform init` resolves (backend, providers, lock file): the folder needs the usual path. */
function needsInit(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some(
    (d) => d.severity === "error" && /terraform init/.test(`${d.summary}\n${d.detail ?? ""}`),
  );
}

/**
 * The diagnostics in `terraform plan -json`'s output: one JSON message a line, those of type
 * `diagnostic` carrying the same object `terraform validate -json` lists. Other lines are skipped.
 */
export function planDiagnostics(stdout: string): Diagnostic[] {
  const found: Diagnostic[] = [];
  for (const line of stdout.split("\n")) {
    if (!line.startsWith("{")) continue;
    try {
      const message = JSON.parse(line) as { type?: string; diagnostic?: Diagnostic };
      if (message.type === "diagnostic" && message.diagnostic) found.push(message.diagnostic);
    } catch {
      // Not a JSON message (terraform prints nothing else with -json; a provider might).
    }
  }
  return found;
}

/** Plans one synthesised stack (or, with `validateOnly`, only validates it). */
export async function planStackOffline(
  outdir: string,
  stack: string,
  toolchain: Toolchain,
  options: PlanOptions = {},
): Promise<StackPlan> {
  const started = performance.now();
  const dir = resolve(outdir, "stacks", stack);
  const result = (partial: Partial<StackPlan>): StackPlan => ({
    stack,
    ok: false,
    resources: 0,
    add: 0,
    change: 0,
    destroy: 0,
    warnings: [],
    errors: [],
    seconds: (performance.now() - started) / 1000,
    ...partial,
  });
  let config: SynthesisedStack;
  try {
    config = JSON.parse(readFileSync(join(dir, "cdk.tf.json"), "utf8")) as SynthesisedStack;
    writeFileSync(join(dir, OVERRIDE_FILE), `${JSON.stringify(offlineOverride(config), null, 2)}\n`);
    for (const [file, content] of Object.entries(options.extraOverrides?.(stack, config) ?? {})) {
      writeFileSync(join(dir, file), `${JSON.stringify(content, null, 2)}\n`);
    }
  } catch (error) {
    // A stack that cannot be prepared fails alone; the other stacks still plan and report.
    return result({
      errors: [`preparing the offline plan: ${error instanceof Error ? error.message : String(error)}`],
    });
  }

  /**
   * Validate only, or plan and show, with `env` added to terraform's environment. `needsInit` when
   * an error is one only `terraform init` resolves (backend, providers, lock file).
   */
  const validateAndPlan = async (
    env: Record<string, string>,
  ): Promise<{ outcome: Partial<StackPlan>; needsInit: boolean }> => {
    // `plan` validates the configuration itself and reports the same diagnostics, so a separate
    // `terraform validate` (which loads the provider schema again, ~5 s a stack) runs only when
    // validating is all that was asked.
    if (options.validateOnly) {
      const validate = await terraform(toolchain, dir, ["validate", "-json", "-no-color"], env);
      const validation = JSON.parse(validate.stdout || "{}") as {
        valid?: boolean;
        diagnostics?: Diagnostic[];
      };
      const diagnostics = validation.diagnostics ?? [];
      const { warnings, errors } = split(diagnostics);
      if (!validation.valid || errors.length > 0) {
        return {
          outcome: { warnings, errors: errors.length ? errors : [lastLines(validate.stderr)] },
          needsInit: needsInit(diagnostics),
        };
      }
      return { outcome: { ok: true, warnings }, needsInit: false };
    }

    const plan = await terraform(
      toolchain,
      dir,
      ["plan", "-json", "-input=false", "-no-color", "-lock=false", "-refresh=false", `-out=${PLAN_FILE}`],
      { ...placeholderVariables(config), ...env },
    );
    const diagnostics = planDiagnostics(plan.stdout);
    const { warnings, errors } = split(diagnostics);
    if (plan.code !== 0 || errors.length > 0) {
      return {
        outcome: {
          warnings,
          errors: errors.length
            ? errors
            : [`terraform plan failed: ${lastLines(plan.stderr || plan.stdout)}`],
        },
        needsInit: needsInit(diagnostics),
      };
    }
    const show = await terraform(toolchain, dir, ["show", "-json", "-no-color", PLAN_FILE], env);
    if (show.code !== 0) {
      return {
        outcome: { warnings, errors: [`terraform show failed: ${lastLines(show.stderr)}`] },
        needsInit: false,
      };
    }

    const planDir = options.planDir ?? join(outdir, "plans");
    mkdirSync(planDir, { recursive: true });
    const planJson = join(planDir, `${stack}.json`);
    writeFileSync(planJson, show.stdout);
    const counts = countChanges(JSON.parse(show.stdout) as PlanJson);
    return { outcome: { ok: true, warnings, planJson, ...counts }, needsInit: false };
  };

  // With the verified provider run in place, the folder needs no `terraform init`: only the backend
  // state init would write. Anything else init would have fixed sends the stack down the usual path.
  if (toolchain.direct) {
    mkdirSync(join(dir, ".terraform"), { recursive: true });
    copyFileSync(toolchain.direct.backendState, join(dir, ".terraform", "terraform.tfstate"));
    const direct = await validateAndPlan({ TF_CLI_CONFIG_FILE: toolchain.direct.cliConfig });
    if (!direct.needsInit) return result(direct.outcome);
  }

  const init = await terraform(toolchain, dir, ["init", "-input=false", "-no-color", "-reconfigure"]);
  if (init.code !== 0)
    return result({ errors: [`terraform init failed: ${lastLines(init.stderr || init.stdout)}`] });
  return result((await validateAndPlan({})).outcome);
}

export interface PlanJson {
  resource_changes?: Array<{ address: string; mode: string; change: { actions: string[] } }>;
}

/** add / change / destroy as `terraform plan` counts them (a replacement is one add and one destroy). */
export function countChanges(plan: PlanJson): Pick<StackPlan, "resources" | "add" | "change" | "destroy"> {
  let add = 0;
  let change = 0;
  let destroy = 0;
  let resources = 0;
  for (const rc of plan.resource_changes ?? []) {
    if (rc.mode !== "managed") continue;
    resources++;
    const actions = rc.change.actions;
    if (actions.includes("create")) add++;
    if (actions.includes("delete")) destroy++;
    if (actions.includes("update")) change++;
  }
  return { resources, add, change, destroy };
}

/** Plans `stacks` with at most `concurrency` terraform processes at once; results in input order. */
export async function planStacksOffline(
  outdir: string,
  stacks: readonly string[],
  toolchain: Toolchain,
  options: PlanOptions = {},
  onDone?: (plan: StackPlan) => void,
): Promise<StackPlan[]> {
  return mapConcurrently(stacks, options.concurrency ?? 2, async (stack) => {
    const plan = await planStackOffline(outdir, stack, toolchain, options);
    onDone?.(plan);
    return plan;
  });
}

/** `run` over `items` with at most `concurrency` at once (at least one); results in input order. */
export async function mapConcurrently<T, R>(
  items: readonly T[],
  concurrency: number,
  run: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await run(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker));
  return results;
}

function lastLines(text: string, count = 12): string {
  return text.trim().split("\n").slice(-count).join("\n");
}
