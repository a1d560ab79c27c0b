import { expect, test } from "vitest";
import { outcome } from "../rule-fixture.js";
import { ecrScanOnPush } from "./ecr-scan-on-push.js";

const repository = (scan_on_push: boolean) => ({
  address: "aws_ecr_repository.app",
  values: { name: "acme/app", image_scanning_configuration: [{ scan_on_push }] },
});

test("passes a repository that scans on push", () => {
  expect(outcome(ecrScanOnPush, [repository(true)])).toEqual({ plan: "pass", synth: "pass" });
});

test("passes when registry-wide enhanced scanning is on", () => {
  const registry = {
    address: "aws_ecr_registry_scanning_configuration.r",
    values: { scan_type: "ENHANCED" },
  };
  expect(outcome(ecrScanOnPush, [repository(false), registry])).toEqual({ plan: "pass", synth: "pass" });
});

test("fails a repository that does not scan", () => {
  expect(outcome(ecrScanOnPush, [repository(false)])).toMatchObject({
    plan: "violation",
    synth: "violation",
  });
});
