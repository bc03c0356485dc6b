import { analyze as analyzeYaml, messagesOf, reported } from './support';

// Parity with Istio 1.30.3's analyzer test grid for service.PortNameAnalyzer (IST0118, IST0150)
// (pkg/config/analysis/analyzers/analyzers_test.go), on inputs of our own.

/** Analyzes, checking first that the API server would accept every input (a refused object is left out of the checks). */
function analyze(yaml: string) {
  const findings = analyzeYaml(yaml);
  expect(reported(findings, 'CKI0003', 'IST0106')).toEqual([]);
  return findings;
}

const CODES = ['IST0118', 'IST0150'];

interface ServiceOptions {
  readonly labels?: Record<string, string>;
  readonly externalName?: boolean;
}

/** A Service with ports written as YAML flow mappings. */
function service(ns: string, name: string, ports: string[], o: ServiceOptions = {}): string {
  return `apiVersion: v1
kind: Service
metadata: { name: ${name}, namespace: ${ns}, labels: ${JSON.stringify(o.labels ?? {})} }
spec:
${o.externalName ? '  type: ExternalName\n  externalName: api.example.com\n' : `  selector: { app: ${name} }\n`}  ports:
${ports.map((p) => `  - ${p}`).join('\n')}
---
`;
}

describe('service.PortNameAnalyzer', () => {
  test('mirrors "portNameNotFollowConvention" (PortNameAnalyzer)', () => {
    // Istio's first Service has two unnamed ports; the API server requires names when there are
    // several, so here they are named without a protocol, and the single unnamed port is the second's.
    const findings = analyze([
      service('team-1', 'orders', ['{ name: web, port: 8080, targetPort: 8080 }', '{ name: admin, port: 8081, targetPort: 9081 }']),
      service('team-2', 'stock', ['{ port: 8080, targetPort: 8080 }']),
    ].join(''));
    expect(reported(findings, ...CODES)).toEqual([
      ['IST0118', 'Service team-1/orders'],
      ['IST0118', 'Service team-1/orders'],
      ['IST0118', 'Service team-2/stock'],
    ]);
    expect(messagesOf(findings, 'IST0118')).toEqual([
      'Port name web (port: 8080, targetPort: 8080) doesn\'t follow the naming convention of Istio port; Istio falls back to protocol detection for it: '
        + 'name it "<protocol>[-<suffix>]" (e.g. "http-web") or set appProtocol',
      expect.stringMatching(/^Port name admin \(port: 8081, targetPort: 9081\) doesn't follow/),
      expect.stringMatching(/^Port name {2}\(port: 8080, targetPort: 8080\) doesn't follow/),
    ]);
  });

  test('mirrors "namedPort" (PortNameAnalyzer)', () => {
    const findings = analyze([
      service('team', 'orders', ['{ name: tcp-orders, port: 8080, targetPort: 8080 }']),
      // Services Istio deploys for a waypoint and a gateway: skipped whatever their ports.
      service('ambient', 'orders-waypoint', ['{ name: status-port, port: 15021, appProtocol: tcp }', '{ name: mesh, port: 15008, appProtocol: hbone }'],
        { labels: { 'gateway.istio.io/managed': 'istio.io-mesh-controller' } }),
      service('ingress', 'edge-istio', ['{ name: status-port, port: 15021, appProtocol: tcp }', '{ name: default, port: 80, appProtocol: http }'],
        { labels: { 'gateway.istio.io/managed': 'istio.io-gateway-controller' } }),
      service('ingress', 'east-west', ['{ name: tunnel, port: 15008 }'], { labels: { 'gateway.istio.io/managed': 'istio.io-eastwest-controller' } }),
    ].join(''));
    expect(reported(findings, ...CODES)).toEqual([]);
  });

  test('mirrors "unnamedPortInSystemNamespace" (PortNameAnalyzer)', () => {
    const findings = analyze([
      service('kube-system', 'metrics', ['{ name: one, port: 8080 }', '{ name: two, port: 8081 }']), // ignored namespace
      service('istio-system', 'labelled', ['{ name: foo, port: 8080 }'], { labels: { istio: 'whatever' } }), // control plane
      service('kube-public', 'info', ['{ name: bar, port: 8080 }']), // ignored namespace
      service('istio-system', 'released', ['{ name: foo, port: 8080 }'], { labels: { release: 'istio' } }), // control plane
    ].join(''));
    expect(reported(findings, ...CODES)).toEqual([]);
  });

  test('mirrors "ExternalNameServiceTypeInvalidPortName" (PortNameAnalyzer)', () => {
    const findings = analyze([
      service('ext-1', 'api', ['{ name: api, port: 443, targetPort: 443 }'], { externalName: true }),
      service('ext-2', 'api-unnamed', ['{ port: 443, targetPort: 443 }'], { externalName: true }),
      service('ext-3', 'api-tcp', ['{ name: tcp, port: 443, targetPort: 443 }'], { externalName: true }),
    ].join(''));
    expect(reported(findings, ...CODES)).toEqual([
      ['IST0150', 'Service ext-1/api'],
      ['IST0150', 'Service ext-2/api-unnamed'],
      ['IST0150', 'Service ext-3/api-tcp'],
    ]);
    expect(messagesOf(findings, 'IST0150')[2]).toBe('Port name for ExternalName service is invalid. Proxy may prevent tcp named ports and unmatched traffic '
      + 'for ports serving TCP protocol from being forwarded correctly (port 443 "tcp"); name it after its protocol (e.g. "https" or "http"), not "tcp"');
  });

  test('mirrors "ExternalNameServiceTypeValidPortName" (PortNameAnalyzer)', () => {
    const findings = analyze(service('ext-4', 'api', ['{ name: https, port: 443, targetPort: 443 }'], { externalName: true }));
    expect(reported(findings, ...CODES)).toEqual([]);
  });

  test('protocols Istio reads from names: the prefix before "-", grpc-web whole, UDP by protocol, well-known ports as TCP', () => {
    const good = ['http', 'http-web', 'http2-x', 'https-x', 'grpc', 'grpc-web', 'grpc-webx', 'http_proxy', 'tcp', 'tls-x', 'udp-x', 'mongo', 'redis-x', 'mysql']
      .map((name, i) => `{ name: ${name}, port: ${9000 + i} }`);
    const findings = analyze([
      service('shop', 'good', good),
      service('shop', 'udp', ['{ name: stats, port: 8125, protocol: UDP }']),
      service('shop', 'well-known', ['{ name: smtp, port: 25 }', '{ name: dns, port: 53 }', '{ name: db, port: 3306 }', '{ name: docs, port: 27017 }']),
      service('shop', 'bad', ['{ name: httpx, port: 8080 }', '{ name: web-http, port: 8081 }', '{ name: db, port: 5432, targetPort: postgres }']),
    ].join(''));
    expect(reported(findings, ...CODES)).toEqual([['IST0118', 'Service shop/bad'], ['IST0118', 'Service shop/bad'], ['IST0118', 'Service shop/bad']]);
    expect(messagesOf(findings, 'IST0118')[2]).toMatch(/^Port name db \(port: 5432, targetPort: postgres\)/);
  });

  test('appProtocol, when set, is read instead of the name (Kubernetes\' own values too, case ignored)', () => {
    const findings = analyze([
      service('shop', 'good', ['{ name: web, port: 80, appProtocol: http }', '{ name: a, port: 81, appProtocol: HTTP }', '{ name: b, port: 82, appProtocol: kubernetes.io/h2c }',
        '{ name: c, port: 83, appProtocol: kubernetes.io/ws }', '{ name: d, port: 84, appProtocol: kubernetes.io/wss }', '{ name: e, port: 85, appProtocol: grpc-web }']),
      service('shop', 'bad', ['{ name: http, port: 80, appProtocol: example.com/custom }']),
    ].join(''));
    expect(reported(findings, ...CODES)).toEqual([['IST0118', 'Service shop/bad']]);
  });

  test('ExternalName: a UDP port is fine, unless named "tcp"', () => {
    const findings = analyze([
      service('ext', 'dns', ['{ name: lookup, port: 53, protocol: UDP }'], { externalName: true }),
      service('ext', 'odd', ['{ name: tcp, port: 5353, protocol: UDP }'], { externalName: true }),
    ].join(''));
    expect(reported(findings, ...CODES)).toEqual([['IST0150', 'Service ext/odd']]);
  });
});
