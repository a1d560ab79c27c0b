/**
 * Finds what the offline pipeline needs — the Terraform CLI and the AWS provider — and writes the
 * project's own Terraform CLI config. The provider comes from a local mirror when there is one
 * (machines without internet, CI here); otherwise from the registry, fetched once into a plugin
 * cache every stack folder shares. When something is missing it says which and how to get it, in
 * one line.
 */
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import {
  createReadStream,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { homedir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** The provider version `@cdktf/provider-aws@20.1.0` was generated from. */
export const AWS_PROVIDER_VERSION = "5.100.0";
export const MINIMUM_TERRAFORM = [1, 10, 0] as const;

/**
 * HashiCorp's published `h1:` checksum of the unpacked hashicorp/aws 5.100.0 package, by platform: the
 * value `terraform init` records in `.terraform.lock.hcl` when it installs the signed release (the same
 * line appears in public lock files). The offline plan runs the provider straight from a package that
 * matches it; platforms not listed take the usual `terraform init` path.
 */
export const AWS_PROVIDER_CHECKSUMS: Readonly<Record<string, string>> = {
  linux_amd64: "h1:edXOJWE4ORX8Fm+dpVpICzMZJat4AX0VRCAy/xkcOc0=",
};

/** The backend every offline plan uses (its override file sets it): local state in the stack folder. */
export const OFFLINE_BACKEND = { local: { path: "offline.tfstate" } } as const;

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
  /**
   * How the offline plan skips `terraform init` and the per-command provider check: present when the
   * provider package is unpacked on disk and matches `AWS_PROVIDER_CHECKSUMS` for this platform.
   */
  readonly direct?: DirectProvider;
}

/**
 * The verified provider package run in place. `terraform init` of a stack folder only links the
 * provider and writes a lock file, and every later command re-hashes the ~700 MB package against
 * that lock file (about a second each for plan and show). Checked once against HashiCorp's
 * published checksum instead, the package runs through a `dev_overrides` CLI config, and each folder
 * gets the backend state `terraform init` would write for `OFFLINE_BACKEND`.
 */
export interface DirectProvider {
  /** CLI config whose `dev_overrides` names the verified package directory. */
  readonly cliConfig: string;
  /** `.terraform/terraform.tfstate` of a folder initialised with `OFFLINE_BACKEND` alone. */
  readonly backendState: string;
  /** The package directory, verified against `AWS_PROVIDER_CHECKSUMS`. */
  readonly providerDir: string;
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
  const direct = await directProvider(path, cliConfig, providerSource);
  return {
    terraform: path,
    terraformVersion: version,
    providerSource,
    mirror: providerSource.kind === "mirror" ? providerSource.path : "",
    cliConfig,
    ...(direct ? { direct } : {}),
  };
}

/** The unpacked package directory of the pinned provider for this platform, if the source has one. */
export function providerPackageDir(source: ProviderSource): string {
  const root = source.kind === "mirror" ? source.path : source.cacheDir;
  return join(root, "registry.terraform.io/hashicorp/aws", AWS_PROVIDER_VERSION, platform());
}

/** The CLI config that runs `providerDir` as hashicorp/aws without installing anything. */
export function directCliConfigText(providerDir: string): string {
  return `# Written by the offline plan: hashicorp/aws ${AWS_PROVIDER_VERSION} runs from this directory, whose
# checksum was verified against HashiCorp's published one; nothing is installed or fetched.
provider_installation {
  dev_overrides {
    "registry.terraform.io/hashicorp/aws" = ${JSON.stringify(providerDir)}
  }
  direct {
    exclude = ["registry.terraform.io/*/*"]
  }
}
disable_checkpoint = true
`;
}

/**
 * Terraform's `h1:` package checksum (Go's dirhash Hash1): SHA-256 over the sorted lines
 * `<sha256 hex>  <relative path>\n`, one per file, base64.
 */
export async function packageChecksum(dir: string): Promise<string> {
  const files = listFiles(dir);
  let summary = "";
  for (const file of files) {
    const hash = createHash("sha256");
    await new Promise<void>((done, fail) => {
      createReadStream(join(dir, file), { highWaterMark: 4 * 1024 * 1024 })
        .on("data", (chunk) => hash.update(chunk))
        .on("end", () => done())
        .on("error", fail);
    });
    summary += `${hash.digest("hex")}  ${file}\n`;
  }
  return `h1:${createHash("sha256").update(summary).digest("base64")}`;
}

function listFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)).split("\\").join("/"))
    .sort();
}

