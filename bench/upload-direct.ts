/**
 * The upload suite's baseline process: the generated stream straight into the S3 stand-in with the
 * service's own S3 adapter (service/adapters/object-store.ts: lib-storage Upload, same part size and
 * queue). bench/upload.ts starts it afresh for every upload, as it does the service, and samples its
 * RSS the same way, so both memory figures mean the same. Protocol (IPC): it sends "ready"; it is
 * sent `{ key, bytes }`; it answers `{ seconds }` or `{ error }`.
 */
import { createObjectStore } from "../service/adapters/object-store.js";
import { generatedStream } from "./generated-stream.js";

const store = createObjectStore(
  { region: "us-east-1", s3Endpoint: process.env.S3_ENDPOINT, s3ForcePathStyle: true },
  process.env.UPLOADS_BUCKET ?? "",
);

process.on("message", (message: { key: string; bytes: number }) => {
  const begun = performance.now();
  store.put(message.key, generatedStream(message.bytes), "application/octet-stream").then(
    () => process.send?.({ seconds: (performance.now() - begun) / 1000 }),
    (error: unknown) => process.send?.({ error: error instanceof Error ? error.message : String(error) }),
  );
});
process.on("disconnect", () => process.exit(0));
process.send?.("ready");
