import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Bucket } from "@aws-platform-kit/modules/storage";
import { testNaming } from "@aws-platform-kit/modules/testing";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group/index.js";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider/index.js";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket/index.js";
import { App, TerraformStack } from "cdktf";
import { afterAll, describe, expect, test } from "vitest";
import { enablePolicyChecks } from "./aspect.js";
import type { StackResult } from "./engine.js";
import { suppress } from "./suppressions.js";

const outdirs: string[] = [];
afterAll(() => {
  for (const dir of outdirs) rmSync(dir, { recursive: true, force: true });
});

/** An app with one stack built by `build`, policy checks on; returns what synth did. */
function synth(build: (stack: TerraformStack) => void) {
  const outdir = mkdtempSync(join(tmpdir(), "policy-aspect-"));
  outdirs.push(outdir);
  const app = new App({ outdir });
  const stack = new TerraformStack(app, "dev");
  new AwsProvider(stack, "aws", { region: "us-east-1", defaultTags: [{ tags: { Environment: "dev" } }] });
  build(stack);
  const results: StackResult[] = [];
  enablePolicyChecks(app, { onResult: (r) => results.push(r) });
  let error: Error | undefined;
  try {
    app.synth();
  } catch (e) {
    error = e as Error;
  }
  const json = () => JSON.parse(readFileSync(join(outdir, "stacks", "dev", "cdk.tf.json"), "utf8"));
  return { error, results, json };
}

describe("the policy aspect at synth", () => {
  test("a high-severity violation fails synth with the rule id, the address and the fix", () => {
    const { error } = synth((stack) => new S3Bucket(stack, "raw", { bucket: "acme-dev-raw" }));
    expect(error?.message).toContain("policy violation: CKV2_AWS_6 [high] aws_s3_bucket.raw (dev/raw)");
    expect(error?.message).toContain("Fix: Add an aws_s3_bucket_public_access_block");
  });

  test("the storage module's bucket passes every rule", () => {
    const { error, results } = synth(
      (stack) => new Bucket(stack, "uploads", { naming: testNaming, purpose: "uploads" }),
    );
    expect(error).toBeUndefined();
    expect(results[0]?.findings).toEqual([]);
  });

  test("medium and low findings do not fail synth but are reported", () => {
    const { error, results } = synth(
      (stack) => new CloudwatchLogGroup(stack, "forever", { name: "/app/forever" }),
    );
    expect(error).toBeUndefined();
    expect(results[0]?.findings).toMatchObject([
      { rule: "CKV_AWS_66", status: "violation", severity: "medium" },
    ]);
  });
});

describe("suppress()", () => {
  test("records the suppression in the resource's // metadata and lets synth pass", () => {
    const { error, results, json } = synth((stack) => {
      const raw = new S3Bucket(stack, "raw", { bucket: "acme-dev-raw" });
      suppress(raw, "CKV2_AWS_6", "public website bucket, reviewed in #123");
      suppress(raw, "CKV_AWS_379", "served over HTTP by design, reviewed in #123");
    });
    expect(error).toBeUndefined();
    expect(json().resource.aws_s3_bucket.raw["//"].policy.suppressions).toEqual([
      { rule: "CKV2_AWS_6", reason: "public website bucket, reviewed in #123" },
      { rule: "CKV_AWS_379", reason: "served over HTTP by design, reviewed in #123" },
    ]);
    expect(results[0]?.suppressions).toMatchObject([
      { rule: "CKV2_AWS_6", used: true },
      { rule: "CKV_AWS_379", used: true },
    ]);
  });

  test("on a construct, applies to the resources under it that the rule checks", () => {
    const { json } = synth((stack) => {
      const uploads = new Bucket(stack, "uploads", { naming: testNaming, purpose: "uploads" });
      suppress(uploads, "CKV_AWS_21", "scratch space, versions not wanted");
    });
    const buckets = json().resource.aws_s3_bucket;
    const policy = json().resource.aws_s3_bucket_policy;
    expect(Object.values(buckets).map((b) => (b as { "//": { policy?: unknown } })["//"].policy)).toEqual([
      { suppressions: [{ rule: "CKV_AWS_21", reason: "scratch space, versions not wanted" }] },
    ]);
    expect(Object.values(policy).map((p) => (p as { "//": { policy?: unknown } })["//"].policy)).toEqual([
      undefined,
    ]);
  });

  test("without a reason, or with an unknown rule, throws at once", () => {
    const app = new App({ outdir: mkdtempSync(join(tmpdir(), "policy-aspect-")) });
    outdirs.push(app.outdir);
    const stack = new TerraformStack(app, "dev");
    expect(() => suppress(stack, "CKV_AWS_66", "")).toThrow(/needs a reason; say why CKV_AWS_66/);
    expect(() => suppress(stack, "CKV_AWS_0", "because")).toThrow(/unknown rule/);
  });

  test("that matches nothing the rule checks fails synth", () => {
    const { error } = synth((stack) => {
      const group = new CloudwatchLogGroup(stack, "logs", { name: "/app", retentionInDays: 7 });
      suppress(group, "CKV_AWS_16", "wrong construct");
    });
    expect(error?.message).toContain("nothing under this construct is of a type CKV_AWS_16 checks");
  });
});
