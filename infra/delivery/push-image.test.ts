/**
 * The push-image action's digest step (.github/actions/push-image/digest.sh), run with bash as on a
 * runner and a stand-in `aws` that answers from a fixture and records its arguments. The digest is
 * what deploy.yml attests the release image's SBOM to.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { loadCompositeActions, REPOSITORY_ROOT, stepsOf } from "./workflows.js";

const scratch = mkdtempSync(join(tmpdir(), "push-image-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const REPOSITORY_URL = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/acme-prod-service";
const TAG = "0123456789abcdef0123456789abcdef01234567";
const DIGEST = `sha256:${"ab".repeat(32)}`;

// Prints AWS_ANSWER and exits with AWS_STATUS; records its arguments one per line.
const FAKE_AWS = `#!/usr/bin/env bash
printf '%s\\n' "$@" >"$AWS_LOG"
echo "$AWS_ANSWER"
exit "\${AWS_STATUS:-0}"
`;

let runs = 0;
function digest(answer: string, status = 0) {
  const dir = join(scratch, `run-${runs++}`);
  mkdirSync(join(dir, "bin"), { recursive: true });
  writeFileSync(join(dir, "bin/aws"), FAKE_AWS);
  chmodSync(join(dir, "bin/aws"), 0o755);
  writeFileSync(join(dir, "output"), "");
  const result = spawnSync("bash", [join(REPOSITORY_ROOT, ".github/actions/push-image/digest.sh")], {
    encoding: "utf8",
    env: {
      PATH: `${join(dir, "bin")}:${process.env.PATH}`,
      REPOSITORY_URL,
      TAG,
      GITHUB_OUTPUT: join(dir, "output"),
      AWS_LOG: join(dir, "aws-args"),
      AWS_ANSWER: answer,
      AWS_STATUS: String(status),
    },
  });
  return {
    status: result.status,
    stdout: result.stdout,
    output: readFileSync(join(dir, "output"), "utf8"),
    awsArgs: readFileSync(join(dir, "aws-args"), "utf8").split("\n").filter(Boolean),
  };
}

describe("push-image digest.sh", () => {
  test("outputs the digest ECR has for the tag, asked with BatchGetImage in the repository's region", () => {
    const run = digest(DIGEST);
    expect(run.status).toBe(0);
    expect(run.output).toBe(`digest=${DIGEST}\n`);
    expect(run.awsArgs.slice(0, 8)).toEqual([
      "ecr",
      "batch-get-image",
      "--region",
      "eu-west-1",
      "--repository-name",
      "acme-prod-service",
      "--image-ids",
      `imageTag=${TAG}`,
    ]);
    expect(run.awsArgs).toContain("images[0].imageId.imageDigest");
    // The multi-platform index the action pushes, in either flavour, is accepted as stored.
    expect(run.awsArgs).toEqual(
      expect.arrayContaining([
        "application/vnd.oci.image.index.v1+json",
        "application/vnd.docker.distribution.manifest.list.v2+json",
      ]),
    );
  });

  test("fails, writing no output, when ECR has no image under the tag", () => {
    // The CLI prints None for a query that matches nothing (ImageNotFound is a failure entry).
    const run = digest("None");
    expect(run.status).toBe(1);
    expect(run.stdout).toContain("::error::");
    expect(run.output).toBe("");
  });

  test("fails, writing no output, when the call itself fails", () => {
    const run = digest("An error occurred (AccessDeniedException)", 254);
    expect(run.status).toBe(1);
    expect(run.stdout).toContain("AccessDeniedException");
    expect(run.output).toBe("");
  });
});

describe("push-image builds one image for both task architectures", () => {
  const action = loadCompositeActions().find((a) => a.path === ".github/actions/push-image/action.yml");
  const steps = stepsOf(action as NonNullable<typeof action>);
  const index = (prefix: string) => steps.findIndex((s) => s.uses?.startsWith(prefix));

  test("builds linux/amd64 and linux/arm64 into one tag, without attestation manifests", () => {
    const build = steps[index("docker/build-push-action@")];
    expect(build?.with?.platforms).toBe("linux/amd64,linux/arm64");
    expect(build?.with?.provenance).toBe(false);
    expect(build?.with?.sbom).toBe(false);
  });

  test("sets up QEMU for arm64, then Buildx, before the build, and only when the tag is new", () => {
    const qemu = index("docker/setup-qemu-action@");
    const buildx = index("docker/setup-buildx-action@");
    expect(qemu).toBeGreaterThanOrEqual(0);
    expect(qemu).toBeLessThan(buildx);
    expect(buildx).toBeLessThan(index("docker/build-push-action@"));
    expect(steps[qemu]?.with?.platforms).toBe("arm64");
    for (const i of [qemu, buildx, index("docker/build-push-action@")]) {
      expect(steps[i]?.if).toBe("steps.lookup.outputs.exists != 'true'");
    }
  });
});
