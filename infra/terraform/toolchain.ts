/**
 * Finds what the offline pipeline needs — the Terraform CLI and the AWS provider — and writes the
 * project's own Terraform CLI config. The provider comes from a local mirror when there is one
 * (machines without internet, CI here); otherwise from the registry, fetched once into a plugin
 * cache every stack folder shares. When something is missing it says which and how to get it, in
 * one line.
 */
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** The provider version `@cdktf/provider-aws@20.1.0` was generated from. */
export const AWS_PROVIDER_VERSION = "5.100.0";
export const MINIMUM_TERRAFORM = [1, 10, 0] as const;

/** Where provider mirrors are usually found when `TF_PROVIDER_MIRROR` is not set. */
const MIRROR_CANDIDATES = [
  "/opt/tf-plugins",
  "/usr/local/share/terraform/plugins",
  "/usr/share/terraform/plugins",
  join(process.env.HOME ?? "/root", ".terraform.d/plugins"),
  join(process.env.HOME ?? "/root", ".local/share/terraform/plugins"),
];

export class ToolchainError extends Error {
  override name = "ToolchainError";
}

/** Where `terraform init` gets the AWS provider. */
export type ProviderSource =
  /** A local filesystem mirror, and never the network. */
  | { readonly kind: "mirror"; readonly path: string }
  /** The public registry, fetched once into a plugin cache shared by every stack folder. */
  | { readonly kind: "registry"; readonly cacheDir: string };

export interface Toolchain {
  readonly terraform: string;
  readonly terraformVersion: string;
  /** Where providers come from. */
  readonly providerSource: ProviderSource;
  /** The mirror's root, or "" when providers come from the registry. */
  readonly mirror: string;
  /** The CLI config file written for this run. */
  readonly cliConfig: string;
}

export async function findTerraform(): Promise<{ path: string; version: string }> {
  const path = process.env.TERRAFORM_BIN ?? "terraform";
  let stdout: string;
  try {
    ({ stdout } = await run(path, ["version", "-json"], {
      env: { ...process.env, CHECKPOINT_DISABLE: "1" },
    }));
  } catch {
    throw new ToolchainError(
      `terraform not found (looked for "${path}" on PATH): install Terraform ≥ ${MINIMUM_TERRAFORM.join(".")} from https://developer.hashicorp.com/terraform/install or set TERRAFORM_BIN`,
    );
  }
  const version = (JSON.parse(stdout) as { terraform_version: string }).terraform_version;
  const parts = version.split(".").map(Number);
  for (let i = 0; i < 3; i++) {
    if ((parts[i] ?? 0) > MINIMUM_TERRAFORM[i]!) break;
    if ((parts[i] ?? 0) < MINIMUM_TERRAFORM[i]!) {
      throw new ToolchainError(
        `terraform ${version} is too old: the stacks use S3 lockfiles, which need Terraform ≥ ${MINIMUM_TERRAFORM.join(".")}`,
      );
    }
  }
  return { path, version };
}

function platform(): string {
  const arch = process.arch === "x64" ? "amd64" : process.arch;
  return `${process.platform}_${arch}`;
}

/** A mirror holds the provider unpacked (`<version>/<platform>/`) or packed (`…_<version>_<platform>.zip`, as `terraform providers mirror` writes it). */
function hasAwsProvider(root: string): boolean {
  const provider = join(root, "registry.terraform.io/hashicorp/aws");
  return (
    existsSync(join(provider, AWS_PROVIDER_VERSION, platform())) ||
    existsSync(join(provider, `terraform-provider-aws_${AWS_PROVIDER_VERSION}_${platform()}.zip`))
  );
}

/** The provider mirror root: `TF_PROVIDER_MIRROR`, else the first usual location that holds the AWS provider. */
export function findProviderMirror(): string {
  const source = chooseProviderSource("", { ...process.env, TF_PROVIDER_SOURCE: "mirror" });
  if (source.kind !== "mirror") throw new ToolchainError("no provider mirror found");
  return source.path;
}

/**
 * The mirror when `TF_PROVIDER_MIRROR` names one (refused if it lacks the provider) or one is found
 * in the usual places; otherwise the registry, through a plugin cache at `cacheDir`.
 * `TF_PROVIDER_SOURCE=registry` skips the search for a mirror.
 */
