import { Router } from "express";
import type { HttpConfig } from "../config.js";

/**
 * `GET /api/limits`: the upload limits, so a client can refuse a file that is too big before sending
 * it (and say so). Public: the numbers are no secret and the sign-in page has no session yet.
 */
export function limitsRoutes(http: HttpConfig): Router {
  const router = Router();
  router.get("/", (_req, res) => {
    res.setHeader("Cache-Control", "no-cache");
    res.json({ maxUploadBytes: http.maxUploadBytes, maxAvatarBytes: http.maxAvatarBytes });
  });
  return router;
}
