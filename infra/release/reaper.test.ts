import { describe, expect, test } from "vitest";
import {
  parseOpenPullRequests,
  previewsFromStateKeys,
  previewsFromTags,
  selectPreviewsToReap,
} from "./reaper.js";

const now = new Date("2026-11-23T12:00:00Z");

describe("selectPreviewsToReap", () => {
  test("picks exactly the closed and the expired ones", () => {
    const previews = [
      { prNumber: 7, expiresAt: "2026-11-30T00:00:00Z" }, // open, not expired: keep
      { prNumber: 8, expiresAt: "2026-11-30T00:00:00Z" }, // closed: reap
      { prNumber: 9, expiresAt: "2026-11-20T00:00:00Z" }, // open but expired: reap
      { prNumber: 10, expiresAt: "2026-11-23T12:00:00Z" }, // expires this instant: reap
      { prNumber: 11 }, // only its state is left, PR closed: reap
      { prNumber: 12 }, // only its state is left, PR open: keep
    ];
    expect(selectPreviewsToReap(previews, [7, 9, 10, 12], now)).toEqual([
      { prNumber: 8, reason: "closed" },
      { prNumber: 9, reason: "expired" },
      { prNumber: 10, reason: "expired" },
      { prNumber: 11, reason: "closed" },
    ]);
  });

  test("a preview found both by tag and by state key is decided once, with its expiry", () => {
    const previews = [{ prNumber: 5 }, { prNumber: 5, expiresAt: "2026-11-01T00:00:00Z" }, { prNumber: 5 }];
    expect(selectPreviewsToReap(previews, [5], now)).toEqual([{ prNumber: 5, reason: "expired" }]);
  });

  test("an unreadable ExpiresAt never destroys an open pull request's preview", () => {
    expect(selectPreviewsToReap([{ prNumber: 3, expiresAt: "next tuesday" }], [3], now)).toEqual([]);
  });

  test("nothing to do when every preview is open and current", () => {
    expect(selectPreviewsToReap([{ prNumber: 1, expiresAt: "2027-01-01T00:00:00Z" }], [1, 2], now)).toEqual(
      [],
    );
  });
});

describe("finding previews", () => {
  test("from the tagging API: resources tagged Preview=true name their pull request and expiry", () => {
    const answer = {
      ResourceTagMappingList: [
        {
          Tags: [
            { Key: "Preview", Value: "true" },
            { Key: "PullRequest", Value: "7" },
            { Key: "ExpiresAt", Value: "2026-11-30T00:00:00Z" },
          ],
        },
        {
          Tags: [
            { Key: "Preview", Value: "true" },
            { Key: "PullRequest", Value: "not-a-number" },
          ],
        },
        {
          Tags: [
            { Key: "Preview", Value: "false" },
            { Key: "PullRequest", Value: "9" },
          ],
        },
        {},
      ],
    };
    expect(previewsFromTags(answer)).toEqual([{ prNumber: 7, expiresAt: "2026-11-30T00:00:00Z" }]);
  });

  test("from state keys: only <project>/preview/pr-<N>/terraform.tfstate", () => {
    expect(
      previewsFromStateKeys(
        [
          "acme/preview/pr-12/terraform.tfstate",
          "acme/preview/pr-12/terraform.tfstate.tflock",
          "acme/dev/terraform.tfstate",
          "other/preview/pr-3/terraform.tfstate",
        ],
        "acme",
      ),
    ).toEqual([{ prNumber: 12 }]);
  });
});

describe("parseOpenPullRequests", () => {
  test("accepts a JSON array of positive integers", () => {
    expect(parseOpenPullRequests("[12, 15]")).toEqual([12, 15]);
    expect(parseOpenPullRequests("[]")).toEqual([]);
  });
  test.each(["12,15", "[1.5]", "[-1]", '["12"]', "{}"])("refuses %s", (input) => {
    expect(() => parseOpenPullRequests(input)).toThrow("--open-prs");
  });
});