export function chooseProviderSource(
  cacheDir: string,
  env: NodeJS.ProcessEnv = process.env,
  search: () => string | undefined = () => MIRROR_CANDIDATES.find(hasAwsProvider) ?? searchForMirror(),
): ProviderSource {
  if (env.TF_PROVIDER_SOURCE !== undefined && !["mirror", "registry"].includes(env.TF_PROVIDER_SOURCE)) {
    throw new ToolchainError(`TF_PROVIDER_SOURCE=${env.TF_PROVIDER_SOURCE}: use "mirror" or "registry"`);
  }
  if (env.TF_PROVIDER_MIRROR) {
    if (!hasAwsProvider(env.TF_PROVIDER_MIRROR)) {
      throw new ToolchainError(
        `TF_PROVIDER_MIRROR=${env.TF_PROVIDER_MIRROR} has no hashicorp/aws ${AWS_PROVIDER_VERSION} for ${platform()} under registry.terraform.io/: fill it with \`terraform providers mirror -platform=${platform()} ${env.TF_PROVIDER_MIRROR}\` on a machine with internet access`,
      );
    }
    return { kind: "mirror", path: resolve(env.TF_PROVIDER_MIRROR) };
  }
  if (env.TF_PROVIDER_SOURCE !== "registry") {
    const found = search();
    if (found) return { kind: "mirror", path: found };
    if (env.TF_PROVIDER_SOURCE === "mirror") {
      throw new ToolchainError(
        `no Terraform provider mirror with hashicorp/aws ${AWS_PROVIDER_VERSION} found (looked in ${MIRROR_CANDIDATES.join(", ")}): create one with \`terraform providers mirror <dir>\` and set TF_PROVIDER_MIRROR=<dir>`,
      );
    }
  }
  return { kind: "registry", cacheDir: resolve(cacheDir) };
}

/** A shallow look under / for `registry.terraform.io` folders (depth 4, like `find / -maxdepth 4`). */
function searchForMirror(): string | undefined {
  const skip = new Set(["proc", "sys", "dev", "run", "tmp", "node_modules", ".git"]);
  const walk = (dir: string, depth: number): string | undefined => {
    if (depth > 3) return undefined;
    let entries: import("node:fs").Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return undefined;
    }
    for (const entry of entries) {
      if (!entry.isDirectory() || skip.has(entry.name)) continue;
      const path = join(dir, entry.name);
      if (entry.name === "registry.terraform.io" && hasAwsProvider(dir)) return dir;
      const found = walk(path, depth + 1);
      if (found) return found;
    }
    return undefined;
  };
  return walk("/", 0);
}

/**
 * The project's Terraform CLI config: providers from the mirror only, never from the registry; or,
 * without a mirror, from the registry into one plugin cache (a stack folder has no lock file of its
 * own, hence `plugin_cache_may_break_dependency_lock_file`).
 */
export function cliConfigText(source: ProviderSource | string): string {
  const resolved: ProviderSource = typeof source === "string" ? { kind: "mirror", path: source } : source;
  if (resolved.kind === "registry") {
    return `# Written by the offline plan: providers come from the registry, fetched once into a shared cache.
plugin_cache_dir = ${JSON.stringify(resolved.cacheDir)}
plugin_cache_may_break_dependency_lock_file = true
disable_checkpoint = true
`;
  }
  const mirror = resolved.path;
  return `# Written by the offline plan: providers come from the local mirror, never the network.
provider_installation {
  filesystem_mirror {
    path    = ${JSON.stringify(mirror)}
    include = ["registry.terraform.io/*/*"]
  }
  direct {
    exclude = ["registry.terraform.io/*/*"]
  }
}
disable_checkpoint = true
`;
}

/**
 * Finds terraform and the provider source and writes the CLI config to `configPath`. Without a
 * mirror the provider is fetched here, once, into the cache beside the config, before any stack's
 * `init` runs (the cache is not safe for concurrent writers; once filled, every init only reads it).
 */
export async function prepareToolchain(configPath: string): Promise<Toolchain> {
  const { path, version } = await findTerraform();
  const providerSource = chooseProviderSource(join(dirname(resolve(configPath)), "terraform-plugin-cache"));
  mkdirSync(dirname(configPath), { recursive: true });
  writeFileSync(configPath, cliConfigText(providerSource));
  const cliConfig = resolve(configPath);
  if (providerSource.kind === "registry") await fillPluginCache(path, cliConfig, providerSource.cacheDir);
  return {
    terraform: path,
    terraformVersion: version,
    providerSource,
    mirror: providerSource.kind === "mirror" ? providerSource.path : "",
    cliConfig,
  };
}

/** `terraform init` of a folder that needs only the pinned AWS provider: fills the plugin cache. */
async function fillPluginCache(terraform: string, cliConfig: string, cacheDir: string): Promise<void> {
  const dir = join(cacheDir, ".fill");
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, "main.tf.json"),
    JSON.stringify({
      terraform: { required_providers: { aws: { source: "hashicorp/aws", version: AWS_PROVIDER_VERSION } } },
    }),
  );
  try {
    await run(terraform, ["init", "-backend=false", "-input=false", "-no-color"], {
      cwd: dir,
      env: { ...process.env, TF_CLI_CONFIG_FILE: cliConfig, CHECKPOINT_DISABLE: "1" },
    });
  } catch (error) {
    const lines = ((error as { stderr?: string }).stderr ?? String(error)).split("\n").map((l) => l.trim());
    const detail =
      lines.find((l) => /^(│\s*)?Error:/.test(l))?.replace(/^│\s*/, "") ?? lines.filter(Boolean)[0];
    throw new ToolchainError(
      `no provider mirror found, and fetching hashicorp/aws ${AWS_PROVIDER_VERSION} from the registry failed (${detail}): connect to the internet, or set TF_PROVIDER_MIRROR=<dir> to a mirror made with \`terraform providers mirror <dir>\``,
    );
  }
}
