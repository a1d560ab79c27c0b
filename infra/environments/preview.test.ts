import { describe, expect, test } from "vitest";
import {
  MAX_PR_NUMBER,
  PREVIEW_TAG,
  previewDatabaseRole,
  previewHostName,
  previewNaming,
  previewOfTags,
  previewPriority,
  previewSchema,
  previewStackName,
  previewStateKey,
  previewTags,
  prNumberOfStateKey,
} from "./preview.js";

const host = { project: "acme", accountId: "123456789012", region: "us-east-1" };

describe("what pull request 42's preview is called", () => {
  test("its stack, resources, host, database schema and role, and listener rule", () => {
    expect(previewStackName(42)).toBe("preview-pr-42");
    expect(previewNaming(host, 42).name("app")).toBe("acme-pr-42-app");
    expect(previewHostName(42, "preview.example.com")).toBe("pr-42.preview.example.com");
    expect(previewSchema(42)).toBe("pr_42");
    expect(previewDatabaseRole(42)).toBe("pr_42");
    expect(previewPriority(42)).toBe(1042);
  });

  test("listener rule priorities stay within the ALB's 1–50000 for every pull request a preview may have", () => {
    expect(previewPriority(1)).toBeGreaterThanOrEqual(1);
    expect(previewPriority(MAX_PR_NUMBER)).toBeLessThanOrEqual(50_000);
  });
});

describe("state keys", () => {
  test("a preview's state lives under the project's preview prefix, and is read back as its pull request", () => {
    const key = previewStateKey("acme", 42);
    expect(key).toBe("acme/preview/pr-42/terraform.tfstate");
    expect(prNumberOfStateKey("acme", key)).toBe(42);
  });

  test.each([
    "acme/preview/pr-42/terraform.tfstate.tflock",
    "acme/preview/pr-042/terraform.tfstate",
    "acme/dev/terraform.tfstate",
    "other/preview/pr-42/terraform.tfstate",
    "acme/preview/pr-42/nested/terraform.tfstate",
  ])("%s is no preview's state", (key) => {
    expect(prNumberOfStateKey("acme", key)).toBeUndefined();
  });
});

describe("tags", () => {
  test("a preview's resources say they are a preview's, whose, and until when (to the day)", () => {
    expect(previewTags(42, new Date("2026-11-30T17:45:00Z"))).toEqual({
      [PREVIEW_TAG.key]: PREVIEW_TAG.value,
      PullRequest: "42",
      ExpiresAt: "2026-11-30T00:00:00Z",
    });
  });

  test("the reaper reads the same tags back as the preview", () => {
    expect(previewOfTags(previewTags(42, new Date("2026-11-30T17:45:00Z")))).toEqual({
      prNumber: 42,
      expiresAt: "2026-11-30T00:00:00Z",
    });
  });

  test("resources that are not a preview's, or name no pull request, are no preview", () => {
    expect(previewOfTags({ PullRequest: "42" })).toBeUndefined();
    expect(previewOfTags({ [PREVIEW_TAG.key]: "false", PullRequest: "42" })).toBeUndefined();
    expect(previewOfTags({ [PREVIEW_TAG.key]: PREVIEW_TAG.value, PullRequest: "forty-two" })).toBeUndefined();
  });
});
