// Path routes (`/tasks`, `/tasks/<id>`): what a URL path means to the front end. No DOM here, so
// the rules are tested on their own (routes.test.ts). The server (service/routes/web.ts) and the
// CloudFront function answer every such path with index.html; main.ts renders it.

/** The pages: a fixed path each, and `/tasks/<id>` for one task. */
export type RouteName = "/sign-in" | "/register" | "/tasks" | "/files" | "/profile" | "/tasks/:id";

/** A path the front end knows, with its parameters. */
export interface Match {
  readonly name: RouteName;
  /** The task id of `/tasks/<id>`. */
  readonly id?: string;
}

const FIXED: readonly RouteName[] = ["/sign-in", "/register", "/tasks", "/files", "/profile"];
/** A task id as the API hands it out (cuid/uuid-like): letters, digits, `-` and `_`. */
const TASK_PATH = /^\/tasks\/([A-Za-z0-9_-]{1,64})$/;

/** The page `pathname` names (a trailing `/` ignored), or null when it names none. */
export function matchRoute(pathname: string): Match | null {
  const path = pathname.length > 1 ? pathname.replace(/\/+$/, "") : pathname;
  if ((FIXED as readonly string[]).includes(path)) return { name: path as RouteName };
  const task = TASK_PATH.exec(path);
  return task ? { name: "/tasks/:id", id: task[1]! } : null;
}

/** The path of a task's own page. */
export const taskPath = (id: string) => `/tasks/${encodeURIComponent(id)}`;

/**
 * The path form of an old fragment link (`#/tasks` → `/tasks`), so bookmarks from before path
 * routes keep working; null when the fragment is not a route (`#main`, empty).
 */
export function pathFromLegacyHash(hash: string): string | null {
  if (!hash.startsWith("#/")) return null;
  const path = hash.slice(1);
  return matchRoute(path.split("?")[0]!) ? path : null;
}

/** What a click on a link needs to be handled in the page instead of by a full load. */
export interface LinkClick {
  /** The link's resolved `href`. */
  readonly href: string;
  /** The page's origin. */
  readonly origin: string;
  /** `target`, `download` and `rel="external"` leave it to the browser. */
  readonly target: string;
  readonly download: boolean;
  readonly external: boolean;
  /** The main button, no modifier key (a new tab or window is the browser's business). */
  readonly plainClick: boolean;
}

/** The path to go to in the page for this click, or null to let the browser follow the link. */
export function inPagePath(click: LinkClick): string | null {
  if (!click.plainClick || click.download || click.external) return null;
  if (click.target !== "" && click.target !== "_self") return null;
  let url: URL;
  try {
    url = new URL(click.href);
  } catch {
    return null;
  }
  if (url.origin !== click.origin || !matchRoute(url.pathname)) return null;
  return `${url.pathname}${url.search}${url.hash}`;
}
