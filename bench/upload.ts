/**
 * upload: a generated stream (1 GiB by default, never written to disk) through the service's
 * `POST /api/files` into the S3 stand-in, against the same stream uploaded directly with
 * `@aws-sdk/lib-storage` to the same stand-in. Both run in a fresh process per upload whose RSS is
 * sampled from outside.
 */
import { fork } from "node:child_process";
import { once } from "node:events";
import http from "node:http";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createObjectStore } from "../service/adapters/object-store.js";
import { standInCredentials } from "../service/local/s3-stand-in.js";
import { generatedStream } from "./generated-stream.js";
import { alternate, formatValue, measurement, median, type SuiteResult, type Target } from "./harness.js";
import type { RunOptions } from "./run.js";
import {
  BENCH_BUCKET,
  buildServers,
  freePort,
  logIn,
  rssMb,
  type ServerProcess,
  serviceEnv,
  signUp,
  startBenchStack,
  startServer,
} from "./service-stack.js";

const MiB = 1024 * 1024;
const SAMPLE_EVERY_MS = 100;

interface UploadRun {
  mbPerSecond: number;
  /** Peak RSS during the upload minus RSS just before it, of the measured process. */
  rssGrowthMb: number;
  idleRssMb: number;
}

/** Samples another process's RSS every 100 ms from /proc, from outside it. */
function sampleRss(pid: number): { stop(): { idle: number; peak: number } } {
  const idle = rssMb(pid);
  let peak = idle;
  const timer = setInterval(() => {
    peak = Math.max(peak, rssMb(pid));
  }, SAMPLE_EVERY_MS);
  return {
    stop() {
      clearInterval(timer);
      peak = Math.max(peak, rssMb(pid));
      return { idle, peak };
    },
  };
}

