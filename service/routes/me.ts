import { pipeline } from "node:stream";
import { Router } from "express";
import { z } from "zod";
import type { HttpConfig } from "../config.js";
import type { UserService } from "../domain/users.js";
import { currentUserId } from "./authenticate.js";
import { streamingUpload } from "./multipart.js";
import { NO_NUL, noNul, parse } from "./validation.js";

const profileChanges = z
  .object({ displayName: z.string().trim().min(1).max(100).refine(noNul, NO_NUL).nullable() })
  .strict();

export function meRoutes(deps: { users: UserService; http: HttpConfig }): Router {
  const { users, http } = deps;
  const router = Router();

  router.get("/", async (_req, res) => {
    res.json({ user: await users.profile(currentUserId(res)) });
  });

  router.patch("/", async (req, res) => {
    const changes = parse(profileChanges, req.body);
    res.json({ user: await users.updateProfile(currentUserId(res), changes) });
  });

  router.put(
    "/avatar",
    ...streamingUpload({
      field: "avatar",
      maxBytes: http.maxAvatarBytes,
      store: (_req, res, file) => users.setAvatar(currentUserId(res), file.body),
    }),
    (_req, res) => {
      res.json({ user: res.locals.upload });
    },
  );

  router.get("/avatar", async (req, res, next) => {
    const avatar = await users.avatar(currentUserId(res));
    res.setHeader("Content-Type", avatar.contentType);
    if (avatar.contentLength !== undefined) res.setHeader("Content-Length", avatar.contentLength);
    res.setHeader("Cache-Control", "private, no-cache");
    pipeline(avatar.body, res, (error) => {
      if (error && !req.destroyed) next(error);
    });
  });

  return router;
}
