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

/**
 * Serves the built front end at `/`: `index.html` with `Cache-Control: no-cache`, `assets/*`
 * (content-hashed names) as immutable for a year. `/api/*` is never looked up on disk. Until `root`
 * is built, nothing is found there and `/` falls through to the API's 404.
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
    if (req.path.startsWith("/api/")) return next();
    serve(req, res, next);
  });
  return router;
}