/** POST /api/files with a multipart body around the generated stream; resolves with the file's id. */
async function uploadThroughService(service: ServerProcess, token: string, bytes: number): Promise<string> {
  const boundary = "----bench-upload-boundary-7d1c5e";
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="generated.bin"\r\n` +
      "Content-Type: application/octet-stream\r\n\r\n",
  );
  const foot = Buffer.from(`\r\n--${boundary}--\r\n`);
  const request = http.request(`${service.url}/api/files`, {
    method: "POST",
    headers: {
      authorization: `Bearer ${token}`,
      "content-type": `multipart/form-data; boundary=${boundary}`,
      "content-length": String(head.length + bytes + foot.length),
    },
  });
  const response = new Promise<{ status: number; body: string }>((resolve, reject) => {
    request.once("response", (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.once("end", () =>
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }),
      );
      res.once("error", reject);
    });
    request.once("error", reject);
  });
  async function* body() {
    yield head;
    yield* generatedStream(bytes);
    yield foot;
  }
  await pipeline(Readable.from(body(), { objectMode: false }), request);
  const { status, body: text } = await response;
  if (status !== 201) throw new Error(`POST /api/files answered ${status}: ${text.slice(0, 300)}`);
  const file = JSON.parse(text) as { id: string; size: number };
  if (file.size !== bytes) throw new Error(`POST /api/files stored ${file.size} bytes, sent ${bytes}`);
  return file.id;
}

export async function uploadSuite(options: RunOptions): Promise<SuiteResult> {
  const started = performance.now();
  const bytes = options.uploadMib * MiB;
  const built = await buildServers(options.log);
  const stack = await startBenchStack();
  // A fresh service process for every upload: memory kept from an earlier upload (V8 and the
  // allocator hold on to what they grew to) would otherwise hide the growth of the next one.
  const startService = async () =>
    startServer(
      built.serverJs,
      serviceEnv(stack, await freePort(), { MAX_UPLOAD_BYTES: String(bytes + 16 * MiB) }),
      { cpuProfileDirectory: options.cpuProfileDirectory, nodeFlags: built.serverNodeFlags },
    );
  try {
    // This process checks and deletes what the baseline (bench/upload-direct.ts) stored.
    Object.assign(process.env, standInCredentials);
    const store = createObjectStore(
      { region: "us-east-1", s3Endpoint: stack.s3Endpoint, s3ForcePathStyle: true },
      BENCH_BUCKET,
    );
    await store.ensureBucket();
    const email = "uploader@bench.example.com";
    const first = await startService();
    try {
      await signUp(first.url, email);
    } finally {
      await first.stop();
    }

    let counter = 0;
    const viaService = async (): Promise<UploadRun> => {
      const service = await startService();
      try {
        const { token } = await logIn(service.url, email);
        const rss = sampleRss(service.pid);
        const begun = performance.now();
        const id = await uploadThroughService(service, token, bytes);
        const seconds = (performance.now() - begun) / 1000;
        const { idle, peak } = rss.stop();
        const removed = await fetch(`${service.url}/api/files/${id}`, {
          method: "DELETE",
          headers: { authorization: `Bearer ${token}` },
        });
        if (removed.status !== 204) throw new Error(`DELETE /api/files/${id} answered ${removed.status}`);
        return { mbPerSecond: bytes / 1e6 / seconds, rssGrowthMb: peak - idle, idleRssMb: idle };
      } finally {
        await service.stop();
      }
    };
    const direct = async (): Promise<UploadRun> => {
      const key = `bench/direct-${counter++}`;
      const child = fork(built.uploadDirectJs, [], {
        env: {
          PATH: process.env.PATH ?? "/usr/bin:/bin",
          S3_ENDPOINT: stack.s3Endpoint,
          UPLOADS_BUCKET: BENCH_BUCKET,
          ...standInCredentials,
          AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
        },
        execArgv: [],
        stdio: ["ignore", "ignore", "inherit", "ipc"],
      });
      try {
        await once(child, "message"); // ready: idle, like the signed-in service
        const rss = sampleRss(child.pid!);
        child.send({ key, bytes });
        const [reply] = (await once(child, "message")) as [{ seconds?: number; error?: string }];
        const { idle, peak } = rss.stop();
        if (reply.seconds === undefined) throw new Error(`lib-storage upload failed: ${reply.error}`);
        const stored = await store.get(key);
        stored?.body.destroy();
        if (stored?.contentLength !== bytes)
          throw new Error(`lib-storage stored ${stored?.contentLength} bytes, sent ${bytes}`);
        await store.delete(key);
        return { mbPerSecond: bytes / 1e6 / reply.seconds, rssGrowthMb: peak - idle, idleRssMb: idle };
      } finally {
        if (child.connected) child.disconnect();
        if (child.exitCode === null) await once(child, "exit");
      }
    };

    options.log(`upload: ${options.uploadMib} MiB, POST /api/files vs lib-storage directly`);
    const runs = await alternate<UploadRun>(
      [
        { name: "service", run: viaService },
        { name: "lib-storage", run: direct },
      ],
      {
        ...options,
        describe: (_, r) =>
          `${r.mbPerSecond.toFixed(0)} MB/s, RSS +${r.rssGrowthMb.toFixed(0)} MB over ${r.idleRssMb.toFixed(0)} MB`,
      },
    );
    const subject = runs.get("service")!;
    const baseline = runs.get("lib-storage")!;
    const share = median(subject.map((r) => r.mbPerSecond)) / median(baseline.map((r) => r.mbPerSecond));
    const worstGrowth = Math.max(...subject.map((r) => r.rssGrowthMb));
    const targets: Target[] = [
      {
        target: "≥ 80 % of lib-storage's MB/s",
        figure: `${(share * 100).toFixed(0)} % (${formatValue(median(subject.map((r) => r.mbPerSecond)), "MB/s")} vs ${formatValue(median(baseline.map((r) => r.mbPerSecond)), "MB/s")})`,
        met: share >= 0.8,
      },
      {
        target: "service peak RSS growth ≤ 64 MB",
        figure: `${formatValue(worstGrowth, "MB")} (worst round; median ${formatValue(median(subject.map((r) => r.rssGrowthMb)), "MB")})`,
        met: worstGrowth <= 64,
      },
    ];
    return {
      suite: "upload",
      date: new Date().toISOString(),
      rounds: options.rounds,
      warmup: options.warmup,
      seconds: (performance.now() - started) / 1000,
      method: [
        `Stream: ${options.uploadMib} MiB generated while it is read (one random 1 MiB block repeated: incompressible, never on disk). MB/s = 10⁶ bytes per second, from the first byte sent until the upload is acknowledged (201 from the service; lib-storage's done()).`,
        "Subject: POST /api/files (multipart, Content-Length declared, bearer token) to the compiled service, started with the node options of the image's CMD, in a fresh child process per upload, with the production configuration and MAX_UPLOAD_BYTES raised above the stream's size; it streams through multer into lib-storage (5 MiB parts, 2 in flight) into the S3 stand-in (s3rver, a child process writing to disk).",
        "Baseline: bench/upload-direct.ts, bundled with esbuild and run as `node upload-direct.js` in a fresh child process per upload: the same generated stream given to the service's own S3 adapter (service/adapters/object-store.ts: lib-storage Upload, same part size and queue), to the same stand-in. Every upload is checked (stored size) and deleted afterwards.",
        `RSS: VmRSS from /proc/<pid>/status every ${SAMPLE_EVERY_MS} ms during each upload, read from outside; growth = peak − the value just before the upload. Service and baseline are each started afresh for every upload (the service also signed in) and idle when it starts, so memory kept from an earlier upload cannot hide the growth of the next.`,
      ],
      measurements: [
        measurement(
          "throughput",
          "MB/s",
          "higher",
          subject.map((r) => r.mbPerSecond),
          baseline.map((r) => r.mbPerSecond),
        ),
        measurement(
          "RSS growth of the uploading process (fresh per upload)",
          "MB",
          "lower",
          subject.map((r) => r.rssGrowthMb),
          baseline.map((r) => r.rssGrowthMb),
        ),
        measurement(
          "RSS of that process before the upload",
          "MB",
          "lower",
          subject.map((r) => r.idleRssMb),
          baseline.map((r) => r.idleRssMb),
        ),
      ],
      targets,
      details: { bytes },
    };
  } finally {
    await stack.stop();
  }
}
