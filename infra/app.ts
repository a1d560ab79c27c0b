import { existsSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { PropError } from "@aws-platform-kit/modules/validation";
import { App } from "cdktf";
import {
  ConfigError,
  ENVIRONMENT_NAMES,
  type EnvironmentName,
  loadEnvironment,
} from "./environments/index.js";
import { type PreviewRequest, parsePrNumber, previewStackName } from "./environments/preview.js";
import { project } from "./environments/project.js";
import { parseImageTag } from "./environments/release.js";
import { enablePolicyChecks } from "./policy/aspect.js";
import { BootstrapStack } from "./stacks/bootstrap-stack.js";
import { PlatformStack } from "./stacks/platform-stack.js";
import { PreviewStack } from "./stacks/preview-stack.js";

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
  /**
   * Build the environments for their first release: each service with 0 tasks and no autoscaling
   * until `release:apply` has migrated the new database (see `PlatformStackProps.initialRelease`).
   * @default false
   */
  readonly initialRelease?: boolean;
  /** Preview environments to build, one stack `preview-pr-<N>` each. @default none */
  readonly previews?: readonly PreviewRequest[];
  /** "Now", for previews' ExpiresAt tag (tests pin it). @default the current time */
  readonly now?: Date;
}

/**
 * Modules check their props and throw a `PropError` naming the field (`database.backupRetentionDays:
 * what is wrong`); a config that passes the schema can still fail one (a value a module refuses).
 * That is a config problem too: one line, naming the stack, instead of a stack trace. Any other error
 * is a bug and keeps its trace.
 */
export function asConfigError<T>(stack: string, build: () => T): T {
  try {
    return build();
  } catch (error) {
    if (!(error instanceof ConfigError) && isPropRefusal(error)) {
      throw new ConfigError([`${stack}: ${error.message.split("\n")[0]}`]);
    }
    throw error;
  }
}

/** A module's refusal of a prop: a `PropError`, whose field is data rather than a message pattern. */
function isPropRefusal(error: unknown): error is PropError {
  return error instanceof PropError;
}

/**
 * The CDKTF app: every config is validated before any construct is created, so a bad config fails
 * fast with its field named and nothing half-built.
 */
export function buildApp(options: BuildAppOptions = {}): App {
  const names = options.environments ?? ENVIRONMENT_NAMES;
  const twice = names.filter((name, i) => names.indexOf(name) !== i);
  if (twice.length) throw new ConfigError([`ENVIRONMENTS: ${[...new Set(twice)].join(", ")} listed twice`]);
  const configs = names.map((name) => loadEnvironment(name));
  const app = new App({ outdir: options.outdir ?? "cdktf.out" });
  if (options.bootstrap ?? true)
    asConfigError(
      "bootstrap",
      () => new BootstrapStack(app, "bootstrap", { stateIn: options.bootstrapState }),
    );
  for (const config of configs) {
    asConfigError(
      config.name,
      () =>
        new PlatformStack(app, config.name, {
          config,
          imageTag: options.imageTag,
          initialRelease: options.initialRelease,
        }),
    );
  }
  if (options.previews?.length) {
    const host = loadEnvironment(project.previews.hostEnvironment);
    if (!host.previews) {
      throw new ConfigError([
        `${host.name}.previews: project.previews.hostEnvironment is "${host.name}", but its config has no previews settings`,
      ]);
    }
    const seen = new Set<number>();
    for (const preview of options.previews) {
      if (seen.has(preview.prNumber))
        throw new ConfigError([`PR_NUMBER: ${preview.prNumber} is given twice`]);
      seen.add(preview.prNumber);
      const name = previewStackName(preview.prNumber);
      asConfigError(name, () => new PreviewStack(app, name, { host, preview, now: options.now }));
    }
  }
  // The same rules `npm run check` runs on plans, at synth: a high-severity violation fails here,
  // with the rule, the resource and the fix, before anything is planned.
  enablePolicyChecks(app);
  return app;
}

/**
 * Build options from the environment, for `cdktf synth` (which can pass nothing else):
 * `ENVIRONMENTS=dev,prod`, `BOOTSTRAP_STATE=local|s3`, `IMAGE_TAG=<git sha>`, `CDKTF_OUTDIR`, and
 * `PR_NUMBER=<N>` (with IMAGE_TAG) to add the preview stack of pull request N.
 */
export function optionsFromEnv(env: NodeJS.ProcessEnv = process.env): BuildAppOptions {
  const environments = env.ENVIRONMENTS?.split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  const bootstrapState = env.BOOTSTRAP_STATE;
  if (bootstrapState !== undefined && bootstrapState !== "local" && bootstrapState !== "s3") {
    throw new ConfigError([`BOOTSTRAP_STATE: "${bootstrapState}" must be "local" or "s3"`]);
  }
  const imageTag = parseImageTag(env.IMAGE_TAG);
  let previews: PreviewRequest[] | undefined;
  if (env.PR_NUMBER !== undefined && env.PR_NUMBER !== "") {
    const prNumber = parsePrNumber(env.PR_NUMBER);
    if (!imageTag) throw new ConfigError(["IMAGE_TAG: required with PR_NUMBER (the image the preview runs)"]);
    previews = [{ prNumber, imageTag }];
  }
  return {
    outdir: env.CDKTF_OUTDIR,
    environments: environments?.length ? (environments as EnvironmentName[]) : undefined,
    bootstrapState,
    imageTag,
    previews,
  };
}

/** Builds and synthesises; a config error prints one line per problem and exits 1. */
export function synthOrExit(options: () => BuildAppOptions): App {
  // cdktf records a full stack trace for every token it creates, for messages about tokens that fail
  // to resolve. tsx turns source maps on, and then each trace is mapped through the provider
  // bindings' large inline source maps: about a fifth of the CPU time of building and synthesising,
  // and ~35 MB. Off while synthesising; restored before an error's stack is printed.
  const sourceMaps = process.sourceMapsEnabled;
  process.setSourceMapsEnabled(false);
  try {
    const app = buildApp(options());
    app.synth();
    removeStaleStacks(app);
    return app;
  } catch (error) {
    process.setSourceMapsEnabled(sourceMaps);
    if (error instanceof ConfigError) {
      for (const line of error.problems) console.error(`config error: ${line}`);
      process.exit(1);
    }
    throw error;
  } finally {
    process.setSourceMapsEnabled(sourceMaps);
  }
}

/**
 * Deletes the stack folders and plan files a previous synth left behind, so nothing plans, checks or
 * prices a stack the app no longer has.
 */
function removeStaleStacks(app: App): void {
  const current = new Set(app.node.children.map((child) => child.node.id));
  const stacksDir = join(app.outdir, "stacks");
  if (existsSync(stacksDir)) {
    for (const name of readdirSync(stacksDir)) {
      if (!current.has(name)) rmSync(join(stacksDir, name), { recursive: true, force: true });
    }
  }
  const plansDir = join(app.outdir, "plans");
  if (existsSync(plansDir)) {
    for (const file of readdirSync(plansDir)) {
      if (file.endsWith(".json") && !current.has(file.slice(0, -".json".length)))
        rmSync(join(plansDir, file));
    }
  }
}
