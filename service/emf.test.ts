import { randomBytes, randomUUID } from "node:crypto";
import { CreateBucketCommand, DeleteBucketCommand, S3Client } from "@aws-sdk/client-s3";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEmfPublisher, MAX_EMF_VALUES } from "./emf.js";
import { type SignedUpUser, stack, startTestService, type TestService } from "./test/harness.js";

// The CloudWatch embedded metric format lines the service writes, from requests over real HTTP to
// the real app, PostgreSQL and the S3 stand-in.

interface Directive {
  Namespace: string;
  Dimensions: string[][];
  Metrics: { Name: string; Unit: string }[];
}
interface Distribution {
  Values: number[];
  Counts: number[];
  Max: number;
  Min: number;
  Count: number;
  Sum: number;
}
// biome-ignore lint/suspicious/noExplicitAny: documents are checked member by member below
type EmfDocument = { _aws: { Timestamp: number; CloudWatchMetrics: Directive[] } } & Record<string, any>;

const lines: string[] = [];
let service: TestService;
let user: SignedUpUser;

beforeAll(async () => {
  service = await startTestService({
    env: {
      // Long enough that only the test's own flush() writes.
      METRICS_EMF_INTERVAL_SECONDS: "3600",
      METRICS_NAMESPACE: "Test/Emf",
      METRICS_SERVICE: "emf-test",
    },
    emfWrite: (line) => lines.push(line),
  });
  user = await service.signUp();
});
afterAll(() => service?.stop());

/** Flushes, then parses and checks every line written since `from` against the specification. */
function flushed(from = lines.length): EmfDocument[] {
  service.runtime.emf!.flush();
  return lines.slice(from).map((line) => {
    expect(line.endsWith("\n")).toBe(true);
    expect(line.slice(0, -1)).not.toContain("\n");
    const document = JSON.parse(line) as EmfDocument;
    expectValidEmf(document);
    return document;
  });
}

/** What CloudWatch Logs requires of a document before it extracts metrics from it. */
function expectValidEmf(document: EmfDocument): void {
  expect(Number.isInteger(document._aws.Timestamp)).toBe(true);
  expect(Math.abs(document._aws.Timestamp - Date.now())).toBeLessThan(60_000);
  for (const directive of document._aws.CloudWatchMetrics) {
    expect(directive.Namespace).toBe("Test/Emf");
    expect(directive.Metrics.length).toBeGreaterThan(0);
    expect(directive.Metrics.length).toBeLessThanOrEqual(100);
    for (const set of directive.Dimensions) {
      expect(set.length).toBeLessThanOrEqual(9);
      for (const key of set) expect(typeof document[key]).toBe("string");
    }
    for (const metric of directive.Metrics) {
      expect(["Count", "Milliseconds", "Bytes"]).toContain(metric.Unit);
      const value = document[metric.Name];
      if (typeof value === "number") {
        expect(Number.isFinite(value)).toBe(true);
      } else {
        expectValidDistribution(value as Distribution);
      }
    }
  }
}

function expectValidDistribution(value: Distribution): void {
  expect(value.Values.length).toBe(value.Counts.length);
  expect(value.Values.length).toBeGreaterThan(0);
  expect(value.Values.length).toBeLessThanOrEqual(MAX_EMF_VALUES);
  expect(value.Counts.reduce((a, b) => a + b, 0)).toBe(value.Count);
  expect(value.Min).toBeLessThanOrEqual(value.Max);
  for (const v of value.Values) {
    expect(v).toBeGreaterThanOrEqual(value.Min);
    expect(v).toBeLessThanOrEqual(value.Max);
  }
  expect(value.Sum).toBeGreaterThanOrEqual(value.Min * value.Count - 0.01);
  expect(value.Sum).toBeLessThanOrEqual(value.Max * value.Count + 0.01);
}

const byRoute = (documents: EmfDocument[], route: string) => documents.filter((d) => d.Route === route);
const processDocument = (documents: EmfDocument[]) => {
  const found = documents.filter((d) => d.Route === undefined);
  expect(found).toHaveLength(1);
  return found[0]!;
};

