import { analyzeYaml, reported } from '../support/analyze-yaml';

const analyze = (...documents: string[]) => analyzeYaml(documents);

// CKI0007 (a Gateway API Gateway's certificate in another namespace needs a ReferenceGrant there)
// and CKI0006 (the Gateway API CRD schema and CEL rules), on hand-written YAML.

const gateway = (certificateRef: string, ns = 'edge') => `
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: { name: gw, namespace: ${ns} }
spec:
  gatewayClassName: istio
  listeners:
  - name: https
    port: 443
    protocol: HTTPS
    tls: { certificateRefs: [${certificateRef}] }`;

const grant = (from: string, to: string, ns = 'certs') => `
apiVersion: gateway.networking.k8s.io/v1
kind: ReferenceGrant
metadata: { name: grant, namespace: ${ns} }
spec:
  from: [${from}]
  to: [${to}]`;

const FROM_EDGE_GATEWAYS = '{ group: gateway.networking.k8s.io, kind: Gateway, namespace: edge }';

describe('CKI0007: a Gateway certificate in another namespace needs a ReferenceGrant', () => {
  test('reported on the Gateway, naming the ReferenceGrant to add', () => {
    const findings = analyze(gateway('{ name: shop-cert, namespace: certs }'));
    expect(reported(findings, 'CKI0007')).toEqual(['Error Gateway/edge/gw']);
    const message = findings.find((f) => f.code === 'CKI0007')!.message;
    expect(message).toContain('listener https refers to Secret certs/shop-cert in another namespace, and no ReferenceGrant in certs allows it');
    expect(message).toContain('add a ReferenceGrant in namespace certs from { group: gateway.networking.k8s.io, kind: Gateway, namespace: edge } '
      + 'to { group: "", kind: Secret, name: shop-cert }');
  });

  test.each([
    ['a grant for every Secret', grant(FROM_EDGE_GATEWAYS, '{ group: "", kind: Secret }')],
    ['a grant for that Secret', grant(FROM_EDGE_GATEWAYS, '{ group: "", kind: Secret, name: shop-cert }')],
  ])('not reported with %s', (_, g) => {
    expect(reported(analyze(gateway('{ name: shop-cert, namespace: certs }'), g), 'CKI0007')).toEqual([]);
  });

  test.each([
    ['in another namespace', grant(FROM_EDGE_GATEWAYS, '{ group: "", kind: Secret }', 'other')],
    ['for another Secret', grant(FROM_EDGE_GATEWAYS, '{ group: "", kind: Secret, name: other }')],
    ['from another namespace', grant('{ group: gateway.networking.k8s.io, kind: Gateway, namespace: other }', '{ group: "", kind: Secret }')],
    ['from routes', grant('{ group: gateway.networking.k8s.io, kind: HTTPRoute, namespace: edge }', '{ group: "", kind: Secret }')],
    ['to Services', grant(FROM_EDGE_GATEWAYS, '{ group: "", kind: Service }')],
  ])('reported with a grant %s', (_, g) => {
    expect(reported(analyze(gateway('{ name: shop-cert, namespace: certs }'), g), 'CKI0007')).toEqual(['Error Gateway/edge/gw']);
  });

  test.each([
    ['the Gateway\'s namespace', '{ name: shop-cert, namespace: edge }'],
    ['no namespace', '{ name: shop-cert }'],
    ['another kind', '{ name: shop-cert, namespace: certs, group: example.com, kind: Certificate }'],
  ])('not reported for a certificate in %s', (_, ref) => {
    expect(reported(analyze(gateway(ref)), 'CKI0007')).toEqual([]);
  });

  test('the Gateway\'s namespace defaults to the analysis default', () => {
    const findings = analyze(gateway('{ name: shop-cert, namespace: certs }').replace(', namespace: edge', ''));
    expect(reported(findings, 'CKI0007')).toEqual(['Error Gateway/default/gw']);
  });
});

describe('CKI0006: the Gateway API CRD schema and CEL rules', () => {
  test('a refused Gateway API object is reported as CKI0006, not IST0106 or CKI0003', () => {
    const findings = analyze(`
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: { name: gw, namespace: edge }
spec:
  gatewayClassName: istio
  listeners:
  - { name: tcp, port: 9000, protocol: TCP, hostname: a.example.com }`);
    expect(findings.map((f) => `${f.code} ${f.level}`)).toEqual(['CKI0006 Error']);
    expect(findings[0].message).toContain("breaks the rule \"hostname must not be specified for protocols ['TCP', 'UDP']\"");
  });

  test('schema defaults apply before the CEL rules (a route\'s parentRefs without group or kind)', () => {
    const findings = analyze(`
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: { name: r, namespace: edge }
spec:
  parentRefs: [{ name: gw }, { name: gw, namespace: other }]
  rules:
  - backendRefs: [{ name: s, port: 80 }]`);
    expect(reported(findings, 'CKI0006')).toEqual([]);
  });

  test('a refused object is left out of the cross-object checks', () => {
    const bad = gateway('{ name: shop-cert, namespace: certs }').replace('gatewayClassName: istio', 'gatewayClassName: ""');
    const findings = analyze(bad);
    expect(reported(findings, 'CKI0006')).toEqual(['Error Gateway/edge/gw']);
    expect(reported(findings, 'CKI0007')).toEqual([]);
  });
});
