import "./styles.css";
import { ApiError, api, type Limits, onSessionEnded, type Profile } from "./api.js";
import type { AppContext, Route } from "./context.js";
import { busy, errorSlot, h, statusRegion } from "./dom.js";
import {
  inPagePath,
  type Match,
  matchRoute,
  pathFromLegacyHash,
  type RouteName,
  taskPath,
} from "./routes.js";
import { registerView, signInView } from "./views/auth.js";
import { filesView } from "./views/files.js";
import { reportError } from "./views/forms.js";
import { profileView } from "./views/profile.js";
import { taskView } from "./views/task.js";
import { tasksView } from "./views/tasks.js";

// The shell: header, path routes (/tasks, /tasks/<id>) with the History API, one view at a time in
// <main>. Every such path is answered with index.html (Express: service/routes/web.ts; CloudFront:
// a viewer-request function), so a deep link or a reload opens the same page. Old fragment links
// (#/tasks) are rewritten to their path on load.

type View = (ctx: AppContext, container: HTMLElement, match: Match) => string;

const routes: Record<RouteName, { signedIn: boolean; view: View }> = {
  "/sign-in": { signedIn: false, view: signInView },
  "/register": { signedIn: false, view: registerView },
  "/tasks": { signedIn: true, view: tasksView },
  "/tasks/:id": { signedIn: true, view: (ctx, container, match) => taskView(ctx, container, match.id!) },
  "/files": { signedIn: true, view: filesView },
  "/profile": { signedIn: true, view: profileView },
};
const navigation: readonly [Route, string][] = [
  ["/tasks", "Tasks"],
  ["/files", "Files"],
  ["/profile", "Profile"],
];

const root = document.getElementById("app")!;
const header = h("header", { className: "top" });
const notice = h("p", { className: "notice", hidden: true, attrs: { role: "status" } });
const viewContainer = h("div", { className: "view" });
const main = h("main", { className: "page", id: "main" }, [notice, viewContainer, statusRegion()]);

let currentProfile: Profile | null = null;
let pendingNotice: string | undefined;
/** A signed-in page opened while signed out (a deep link): shown once the user has signed in. */
let afterSignIn: string | undefined;

function renderHeader(ctx: AppContext): void {
  const brand = h("a", { className: "brand", href: currentProfile ? "/tasks" : "/sign-in" }, [
    "Platform kit",
  ]);
  if (!currentProfile) {
    header.replaceChildren(brand);
    return;
  }
  const active = matchRoute(location.pathname)?.name;
  const logout = h("button", { type: "button", className: "secondary" }, ["Log out"]);
  const logoutError = errorSlot(logout);
  logout.addEventListener("click", () =>
    busy(logout, async () => {
      logoutError.clear();
      try {
        await api("POST", "/api/auth/logout");
        ctx.setProfile(null);
        ctx.navigate("/sign-in", "You have logged out.");
      } catch (error) {
        reportError(error, logoutError);
      }
    }),
  );
  header.replaceChildren(
    brand,
    h("nav", { attrs: { "aria-label": "Main" } }, [
      h(
        "ul",
        {},
        navigation.map(([route, label]) =>
          h("li", {}, [
            h("a", { href: route, ...(active === route ? { attrs: { "aria-current": "page" } } : {}) }, [
              label,
            ]),
          ]),
        ),
      ),
    ]),
    h("div", { className: "account" }, [
      h("span", { className: "who" }, [
        "Signed in as ",
        h("strong", {}, [currentProfile.displayName ?? currentProfile.email]),
      ]),
      logout,
      logoutError.element,
    ]),
  );
}