describe("CloudWatch embedded metric format", () => {
  it("publishes requests, 4xx, 5xx and latency per route, pool gauges and upload bytes", async () => {
    flushed(); // Sign-up's requests are not this test's.
    const from = lines.length;
    const s3 = new S3Client({ region: "us-east-1", endpoint: stack().s3Endpoint, forcePathStyle: true });

    const started = Date.now();
    for (let i = 0; i < 3; i += 1) {
      expect((await service.call("GET", "/api/tasks", { token: user.token })).status).toBe(200);
    }
    const slowest = Date.now() - started;
    expect((await service.call("GET", `/api/tasks/${randomUUID()}`, { token: user.token })).status).toBe(404);
    expect((await service.call("GET", "/api/tasks/not-an-id", { token: user.token })).status).toBe(400);
    // Under /api: an extensionless path elsewhere is a front-end route (index.html).
    expect((await service.call("GET", `/api/no/such/${randomUUID()}`)).status).toBe(404);
    // A 5xx: storage is gone (the bucket is still empty, so it can be deleted).
    await s3.send(new DeleteBucketCommand({ Bucket: service.bucket }));
    try {
      expect((await service.call("GET", "/api/me/avatar", { token: user.token })).status).toBe(500);
    } finally {
      await s3.send(new CreateBucketCommand({ Bucket: service.bucket }));
    }
    const content = randomBytes(300 * 1024 + 7);
    const form = new FormData();
    form.append("file", new Blob([new Uint8Array(content)]), "data.bin");
    const uploaded = await service.call("POST", "/api/files", { token: user.token, body: form });
    expect(uploaded.status).toBe(201);

    const documents = flushed(from);
    for (const document of documents) {
      expect(document.Service).toBe("emf-test");
    }

    const list = byRoute(documents, "GET /api/tasks/");
    expect(list).toHaveLength(1);
    const [listed] = list;
    expect(listed!._aws.CloudWatchMetrics[0]!.Dimensions).toEqual([["Service", "Route"], ["Service"]]);
    expect(listed!.Requests).toBe(3);
    expect(listed!.Errors4xx).toBeUndefined();
    expect(listed!.Errors5xx).toBeUndefined();
    expect(listed!._aws.CloudWatchMetrics[0]!.Metrics).toEqual([
      { Name: "Requests", Unit: "Count" },
      { Name: "Latency", Unit: "Milliseconds" },
    ]);
    const latency = listed!.Latency as Distribution;
    expect(latency.Count).toBe(3);
    expect(latency.Min).toBeGreaterThan(0);
    // Measured inside the server: never longer than the three round trips the client timed.
    expect(latency.Sum).toBeLessThanOrEqual(slowest + 1);

    const [byId] = byRoute(documents, "GET /api/tasks/:id");
    expect(byId).toMatchObject({ Requests: 2, Errors4xx: 2 });
    expect(byId!.Errors5xx).toBeUndefined();
    expect(byId!._aws.CloudWatchMetrics[0]!.Metrics.map((m) => m.Name)).toEqual([
      "Requests",
      "Errors4xx",
      "Latency",
    ]);

    // The raw path never becomes a dimension value.
    const [unmatched] = byRoute(documents, "unmatched");
    expect(unmatched).toMatchObject({ Requests: 1, Errors4xx: 1 });
    expect(lines.slice(from).join("")).not.toContain("/api/no/such/");

    const [avatar] = byRoute(documents, "GET /api/me/avatar");
    expect(avatar).toMatchObject({ Requests: 1, Errors5xx: 1 });
    expect(avatar!.Errors4xx).toBeUndefined();

    const [upload] = byRoute(documents, "POST /api/files/");
    expect(upload).toMatchObject({ Requests: 1 });

    const process = processDocument(documents);
    expect(process._aws.CloudWatchMetrics[0]!.Dimensions).toEqual([["Service"]]);
    expect(process._aws.CloudWatchMetrics[0]!.Metrics).toEqual([
      { Name: "DbPoolTotal", Unit: "Count" },
      { Name: "DbPoolIdle", Unit: "Count" },
      { Name: "DbPoolWaiting", Unit: "Count" },
      { Name: "UploadBytes", Unit: "Bytes" },
    ]);
    expect(process.UploadBytes).toBe(content.length);
    expect(process.Uploads).toBe("1");
    expect(process.DbPoolTotal).toBeGreaterThanOrEqual(1);
    expect(process.DbPoolIdle).toBeLessThanOrEqual(process.DbPoolTotal);
    expect(process.DbPoolWaiting).toBe(0);

    // Prometheus counts the same upload.
    const scraped = await service.call("GET", "/metrics");
    expect(scraped.text).toMatch(new RegExp(`^upload_bytes_total ${content.length}$`, "m"));
  });

  it("starts every interval from zero: a quiet interval has only the process document", async () => {
    flushed();
    const documents = flushed();
    expect(documents).toHaveLength(1);
    expect(processDocument(documents).UploadBytes).toBe(0);
  });

  it("counts waiting for a connection when the pool is exhausted", async () => {
    const waitingLines: string[] = [];
    const small = await startTestService({
      env: { METRICS_EMF_INTERVAL_SECONDS: "3600", METRICS_NAMESPACE: "Test/Emf", DATABASE_POOL_MAX: "1" },
      emfWrite: (line) => waitingLines.push(line),
    });
    // The pool's one connection is held (a statement waiting on an advisory lock another session
    // holds) until requests are queued behind it, so the queue exists however fast or loaded the
    // machine is; then it is let go and the queue drains through the requests.
    const blocker = new pg.Client({ connectionString: small.env.DATABASE_URL });
    await blocker.connect();
    try {
      const someone = await small.signUp();
      await blocker.query("SELECT pg_advisory_lock(4242)");
      const held = small.runtime.db.rows({ text: "SELECT pg_advisory_xact_lock(4242)", values: [] });
      const deadline = Date.now() + 10_000;
      waitingLines.length = 0;
      const pending = Array.from({ length: 20 }, () =>
        small.call("GET", "/api/tasks", { token: someone.token }),
      );
      while (small.runtime.db.poolStats().waiting < 2 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      expect(
        small.runtime.db.poolStats().waiting,
        "requests queued behind the held connection",
      ).toBeGreaterThanOrEqual(2);
      await blocker.query("SELECT pg_advisory_unlock(4242)");
      await held;
      const responses = await Promise.all(pending);
      expect(responses.every((r) => r.status === 200)).toBe(true);
      small.runtime.emf!.flush();
      const documents = waitingLines.map((line) => JSON.parse(line) as EmfDocument);
      const pool = documents.find((d) => d.Route === undefined)!;
      expect(pool.DbPoolTotal).toBe(1);
      expect(pool.DbPoolWaiting).toBeGreaterThan(0);
      expect(pool.Service).toBe("aws-platform-kit");
    } finally {
      await blocker.end();
      await small.stop();
    }
  });

  it("flushes what is left on graceful shutdown", async () => {
    flushed();
    const before = lines.length;
    expect((await service.call("GET", "/api/limits")).status).toBe(200);
    await service.stop();
    const documents = lines.slice(before).map((line) => JSON.parse(line) as EmfDocument);
    expect(byRoute(documents, "GET /api/limits/")).toMatchObject([{ Requests: 1 }]);
    expect(documents.filter((d) => d.Route === undefined)).toHaveLength(1);
  });
});

describe("latency distribution", () => {
  it("stays within 100 values, with exact count, sum, minimum and maximum", () => {
    const written: string[] = [];
    const publisher = createEmfPublisher({
      namespace: "Test/Emf",
      service: "unit",
      intervalSeconds: 0,
      poolStats: () => ({ total: 0, idle: 0, waiting: 0 }),
      write: (line) => written.push(line),
      now: () => 1_700_000_000_000,
    });
    // 0.01 ms to 10 minutes: more buckets' worth of range than CloudWatch takes values.
    const seconds = Array.from({ length: 5000 }, (_, i) => 0.00001 * 1.004 ** i);
    for (const s of seconds) publisher.recordRequest("GET", "/api/tasks/", 200, s);
    publisher.close();
    publisher.close();
    expect(written).toHaveLength(2);
    const document = JSON.parse(written[0]!) as EmfDocument;
    expect(document._aws.Timestamp).toBe(1_700_000_000_000);
    const latency = document.Latency as Distribution;
    expect(latency.Values.length).toBeLessThanOrEqual(MAX_EMF_VALUES);
    expect(latency.Count).toBe(5000);
    expect(latency.Counts.reduce((a, b) => a + b, 0)).toBe(5000);
    expect(latency.Min).toBeCloseTo(seconds[0]! * 1000, 3);
    expect(latency.Max).toBeCloseTo(seconds.at(-1)! * 1000, 0);
    const sum = seconds.reduce((a, b) => a + b, 0) * 1000;
    expect(Math.abs(latency.Sum - sum) / sum).toBeLessThan(1e-6);
    // The median of the published distribution is within a bucket's width of the true median.
    let seen = 0;
    let median = 0;
    for (const [i, count] of latency.Counts.entries()) {
      seen += count;
      if (seen >= 2500) {
        median = latency.Values[i]!;
        break;
      }
    }
    const trueMedian = seconds[2499]! * 1000;
    expect(Math.abs(median - trueMedian) / trueMedian).toBeLessThan(0.08);
    expect(document.Requests).toBe(5000);
  });
});
