import type { PoolStats } from "./adapters/db.js";

/**
 * Application metrics as CloudWatch embedded metric format (EMF) log lines.
 *
 * The task's stdout goes to CloudWatch Logs (the awslogs driver), and CloudWatch Logs turns every
 * log event that is an EMF document (a JSON object with a top-level `_aws` member) into metrics:
 * no agent, no sidecar, no `PutMetricData` permission. Requests are aggregated in memory and one
 * document per route is written per interval, plus one for the process (pool, uploads), so the
 * number of log lines does not grow with traffic.
 *
 * Specification: https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html
 * Latency is published as a distribution (`Values` + `Counts` with `Min`, `Max`, `Sum`, `Count`,
 * at most 100 values, the shape AWS's own EMF libraries and exporters write), from which
 * CloudWatch computes percentiles (p50, p90, p99) across tasks and intervals.
 */

export interface EmfSettings {
  /** CloudWatch namespace of every metric. */
  namespace: string;
  /** Value of the `Service` dimension. */
  service: string;
  /** Seconds between flushes; 0 turns the timer off (flush() still works). */
  intervalSeconds: number;
}

export interface EmfPublisher {
  /** Counts one finished request under its route label (`unmatched` when no route matched). */
  recordRequest(method: string, route: string, status: number, seconds: number): void;
  /** Adds the bytes of one completed upload. */
  recordUpload(bytes: number): void;
  /** Writes one document per route seen since the last flush, and one for the process. */
  flush(): void;
  /** Stops the timer and flushes what is left (graceful shutdown). Idempotent. */
  close(): void;
}

export interface EmfPublisherOptions extends EmfSettings {
  /** The pool's current state, read at every request end (waiting) and at flush (all). */
  poolStats: () => PoolStats;
  /** Where each document goes, one JSON line each. @default process.stdout */
  write?: (line: string) => void;
  /** Milliseconds since the epoch. @default Date.now */
  now?: () => number;
}

/** CloudWatch accepts at most 100 values per metric in one document. */
export const MAX_EMF_VALUES = 100;

/**
 * Latency buckets: 100 logarithmic buckets from 0.1 ms, each 15 % wider than the one before, so
 * the last starts near 100 s; a value is published as its bucket's geometric middle (at most
 * ±7 % off), clamped into the interval's exact minimum and maximum.
 */
const BUCKET_START_MS = 0.1;
const BUCKET_GROWTH = 1.15;
const LOG_GROWTH = Math.log(BUCKET_GROWTH);

function bucketOf(ms: number): number {
  if (!(ms > BUCKET_START_MS)) return 0;
  return Math.min(MAX_EMF_VALUES - 1, Math.floor(Math.log(ms / BUCKET_START_MS) / LOG_GROWTH));
}

function bucketValue(index: number): number {
  return BUCKET_START_MS * BUCKET_GROWTH ** (index + 0.5);
}

/** A bounded latency histogram: exact count, sum, minimum and maximum; values by bucket. */
class Distribution {
  private readonly counts = new Map<number, number>();
  count = 0;
  sum = 0;
  min = Number.POSITIVE_INFINITY;
  max = 0;

  add(value: number): void {
    const bucket = bucketOf(value);
    this.counts.set(bucket, (this.counts.get(bucket) ?? 0) + 1);
    this.count += 1;
    this.sum += value;
    this.min = Math.min(this.min, value);
    this.max = Math.max(this.max, value);
  }