function render(ctx: AppContext, moveFocus: boolean): void {
  const found = matchRoute(location.pathname);
  const fallback: Route = currentProfile ? "/tasks" : "/sign-in";
  // An unknown path, or a page for the other state (signed in or out), shows the fallback page.
  const match: Match =
    found && routes[found.name].signedIn === (currentProfile !== null) ? found : { name: fallback };
  if (found && match !== found && !currentProfile) afterSignIn = `${location.pathname}${location.search}`;
  const canonical = match.name === "/tasks/:id" ? taskPath(match.id!) : match.name;
  if (match !== found) history.replaceState(null, "", canonical);
  else if (location.pathname !== canonical) {
    history.replaceState(null, "", `${canonical}${location.search}${location.hash}`);
  }
  renderHeader(ctx);
  notice.textContent = pendingNotice ?? "";
  notice.hidden = pendingNotice === undefined;
  pendingNotice = undefined;
  const container = h("div");
  const title = routes[match.name].view(ctx, container, match);
  viewContainer.replaceChildren(container);
  document.title = `${title} · Platform kit`;
  // Keyboard and screen-reader users land on the new page's heading, not at the top of the document.
  if (moveFocus) viewContainer.querySelector<HTMLElement>("h1")?.focus();
}

function startupFailed(error: unknown): void {
  const retry = h("button", { type: "button" }, ["Try again"]);
  retry.addEventListener("click", () => location.reload());
  const message =
    error instanceof ApiError ? error.message : "The page could not start. Reload it and try again.";
  if (!(error instanceof ApiError)) console.error(error);
  root.replaceChildren(
    h("main", { className: "page" }, [
      h("h1", { tabIndex: -1 }, ["The service is not answering"]),
      h("p", { className: "error", attrs: { role: "alert" } }, [message]),
      retry,
    ]),
  );
}

// Nothing fails silently: an unexpected error anywhere in the page is shown, not just logged.
function showUnexpected(): void {
  pendingNotice = undefined;
  notice.textContent = "Something went wrong in this page. Reload it and try again.";
  notice.hidden = false;
  notice.classList.add("error");
}
window.addEventListener("error", showUnexpected);
window.addEventListener("unhandledrejection", showUnexpected);

/** An old fragment link (`/#/tasks`, bookmarked before path routes) becomes its path (`/tasks`). */
function redirectLegacyHash(): boolean {
  const path = pathFromLegacyHash(location.hash);
  if (path !== null) history.replaceState(null, "", path);
  return path !== null;
}

async function start(): Promise<void> {
  redirectLegacyHash();
  const [limits, profile] = await Promise.all([
    api<Limits>("GET", "/api/limits"),
    api<{ user: Profile }>("GET", "/api/me", { unauthorizedIsAnswer: true }).then(
      ({ user }) => user,
      (error: unknown) => {
        if (error instanceof ApiError && error.status === 401) return null;
        throw error;
      },
    ),
  ]);
  currentProfile = profile;
  const ctx: AppContext = {
    limits,
    profile: () => currentProfile,
    setProfile(next) {
      currentProfile = next;
      renderHeader(ctx);
    },
    navigate(route, message) {
      pendingNotice = message;
      notice.classList.remove("error");
      // Signed in: to the deep link that asked for it, if any, rather than the task list.
      const target = route === "/tasks" && currentProfile && afterSignIn ? afterSignIn : route;
      if (target === afterSignIn) afterSignIn = undefined;
      if (`${location.pathname}${location.search}` !== target) history.pushState(null, "", target);
      render(ctx, true);
    },
  };
  onSessionEnded(() => {
    if (!currentProfile) return;
    currentProfile = null;
    ctx.navigate("/sign-in", "Your session has ended. Sign in again.");
  });
  // Links to the page's own routes are real hrefs (new tab, copy link), followed in the page.
  document.addEventListener("click", (event) => {
    const link = event.target instanceof Element ? event.target.closest("a") : null;
    if (!link || event.defaultPrevented) return;
    const path = inPagePath({
      href: link.href,
      origin: location.origin,
      target: link.target,
      download: link.hasAttribute("download"),
      external: link.relList.contains("external"),
      plainClick: event.button === 0 && !event.metaKey && !event.ctrlKey && !event.shiftKey && !event.altKey,
    });
    if (path === null) return;
    event.preventDefault();
    if (`${location.pathname}${location.search}${location.hash}` !== path) history.pushState(null, "", path);
    render(ctx, true);
  });
  window.addEventListener("popstate", () => render(ctx, true));
  window.addEventListener("hashchange", () => {
    if (redirectLegacyHash()) render(ctx, true);
  });
  root.replaceChildren(header, main);
  render(ctx, false);
}

start().catch(startupFailed);
