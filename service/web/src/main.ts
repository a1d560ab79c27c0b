import "./styles.css";
import { ApiError, api, type Limits, onSessionEnded, type Profile } from "./api.js";
import type { AppContext, Route } from "./context.js";
import { busy, errorSlot, h, statusRegion } from "./dom.js";
import { registerView, signInView } from "./views/auth.js";
import { filesView } from "./views/files.js";
import { reportError } from "./views/forms.js";
import { profileView } from "./views/profile.js";
import { tasksView } from "./views/tasks.js";

// The shell: header, routes in the URL's fragment (#/tasks), one view at a time in <main>.
// Fragment routes need no server rewrite: S3 behind CloudFront and Express both only ever serve
// index.html at `/`.

type View = (ctx: AppContext, container: HTMLElement) => string;

const routes: Record<Route, { signedIn: boolean; view: View }> = {
  "/sign-in": { signedIn: false, view: signInView },
  "/register": { signedIn: false, view: registerView },
  "/tasks": { signedIn: true, view: tasksView },
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

function isRoute(path: string): path is Route {
  return Object.hasOwn(routes, path);
}

function renderHeader(ctx: AppContext): void {
  const brand = h("a", { className: "brand", href: currentProfile ? "#/tasks" : "#/sign-in" }, [
    "Platform kit",
  ]);
  if (!currentProfile) {
    header.replaceChildren(brand);
    return;
  }
  const active = location.hash.slice(1);
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
            h(
              "a",
              { href: `#${route}`, ...(active === route ? { attrs: { "aria-current": "page" } } : {}) },
              [label],
            ),
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
  const path = location.hash.slice(1);
  const fallback: Route = currentProfile ? "/tasks" : "/sign-in";
  const route: Route = isRoute(path) && routes[path].signedIn === (currentProfile !== null) ? path : fallback;
  if (route !== path) {
    history.replaceState(null, "", `#${route}`);
  }
  renderHeader(ctx);
  notice.textContent = pendingNotice ?? "";
  notice.hidden = pendingNotice === undefined;
  pendingNotice = undefined;
  const container = h("div");
  const title = routes[route].view(ctx, container);
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

async function start(): Promise<void> {
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
      if (location.hash === `#${route}`) render(ctx, true);
      else location.hash = route;
    },
  };
  onSessionEnded(() => {
    if (!currentProfile) return;
    currentProfile = null;
    ctx.navigate("/sign-in", "Your session has ended. Sign in again.");
  });
  window.addEventListener("hashchange", () => render(ctx, true));
  root.replaceChildren(header, main);
  render(ctx, false);
}

start().catch(startupFailed);
