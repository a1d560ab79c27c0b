import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import {
  AWS_PROVIDER_CHECKSUMS,
  AWS_PROVIDER_VERSION,
  chooseProviderSource,
  cliConfigText,
  directCliConfigText,
  findProviderMirror,
  packageChecksum,
  providerPackageDir,
  ToolchainError,
  verifyPackage,
} from "./toolchain.js";

const platform = `${process.platform}_${process.arch === "x64" ? "amd64" : process.arch}`;
let root: string;
const saved = process.env.TF_PROVIDER_MIRROR;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "mirror-"));
});
afterEach(() => {
  rmSync(root, { recursive: true, force: true });
  if (saved === undefined) delete process.env.TF_PROVIDER_MIRROR;
  else process.env.TF_PROVIDER_MIRROR = saved;
});

describe("findProviderMirror with TF_PROVIDER_MIRROR", () => {
  test("accepts an unpacked mirror", () => {
    mkdirSync(join(root, "registry.terraform.io/hashicorp/aws", AWS_PROVIDER_VERSION, platform), {
      recursive: true,
    });
    process.env.TF_PROVIDER_MIRROR = root;
    expect(findProviderMirror()).toBe(root);
  });

  test("accepts a packed mirror, as `terraform providers mirror` writes it", () => {
    const dir = join(root, "registry.terraform.io/hashicorp/aws");
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `terraform-provider-aws_${AWS_PROVIDER_VERSION}_${platform}.zip`), "");
    process.env.TF_PROVIDER_MIRROR = root;
    expect(findProviderMirror()).toBe(root);
  });

  test("a mirror without the provider fails with one line saying how to fill it", () => {
    process.env.TF_PROVIDER_MIRROR = root;
    expect(() => findProviderMirror()).toThrow(ToolchainError);
    expect(() => findProviderMirror()).toThrow(
      /has no hashicorp\/aws 5\.100\.0 for .* under registry\.terraform\.io\/: fill it with `terraform providers mirror/,
    );
  });
});

test("the CLI config installs providers from the mirror only, never from the registry", () => {
  const text = cliConfigText("/opt/mirror");
  expect(text).toContain('filesystem_mirror {\n    path    = "/opt/mirror"');
  expect(text).toMatch(/direct \{\n\s+exclude = \["registry\.terraform\.io\/\*\/\*"\]/);
});

describe("where the AWS provider comes from", () => {
  const withProvider = () => {
    mkdirSync(join(root, "registry.terraform.io/hashicorp/aws", AWS_PROVIDER_VERSION, platform), {
      recursive: true,
    });
    return root;
  };
  const cache = "/tmp/plugin-cache";

  test("TF_PROVIDER_MIRROR wins, and is refused when it lacks the provider", () => {
    expect(chooseProviderSource(cache, { TF_PROVIDER_MIRROR: withProvider() }, () => "/elsewhere")).toEqual({
      kind: "mirror",
      path: root,
    });
    expect(() => chooseProviderSource(cache, { TF_PROVIDER_MIRROR: join(root, "empty") })).toThrow(
      ToolchainError,
    );
  });

  test("a mirror found in the usual places comes next", () => {
    expect(chooseProviderSource(cache, {}, () => "/opt/tf-plugins")).toEqual({
      kind: "mirror",
      path: "/opt/tf-plugins",
    });
  });

  test("without a mirror, the registry through one shared plugin cache (a laptop, a hosted runner)", () => {
    expect(chooseProviderSource(cache, {}, () => undefined)).toEqual({ kind: "registry", cacheDir: cache });
    expect(chooseProviderSource(cache, { TF_PROVIDER_SOURCE: "registry" }, () => "/opt/tf-plugins")).toEqual({
      kind: "registry",
      cacheDir: cache,
    });
  });

  test("TF_PROVIDER_SOURCE=mirror insists on a mirror; another value is refused", () => {
    expect(() => chooseProviderSource(cache, { TF_PROVIDER_SOURCE: "mirror" }, () => undefined)).toThrow(
      /no Terraform provider mirror with hashicorp\/aws/,
    );
    expect(() => chooseProviderSource(cache, { TF_PROVIDER_SOURCE: "s3" }, () => undefined)).toThrow(
      /TF_PROVIDER_SOURCE=s3: use "mirror" or "registry"/,
    );
  });

  test("the registry's CLI config caches providers in one folder and installs from the registry", () => {
    const text = cliConfigText({ kind: "registry", cacheDir: "/work/cdktf.out/terraform-plugin-cache" });
    expect(text).toContain('plugin_cache_dir = "/work/cdktf.out/terraform-plugin-cache"');
    expect(text).toContain("plugin_cache_may_break_dependency_lock_file = true");
    expect(text).not.toContain("provider_installation");
  });
});

describe("the provider run in place, verified once against HashiCorp's checksum", () => {
  const packageDir = () => {
    const dir = join(root, "package");
    mkdirSync(join(dir, "b"), { recursive: true });
    writeFileSync(join(dir, "a"), "");
    writeFileSync(join(dir, "b", "x"), "hello\n");
    writeFileSync(join(dir, "LICENSE.txt"), "MPL\n");
    return dir;
  };
  // Computed independently (Python: sha256 per file, sorted "<hex>  <path>\n" lines, sha256, base64),
  // as Go's dirhash.Hash1 and so `terraform init` compute it.
  const EXPECTED = "h1:NLRRiPYQQ7yD+3AV54bhwdickh/eGjVulD3ag9ISHCs=";

  test("the h1 checksum is Terraform's: sorted relative paths, nested folders with forward slashes", async () => {
    expect(await packageChecksum(packageDir())).toBe(EXPECTED);
  });

  test("the mirror on this machine holds exactly HashiCorp's release", async () => {
    const checksum = AWS_PROVIDER_CHECKSUMS[platform];
    expect(checksum, `a published checksum for ${platform}`).toBeDefined();
    const dir = providerPackageDir({ kind: "mirror", path: findProviderMirror() });
    expect(await packageChecksum(dir)).toBe(checksum);
  });

  test("a match is remembered by file stamps, and any change is checked by content again", async () => {
    const dir = packageDir();
    const cacheFile = join(root, "cache", "verified.json");
    expect(await verifyPackage(dir, EXPECTED, cacheFile)).toBe(true);
    expect(JSON.parse(readFileSync(cacheFile, "utf8"))[dir].checksum).toBe(EXPECTED);
    // Same stamps: remembered (a wrong checksum is still refused, since the record is per checksum).
    expect(await verifyPackage(dir, EXPECTED, cacheFile)).toBe(true);
    expect(await verifyPackage(dir, "h1:other", cacheFile)).toBe(false);
    // The binary replaced with other bytes of the same size: the stamps change, the content is hashed.
    writeFileSync(join(dir, "b", "x"), "HELLO\n");
    expect(await verifyPackage(dir, EXPECTED, cacheFile)).toBe(false);
  });

  test("a package that does not match is never recorded", async () => {
    const dir = packageDir();
    const cacheFile = join(root, "cache2", "verified.json");
    expect(await verifyPackage(dir, "h1:not-this-package", cacheFile)).toBe(false);
    expect(existsSync(cacheFile)).toBe(false);
  });

  test("its CLI config runs that folder as hashicorp/aws and installs nothing", () => {
    const text = directCliConfigText(
      "/opt/tf-plugins/registry.terraform.io/hashicorp/aws/5.100.0/linux_amd64",
    );
    expect(text).toMatch(
      /dev_overrides \{\n\s+"registry\.terraform\.io\/hashicorp\/aws" = "\/opt\/tf-plugins\/registry\.terraform\.io\/hashicorp\/aws\/5\.100\.0\/linux_amd64"/,
    );
    expect(text).not.toContain("filesystem_mirror");
    expect(text).toMatch(/direct \{\n\s+exclude = \["registry\.terraform\.io\/\*\/\*"\]/);
  });
});
