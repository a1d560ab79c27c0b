/**
 * `modules/terraform/` is what `npm run modules:terraform` writes, byte for byte: Terraform users
 * source the committed files, so a construct change that is not regenerated fails here.
 */
import { describe, expect, test } from "vitest";
import { differences, renderAll } from "./generate.js";
import { MODULES } from "./registry.js";

const rendered = renderAll();

describe("modules/terraform is up to date", () => {
  test("regenerating changes nothing", () => {
    expect(Object.keys(rendered).length).toBe(MODULES.length * 5 + 1);
    expect(differences(rendered)).toEqual([]);
  });

  test("every module folder holds the four Terraform files and a README", () => {
    for (const { name } of MODULES) {
      for (const file of [
        "main.tf.json",
        "variables.tf.json",
        "outputs.tf.json",
        "versions.tf.json",
        "README.md",
      ]) {
        expect(rendered[`${name}/${file}`], `${name}/${file}`).toBeDefined();
      }
    }
  });
});

describe("each module is a module, not a stack", () => {
  test.each(MODULES.map((m) => m.name))(
    "%s: no provider configuration, no backend, the pinned provider line",
    (name) => {
      const main = JSON.parse(rendered[`${name}/main.tf.json`] as string) as Record<string, unknown>;
      expect(main.provider).toBeUndefined();
      expect(main.terraform).toBeUndefined();
      const versions = JSON.parse(rendered[`${name}/versions.tf.json`] as string) as {
        terraform: {
          required_version: string;
          required_providers: { aws: { source: string; version: string } };
        };
      };
      expect(versions.terraform.required_version).toBe(">= 1.10");
      expect(versions.terraform.required_providers.aws).toMatchObject({
        source: "hashicorp/aws",
        version: "~> 5.100",
      });
      expect(Object.keys(versions.terraform)).toEqual(["required_version", "required_providers"]);
    },
  );

  test.each(MODULES.map((m) => m.name))("%s: no data source that needs credentials", (name) => {
    const main = JSON.parse(rendered[`${name}/main.tf.json`] as string) as { data?: Record<string, unknown> };
    // aws_region and aws_partition read the provider's own settings; everything else calls AWS.
    expect(
      Object.keys(main.data ?? {}).filter((type) => !["aws_region", "aws_partition"].includes(type)),
    ).toEqual([]);
  });

  test.each(MODULES.map((m) => m.name))(
    "%s: every variable is described and typed; tags and name exist",
    (name) => {
      const { variable } = JSON.parse(rendered[`${name}/variables.tf.json`] as string) as {
        variable: Record<string, { description?: string; type?: string }>;
      };
      expect(variable.name).toBeDefined();
      expect(variable.tags).toBeDefined();
      for (const [key, spec] of Object.entries(variable)) {
        expect(spec.description, key).toMatch(/\S/);
        expect(spec.type, key).toMatch(/\S/);
      }
    },
  );

  test.each(MODULES.map((m) => m.name))("%s: the README lists every variable and output", (name) => {
    const readme = rendered[`${name}/README.md`] as string;
    const { variable } = JSON.parse(rendered[`${name}/variables.tf.json`] as string) as { variable: object };
    const { output } = JSON.parse(rendered[`${name}/outputs.tf.json`] as string) as { output: object };
    for (const key of [...Object.keys(variable), ...Object.keys(output)])
      expect(readme).toContain(`| \`${key}\` |`);
    expect(readme).toContain("```hcl");
  });
});
