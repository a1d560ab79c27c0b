import { blocks, isUnset, show, Unresolved } from "../../plan/plan-model.js";
import { firstBlock } from "../context.js";
import { defineRule, fail, pass, unverified } from "../rule.js";

export const ecrScanOnPush = defineRule({
  id: "CKV_AWS_163",
  title: "ECR repository scans images on push",
  severity: "medium",
  resourceTypes: ["aws_ecr_repository"],
  check(repository, stack) {
    const value = firstBlock(repository.values.image_scanning_configuration).scan_on_push;
    if (value === true) return pass();
    // Registry-wide enhanced scanning (Amazon Inspector) replaces per-repository basic scanning.
    const registryScanning = stack.resources
      .filter((r) => r.type === "aws_ecr_registry_scanning_configuration")
      .some((r) => r.values.scan_type === "ENHANCED" || blocks(r.values.rule).length > 0);
    if (registryScanning) return pass();
    if (value instanceof Unresolved && !isUnset(value)) return unverified(`scan_on_push is ${show(value)}`);
    return fail(
      `image_scanning_configuration.scan_on_push is ${isUnset(value) ? "not set (false)" : show(value)}`,
    );
  },
  fix: "Set image_scanning_configuration { scan_on_push = true } (or enable registry-wide enhanced scanning).",
});
