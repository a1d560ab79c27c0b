// The S3 stand-in's own process. It is plain JavaScript run with --openssl-legacy-provider: s3rver
// encrypts listing continuation tokens with DES, which Node 20's OpenSSL 3 only offers through the
// legacy provider, and that can only be enabled when a process starts.
import { rm } from "node:fs/promises";
import path from "node:path";
import S3rver from "s3rver";

const [directory, port = "0"] = process.argv.slice(2);
const server = new S3rver({ address: "127.0.0.1", port: Number(port), directory, silent: true });

// s3rver has no AbortMultipartUpload (DELETE /<bucket>/<key>?uploadId=...); S3 does, and the service
// relies on it to leave no parts behind an aborted upload. Parts live in <bucket>/._S3rver_uploads/<id>.
server.middleware.unshift(async (ctx, next) => {
  const uploadId = ctx.query.uploadId;
  if (ctx.method !== "DELETE" || typeof uploadId !== "string" || !/^[A-Za-z0-9_-]+$/.test(uploadId)) {
    return next();
  }
  const bucket = decodeURIComponent(ctx.path.split("/")[1] ?? "");
  await rm(path.join(server.store.getResourcePath(bucket, undefined, "uploads"), uploadId), {
    recursive: true,
    force: true,
  });
  ctx.status = 204;
});

const address = await server.run();
process.send?.({ port: address.port });
const stop = () => server.close(() => process.exit(0));
process.on("disconnect", stop);
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
