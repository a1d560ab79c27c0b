/** The app runs the policy rules at synth: a high-severity violation stops synth before any plan. */

import { testOutdir } from "@aws-platform-kit/modules/testing";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket/index.js";
import type { TerraformStack } from "cdktf";
import { expect, test } from "vitest";
import { buildApp } from "./app.js";

test("a hand-made bucket with no public access block fails synth, naming the rule", () => {
  const app = buildApp({ outdir: testOutdir(), environments: ["dev"], bootstrap: false });
  const dev = app.node.findChild("dev") as TerraformStack;
  new S3Bucket(dev, "careless", { bucket: "acme-dev-careless" });
  expect(() => app.synth()).toThrow(/CKV2_AWS_6/);
});
