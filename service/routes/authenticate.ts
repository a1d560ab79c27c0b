import type { NextFunction, Request, RequestHandler, Response } from "express";
import type { TokenService } from "../domain/tokens.js";
import { AppError } from "../errors.js";

/** `__Host-` pins the cookie to this origin over HTTPS; plain HTTP (local dev) cannot use the prefix. */
export const sessionCookieName = (secure: boolean) => (secure ? "__Host-session" : "session");

function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of header?.split(";") ?? []) {
    const separator = part.indexOf("=");
    if (separator > 0 && part.slice(0, separator).trim() === name) {
      const raw = part.slice(separator + 1).trim();
      try {
        return decodeURIComponent(raw);
      } catch {
        // Not valid percent-encoding: no token of ours looks like that, so it fails verification (401).
        return raw;
      }
    }
  }
  return undefined;
}

/** Where a request's token came from: an explicit `Authorization: Bearer` header or the session cookie. */
export type Credential = { source: "bearer" | "cookie"; token: string };

/** The request's credential; a non-empty bearer token wins over the cookie. */
export function requestCredential(req: Request, cookieName: string): Credential | undefined {
  const header = req.headers.authorization;
  const bearer = header?.startsWith("Bearer ") ? header.slice("Bearer ".length).trim() : undefined;
  if (bearer) return { source: "bearer", token: bearer };
  const cookie = cookieValue(req.headers.cookie, cookieName);
  return cookie ? { source: "cookie", token: cookie } : undefined;
}

/** Accepts `Authorization: Bearer <token>` or the session cookie set at login. */
export function authenticate(tokens: TokenService, cookieSecure: boolean): RequestHandler {
  const cookieName = sessionCookieName(cookieSecure);
  return async (req: Request, res: Response, next: NextFunction) => {
    const credential = requestCredential(req, cookieName);
    if (!credential) throw new AppError("unauthorized", "authentication required");
    res.locals.userId = await tokens.verify(credential.token);
    next();
  };
}

/** The authenticated user's id; only valid behind `authenticate`. */
export function currentUserId(res: Response): string {
  const userId: unknown = res.locals.userId;
  if (typeof userId !== "string") throw new AppError("unauthorized", "authentication required");
  return userId;
}
