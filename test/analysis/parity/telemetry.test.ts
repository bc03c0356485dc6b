import { analyze, messagesOf, reported } from './support';

// Parity with Istio 1.30.3's analyzer test grid for the telemetry analyzers
// (pkg/config/analysis/analyzers/analyzers_test.go), on inputs of our own.

/** A Telemetry with the given spec (YAML, indented by two). */
function telemetry(namespace: string, name: string, spec: string): string {
  return `apiVersion: telemetry.istio.io/v1
kind: Telemetry
metadata:
  name: ${name}
  namespace: ${namespace}
spec:
${spec}
---
`;
}

function pod(namespace: string, name: string, labels: Record<string, string>): string {
  return `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
  namespace: ${namespace}
  labels: ${JSON.stringify(labels)}
spec:
  containers:
  - name: app
    image: example/app:1
---
`;
}

const METRICS = '  metrics:\n  - providers:\n    - name: prometheus';
const selecting = (labels: Record<string, string>) => `  selector:\n    matchLabels: ${JSON.stringify(labels)}\n${METRICS}`;

/** The `istio` ConfigMap of the root namespace with a mesh config. */
function meshConfigMap(mesh: string, namespace = 'istio-system'): string {
  return `apiVersion: v1
kind: ConfigMap
metadata:
  name: istio
  namespace: ${namespace}
data:
  mesh: |
${mesh.split('\n').map((l) => `    ${l}`).join('\n')}
---
`;
}

const LIGHTSTEP_MESH = `extensionProviders:
- name: ls-tracing
  lightstep:
    service: collector.tracing.svc.cluster.local
    port: 8443
    accessToken: not-a-secret`;

describe('telemetry.ProviderAnalyzer', () => {
  const unnamedLogging = telemetry('istio-system', 'mesh-default', `  accessLogging:
  - providers:
    - name: envoy
  - filter:
      expression: response.code >= 500`);

  // Istio's case runs with the default mesh config, which sets no default access logging
  // provider. Without a known mesh config this port does not report (the cluster's may set
  // one), so the case is mirrored with a mesh config given: in the settings, or as the `istio`
  // ConfigMap of the root namespace.
  test('mirrors "Analyze invalid telemetry" (telemetry.ProviderAnalyzer)', () => {
    const findings = analyze(unnamedLogging, { meshConfig: { trustDomain: 'cluster.local' } });
    expect(reported(findings, 'IST0157')).toEqual([['IST0157', 'Telemetry istio-system/mesh-default']]);
    expect(findings.find((f) => f.code === 'IST0157')!.level).toBe('Warning');
    expect(messagesOf(findings, 'IST0157')[0]).toMatch(/^The Telemetry mesh-default in namespace "istio-system" with empty providers will be ignored; /);
    expect(reported(analyze(unnamedLogging + meshConfigMap('accessLogFile: /dev/stdout')), 'IST0157'))
      .toEqual([['IST0157', 'Telemetry istio-system/mesh-default']]);
  });

  test('mirrors "Analyze invalid telemetry" (telemetry.ProviderAnalyzer), with the disabled entry', () => {
    const findings = analyze(
      telemetry('istio-system', 'mesh-default', '  accessLogging:\n  - providers:\n    - name: envoy')
      + telemetry('foo', 'mesh-default', '  accessLogging:\n  - disabled: true'),
      { meshConfig: {} },
    );
    expect(reported(findings, 'IST0157')).toEqual([]);
  });

  test('not reported when the mesh config is unknown, or sets a default access logging provider', () => {
    expect(reported(analyze(unnamedLogging), 'IST0157')).toEqual([]);
    const defaults = 'defaultProviders:\n  accessLogging:\n  - envoy';
    expect(reported(analyze(unnamedLogging + meshConfigMap(defaults)), 'IST0157')).toEqual([]);
    expect(reported(analyze(unnamedLogging, { meshConfig: { defaultProviders: { accessLogging: ['envoy'] } } }), 'IST0157')).toEqual([]);
    // The settings' mesh config comes first.
    expect(reported(analyze(unnamedLogging + meshConfigMap('{}'), { meshConfig: { defaultProviders: { accessLogging: ['envoy'] } } }), 'IST0157'))
      .toEqual([]);
    // An `istio` ConfigMap outside the root namespace, or an unreadable one, is not the mesh config.
    expect(reported(analyze(unnamedLogging + meshConfigMap('{}', 'default')), 'IST0157')).toEqual([]);
    expect(reported(analyze(unnamedLogging + meshConfigMap('[not: a mapping')), 'IST0157')).toEqual([]);
  });
});

