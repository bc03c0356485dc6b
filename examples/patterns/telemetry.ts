// README example: Telemetry. The tests check that the README shows this code and its YAML.
import { App, Chart } from 'cdk8s';
import { IstioMetric, TagOverride, Telemetry, TelemetryMode, TraceTag } from '../../src';

/** Builds the README's Telemetry example into `app`. */
export function telemetryExample(app: App): Chart {
  const chart = new Chart(app, 'shop', { namespace: 'shop' });

  // The whole mesh: trace 1% of requests to the mesh config's OpenTelemetry provider.
  Telemetry.forMesh(chart, 'mesh-telemetry', { tracing: { provider: 'otel-tracing', randomSamplingPercentage: 1 } });

  // The shop namespace: 10% with the tenant on each span, access logs of errors only,
  // and the request host on the request count.
  Telemetry.forNamespace(chart, 'shop-telemetry')
    .sampleTraces(10)
    .addTraceTag('tenant', TraceTag.fromRequestHeader('x-tenant', 'unknown'))
    .logAccess({ filter: 'response.code >= 400' })
    .addMetricsOverride({ metric: IstioMetric.REQUEST_COUNT, tagOverrides: { request_host: TagOverride.upsert('request.host') } });

  // The health checker: no access logs, no client-side metrics.
  Telemetry.forWorkload(chart, 'health-checker', { metadata: { name: 'health-checker' }, selector: { app: 'health-checker' } })
    .disableAccessLogging()
    .disableMetrics({ mode: TelemetryMode.CLIENT });
  return chart;
}