  toEmf() {
    const buckets = [...this.counts.entries()].sort(([a], [b]) => a - b);
    return {
      Values: buckets.map(([index]) => round(Math.min(this.max, Math.max(this.min, bucketValue(index))))),
      Counts: buckets.map(([, count]) => count),
      Max: round(this.max),
      Min: round(this.min),
      Count: this.count,
      Sum: round(this.sum),
    };
  }
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

interface RouteTotals {
  requests: number;
  errors4xx: number;
  errors5xx: number;
  latency: Distribution;
}

type Unit = "Count" | "Milliseconds" | "Bytes";

/** The metric names, as the dashboard and alarms read them (modules/observability). */
export const emfMetricNames = {
  requests: "Requests",
  errors4xx: "Errors4xx",
  errors5xx: "Errors5xx",
  latency: "Latency",
  poolTotal: "DbPoolTotal",
  poolIdle: "DbPoolIdle",
  poolWaiting: "DbPoolWaiting",
  uploadBytes: "UploadBytes",
} as const;

/** The label of requests no route matched; never a raw path, so the Route dimension stays bounded. */
export const UNMATCHED_ROUTE = "unmatched";

/** The `Route` dimension: method and route pattern, e.g. `GET /api/tasks/:id`. */
export function routeDimension(method: string, route: string): string {
  return route === UNMATCHED_ROUTE ? UNMATCHED_ROUTE : `${method} ${route}`;
}

export function createEmfPublisher(options: EmfPublisherOptions): EmfPublisher {
  const write = options.write ?? ((line: string) => process.stdout.write(line));
  const now = options.now ?? Date.now;
  const { namespace, service } = options;
  let routes = new Map<string, RouteTotals>();
  let uploadBytes = 0;
  let uploads = 0;
  let maxWaiting = 0;

  const emit = (
    dimensions: string[][],
    members: Record<string, string>,
    metrics: [name: string, unit: Unit, value: unknown][],
    timestamp: number,
  ) => {
    const document = {
      _aws: {
        Timestamp: timestamp,
        CloudWatchMetrics: [
          {
            Namespace: namespace,
            Dimensions: dimensions,
            Metrics: metrics.map(([name, unit]) => ({ Name: name, Unit: unit })),
          },
        ],
      },
      ...members,
      ...Object.fromEntries(metrics.map(([name, , value]) => [name, value])),
    };
    write(`${JSON.stringify(document)}\n`);
  };

  const samplePool = () => {
    try {
      return options.poolStats();
    } catch {
      return undefined;
    }
  };

  const flush = () => {
    const timestamp = now();
    const flushed = routes;
    routes = new Map();
    for (const [route, totals] of flushed) {
      // Per route, and (second dimension set) the same values for the whole service: the alarms
      // read the service-wide series, the dashboard both. Zero error counts are left out: a metric
      // is billed for every hour it receives data, and the alarms treat "no data" as "no errors".
      const metrics: [string, Unit, unknown][] = [[emfMetricNames.requests, "Count", totals.requests]];
      if (totals.errors4xx > 0) metrics.push([emfMetricNames.errors4xx, "Count", totals.errors4xx]);
      if (totals.errors5xx > 0) metrics.push([emfMetricNames.errors5xx, "Count", totals.errors5xx]);
      metrics.push([emfMetricNames.latency, "Milliseconds", totals.latency.toEmf()]);
      emit([["Service", "Route"], ["Service"]], { Service: service, Route: route }, metrics, timestamp);
    }
    const pool = samplePool();
    const metrics: [string, Unit, unknown][] = [];
    if (pool) {
      metrics.push(
        [emfMetricNames.poolTotal, "Count", pool.total],
        [emfMetricNames.poolIdle, "Count", pool.idle],
        [emfMetricNames.poolWaiting, "Count", Math.max(maxWaiting, pool.waiting)],
      );
    }
    metrics.push([emfMetricNames.uploadBytes, "Bytes", uploadBytes]);
    emit([["Service"]], { Service: service, Uploads: String(uploads) }, metrics, timestamp);
    uploadBytes = 0;
    uploads = 0;
    maxWaiting = 0;
  };

  const timer = options.intervalSeconds > 0 ? setInterval(flush, options.intervalSeconds * 1000) : undefined;
  timer?.unref();
  let closed = false;

  return {
    recordRequest(method, route, status, seconds) {
      const key = routeDimension(method, route);
      let totals = routes.get(key);
      if (!totals) {
        totals = { requests: 0, errors4xx: 0, errors5xx: 0, latency: new Distribution() };
        routes.set(key, totals);
      }
      totals.requests += 1;
      if (status >= 500) totals.errors5xx += 1;
      else if (status >= 400) totals.errors4xx += 1;
      totals.latency.add(seconds * 1000);
      // Requests waiting for a connection are what the pool alarm is about; a value read only at
      // flush would miss a queue that built up and drained within the minute.
      const waiting = samplePool()?.waiting ?? 0;
      if (waiting > maxWaiting) maxWaiting = waiting;
    },
    recordUpload(bytes) {
      uploadBytes += bytes;
      uploads += 1;
    },
    flush,
    close() {
      if (closed) return;
      closed = true;
      if (timer) clearInterval(timer);
      flush();
    },
  };
}