describe('telemetry.LightstepAnalyzer', () => {
  const tracingToLightstep = telemetry('istio-system', 'mesh-default', '  tracing:\n  - providers:\n    - name: ls-tracing');

  test('mirrors "Telemetry Lightstep" (telemetry.LightstepAnalyzer)', () => {
    const findings = analyze(tracingToLightstep + meshConfigMap(LIGHTSTEP_MESH));
    expect(reported(findings, 'IST0002')).toEqual([['IST0002', 'Telemetry istio-system/mesh-default']]);
    expect(findings.find((f) => f.code === 'IST0002')!.level).toBe('Warning');
    expect(messagesOf(findings, 'IST0002')[0])
      .toMatch(/^Deprecated: The Lightstep provider ls-tracing is deprecated, please migrate to OpenTelemetry provider; /);
    const mesh = { extensionProviders: [{ name: 'ls-tracing', lightstep: { service: 'collector', port: 8443 } }] };
    expect(reported(analyze(tracingToLightstep, { meshConfig: mesh }), 'IST0002')).toEqual([['IST0002', 'Telemetry istio-system/mesh-default']]);
  });

  test('not reported for other providers, or without a known mesh config', () => {
    expect(reported(analyze(tracingToLightstep), 'IST0002')).toEqual([]);
    const otel = 'extensionProviders:\n- name: ls-tracing\n  opentelemetry:\n    service: otel.tracing.svc.cluster.local\n    port: 4317';
    expect(reported(analyze(tracingToLightstep + meshConfigMap(otel)), 'IST0002')).toEqual([]);
    const metricsOnly = telemetry('istio-system', 'mesh-default', '  metrics:\n  - providers:\n    - name: ls-tracing');
    expect(reported(analyze(metricsOnly + meshConfigMap(LIGHTSTEP_MESH)), 'IST0002')).toEqual([]);
  });
});

