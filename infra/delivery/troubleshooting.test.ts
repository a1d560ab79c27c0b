/**
 * docs/troubleshooting.md names real things: every cluster, service, log group and stream prefix,
 * target group and lock table it tells on-call to look at is one the dev stack (and bootstrap)
 * actually create, so a rename breaks this test and not an incident.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { testOutdir } from "@aws-platform-kit/modules/testing";
import { Testing } from "cdktf";
import { expect, test } from "vitest";
import { buildApp } from "../app.js";
import { project } from "../environments/index.js";

const guide = readFileSync(join(import.meta.dirname, "..", "..", "docs", "troubleshooting.md"), "utf8");

test("every name the troubleshooting guide uses exists in the synthesised dev and bootstrap stacks", () => {
  const app = buildApp({ outdir: testOutdir(), environments: ["dev"] });
  const json = (id: string) => Testing.synth(app.node.findChild(id) as never);
  const dev = json("dev");
  const bootstrap = json("bootstrap");
  const P = project.name;
  // The guide writes `$P-$E-…` with P=acme, E=dev: each name as it appears there, then as built.
  const names: Array<[string, string, string]> = [
    ["$P-$E-cluster", `${P}-dev-cluster`, dev],
    ["$P-$E-app", `"${P}-dev-app"`, dev],
    ["/ecs/$P-$E-app", `/ecs/${P}-dev-app`, dev],
    ["$P-$E-app-migrate", `${P}-dev-app-migrate`, dev],
    ["$P-$E-app-3000", `${P}-dev-app-3000`, dev],
    ["$P-bootstrap-tfstate-lock", `${P}-bootstrap-tfstate-lock`, bootstrap],
    ["$P-bootstrap-tfstate-<account>-$AWS_REGION", `${P}-bootstrap-tfstate-`, bootstrap],
  ];
  for (const [written, built, stack] of names) {
    expect(guide, written).toContain(written);
    expect(stack, built).toContain(built);
  }
  // The log stream prefixes it filters on: the service's container logs and the migration's.
  expect(guide).toContain("--log-stream-name-prefix app/");
  expect(guide).toContain("--log-stream-name-prefix migrate/");
  expect(dev).toContain('\\"awslogs-stream-prefix\\":\\"app\\"');
  expect(dev).toContain('\\"awslogs-stream-prefix\\":\\"migrate\\"');
  expect(guide).toContain(`export AWS_REGION=us-east-1 P=${P} E=dev`);
});
