import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import {
  AWS_PROVIDER_VERSION,
  chooseProviderSource,
  cliConfigText,
  findProviderMirror,
  ToolchainError,
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
