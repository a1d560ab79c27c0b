import { isUnset, show, Unresolved } from "../../plan/plan-model.js";
import { defineRule, fail, pass, unverified } from "../rule.js";

export const ecrImmutableTags = defineRule({
  id: "CKV_AWS_51",
  title: "ECR repository tags are immutable",
  severity: "medium",
  resourceTypes: ["aws_ecr_repository"],
  check(repository) {
    const value = repository.values.image_tag_mutability;
    if (typeof value === "string" && value.startsWith("IMMUTABLE")) return pass();
    if (value instanceof Unresolved && !isUnset(value))
      return unverified(`image_tag_mutability is ${show(value)}`);
    return fail(
      `image_tag_mutability is ${isUnset(value) ? "not set (MUTABLE)" : show(value)}: a pushed tag can be replaced under a running service`,
    );
  },
  fix: 'Set image_tag_mutability = "IMMUTABLE" and tag images by commit (the compute module does).',
});
