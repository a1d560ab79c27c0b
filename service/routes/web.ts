import path from "node:path";
import express, { type NextFunction, type Request, type Response, Router } from "express";

/** Where `npm run build:web` writes the front end, beside this module's folder (also in dist/). */
export const defaultWebRoot = path.join(import.meta.dirname, "..", "web", "dist");

/** Content-hashed files: a changed file gets a new name, so a cached copy never goes stale. */
export const hashedAssetsCacheControl = "public, max-age=31536000, immutable";
/** index.html (and anything else without a hash in its name): revalidate on every load. */
export const unhashedCacheControl = "no-cache";

/**
 * The Content-Security-Policy of every response, the same as CloudFront's response-headers policy
 * (modules/edge/cdn.ts `DEFAULT_CONTENT_SECURITY_POLICY`), so the app behaves the same locally and
 * behind the CDN. No inline script or style: the front end is files only.
 */
export const contentSecurityPolicyDirectives = {
  defaultSrc: ["'self'"],
  imgSrc: ["'self'", "data:", "blob:"],
  styleSrc: ["'self'"],
  scriptSrc: ["'self'"],
  connectSrc: ["'self'"],
  frameAncestors: ["'none'"],
  baseUri: ["'self'"],
  formAction: ["'self'"],
} as const;

/** Paths that are never the front end's: the API, the probes and the metrics scrape. */
const NOT_THE_FRONT_END = /^\/(api|healthz|readyz|metrics)(\/|$)/;

/**
 * True when a GET of `urlPath` is a deep link into the front end (`/tasks/123`), answered with
 * `index.html`: not under `/api/`, `/healthz`, `/readyz` or `/metrics`, and its last segment has no
 * file extension (`/assets/app-X.js` and `/favicon.ico` are files: missing ones stay 404s). The same
 * rule as the CloudFront function in front of the assets bucket.
 */
export function isFrontEndRoute(urlPath: string): boolean {
  if (NOT_THE_FRONT_END.test(urlPath)) return false;
  const lastSegment = urlPath.slice(urlPath.lastIndexOf("/") + 1);
  return !lastSegment.includes(".");
}

/**
 * Serves the built front end at `/`: `index.html` with `Cache-Control: no-cache`, `assets/*`
 * (content-hashed names) as immutable for a year. A GET or HEAD of any other path that is a
 * front-end route (`isFrontEndRoute`: `/tasks/123`, `/files`) is answered with `index.html`
 * (no-cache) too, so deep links and reloads work with path routes; a missing file (a path with an
 * extension) falls through to the API's 404. `/api/*` is never looked up on disk. Until `root` is
 * built, nothing is found there and every path falls through to the API's 404.
 */
export function webRoutes(root: string): Router {
  const router = Router();
  const assets = `${path.join(root, "assets")}${path.sep}`;
  const serve = express.static(root, {
    index: "index.html",
    redirect: false,
    cacheControl: false,
    setHeaders(res, filePath) {
      res.setHeader(
        "Cache-Control",
        filePath.startsWith(assets) ? hashedAssetsCacheControl : unhashedCacheControl,
      );
    },
  });
  router.use((req: Request, res: Response, next: NextFunction) => {
    if (req.path === "/api" || req.path.startsWith("/api/")) return next();
    serve(req, res, (error?: unknown) => {
      if (error || (req.method !== "GET" && req.method !== "HEAD") || !isFrontEndRoute(req.path)) {
        return next(error);
      }
      // A deep link: index.html, as at `/` (same headers), the request's own URL kept for what follows.
      const url = req.url;
      req.url = "/index.html";
      serve(req, res, (fallthrough?: unknown) => {
        req.url = url;
        next(fallthrough);
      });
    });
  });
  return router;
}
