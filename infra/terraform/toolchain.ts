/**
 * Finds what the offline pipeline needs — the Terraform CLI and a local mirror of the AWS provider —
 * and writes the project's own Terraform CLI config pointing at that mirror. When something is
 * missing it says which and how to get it, in one line.
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

export interface Toolchain {
  readonly terraform: string;
  readonly terraformVersion: string;
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
  const configured = process.env.TF_PROVIDER_MIRROR;
  if (configured) {
    if (!hasAwsProvider(configured)) {
      throw new ToolchainError(
        `TF_PROVIDER_MIRROR=${configured} has no hashicorp/aws ${AWS_PROVIDER_VERSION} for ${platform()} under registry.terraform.io/: fill it with \`terraform providers mirror -platform=${platform()} ${configured}\` on a machine with internet access`,
      );
    }
    return resolve(configured);
  }
  const found = MIRROR_CANDIDATES.find(hasAwsProvider) ?? searchForMirror();
  if (!found) {
    throw new ToolchainError(
      `no Terraform provider mirror with hashicorp/aws ${AWS_PROVIDER_VERSION} found (looked in ${MIRROR_CANDIDATES.join(", ")}): create one with \`terraform providers mirror <dir>\` and set TF_PROVIDER_MIRROR=<dir>`,
    );
  }
  return found;
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

/** The project's Terraform CLI config: providers come from the mirror only, never from the registry. */
export function cliConfigText(mirror: string): string {
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

/** Finds terraform and the mirror and writes the CLI config to `configPath`. */
export async function prepareToolchain(configPath: string): Promise<Toolchain> {
  const { path, version } = await findTerraform();
  const mirror = findProviderMirror();
  mkdirSync(dirname(configPath), { recursive: true });
  writeFileSync(configPath, cliConfigText(mirror));
  return { terraform: path, terraformVersion: version, mirror, cliConfig: resolve(configPath) };
}
