import { expect, test } from "vitest";
import { outcome } from "../rule-fixture.js";
import { ecrImmutableTags } from "./ecr-immutable-tags.js";

const repository = (values: Record<string, unknown>) => ({
  address: "aws_ecr_repository.app",
  values: { name: "acme/app", ...values },
});

test("passes immutable tags", () => {
  expect(outcome(ecrImmutableTags, [repository({ image_tag_mutability: "IMMUTABLE" })])).toEqual({
    plan: "pass",
    synth: "pass",
  });
});

test("fails mutable tags, and the unset default", () => {
  expect(outcome(ecrImmutableTags, [repository({ image_tag_mutability: "MUTABLE" })])).toMatchObject({
    plan: "violation",
    synth: "violation",
  });
  expect(outcome(ecrImmutableTags, [repository({})]).message).toContain("not set (MUTABLE)");
});
