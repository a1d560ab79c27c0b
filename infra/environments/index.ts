import { dev } from "./dev.js";
import { prod } from "./prod.js";
import {
  ConfigError,
  ENVIRONMENT_NAMES,
  type EnvironmentConfig,
  type EnvironmentName,
  parseEnvironment,
} from "./schema.js";
import { staging } from "./staging.js";

export { project } from "./project.js";
export * from "./schema.js";

/** The shipped configs, unvalidated. */
export const environmentInputs = { dev, staging, prod } as const;

function isEnvironmentName(name: string): name is EnvironmentName {
  return (ENVIRONMENT_NAMES as readonly string[]).includes(name);
}

/** Validated config of one environment; an unknown name or an invalid config throws ConfigError. */
export function loadEnvironment(name: string): EnvironmentConfig {
  if (!isEnvironmentName(name)) {
    throw new ConfigError([
      `environment: unknown environment "${name}" (known: ${ENVIRONMENT_NAMES.join(", ")})`,
    ]);
  }
  const config = parseEnvironment(name, environmentInputs[name]);
  if (config.name !== name) {
    throw new ConfigError([`${name}.name: "${config.name}" does not match the file it is in (${name})`]);
  }
  return config;
}
