import { App, Chart, Duration, JsonPatch, Testing } from 'cdk8s';
import {
  IstioAnalyzer, IstioMetric, PolicyTarget, TagOverride, Telemetry, TelemetryMode, TraceTag,
} from '../../src';
import { only, synthAppError, synthAppValid, synthError, synthValid } from '../support/schema';

function chartIn(namespace = 'shop'): Chart {
  return new Chart(Testing.app(), 'telemetry', { namespace });
}

describe('Telemetry scopes', () => {
  test('mesh-wide: named mesh-default, in istio-system, without selector', () => {
    const chart = chartIn();
    Telemetry.forMesh(chart, 'mesh').sampleTraces(1);
    const t = only(synthValid(chart), 'Telemetry');
    expect(t.apiVersion).toBe('telemetry.istio.io/v1');
    expect(t.metadata).toEqual({ name: 'mesh-default', namespace: 'istio-system' });
    expect(t.spec).toEqual({ tracing: [{ randomSamplingPercentage: 1 }] });
  });

  test('mesh-wide in another root namespace, under another name', () => {
    const chart = chartIn();
    Telemetry.forMesh(chart, 'mesh', { rootNamespace: 'istio-config', name: 'observability', tracing: { provider: 'otel-traces' } });
    const t = only(synthValid(chart), 'Telemetry');
    expect(t.metadata).toEqual({ name: 'observability', namespace: 'istio-config' });
    expect(t.spec).toEqual({ tracing: [{ providers: [{ name: 'otel-traces' }] }] });
  });

  test("namespace-wide: named namespace-default, in the chart's namespace or metadata.namespace", () => {
    const chart = chartIn('shop');
    Telemetry.forNamespace(chart, 'shop-telemetry').logAccess();
    Telemetry.forNamespace(chart, 'payments-telemetry', { metadata: { namespace: 'payments' } }).logAccess();
    const [shop, payments] = synthValid(chart).filter((m) => m.kind === 'Telemetry');
    expect(shop.metadata).toEqual({ name: 'namespace-default', namespace: 'shop' });
    expect(payments.metadata).toEqual({ name: 'namespace-default', namespace: 'payments' });
  });

  test('a workload Telemetry by selector', () => {
    const chart = chartIn();
    Telemetry.forWorkload(chart, 'reviews', { metadata: { name: 'reviews' }, selector: { app: 'reviews' } }).sampleTraces(50);
    expect(only(synthValid(chart), 'Telemetry').spec).toEqual({ selector: { matchLabels: { app: 'reviews' } }, tracing: [{ randomSamplingPercentage: 50 }] });
  });

  test('a workload Telemetry attached to a Gateway API gateway', () => {
    const chart = chartIn();
    Telemetry.forWorkload(chart, 'edge', { targetRefs: [PolicyTarget.gateway('public')] }).logAccess({ filter: 'response.code >= 500' });
    expect(only(synthValid(chart), 'Telemetry').spec).toEqual({
      targetRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'public' }],
      accessLogging: [{ providers: [{ name: 'envoy' }], filter: { expression: 'response.code >= 500' } }],
    });
  });

  test('a workload Telemetry needs a selector or targetRefs', () => {
    expect(() => Telemetry.forWorkload(chartIn(), 't', {})).toThrow(
      "[telemetry/t] 'selector' (unset) or targetRefs must be given for a workload Telemetry; give the labels of the workloads, or the Gateway / Service it attaches to; "
      + 'use Telemetry.forNamespace() for the whole namespace');
  });

  test('selector and targetRefs together are refused', () => {
    expect(() => new Telemetry(chartIn(), 't', { selector: { app: 'web' }, targetRefs: [PolicyTarget.service('web')] }))
      .toThrow("[telemetry/t] 'targetRefs' ([\"Service/web\"]) cannot be set together with selector; keep one of them");
  });

  test('a selector without labels is refused (Istio warns: it selects the whole namespace)', () => {
    expect(() => new Telemetry(chartIn(), 't', { selector: {} }))
      .toThrow("[telemetry/t] 'selector' ({}) has no labels, so it selects every workload of the namespace; "
        + 'give the labels of the workloads, or leave the selector out for a namespace-wide Telemetry');
  });

  // mirrors validateWorkloadSelector (wildcards), refused at synth
  test('selector labels without wildcards', () => {
    const chart = chartIn();
    new Telemetry(chart, 't', { selector: { app: 'web-*' } });
    expect(synthError(chart)).toContain("[telemetry/t] 'spec.selector.matchLabels' (app=web-*) must not contain wildcards");
  });

  // mirrors TestValidateTelemetry "bad targetRef - wrong kind"
  test('targets of a kind Telemetry cannot attach to are refused at synth', () => {
    const chart = chartIn();
    Telemetry.forWorkload(chart, 't', { targetRefs: [PolicyTarget.of('gateway.networking.k8s.io', 'HTTPRoute', 'shop')] }).sampleTraces(1);
    expect(synthError(chart)).toContain("[telemetry/t] 'spec.targetRefs[0].kind' (gateway.networking.k8s.io/HTTPRoute) must be a Service");
  });
});

