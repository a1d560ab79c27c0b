/**
 * The contract between the service and the platform's application alarms and dashboard: every
 * metric the observability module alarms on or graphs is one the service's EMF publisher
 * (service/emf.ts) really writes, in the same namespace, under the same dimension set.
 */
import { Observability } from "@aws-platform-kit/modules/observability";
import { synthesise, testNaming } from "@aws-platform-kit/modules/testing";
import { expect, test } from "vitest";
import { createEmfPublisher } from "../../service/emf.js";
import { applicationMetricsSettings } from "./service-contract.js";

type Directive = { Namespace: string; Dimensions: string[][]; Metrics: { Name: string }[] };

/** `namespace metric [dimension keys]` of every series the service's documents publish. */
function published(namespace: string, service: string): Set<string> {
  const lines: string[] = [];
  const publisher = createEmfPublisher({
    namespace,
    service,
    intervalSeconds: 0,
    poolStats: () => ({ total: 2, idle: 1, waiting: 1 }),
    write: (line) => lines.push(line),
  });
  publisher.recordRequest("GET", "/api/tasks/", 200, 0.012);
  publisher.recordRequest("GET", "/api/tasks/:id", 404, 0.004);
  publisher.recordRequest("GET", "/api/me/avatar", 500, 0.2);
  publisher.recordUpload(1234);
  publisher.close();
  const series = new Set<string>();
  for (const line of lines) {
    const document = JSON.parse(line) as { _aws: { CloudWatchMetrics: Directive[] } };
    for (const directive of document._aws.CloudWatchMetrics) {
      for (const set of directive.Dimensions) {
        for (const metric of directive.Metrics) {
          series.add(`${directive.Namespace} ${metric.Name} [${[...set].sort().join(",")}]`);
        }
      }
    }
  }
  return series;
}

test("every application metric alarmed on or graphed is published by the service, as configured by the stack", () => {
  const settings = applicationMetricsSettings(testNaming);
  const synthesised = synthesise((scope) => {
    new Observability(scope, "observability", {
      naming: testNaming,
      alarmEmail: "oncall@example.com",
      monthlyBudgetUsd: 100,
      application: { namespace: settings.namespace, serviceName: settings.service },
    });
  });
  const series = published(settings.namespace, settings.service);

  const watched: string[] = [];
  for (const alarm of synthesised.list("aws_cloudwatch_metric_alarm")) {
    const queries = (alarm.metric_query ?? []) as Array<{
      metric?: { namespace: string; metric_name: string; dimensions: Record<string, string> };
    }>;
    const metrics = alarm.metric_name
      ? [alarm as { namespace: string; metric_name: string; dimensions: Record<string, string> }]
      : queries.flatMap((q) => (q.metric ? [q.metric] : []));
    for (const m of metrics) {
      expect(m.dimensions).toEqual({ Service: settings.service });
      watched.push(`${m.namespace} ${m.metric_name} [${Object.keys(m.dimensions).sort().join(",")}]`);
    }
  }
  expect(watched.length).toBeGreaterThanOrEqual(4);
  for (const w of watched) expect(series, w).toContain(w);

  const body = JSON.parse(String(synthesised.only("aws_cloudwatch_dashboard").dashboard_body)) as {
    widgets: Array<{ properties: { metrics?: unknown[][] } }>;
  };
  const graphed = body.widgets
    .flatMap((w) => w.properties.metrics ?? [])
    .filter((m) => m[0] === settings.namespace)
    .map((m) => `${m[0]} ${m[1]} [${String(m[2])}]`);
  expect(graphed.length).toBeGreaterThanOrEqual(8);
  for (const g of graphed) expect(series, g).toContain(g);
  // The per-route graphs search the Route + Service dimension set, which the service publishes too.
  expect(series).toContain(`${settings.namespace} Requests [Route,Service]`);
  expect(series).toContain(`${settings.namespace} Latency [Route,Service]`);
});
