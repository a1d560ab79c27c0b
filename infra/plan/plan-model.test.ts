import { describe, expect, test } from "vitest";
import { fixturePlan, fixtureSynth, later, ref } from "./plan-fixture.js";
import {
  blocks,
  environmentOf,
  modelFromPlan,
  modelFromSynth,
  referencesIn,
  Unresolved,
} from "./plan-model.js";

const policyTemplate = JSON.stringify({
  Statement: [{ Effect: "Deny", Resource: `\${aws_s3_bucket.b.arn}/*` }],
});
const resources = [
  { address: "aws_s3_bucket.b", values: { bucket: "acme-dev-uploads", force_destroy: false } },
  {
    address: "aws_s3_bucket_policy.p",
    values: { bucket: ref("aws_s3_bucket.b.id"), policy: later(policyTemplate) },
  },
  {
    address: "aws_s3_bucket_versioning.v",
    values: { bucket: ref("aws_s3_bucket.b.id"), versioning_configuration: [{ status: "Enabled" }] },
  },
];

describe("from a plan", () => {
  const model = modelFromPlan("dev", fixturePlan(resources, { environment: "dev" }), fixtureSynth(resources));

  test("known values are the planned values", () => {
    expect(model.byAddress.get("aws_s3_bucket.b")?.values).toEqual({
      bucket: "acme-dev-uploads",
      force_destroy: false,
    });
  });

  test("a value unknown until apply carries the configuration written for it and what it references", () => {
    const policy = model.byAddress.get("aws_s3_bucket_policy.p")?.values.policy;
    expect(policy).toBeInstanceOf(Unresolved);
    expect(policy).toMatchObject({ expression: policyTemplate, references: ["aws_s3_bucket.b"] });
  });

  test("nested blocks stay lists of objects", () => {
    expect(
      blocks(model.byAddress.get("aws_s3_bucket_versioning.v")?.values.versioning_configuration),
    ).toEqual([{ status: "Enabled" }]);
  });

  test("construct paths come from the synthesised metadata", () => {
    expect(model.byAddress.get("aws_s3_bucket.b")?.path).toBe("fixture/b");
  });

  test("resources the plan only destroys are left out", () => {
    const plan = fixturePlan(resources);
    const changes = plan.resource_changes?.map((rc, i) =>
      i === 0 ? { ...rc, change: { ...rc.change, actions: ["delete"] } } : rc,
    );
    expect(
      modelFromPlan("dev", { ...plan, resource_changes: changes }).byAddress.has("aws_s3_bucket.b"),
    ).toBe(false);
  });
});

describe("from a synthesised stack", () => {
  const model = modelFromSynth("dev", fixtureSynth(resources));

  test("every reference is unresolved, with its template", () => {
    expect(model.byAddress.get("aws_s3_bucket_versioning.v")?.values.bucket).toMatchObject({
      expression: `\${aws_s3_bucket.b.id}`,
      references: ["aws_s3_bucket.b"],
    });
  });

  test("the // metadata is not an attribute", () => {
    expect(Object.keys(model.byAddress.get("aws_s3_bucket.b")?.values ?? {})).toEqual([
      "bucket",
      "force_destroy",
    ]);
  });
});

test("references are read from interpolations, functions and data sources included, not from variables", () => {
  const text = `\${element(aws_subnet.private-a_1.*.id, 0)}/\${data.aws_iam_policy_document.x.json} \${var.extra_tags} aws_vpc.not_interpolated`;
  expect(referencesIn(text)).toEqual(["aws_subnet.private-a_1", "data.aws_iam_policy_document.x"]);
});

test("the environment is the provider's default_tags Environment, else the stack name", () => {
  expect(environmentOf(modelFromPlan("stack-1", fixturePlan([], { environment: "prod" })))).toBe("prod");
  expect(environmentOf(modelFromSynth("preview-pr-7", {}))).toBe("preview-pr-7");
});

test("set-typed blocks are paired with their configuration by their literal attributes, not their position", () => {
  // A plan lists CloudFront origins in the provider's order; the configuration in the order written.
  const plan = {
    resource_changes: [
      {
        address: "aws_cloudfront_distribution.cdn",
        mode: "managed",
        type: "aws_cloudfront_distribution",
        name: "cdn",
        change: {
          actions: ["create"],
          after: {
            origin: [{ origin_id: "api", domain_name: "origin.example.com" }, { origin_id: "assets" }],
          },
          after_unknown: { origin: [{}, { domain_name: true, origin_access_control_id: true }] },
        },
      },
    ],
    configuration: {
      root_module: {
        resources: [
          {
            address: "aws_cloudfront_distribution.cdn",
            expressions: {
              origin: [
                {
                  origin_id: { constant_value: "assets" },
                  origin_access_control_id: {
                    constant_value: `\${aws_cloudfront_origin_access_control.oac.id}`,
                  },
                },
                {
                  origin_id: { constant_value: "api" },
                  domain_name: { constant_value: "origin.example.com" },
                },
              ],
            },
          },
        ],
      },
    },
  };
  const origins = blocks(
    modelFromPlan("dev", plan).byAddress.get("aws_cloudfront_distribution.cdn")?.values.origin,
  );
  expect(origins[1]?.origin_access_control_id).toMatchObject({
    references: ["aws_cloudfront_origin_access_control.oac"],
  });
});

describe("a plan of a root module that calls a module", () => {
  // What `terraform show -json` gives for resources inside `module "network"` written in JSON syntax:
  // the template as a constant string, and the references relative to the module.
  const plan = {
    resource_changes: [
      {
        address: "module.network.aws_vpc.v",
        mode: "managed",
        type: "aws_vpc",
        name: "v",
        change: { actions: ["create"], after: { cidr_block: "10.0.0.0/16" }, after_unknown: { id: true } },
      },
      {
        address: "module.network.aws_flow_log.f",
        mode: "managed",
        type: "aws_flow_log",
        name: "f",
        change: { actions: ["create"], after: { traffic_type: "ALL" }, after_unknown: { vpc_id: true } },
      },
    ],
    configuration: {
      root_module: {
        module_calls: {
          network: {
            module: {
              resources: [
                {
                  address: "aws_vpc.v",
                  mode: "managed",
                  expressions: { cidr_block: { constant_value: "10.0.0.0/16" } },
                },
                {
                  address: "aws_flow_log.f",
                  mode: "managed",
                  expressions: {
                    vpc_id: { constant_value: `\${aws_vpc.v.id}`, references: ["aws_vpc.v.id", "aws_vpc.v"] },
                    traffic_type: { constant_value: `\${var.traffic}`, references: ["var.traffic"] },
                  },
                },
              ],
            },
          },
        },
      },
    },
  };
  const model = modelFromPlan("example", plan);

  test("references inside the module name the resource by its full address", () => {
    const flowLog = model.byAddress.get("module.network.aws_flow_log.f");
    expect(flowLog?.config.vpc_id).toBe(`\${module.network.aws_vpc.v.id}`);
    expect(referencesIn(flowLog?.config)).toEqual(["module.network.aws_vpc.v"]);
    expect(model.byAddress.has("module.network.aws_vpc.v")).toBe(true);
  });

  test("variables and other non-resource references stay as written", () => {
    expect(model.byAddress.get("module.network.aws_flow_log.f")?.config.traffic_type).toBe(`\${var.traffic}`);
  });
});
