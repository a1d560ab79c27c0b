import type { NextFunction, Request, RequestHandler, Response } from "express";
import { AppError } from "../errors.js";
import { requestCredential } from "./authenticate.js";

/** The header the web front end sends with every API request. */
export const csrfHeader = "x-requested-with";

const safeMethods = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Cross-site request forgery guard for cookie-authenticated requests that change data.
 *
 * SameSite=Strict keeps the cookie off requests from other sites, but not off requests from other
 * origins of the same site (a preview at `pr-<N>.preview.<domain>` is same-site with `<domain>`), and
 * a plain HTML form can POST `multipart/form-data` (a file upload) or `text/plain` anywhere. A form
 * cannot add a custom header, and a script on another origin can only add one after a CORS preflight
 * that this service refuses unless the origin is in CORS_ORIGINS. So an unsafe request that
 * authenticates with the cookie must carry `X-Requested-With`. Bearer tokens are never sent by the
 * browser on its own, so requests that use one need no header.
 */
export function requireCsrfHeader(cookieName: string): RequestHandler {
  return (req: Request, _res: Response, next: NextFunction) => {
    if (safeMethods.has(req.method)) return next();
    if (requestCredential(req, cookieName)?.source !== "cookie") return next();
    if (req.headers[csrfHeader]) return next();
    throw new AppError(
      "forbidden",
      "requests that change data with the session cookie must carry an X-Requested-With header",
    );
  };
}