describe('telemetry.SelectorAnalyzer', () => {
  test('mirrors "telemetrySelector" (telemetry.SelectorAnalyzer)', () => {
    const findings = analyze(
      pod('default', 'frontend', { app: 'frontend' })
      + pod('other', 'frontend-other', { app: 'frontend' })
      + pod('default', 'cart', { app: 'cart' })
      + pod('default', 'billing', { app: 'billing', tier: 'payments' })
      + telemetry('default', 'maps-correctly-no-conflicts', selecting({ app: 'frontend' }))
      + telemetry('default', 'maps-to-nonexistent', selecting({ app: 'nothing-has-this' }))
      // cart runs in default only.
      + telemetry('other', 'maps-to-different-ns', selecting({ app: 'cart' }))
      + telemetry('default', 'dupe-1', selecting({ app: 'cart' }))
      + telemetry('default', 'dupe-2', selecting({ app: 'cart' }))
      + telemetry('default', 'overlap-1', selecting({ app: 'billing' }))
      + telemetry('default', 'overlap-2', selecting({ tier: 'payments' })),
    );
    expect(reported(findings, 'IST0101', 'IST0159')).toEqual([
      ['IST0101', 'Telemetry default/maps-to-nonexistent'],
      ['IST0101', 'Telemetry other/maps-to-different-ns'],
      ['IST0159', 'Telemetry default/dupe-1'],
      ['IST0159', 'Telemetry default/dupe-2'],
      ['IST0159', 'Telemetry default/overlap-1'],
      ['IST0159', 'Telemetry default/overlap-2'],
    ]);
    expect(findings.filter((f) => f.code === 'IST0101' || f.code === 'IST0159').every((f) => f.level === 'Error')).toBe(true);
    expect(findings.find((f) => f.code === 'IST0101' && f.name === 'maps-to-different-ns')!.message)
      .toMatch(/^Referenced selector not found: "app=cart"; /);
    expect(findings.find((f) => f.code === 'IST0159' && f.name === 'overlap-2')!.message)
      .toMatch(/^The Telemetries \[overlap-1 overlap-2\] in namespace "default" select the same workload pod "billing", which can lead to undefined behavior; /);
  });

  test('reads the pod templates of Deployments, and skips namespaces where the app defines no workloads', () => {
    const deployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: cart
  namespace: shop
spec:
  selector:
    matchLabels: {app: cart}
  template:
    metadata:
      labels: {app: cart, version: v1}
    spec:
      containers:
      - name: cart
        image: example/cart:1
---
`;
    const findings = analyze(deployment
      + telemetry('shop', 'cart', selecting({ app: 'cart' }))
      + telemetry('shop', 'cart-v1', selecting({ app: 'cart', version: 'v1' }))
      + telemetry('shop', 'typo', selecting({ app: 'crat' }))
      // Pods of istio-system (the gateways) are deployed by Istio, not by the app.
      + telemetry('istio-system', 'ingress', selecting({ istio: 'ingressgateway' }))
      // Selectors without labels are not checked, as in Istio.
      + telemetry('shop', 'empty-selector', `  selector: {}\n${METRICS}`));
    expect(reported(findings, 'IST0101', 'IST0159')).toEqual([
      ['IST0101', 'Telemetry shop/typo'],
      ['IST0159', 'Telemetry shop/cart'],
      ['IST0159', 'Telemetry shop/cart-v1'],
    ]);
    expect(messagesOf(findings, 'IST0159')[0]).toContain('select the same workload pod "cart"');
    expect(messagesOf(findings, 'IST0159')[0]).toContain('the pods of Deployment cart');
  });

  test('Telemetries that each select their own workloads are not reported', () => {
    const findings = analyze(
      pod('default', 'frontend', { app: 'frontend' })
      + pod('default', 'cart', { app: 'cart' })
      + telemetry('default', 'frontend', selecting({ app: 'frontend' }))
      + telemetry('default', 'cart', selecting({ app: 'cart' }))
      + telemetry('default', 'namespace-wide', METRICS),
    );
    expect(reported(findings, 'IST0101', 'IST0159', 'IST0160')).toEqual([]);
  });
});

describe('telemetry.DefaultSelectorAnalyzer', () => {
  test('mirrors "telemetryDefaultSelector" (telemetry.DefaultSelectorAnalyzer)', () => {
    const findings = analyze(
      telemetry('ns1', 'no-selector', METRICS)
      + telemetry('ns1', 'has-selector', selecting({ app: 'web' }))
      + telemetry('ns2', 'has-conflict-1', `${METRICS}\n    overrides:\n    - match: {metric: REQUEST_COUNT, mode: CLIENT}\n      disabled: true`)
      + telemetry('ns2', 'has-conflict-2', `${METRICS}\n    overrides:\n    - match: {metric: REQUEST_COUNT, mode: SERVER}\n      disabled: true`),
    );
    expect(reported(findings, 'IST0160')).toEqual([
      ['IST0160', 'Telemetry ns2/has-conflict-1'],
      ['IST0160', 'Telemetry ns2/has-conflict-2'],
    ]);
    expect(findings.find((f) => f.code === 'IST0160')!.level).toBe('Error');
    expect(messagesOf(findings, 'IST0160')[0])
      .toMatch(/^The Telemetries \[has-conflict-1 has-conflict-2\] in namespace "ns2" have no workload selector, which can lead to undefined behavior; /);
  });

  test('Telemetries attached by targetRefs are not namespace-wide, and a Telemetry of another group is not counted', () => {
    const findings = analyze(
      telemetry('shop', 'namespace-wide', METRICS)
      + telemetry('shop', 'gateway', `  targetRefs:\n  - group: gateway.networking.k8s.io\n    kind: Gateway\n    name: shop-gateway\n${METRICS}`)
      + `apiVersion: example.com/v1
kind: Telemetry
metadata:
  name: lookalike
  namespace: shop
spec: {}
`,
    );
    expect(reported(findings, 'IST0160')).toEqual([]);
  });
});
