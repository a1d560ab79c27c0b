/**
 * The framework's floor, for reference in the api suite: a minimal Express app (the service's
 * Express version, x-powered-by and ETags off as in the service) answering the same /healthz JSON,
 * with no middleware. What Express itself costs per request on this machine, so the service's
 * /healthz figure can be read against it as well as against bare node:http.
 */
import http from "node:http";
import express from "express";

const app = express();
app.disable("x-powered-by");
app.set("etag", false);
app.get("/healthz", (_req, res) => {
  res.json({ status: "ok" });
});

const server = http.createServer({ keepAliveTimeout: 65_000 }, app);
server.listen(Number(process.env.PORT), "0.0.0.0");
process.once("SIGTERM", () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