/** Size, modification and change time and inode of every file: any write or replacement changes one. */
function fileStamps(dir: string): Record<string, string> {
  return Object.fromEntries(
    listFiles(dir).map((file) => {
      const s = statSync(join(dir, file), { bigint: true });
      return [file, `${s.size}:${s.mtimeNs}:${s.ctimeNs}:${s.ino}`];
    }),
  );
}

/** Where verified package stamps are kept between runs, like Terraform's own plugin cache. */
function verificationCacheFile(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.XDG_CACHE_HOME || join(homedir(), ".cache"), "aws-platform-kit", "verified-providers.json");
}

/**
 * Whether `dir` holds exactly the package with `checksum`. Hashing 700 MB takes about a second, so
 * a match is remembered with each file's size, times and inode and re-checked by content when any
 * of them changes.
 */
export async function verifyPackage(
  dir: string,
  checksum: string,
  cacheFile = verificationCacheFile(),
): Promise<boolean> {
  const stamps = JSON.stringify(fileStamps(dir));
  let cache: Record<string, { checksum: string; stamps: string }> = {};
  try {
    cache = JSON.parse(readFileSync(cacheFile, "utf8")) as typeof cache;
  } catch {
    // No cache yet, or unreadable: verify by content.
  }
  const known = cache[dir];
  if (known && known.checksum === checksum && known.stamps === stamps) return true;
  if ((await packageChecksum(dir)) !== checksum) return false;
  try {
    mkdirSync(dirname(cacheFile), { recursive: true });
    writeFileSync(cacheFile, JSON.stringify({ ...cache, [dir]: { checksum, stamps } }));
  } catch {
    // A read-only home only costs the next run the same hashing.
  }
  return true;
}

/**
 * The direct provider for this run, or undefined where the offline plan keeps `terraform init` (no
 * published checksum for this platform, or a packed mirror). A package that does not match the
 * published checksum stops the run: it is not the release Terraform would have verified.
 */
async function directProvider(
  terraform: string,
  cliConfig: string,
  source: ProviderSource,
): Promise<DirectProvider | undefined> {
  const checksum = AWS_PROVIDER_CHECKSUMS[platform()];
  const providerDir = providerPackageDir(source);
  if (!checksum || !existsSync(providerDir)) return undefined;
  if (!(await verifyPackage(providerDir, checksum))) {
    throw new ToolchainError(
      `${providerDir} is not HashiCorp's hashicorp/aws ${AWS_PROVIDER_VERSION} for ${platform()} (its checksum is not ${checksum}): refill it with \`terraform providers mirror\` from the registry`,
    );
  }
  // The backend state `terraform init` writes for OFFLINE_BACKEND, made once and copied into each folder.
  const backendDir = join(dirname(cliConfig), "offline-backend");
  mkdirSync(backendDir, { recursive: true });
  writeFileSync(
    join(backendDir, "main.tf.json"),
    JSON.stringify({ terraform: { backend: OFFLINE_BACKEND } }),
  );
  await run(terraform, ["init", "-input=false", "-no-color"], {
    cwd: backendDir,
    env: { ...process.env, TF_CLI_CONFIG_FILE: cliConfig, CHECKPOINT_DISABLE: "1" },
  });
  const directConfig = cliConfig.replace(/(\.rc)?$/, ".direct.rc");
  writeFileSync(directConfig, directCliConfigText(providerDir));
  return {
    cliConfig: directConfig,
    backendState: join(backendDir, ".terraform", "terraform.tfstate"),
    providerDir,
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
