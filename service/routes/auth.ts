import { type CookieOptions, Router } from "express";
import { rateLimit } from "express-rate-limit";
import { z } from "zod";
import type { HttpConfig } from "../config.js";
import type { TokenService } from "../domain/tokens.js";
import type { UserService } from "../domain/users.js";
import { AppError } from "../errors.js";
import { sessionCookieName } from "./authenticate.js";
import { NO_NUL, noNul, parse } from "./validation.js";

const credentials = z
  .object({
    email: z.email({ message: "must be an email address" }).max(254),
    password: z.string().min(12, "must be at least 12 characters").max(128, "must be at most 128 characters"),
  })
  .strict();

/** Login accepts any password length up to the maximum, so old accounts never get locked out by rule changes. */
const loginBody = z
  .object({ email: z.string().max(254).refine(noNul, NO_NUL), password: z.string().min(1).max(128) })
  .strict();

export function authRoutes(deps: { users: UserService; tokens: TokenService; http: HttpConfig }): Router {
  const { users, tokens, http } = deps;
  const router = Router();
  const cookie: CookieOptions = {
    httpOnly: true,
    sameSite: "strict",
    secure: http.cookieSecure,
    path: "/",
  };
  // Per client IP (as seen through exactly TRUST_PROXY_HOPS proxies), in this process's memory.
  const limiter = rateLimit({
    windowMs: 60_000,
    limit: http.authRateLimitPerMinute,
    standardHeaders: "draft-8",
    legacyHeaders: false,
    handler: (_req, _res, next) =>
      next(new AppError("rate_limited", "too many attempts; try again in a minute")),
  });

  router.post("/register", limiter, async (req, res) => {
    const body = parse(credentials, req.body);
    const user = await users.register(body.email, body.password);
    res.status(201).json({ user });
  });

  router.post("/login", limiter, async (req, res) => {
    const body = parse(loginBody, req.body);
    const user = await users.authenticate(body.email, body.password);
    const token = await tokens.issue(user.id);
    res.cookie(sessionCookieName(http.cookieSecure), token, { ...cookie, maxAge: tokens.ttlSeconds * 1000 });
    res.json({ token, user });
  });

  router.post("/logout", (_req, res) => {
    res.clearCookie(sessionCookieName(http.cookieSecure), cookie);
    res.status(204).end();
  });

  return router;
}
