import { existsSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { App } from "cdktf";
import {
  ConfigError,
  ENVIRONMENT_NAMES,
  type EnvironmentName,
  loadEnvironment,
} from "./environments/index.js";
import { parseImageTag } from "./environments/release.js";
import { BootstrapStack } from "./stacks/bootstrap-stack.js";
import { PlatformStack } from "./stacks/platform-stack.js";

export interface BuildAppOptions {
  /** Where `synth()` writes. @default "cdktf.out" */
  readonly outdir?: string;
  /** Environments to build. @default every one */
  readonly environments?: readonly string[];
  /** Build the bootstrap stack. @default true */
  readonly bootstrap?: boolean;
  /** Where the bootstrap stack keeps its own state (see README, "Bootstrap"). @default "local" */
  readonly bootstrapState?: "local" | "s3";
  /** The service image tag the environments run (the commit sha in CI). @default PLACEHOLDER_IMAGE_TAG */
  readonly imageTag?: string;
}

/**
 * The CDKTF app: every config is validated before any construct is created, so a bad config fails
 * fast with its field named and nothing half-built.
 */
export function buildApp(options: BuildAppOptions = {}): App {
  const names = options.environments ?? ENVIRONMENT_NAMES;
  const configs = names.map((name) => loadEnvironment(name));
  const app = new App({ outdir: options.outdir ?? "cdktf.out" });
  if (options.bootstrap ?? true) new BootstrapStack(app, "bootstrap", { stateIn: options.bootstrapState });
  for (const config of configs) new PlatformStack(app, config.name, { config, imageTag: options.imageTag });
  return app;
}

/**
 * Build options from the environment, for `cdktf synth` (which can pass nothing else):
 * `ENVIRONMENTS=dev,prod`, `BOOTSTRAP_STATE=local|s3`, `IMAGE_TAG=<git sha>`, `CDKTF_OUTDIR`.
 */
export function optionsFromEnv(env: NodeJS.ProcessEnv = process.env): BuildAppOptions {
  const environments = env.ENVIRONMENTS?.split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  const bootstrapState = env.BOOTSTRAP_STATE;
  if (bootstrapState !== undefined && bootstrapState !== "local" && bootstrapState !== "s3") {
    throw new ConfigError([`BOOTSTRAP_STATE: "${bootstrapState}" must be "local" or "s3"`]);
  }
  return {
    outdir: env.CDKTF_OUTDIR,
    environments: environments?.length ? (environments as EnvironmentName[]) : undefined,
    bootstrapState,
    imageTag: parseImageTag(env.IMAGE_TAG),
  };
}

/** Builds and synthesises; a config error prints one line per problem and exits 1. */
export function synthOrExit(options: () => BuildAppOptions): App {
  try {
    const app = buildApp(options());
    app.synth();
    removeStaleStacks(app);
    return app;
  } catch (error) {
    if (error instanceof ConfigError) {
      for (const line of error.problems) console.error(`config error: ${line}`);
      process.exit(1);
    }
    throw error;
  }
}

/** Deletes stack folders a previous synth left behind, so nothing plans a stack the app no longer has. */
function removeStaleStacks(app: App): void {
  const stacksDir = join(app.outdir, "stacks");
  if (!existsSync(stacksDir)) return;
  const current = new Set(app.node.children.map((child) => child.node.id));
  for (const name of readdirSync(stacksDir)) {
    if (!current.has(name)) rmSync(join(stacksDir, name), { recursive: true, force: true });
  }
}