describe('tracing', () => {
  test('every field, custom tags from a literal, a header, the environment and a formatter', () => {
    const chart = chartIn();
    new Telemetry(chart, 't', {
      metadata: { name: 'tracing' },
      tracing: {
        provider: 'otel-traces',
        randomSamplingPercentage: 12.5,
        customTags: {
          team: TraceTag.literal('checkout'),
          tenant: TraceTag.fromRequestHeader('x-tenant', 'none'),
          zone: TraceTag.fromEnvironment('NODE_ZONE'),
          upstream: TraceTag.fromFormatter('%UPSTREAM_CLUSTER%'),
        },
        disableSpanReporting: false,
        useRequestIdForTraceSampling: false,
        enableIstioTags: true,
        disableContextPropagation: true,
        mode: TelemetryMode.SERVER,
      },
    });
    expect(only(synthValid(chart), 'Telemetry').spec.tracing).toEqual([{
      providers: [{ name: 'otel-traces' }],
      randomSamplingPercentage: 12.5,
      customTags: {
        team: { literal: { value: 'checkout' } },
        tenant: { header: { name: 'x-tenant', defaultValue: 'none' } },
        upstream: { formatter: { value: '%UPSTREAM_CLUSTER%' } },
        zone: { environment: { name: 'NODE_ZONE' } },
      },
      disableSpanReporting: false,
      useRequestIdForTraceSampling: false,
      enableIstioTags: true,
      disableContextPropagation: true,
      match: { mode: 'SERVER' },
    }]);
  });

  test('fluent calls merge into the one tracing entry Istio supports', () => {
    const chart = chartIn();
    Telemetry.forNamespace(chart, 't').sampleTraces(10).trace({ provider: 'zipkin' }).addTraceTag('team', TraceTag.literal('checkout')).sampleTraces(10);
    expect(only(synthValid(chart), 'Telemetry').spec.tracing).toEqual([
      { providers: [{ name: 'zipkin' }], randomSamplingPercentage: 10, customTags: { team: { literal: { value: 'checkout' } } } },
    ]);
  });

  test('0 and 100 are percentages', () => {
    const chart = chartIn();
    Telemetry.forNamespace(chart, 'none').sampleTraces(0);
    Telemetry.forNamespace(chart, 'all', { metadata: { namespace: 'debug' } }).sampleTraces(100);
    expect(synthValid(chart).map((m) => m.spec.tracing[0].randomSamplingPercentage)).toEqual([0, 100]);
  });

  // mirrors TestValidateTelemetry "bad randomSamplingPercentage", refused at construction
  test.each([101, -1, Number.NaN])('a sampling percentage of %p is refused', (percentage) => {
    expect(() => Telemetry.forNamespace(chartIn(), 't').sampleTraces(percentage))
      .toThrow(`[telemetry/t] 'tracing.randomSamplingPercentage' (${percentage}) must be a percentage from 0 to 100; give e.g. 1 to trace one request in a hundred`);
  });

  test('a second, different value for a tracing field is refused', () => {
    expect(() => Telemetry.forNamespace(chartIn(), 't').sampleTraces(10).sampleTraces(20))
      .toThrow("[telemetry/t] 'tracing.randomSamplingPercentage' (20) conflicts with the value set before (10); set each tracing field once");
  });

  test('an empty provider name is refused', () => {
    expect(() => Telemetry.forNamespace(chartIn(), 't').trace({ provider: ' ' }))
      .toThrow("[telemetry/t] 'tracing.provider' ( ) must name a provider; give the name of an extensionProviders entry of the mesh config, e.g. envoy");
  });

  // mirrors validateTelemetryTracing (tag names and values), refused at construction
  test('tags need a name and a value; a tag is defined once', () => {
    const t = Telemetry.forNamespace(chartIn(), 't');
    expect(() => t.addTraceTag('', TraceTag.literal('x'))).toThrow("[telemetry/t] 'tracing.customTags' (\"\") must not have a tag with an empty name; name the tag");
    expect(() => t.addTraceTag('team', TraceTag.literal(''))).toThrow("[telemetry/t] 'tracing.customTags.team.literal.value' (\"\") must not be empty");
    expect(() => t.addTraceTag('tenant', TraceTag.fromRequestHeader(''))).toThrow("'tracing.customTags.tenant.header.name' (\"\") must not be empty");
    expect(() => t.addTraceTag('zone', TraceTag.fromEnvironment(''))).toThrow("'tracing.customTags.zone.environment.name' (\"\") must not be empty");
    t.addTraceTag('team', TraceTag.literal('checkout'));
    expect(() => t.addTraceTag('team', TraceTag.literal('payments'))).toThrow("[telemetry/t] 'tracing.customTags.team' (team) is already defined; give each tag one value");
  });

  // mirrors TestValidateTelemetry "multiple tracers" and "multiple providers": the L2 writes one
  // entry with one provider; an escape-hatch patch that adds more is refused (Istio warns).
  test('a second tracing entry added through the escape hatch is refused at synth', () => {
    const chart = chartIn();
    const t = Telemetry.forNamespace(chart, 't').sampleTraces(1);
    t.resource.addJsonPatch(JsonPatch.add('/spec/tracing/-', { disableSpanReporting: true }));
    expect(synthError(chart)).toContain("[telemetry/t] 'spec.tracing' (2 entries) has several entries, which Istio does not support (it applies one)");
  });
});

