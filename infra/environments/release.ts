import { ConfigError } from "./schema.js";

/** Used when IMAGE_TAG is not set: fine for synth and plan, never for an apply. */
export const PLACEHOLDER_IMAGE_TAG = "0.0.0-unset";

/** A git commit sha (7–40 hex digits) or a semver-like release tag (`1.4.2`, `v1.4.2-rc.1`). */
const IMAGE_TAG = /^(?:[0-9a-f]{7,40}|v?\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]{1,64})?)$/;

/** Validates an image tag from the environment; a bad one is a ConfigError naming `field`. */
export function parseImageTag(value: string | undefined, field = "IMAGE_TAG"): string | undefined {
  if (value === undefined || value === "") return undefined;
  if (!IMAGE_TAG.test(value)) {
    throw new ConfigError([
      `${field}: ${JSON.stringify(value.slice(0, 80))} is not a git commit sha (7–40 lowercase hex digits) or a release tag such as 1.4.2 or v1.4.2-rc.1`,
    ]);
  }
  return value;
}
