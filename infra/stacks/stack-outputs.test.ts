/**
 * The stacks declare exactly the outputs their descriptions name, and a release step reading them
 * back gets them typed, or an error naming each one that is missing or of another type.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { testOutdir } from "@aws-platform-kit/modules/testing";
import { Testing } from "cdktf";
import { describe, expect, test } from "vitest";
import { buildApp } from "../app.js";
import { REMOTE_STATE_FIXTURES } from "../terraform/offline-plan.js";
import {
  type OutputSpecs,
  PLATFORM_OUTPUTS,
  PREVIEW_OUTPUTS,
  parseOutputs,
  SERVICE_OUTPUTS,
  StackOutputsError,
} from "./stack-outputs.js";

type Outputs = Record<string, { value: unknown; description?: string }>;

const app = buildApp({
  outdir: testOutdir(),
  environments: ["dev", "prod"],
  bootstrap: false,
  previews: [{ prNumber: 7, imageTag: "3f2c1a9" }],
});
const outputsOf = Object.fromEntries(
  app.node.children.map((stack) => [
    stack.node.id,
    (JSON.parse(Testing.synth(stack as never)) as { output: Outputs }).output,
  ]),
);

const required = (specs: OutputSpecs) =>
  Object.entries(specs)
    .filter(([, spec]) => !spec.optional)
    .map(([name]) => name);

describe("each stack declares the outputs its description names", () => {
  test("the previews' host: every environment output, its previews' too", () => {
    expect(Object.keys(outputsOf.dev ?? {}).sort()).toEqual(Object.keys(PLATFORM_OUTPUTS).sort());
  });

  test("an environment without previews: every output but the previews'", () => {
    expect(Object.keys(outputsOf.prod ?? {}).sort()).toEqual(required(PLATFORM_OUTPUTS).sort());
  });

  test("a preview", () => {
    expect(Object.keys(outputsOf["preview-pr-7"] ?? {}).sort()).toEqual(Object.keys(PREVIEW_OUTPUTS).sort());
  });

  test("an output means the same in every stack: one description per name", () => {
    for (const [stack, outputs] of Object.entries(outputsOf)) {
      for (const [name, output] of Object.entries(outputs)) {
        const spec = (PLATFORM_OUTPUTS as OutputSpecs)[name] ?? (PREVIEW_OUTPUTS as OutputSpecs)[name];
        expect(output.description, `${stack} ${name}`).toBe(spec?.description);
      }
    }
  });

  test("what the release steps read, every stack that runs the service gives", () => {
    for (const name of Object.keys(SERVICE_OUTPUTS)) {
      for (const stack of ["dev", "prod", "preview-pr-7"])
        expect(outputsOf[stack], stack).toHaveProperty(name);
    }
  });
});

describe("reading outputs back", () => {
  const applied = {
    url: "https://pr-7.preview.example.com",
    cluster_arn: "arn:aws:ecs:us-east-1:123456789012:cluster/acme-dev-cluster",
    service_name: "acme-pr-7-app",
    migration_task_definition_arn:
      "arn:aws:ecs:us-east-1:123456789012:task-definition/acme-pr-7-app-migrate:3",
    run_task_network: {
      awsvpcConfiguration: { subnets: ["subnet-a"], securityGroups: ["sg-1"], assignPublicIp: "DISABLED" },
    },
    uploads_bucket: "acme-pr-7-uploads",
    database_schema: "pr_7",
    an_output_no_step_reads: 42,
  };

  test("gives the described outputs with their values, and leaves the others out", () => {
    const read = parseOutputs("preview-pr-7", SERVICE_OUTPUTS, applied);
    expect(read.run_task_network.awsvpcConfiguration.subnets).toEqual(["subnet-a"]);
    expect(read.service_name).toBe("acme-pr-7-app");
    expect(read).not.toHaveProperty("an_output_no_step_reads");
  });

  test("fails naming every output that is missing or of another type", () => {
    const { cluster_arn: _missing, ...withoutCluster } = applied;
    const broken = {
      ...withoutCluster,
      service_name: ["acme-pr-7-app"],
      run_task_network: { awsvpcConfiguration: { subnets: "subnet-a" } },
    };
    let error: unknown;
    try {
      parseOutputs("preview-pr-7", PREVIEW_OUTPUTS, broken);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(StackOutputsError);
    expect((error as StackOutputsError).outputs).toEqual(["cluster_arn", "service_name", "run_task_network"]);
    expect((error as Error).message).toMatch(
      /^outputs of stack preview-pr-7: cluster_arn: missing; service_name: \["acme-pr-7-app"\] is not a string; run_task_network: .* is not a network configuration/,
    );
  });

  test("an output only some stacks declare may be absent", () => {
    const dev = JSON.parse(readFileSync(join(REMOTE_STATE_FIXTURES, "dev.state.json"), "utf8")) as {
      outputs: Record<string, { value: unknown }>;
    };
    const { previews_domain: _absent, ...published } = Object.fromEntries(
      Object.entries(dev.outputs).map(([name, output]) => [name, output.value]),
    );
    const described = Object.fromEntries(
      Object.entries(PLATFORM_OUTPUTS).filter(([name]) => name in published || name === "previews_domain"),
    ) as OutputSpecs;
    // The offline plan's host state has the types the environment stack declares.
    expect(parseOutputs("dev", described, published)).not.toHaveProperty("previews_domain");
  });
});
