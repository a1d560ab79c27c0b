import { App } from "cdktf";
import { ENVIRONMENT_NAMES, type EnvironmentName, loadEnvironment } from "./environments/index.js";
import { BootstrapStack } from "./stacks/bootstrap-stack.js";
import { PlatformStack } from "./stacks/platform-stack.js";

export interface BuildAppOptions {
  /** Where `synth()` writes. @default "cdktf.out" */
  readonly outdir?: string;
  /** Environments to build. @default every one, plus the bootstrap stack */
  readonly environments?: readonly EnvironmentName[];
  /** Build the bootstrap stack. @default true */
  readonly bootstrap?: boolean;
}

/**
 * The CDKTF app: every config is validated before any construct is created, so a bad config fails
 * fast with its field named and nothing half-built.
 */
export function buildApp(options: BuildAppOptions = {}): App {
  const names = options.environments ?? ENVIRONMENT_NAMES;
  const configs = names.map((name) => loadEnvironment(name));
  const app = new App({ outdir: options.outdir ?? "cdktf.out", skipValidation: false });
  if (options.bootstrap ?? true) new BootstrapStack(app, "bootstrap");
  for (const config of configs) new PlatformStack(app, config.name, { config });
  return app;
}
