import type { RequestListener } from "node:http";
import cors from "cors";
import express, { type Express, type NextFunction, type Request, type Response } from "express";
import helmet from "helmet";
import { accessLog } from "./access-log.js";
import type { Database } from "./adapters/db.js";
import type { ObjectStore } from "./adapters/object-store.js";
import type { HttpConfig } from "./config.js";
import { createFileService, type FileService } from "./domain/files.js";
import { argon2idHasher, type PasswordHasher } from "./domain/passwords.js";
import { createTaskService } from "./domain/tasks.js";
import type { TokenService } from "./domain/tokens.js";
import { createUserService } from "./domain/users.js";
import type { EmfPublisher } from "./emf.js";
import { AppError } from "./errors.js";
import { type Logger, requestContext } from "./logger.js";
import { createMetrics } from "./metrics.js";
import { authRoutes } from "./routes/auth.js";
import { authenticate, sessionCookieName } from "./routes/authenticate.js";
import { requireCsrfHeader } from "./routes/csrf.js";
import { errorHandler } from "./routes/error-handler.js";
import { fileRoutes } from "./routes/files.js";
import { healthProbes, type Lifecycle, metricsRoutes, type Probes, requestIdOf } from "./routes/health.js";
import { limitsRoutes } from "./routes/limits.js";
import { meRoutes } from "./routes/me.js";
import { taskRoutes } from "./routes/tasks.js";
import { contentSecurityPolicyDirectives, defaultWebRoot, webRoutes } from "./routes/web.js";

export interface AppDeps {
  http: HttpConfig;
  logger: Logger;
  db: Database;
  objectStore: ObjectStore;
  tokens: TokenService;
  lifecycle: Lifecycle;
  /** @default argon2id with OWASP's baseline parameters */
  passwords?: PasswordHasher;
  /**
   * The built web front end (`npm run build:web`), served at `/`; `false` serves none.
   * @default - `service/web/dist` beside the app's code (in the image, `dist/service/web/dist`)
   */
  webRoot?: string | false;
  /**
   * Also publish request, pool and upload metrics as CloudWatch embedded metric format lines.
   * @default - none (Prometheus `/metrics` only)
   */
  emf?: EmfPublisher;
}

export interface App extends Express {
  locals: Express["locals"] & { files: FileService; probes: Probes };
}

/**
 * What the HTTP server runs: the health probes first, straight on node:http, then the Express app
 * for everything else. Probes skip Express's own per-request work as well as the middleware, so
 * they stay cheap and quick while the app is busy. (Serving the bare app answers them too.)
 */
export function requestListener(app: App): RequestListener {
  const { probes } = app.locals;
  return (req, res) => {
    if (!probes.answer(req, res)) app(req, res);
  };
}

/** Builds the Express app from its dependencies; listening and signals belong to server.ts. */
export function createApp(deps: AppDeps): App {
  const { http, logger, db, objectStore, tokens, lifecycle } = deps;
  const passwords = deps.passwords ?? argon2idHasher();
  const users = createUserService({ prisma: db.prisma, objectStore, passwords });
  const tasks = createTaskService({ prisma: db.prisma, rows: (statement) => db.rows(statement) });
  const files = createFileService({ prisma: db.prisma, objectStore, logger });
  const metrics = createMetrics(() => db.poolStats(), deps.emf);

  const probes = healthProbes({
    lifecycle,
    checks: { database: () => db.ping(), storage: () => objectStore.ping() },
  });

  const app = express() as App;
  app.locals.files = files;
  app.locals.probes = probes;
  app.disable("x-powered-by");
  // API responses are private and never revalidated; hashing every body for an ETag is wasted work.
  // (Static assets get theirs from the static file middleware.)
  app.set("etag", false);
  app.set("trust proxy", http.trustProxyHops === 0 ? false : http.trustProxyHops);
  app.set("query parser", "simple");

  app.use((req: Request, res: Response, next: NextFunction) => {
    if (!probes.answer(req, res)) next();
  });
  app.use((req: Request, res: Response, next: NextFunction) => {
    const requestId = requestIdOf(req);
    res.setHeader("X-Request-Id", requestId);
    (req as Request & { id: string }).id = requestId;
    // While shutting down, let keep-alive clients know to reconnect (elsewhere) after this response.
    if (lifecycle.shuttingDown) res.setHeader("Connection", "close");
    requestContext.run({ requestId }, next);
  });
  // Scrapes before the rest: /metrics needs none of what follows (access log, request metrics,
  // browser security headers, CORS). The probes were answered above, or before Express.
  app.use(metricsRoutes({ registry: metrics.registry, metricsBehindProxy: http.trustProxyHops > 0 }));
  app.use(accessLog(logger));
  app.use(metrics.middleware);
  app.use(
    helmet({
      contentSecurityPolicy: { useDefaults: false, directives: contentSecurityPolicyDirectives },
      frameguard: { action: "deny" },
    }),
  );
  app.use(
    cors({
      origin: http.corsOrigins.length > 0 ? http.corsOrigins : false,
      credentials: true,
      exposedHeaders: ["X-Request-Id"],
      maxAge: 600,
    }),
  );

  const webRoot = deps.webRoot ?? defaultWebRoot;
  if (webRoot !== false) app.use(webRoutes(webRoot));

  app.use("/api", express.json({ limit: http.jsonBodyLimitBytes }));
  app.use("/api", requireCsrfHeader(sessionCookieName(http.cookieSecure)));
  const { mountPoint } = metrics;
  app.use("/api/limits", mountPoint, limitsRoutes(http));
  app.use("/api/auth", mountPoint, authRoutes({ users, tokens, http }));
  const signedIn = authenticate(tokens, http.cookieSecure);
  app.use("/api/me", mountPoint, signedIn, meRoutes({ users, http }));
  app.use("/api/tasks", mountPoint, signedIn, taskRoutes({ tasks }));
  app.use(
    "/api/files",
    mountPoint,
    signedIn,
    fileRoutes({ files, maxUploadBytes: http.maxUploadBytes, onUploaded: metrics.recordUpload }),
  );

  app.use(() => {
    throw new AppError("not_found", "no such route");
  });
  app.use(errorHandler(logger));
  return app;
}
