import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { compareSynthesised } from "./changed-stacks.js";

const scratch = mkdtempSync(join(tmpdir(), "changed-stacks-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

let count = 0;
function synthesised(stacks: Record<string, unknown>): string {
  const outdir = join(scratch, `out-${count++}`);
  for (const [name, config] of Object.entries(stacks)) {
    mkdirSync(join(outdir, "stacks", name), { recursive: true });
    writeFileSync(join(outdir, "stacks", name, "cdk.tf.json"), JSON.stringify(config));
  }
  return outdir;
}

const bucket = (versioning: boolean) => ({
  resource: { aws_s3_bucket: { uploads: { bucket: "acme-dev-uploads", versioning } } },
  terraform: { backend: { s3: { key: "acme/dev/terraform.tfstate" } } },
});

describe("compareSynthesised", () => {
  test("a stack whose configuration differs is changed and planned; an identical one is not", () => {
    const base = synthesised({ dev: bucket(false), prod: bucket(true) });
    const head = synthesised({ dev: bucket(true), prod: bucket(true) });
    expect(compareSynthesised(base, head)).toEqual({
      changed: ["dev"],
      added: [],
      removed: [],
      unchanged: ["prod"],
      plan: ["dev"],
    });
  });

  test("the order of keys alone is no change", () => {
    const reordered = {
      terraform: { backend: { s3: { key: "acme/dev/terraform.tfstate" } } },
      resource: { aws_s3_bucket: { uploads: { versioning: false, bucket: "acme-dev-uploads" } } },
    };
    expect(
      compareSynthesised(synthesised({ dev: bucket(false) }), synthesised({ dev: reordered })).plan,
    ).toEqual([]);
  });

  test("a stack only in the pull request is added and planned; one only on the base is removed, not planned", () => {
    const changes = compareSynthesised(
      synthesised({ dev: bucket(true) }),
      synthesised({ staging: bucket(true) }),
    );
    expect(changes.added).toEqual(["staging"]);
    expect(changes.removed).toEqual(["dev"]);
    expect(changes.plan).toEqual(["staging"]);
  });

  test("a base that did not synthesise plans every stack of the pull request", () => {
    const changes = compareSynthesised(
      join(scratch, "missing"),
      synthesised({ prod: bucket(true), dev: bucket(true) }),
    );
    expect(changes.plan).toEqual(["dev", "prod"]);
  });
});