describe('access logging', () => {
  test('the issue example: sampled traces and access logs of errors only, to envoy', () => {
    const chart = chartIn();
    Telemetry.forNamespace(chart, 'telemetry').sampleTraces(10).logAccess({ filter: 'response.code >= 400' });
    const t = only(synthValid(chart), 'Telemetry');
    expect(t.spec).toEqual({
      tracing: [{ randomSamplingPercentage: 10 }],
      accessLogging: [{ providers: [{ name: 'envoy' }], filter: { expression: 'response.code >= 400' } }],
    });
    expect(t).toMatchSnapshot();
  });

  test('entries for different providers or modes; [] inherits the providers; disabled entries', () => {
    const chart = chartIn();
    Telemetry.forNamespace(chart, 't')
      .logAccess({ providers: [], filter: 'connection.mtls == false' })
      .logAccess({ providers: ['otel-logs'], filter: 'response.code >= 500', mode: TelemetryMode.SERVER })
      .logAccess({ providers: ['otel-logs'], mode: TelemetryMode.CLIENT })
      .disableAccessLogging({ providers: ['stackdriver'] });
    expect(only(synthValid(chart), 'Telemetry').spec.accessLogging).toEqual([
      { filter: { expression: 'connection.mtls == false' } },
      { providers: [{ name: 'otel-logs' }], filter: { expression: 'response.code >= 500' }, match: { mode: 'SERVER' } },
      { providers: [{ name: 'otel-logs' }], match: { mode: 'CLIENT' } },
      { providers: [{ name: 'stackdriver' }], disabled: true },
    ]);
  });

  test('an entry without providers after one with providers is refused: Istio gives it the providers of the entry before', () => {
    const t = Telemetry.forNamespace(chartIn(), 't').logAccess({ providers: ['otel-logs'], mode: TelemetryMode.SERVER });
    expect(() => t.logAccess({ providers: [], filter: 'connection.mtls == false' })).toThrow(
      "[telemetry/t] 'accessLogging' ({\"providers\":[\"otel-logs\"],\"mode\":\"CLIENT_AND_SERVER\"}) overlaps an earlier entry");
  });

  test('turning access logging off for a workload: the inherited providers', () => {
    const chart = chartIn();
    Telemetry.forWorkload(chart, 't', { selector: { app: 'health-checker' } }).disableAccessLogging();
    expect(only(synthValid(chart), 'Telemetry').spec.accessLogging).toEqual([{ disabled: true }]);
  });

  test('an empty filter is refused', () => {
    expect(() => Telemetry.forNamespace(chartIn(), 't').logAccess({ filter: ' ' }))
      .toThrow("[telemetry/t] 'accessLogging.filter' ( ) must not be empty; give a CEL condition such as response.code >= 400, or leave the filter out to log everything");
  });

  test('a filter on a disabled entry is refused', () => {
    expect(() => Telemetry.forNamespace(chartIn(), 't').disableAccessLogging({ filter: 'response.code >= 400' }))
      .toThrow("[telemetry/t] 'accessLogging.filter' (response.code >= 400) has no effect on a disabled entry; remove the filter, or enable the entry");
  });

  test('an empty provider name is refused', () => {
    expect(() => Telemetry.forNamespace(chartIn(), 't').logAccess({ providers: ['envoy', ''] }))
      .toThrow("[telemetry/t] 'accessLogging.providers[1]' (\"\") must name a provider");
  });

  test('two entries for one provider and overlapping traffic are refused: Istio keeps only the later filter', () => {
    const t = Telemetry.forNamespace(chartIn(), 't').logAccess({ filter: 'response.code >= 500' });
    expect(() => t.logAccess({ filter: "request.url_path.startsWith('/admin')", mode: TelemetryMode.SERVER })).toThrow(
      "[telemetry/t] 'accessLogging' ({\"providers\":[\"envoy\"],\"mode\":\"SERVER\"}) overlaps an earlier entry for the same provider and traffic: "
      + 'Istio applies only the later entry and its filter; give the entries different providers or modes (CLIENT, SERVER), or combine their filters with ||');
  });

  test('a disabled entry without providers after a logging entry is refused: it would turn that entry off', () => {
    const t = Telemetry.forNamespace(chartIn(), 't').logAccess({ providers: ['otel-logs'] });
    expect(() => t.disableAccessLogging()).toThrow(
      "[telemetry/t] 'accessLogging' ({\"providers\":[\"otel-logs\"],\"mode\":\"CLIENT_AND_SERVER\"}) overlaps an earlier entry for the same provider and traffic: "
      + 'Istio applies only the later entry (it turns logging off)');
  });

  // mirrors TestValidateTelemetryFilter #4 at synth: the filter is parsed as Istio's webhook does
  test('a filter that is not CEL is refused at synth, with the construct path and where the parser stops', () => {
    const chart = chartIn();
    Telemetry.forNamespace(chart, 't').logAccess({ filter: 'response.code = 404' });
    expect(synthError(chart)).toContain("[telemetry/t] 'spec.accessLogging[0].filter.expression' (response.code = 404) must be a valid CEL expression: "
      + 'unexpected character "=" (at column 15); write a CEL condition on request, response or connection attributes, e.g. response.code >= 400');
  });
});

