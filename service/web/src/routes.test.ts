import { describe, expect, it } from "vitest";
import { inPagePath, matchRoute, pathFromLegacyHash, taskPath } from "./routes.js";

describe("path routes", () => {
  it("matches the fixed pages and one task's page, a trailing slash ignored", () => {
    expect(matchRoute("/tasks")).toEqual({ name: "/tasks" });
    expect(matchRoute("/files/")).toEqual({ name: "/files" });
    expect(matchRoute("/sign-in")).toEqual({ name: "/sign-in" });
    expect(matchRoute("/tasks/123")).toEqual({ name: "/tasks/:id", id: "123" });
    expect(matchRoute("/tasks/clx9a_b-C")).toEqual({ name: "/tasks/:id", id: "clx9a_b-C" });
  });

  it("matches nothing else: unknown pages, deeper paths, odd ids, the root", () => {
    for (const path of ["/", "/nope", "/tasks/1/edit", "/tasks/a.b", "/tasks/%20", "/api/tasks", "/TASKS"]) {
      expect(matchRoute(path), path).toBeNull();
    }
  });

  it("turns old fragment links into path links, and leaves other fragments alone", () => {
    expect(pathFromLegacyHash("#/tasks")).toBe("/tasks");
    expect(pathFromLegacyHash("#/tasks/42")).toBe("/tasks/42");
    expect(pathFromLegacyHash("#/register")).toBe("/register");
    expect(pathFromLegacyHash("#main")).toBeNull();
    expect(pathFromLegacyHash("")).toBeNull();
    expect(pathFromLegacyHash("#/unknown")).toBeNull();
  });

  it("builds a task's path with its id encoded", () => {
    expect(taskPath("abc")).toBe("/tasks/abc");
    expect(taskPath("a/b")).toBe("/tasks/a%2Fb");
  });

  const click = {
    origin: "https://app.example.com",
    target: "",
    download: false,
    external: false,
    plainClick: true,
  };
  it("handles plain clicks on links to the page's own routes in the page", () => {
    expect(inPagePath({ ...click, href: "https://app.example.com/tasks/7" })).toBe("/tasks/7");
    expect(inPagePath({ ...click, href: "https://app.example.com/files?x=1#top" })).toBe("/files?x=1#top");
    expect(inPagePath({ ...click, href: "https://app.example.com/profile", target: "_self" })).toBe(
      "/profile",
    );
  });

  it("leaves the rest to the browser: other origins, the API, downloads, new tabs, modifier keys", () => {
    for (const other of [
      { href: "https://elsewhere.example.com/tasks" },
      { href: "https://app.example.com/api/files/1/content" },
      { href: "https://app.example.com/assets/app-X.css" },
      { href: "https://app.example.com/tasks", download: true },
      { href: "https://app.example.com/tasks", target: "_blank" },
      { href: "https://app.example.com/tasks", external: true },
      { href: "https://app.example.com/tasks", plainClick: false },
      { href: "not a url" },
    ]) {
      expect(inPagePath({ ...click, ...other }), JSON.stringify(other)).toBeNull();
    }
  });
});
