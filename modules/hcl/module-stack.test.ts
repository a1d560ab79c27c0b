import { Route } from "@cdktf/provider-aws/lib/route/index.js";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket/index.js";
import { Token } from "cdktf";
import { describe, expect, test } from "vitest";
import { testOutdir } from "../testing/synthesised.js";
import { propDoc } from "./docs.js";
import { moduleApp, TerraformModuleStack } from "./module-stack.js";

const stack = () => new TerraformModuleStack(moduleApp(testOutdir()), "m");

describe("variables", () => {
  test("a prop's doc comment is the description, and its literal @default must agree", () => {
    const s = stack();
    s.variable("nat_mode", {
      type: "string",
      doc: "network/network.ts#NetworkProps.natMode",
      default: "single",
    });
    const { variable } = s.files()["variables.tf.json"] as {
      variable: Record<string, { description: string }>;
    };
    expect(variable.nat_mode?.description).toMatch(/^How private subnets reach the internet/);
    expect(() =>
      stack().variable("nat_mode", {
        type: "string",
        doc: "network/network.ts#NetworkProps.natMode",
        default: "none",
      }),
    ).toThrow('default "none" but network/network.ts#NetworkProps.natMode says @default "single"');
  });

  test("nested props are read from inline object types; a missing prop is an error, not an empty description", () => {
    expect(propDoc("network/network.ts#NetworkProps.flowLogs.retentionDays")).toMatchObject({ default: 30 });
    expect(propDoc("network/network.ts#NetworkProps.subnetCidrs").defaultText).toMatch(/^- computed/);
    expect(() => propDoc("network/network.ts#NetworkProps.nope")).toThrow("no prop nope");
  });

  test("a rule becomes a validation block, wrapped in try, with the variable's name leading the message", () => {
    const s = stack();
    s.variable("size", {
      type: "number",
      description: "How big.",
      default: 1,
      rules: [{ condition: "var.size > 0", message: "must be positive" }],
    });
    const { variable } = s.files()["variables.tf.json"] as {
      variable: Record<
        string,
        { validation: { condition: string; error_message: string }[]; nullable: boolean }
      >;
    };
    expect(variable.size?.validation).toEqual([
      { condition: `\${try(var.size > 0, false)}`, error_message: "size: must be positive" },
    ]);
    expect(variable.size?.nullable).toBe(false);
  });

  test("default null makes an optional input; names must be snake_case and declared once", () => {
    const s = stack();
    s.variable("kms_key_arn", { type: "string", description: "A key.", default: null });
    const { variable } = s.files()["variables.tf.json"] as {
      variable: Record<string, { default: unknown; nullable: boolean }>;
    };
    expect(variable.kms_key_arn).toMatchObject({ default: null, nullable: true });
    expect(() => stack().variable("kmsKeyArn", { type: "string", description: "x" })).toThrow(
      "not snake_case",
    );
    expect(() => {
      const t = stack();
      t.variable("a", { type: "string", description: "x" });
      t.variable("a", { type: "string", description: "x" });
    }).toThrow('variable "a" declared twice');
  });
});

describe("files", () => {
  test("var.tags is merged under every taggable resource's own tags; untaggable resources are left alone", () => {
    const s = stack();
    new S3Bucket(s, "b", { bucket: "x", tags: { Name: "x" } });
    new Route(s, "r", {
      routeTableId: "rtb-1",
      destinationCidrBlock: "0.0.0.0/0",
      gatewayId: Token.asString("igw-1"),
    });
    const main = s.files()["main.tf.json"] as {
      resource: Record<string, Record<string, { tags?: unknown }>>;
    };
    expect(main.resource.aws_s3_bucket?.b?.tags).toBe(`\${merge(var.tags, {"Name" = "x"})}`);
    expect(main.resource.aws_route?.r?.tags).toBeUndefined();
  });

  test("no backend and no provider; versions pin Terraform and the provider line", () => {
    const files = stack().files();
    expect(files["main.tf.json"]).not.toHaveProperty("terraform");
    expect(files["versions.tf.json"]).toEqual({
      terraform: {
        required_version: ">= 1.10",
        required_providers: { aws: { source: "hashicorp/aws", version: "~> 5.100" } },
      },
    });
  });
});