describe('metrics', () => {
  test('providers, overrides (standard and custom metrics, modes, tags) and the reporting interval', () => {
    const chart = chartIn();
    new Telemetry(chart, 't', {
      metrics: {
        providers: ['prometheus'],
        reportingInterval: Duration.seconds(15),
        overrides: [
          { disabled: true, mode: TelemetryMode.CLIENT },
          {
            metric: IstioMetric.REQUEST_COUNT,
            tagOverrides: { request_host: TagOverride.upsert('request.host'), request_protocol: TagOverride.remove() },
          },
          { customMetric: 'checkout_latency', disabled: false },
        ],
      },
    });
    expect(only(synthValid(chart), 'Telemetry').spec.metrics).toEqual([{
      providers: [{ name: 'prometheus' }],
      overrides: [
        { match: { mode: 'CLIENT' }, disabled: true },
        { match: { metric: 'REQUEST_COUNT' }, tagOverrides: { request_host: { operation: 'UPSERT', value: 'request.host' }, request_protocol: { operation: 'REMOVE' } } },
        { match: { customMetric: 'checkout_latency' }, disabled: false },
      ],
      reportingInterval: '15s',
    }]);
  });

  test('disableMetrics() and addMetricsOverride() add to the one metrics entry, in order', () => {
    const chart = chartIn();
    Telemetry.forNamespace(chart, 't')
      .disableMetrics()
      .addMetricsOverride({ metric: IstioMetric.REQUEST_COUNT, mode: TelemetryMode.SERVER, disabled: false })
      .configureMetrics({ providers: ['prometheus'] })
      .disableMetrics({ metric: IstioMetric.TCP_SENT_BYTES });
    expect(only(synthValid(chart), 'Telemetry').spec.metrics).toEqual([{
      providers: [{ name: 'prometheus' }],
      overrides: [
        { disabled: true },
        { match: { metric: 'REQUEST_COUNT', mode: 'SERVER' }, disabled: false },
        { match: { metric: 'TCP_SENT_BYTES' }, disabled: true },
      ],
    }]);
  });

  test('other providers for the one metrics entry are refused: Istio keeps only the last entry\'s', () => {
    const t = Telemetry.forNamespace(chartIn(), 't').configureMetrics({ providers: ['prometheus'] });
    t.configureMetrics({ providers: ['prometheus'] });
    expect(() => t.configureMetrics({ providers: ['stackdriver'] })).toThrow(
      "[telemetry/t] 'metrics.providers' ([\"stackdriver\"]) conflicts with the providers set before (prometheus); "
      + 'list every metrics provider once: Istio applies only the providers of the last metrics entry');
  });

  test('the reporting interval is at least 1ms and set once', () => {
    expect(() => Telemetry.forNamespace(chartIn(), 't').configureMetrics({ reportingInterval: Duration.millis(0) }))
      .toThrow("[telemetry/t] 'metrics.reportingInterval' (0 millis) must be at least 1ms; give e.g. Duration.seconds(15)");
    const t = Telemetry.forNamespace(chartIn(), 't').configureMetrics({ reportingInterval: Duration.seconds(10) });
    expect(() => t.configureMetrics({ reportingInterval: Duration.seconds(20) }))
      .toThrow("'metrics.reportingInterval' (20 seconds) conflicts with the interval set before (10 seconds); set the reporting interval once");
  });

  test('an override that changes nothing is refused', () => {
    expect(() => Telemetry.forNamespace(chartIn(), 't').addMetricsOverride({ metric: IstioMetric.REQUEST_COUNT }))
      .toThrow("[telemetry/t] 'metrics.overrides[0]' ({\"metric\":\"REQUEST_COUNT\"}) changes nothing; set disabled, or give tagOverrides");
  });

  test('a standard and a custom metric together, or an empty custom metric, are refused', () => {
    const t = Telemetry.forNamespace(chartIn(), 't');
    expect(() => t.disableMetrics({ metric: IstioMetric.REQUEST_SIZE, customMetric: 'x' }))
      .toThrow("'metrics.overrides[0].customMetric' (x) cannot be set together with metric; select a standard metric or a custom one");
    expect(() => t.disableMetrics({ customMetric: '' })).toThrow("'metrics.overrides[0].customMetric' (\"\") must not be empty");
  });

  // mirrors TestValidateTelemetry "bad metrics operation", refused at construction; the value is
  // a CEL expression, checked as the webhook checks filters (Istio does not check it: the proxy would)
  test('tag overrides: a name, and an UPSERT value that is CEL', () => {
    const t = Telemetry.forNamespace(chartIn(), 't');
    expect(() => t.addMetricsOverride({ tagOverrides: { destination_zone: TagOverride.upsert('') } }))
      .toThrow("[telemetry/t] 'metrics.overrides[0].tagOverrides.destination_zone.value' (\"\") must not be empty; give a CEL expression over the request attributes");
    expect(() => t.addMetricsOverride({ tagOverrides: { destination_zone: TagOverride.upsert('upstream_peer.labels[zone') } }))
      .toThrow("'metrics.overrides[0].tagOverrides.destination_zone.value' (upstream_peer.labels[zone) must be a valid CEL expression: "
        + "unexpected end of the expression, expected ']' (at column 26)");
    expect(() => t.addMetricsOverride({ tagOverrides: { '': TagOverride.remove() } }))
      .toThrow("'metrics.overrides[0].tagOverrides' (\"\") must not have an override without a tag name");
  });

  test('an empty metrics provider name is refused', () => {
    expect(() => Telemetry.forNamespace(chartIn(), 't').configureMetrics({ providers: [''] })).toThrow("'metrics.providers[0]' (\"\") must name a provider");
  });
});

describe('the analyzer', () => {
  test('IST0160: two namespace-wide Telemetries in one namespace', () => {
    const app = Testing.app();
    const shop = new Chart(app, 'shop', { namespace: 'shop' });
    Telemetry.forNamespace(shop, 'a', { metadata: { name: 'tracing' } }).sampleTraces(1);
    Telemetry.forNamespace(shop, 'b', { metadata: { name: 'logging' } }).logAccess();
    expect(synthAppError(app)).toContain('IST0160');
  });

  test('IST0157 with the mesh config: logging that defers to mesh defaults the mesh config does not set', () => {
    const app = new App();
    new IstioAnalyzer(app, 'analysis', { meshConfig: { defaultProviders: { metrics: ['prometheus'] } } });
    const shop = new Chart(app, 'shop', { namespace: 'shop' });
    Telemetry.forNamespace(shop, 't').logAccess({ providers: [] });
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      synthAppValid(app);
      expect(warn.mock.calls.map((c) => String(c[0])).join('\n')).toContain('IST0157');
    } finally {
      warn.mockRestore();
    }
  });

  test('with its envoy default, logAccess() is not an IST0157 case', () => {
    const app = new App();
    new IstioAnalyzer(app, 'analysis', { meshConfig: {} });
    Telemetry.forNamespace(new Chart(app, 'shop', { namespace: 'shop' }), 't').logAccess();
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      synthAppValid(app);
      expect(warn.mock.calls.map((c) => String(c[0])).join('\n')).not.toContain('IST0157');
    } finally {
      warn.mockRestore();
    }
  });
});
