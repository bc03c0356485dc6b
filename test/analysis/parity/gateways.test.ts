import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { analyze, messagesOf, reported } from './support';
import { runCli } from '../../../src/cli/run';

/*
 * Istio 1.30.3's gateway analyzers (pkg/config/analysis/analyzers/gateway), each case of its
 * analyzers_test.go grid mirrored with inputs of our own.
 *
 * `istioctl analyze` on files adds a default ingress gateway (a pod labelled
 * istio=ingressgateway in istio-system and its Service, ports 80, 443, 31400 and 15443) to what
 * it reads; Istio's cases rely on it. This analyzer assumes no workload the objects do not
 * define, so the inputs below define that gateway (DEFAULT_INGRESS) where Istio's case relies on
 * it.
 */

const DEFAULT_INGRESS = `
apiVersion: v1
kind: Pod
metadata: { name: istio-ingressgateway-0, namespace: istio-system, labels: { istio: ingressgateway } }
spec: { containers: [{ name: istio-proxy, image: proxyv2 }] }
---
apiVersion: v1
kind: Service
metadata: { name: istio-ingressgateway, namespace: istio-system }
spec:
  selector: { istio: ingressgateway }
  ports:
    - { name: http2, port: 80, targetPort: 80, protocol: TCP }
    - { name: https, port: 443, targetPort: 443, protocol: TCP }
    - { name: tcp, port: 31400, targetPort: 31400, protocol: TCP }
    - { name: tls, port: 15443, targetPort: 15443, protocol: TCP }`;

function gateway(name: string, selector: string, servers: string, namespace = 'default'): string {
  return `
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: { name: ${name}, namespace: ${namespace} }
spec:
  selector: { ${selector} }
  servers:
${servers}`;
}

const http = (port: number, hosts = '"*"', extra = '') => `    - port: { number: ${port}, name: http-${port}, protocol: HTTP }\n      hosts: [${hosts}]\n${extra}`;
const tcp = (port: number, hosts: string) => `    - port: { number: ${port}, name: tcp-${port}, protocol: TCP }\n      hosts: [${hosts}]\n`;
const https = (name: string, hosts = '"shop.example.com"') => `    - port: { number: 443, name: https, protocol: HTTPS }
      hosts: [${hosts}]
      tls: { mode: SIMPLE, credentialName: ${name} }
`;

const pod = (name: string, labels: string, namespace = 'default') => `
apiVersion: v1
kind: Pod
metadata: { name: ${name}, namespace: ${namespace}, labels: { ${labels} } }
spec: { containers: [{ name: istio-proxy, image: proxyv2, ports: [{ name: https, containerPort: 8443 }] }] }`;

const service = (name: string, selector: string, ports: string, namespace = 'default') => `
apiVersion: v1
kind: Service
metadata: { name: ${name}, namespace: ${namespace} }
spec:
  selector: { ${selector} }
  ports: [${ports}]`;

const docs = (...parts: string[]) => parts.join('\n---');

describe('gateway.IngressGatewayPortAnalyzer: IST0162 GatewayPortNotDefinedOnService (and IST0101 for the selector)', () => {
  const codes = ['IST0162', 'IST0101'];

  test('mirrors "gatewayNoWorkload" (gateway.IngressGatewayPortAnalyzer)', () => {
    // Istio's Gateway has no servers, which admission refuses; ours has one.
    const findings = analyze(docs(DEFAULT_INGRESS, gateway('httpbin-gateway', 'istio: ingresstypo', http(80))));
    expect(reported(findings, ...codes)).toEqual([['IST0101', 'Gateway default/httpbin-gateway']]);
    expect(messagesOf(findings, 'IST0101')[0]).toContain('Referenced selector not found: "istio=ingresstypo"');
  });

  test('mirrors "gatewayBadPort" (gateway.IngressGatewayPortAnalyzer)', () => {
    const findings = analyze(docs(DEFAULT_INGRESS, gateway('httpbin-gateway', 'istio: ingressgateway', http(80) + http(8004))));
    expect(reported(findings, ...codes)).toEqual([['IST0162', 'Gateway default/httpbin-gateway']]);
    expect(messagesOf(findings, 'IST0162')[0]).toContain('The gateway is listening on a target port (port 8004) that is not defined in the Service associated '
      + 'with its workload instances (Pod selector istio=ingressgateway). If you need to access the gateway port through the gateway Service, it will not be available');
    expect(messagesOf(findings, 'IST0162')[0]).toContain('[80, 443, 15443, 31400]');
  });

  test('mirrors "gatewayCorrectPort" (gateway.IngressGatewayPortAnalyzer)', () => {
    const findings = analyze(docs(DEFAULT_INGRESS, gateway('httpbin-gateway', 'istio: ingressgateway', http(80))));
    expect(reported(findings, ...codes)).toEqual([]);
  });

  const custom = (port: number, servicePort: string) => docs(DEFAULT_INGRESS,
    gateway('httpbin-gateway', 'myapp: private-ingressgateway', http(port)),
    pod('my-ingressgateway-1234', 'myapp: private-ingressgateway'),
    service('my-ingressgateway', 'myapp: private-ingressgateway', servicePort));

  test('mirrors "gatewayCustomIngressGateway" (gateway.IngressGatewayPortAnalyzer)', () => {
    expect(reported(analyze(custom(8003, '{ name: http2, port: 80, targetPort: 8003, protocol: TCP }')), ...codes)).toEqual([]);
  });

  test('mirrors "gatewayCustomIngressGatewayBadPort" (gateway.IngressGatewayPortAnalyzer)', () => {
    const findings = analyze(custom(8004, '{ name: http2, port: 80, targetPort: 8003, protocol: TCP }'));
    expect(reported(findings, ...codes)).toEqual([['IST0162', 'Gateway default/httpbin-gateway']]);
    expect(messagesOf(findings, 'IST0162')[0]).toContain('(port 8004)');
  });

  test('mirrors "gatewayCustomIngressGatewayBadPortWithoutTarget" (gateway.IngressGatewayPortAnalyzer)', () => {
    expect(reported(analyze(custom(8004, '{ name: http2, port: 80, protocol: TCP }')), ...codes)).toEqual([['IST0162', 'Gateway default/httpbin-gateway']]);
  });

  test('mirrors "gatewayCustomIngressGatewayTranslation" (gateway.IngressGatewayPortAnalyzer)', () => {
    // The Gateway listens on the Service port (80), which the Service translates to 8003.
    expect(reported(analyze(custom(80, '{ name: http2, port: 80, targetPort: 8003, protocol: TCP }')), ...codes)).toEqual([]);
  });

  test('mirrors "gatewayServiceMatchPod" (gateway.IngressGatewayPortAnalyzer)', () => {
    // Only the Services that select the Gateway's own pods count: my-8002 selects other pods.
    const findings = analyze(docs(DEFAULT_INGRESS,
      gateway('httpbin8001-gateway', 'myapp: ingressgateway-8001', http(8001)),
      gateway('httpbin8002-gateway', 'myapp: ingressgateway-8001', http(8002)),
      pod('my-ingressgateway-8001', 'myapp: ingressgateway-8001'),
      pod('my-ingressgateway-8002', 'myapp: ingressgateway-8002'),
      service('my-8002', 'myapp: ingressgateway-8002', '{ name: http2, port: 8002, targetPort: 80, protocol: TCP }'),
      service('my-8001', 'myapp: ingressgateway-8001', '{ name: http2, port: 8001, protocol: TCP }')));
    expect(reported(findings, ...codes)).toEqual([['IST0162', 'Gateway default/httpbin8002-gateway']]);
  });

  test('not reported when the objects do not prove it: no gateway workload, or no Service for it, among them', () => {
    // The gateway workload (and its Service) installed outside the app.
    expect(analyze(gateway('public', 'istio: ingressgateway', http(8004)))).toEqual([]);
    // A workload without a Service in the objects: the Service is defined elsewhere.
    expect(analyze(docs(pod('gw-0', 'istio: edge'), gateway('public', 'istio: edge', http(8004))))).toEqual([]);
  });

  test('a Service port without protocol is TCP, a named target port is the container port, and UDP ports do not count', () => {
    const yaml = (port: number) => docs(pod('gw-0', 'istio: edge'), gateway('public', 'istio: edge', http(port)),
      service('edge', 'istio: edge', '{ name: https, port: 443, targetPort: https }, { name: dns, port: 53, protocol: UDP }'));
    expect(reported(analyze(yaml(443)), 'IST0162')).toEqual([]);
    expect(reported(analyze(yaml(8443)), 'IST0162')).toEqual([]);
    expect(reported(analyze(yaml(53)), 'IST0162')).toEqual([['IST0162', 'Gateway default/public']]);
  });

  test('a pod template of a Deployment is a gateway workload too', () => {
    const deployment = `
apiVersion: apps/v1
kind: Deployment
metadata: { name: edge, namespace: edge }
spec:
  selector: { matchLabels: { istio: edge } }
  template:
    metadata: { labels: { istio: edge } }
    spec: { containers: [{ name: istio-proxy, image: proxyv2 }] }`;
    const findings = analyze(docs(deployment, service('edge', 'istio: edge', '{ name: http, port: 80, targetPort: 8080 }', 'edge'),
      gateway('public', 'istio: edge', http(80) + http(8080) + http(9090), 'shop')));
    expect(reported(findings, 'IST0162')).toEqual([['IST0162', 'Gateway shop/public']]);
    expect(messagesOf(findings, 'IST0162')[0]).toContain('(port 9090)');
  });
});

/** A self-signed certificate valid from 2000 to 2099 (no key: Istio checks the certificate only). */
const VALID_CERT = `-----BEGIN CERTIFICATE-----
MIIBHzCBxgIBAjAKBggqhkjOPQQDAjAbMRkwFwYDVQQDDBBzaG9wLmV4YW1wbGUu
Y29tMCAXDTAwMDEwMTAwMDAwMFoYDzIwOTkxMjMxMDAwMDAwWjAbMRkwFwYDVQQD
DBBzaG9wLmV4YW1wbGUuY29tMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE8Wi8
ACSL4InitRxsGcX/CP1nvD646Sv25NQlSzPQOWLiuJ+f+WXrHmCLg6oAMZSoTbeh
GM9+OqRbhjKjsxlQrTAKBggqhkjOPQQDAgNIADBFAiA5KK8S+5UmBgPbVDZOxLfP
rQZGI2ETpfon+V8jfpacKAIhAKhiM0pYKmAK2KttkGEOGUPuwK08Hu+GoKtAUrok
IN2q
-----END CERTIFICATE-----
`;

/** A self-signed certificate valid on 1 January 2020 only. */
const EXPIRED_CERT = `-----BEGIN CERTIFICATE-----
MIIBGzCBwgIBATAKBggqhkjOPQQDAjAaMRgwFgYDVQQDDA9vbGQuZXhhbXBsZS5j
b20wHhcNMjAwMTAxMDAwMDAwWhcNMjAwMTAyMDAwMDAwWjAaMRgwFgYDVQQDDA9v
bGQuZXhhbXBsZS5jb20wWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAATxaLwAJIvg
ieK1HGwZxf8I/We8PrjpK/bk1CVLM9A5YuK4n5/5ZeseYIuDqgAxlKhNt6EYz346
pFuGMqOzGVCtMAoGCCqGSM49BAMCA0gAMEUCIQCBRja8TKZ3n3dmhzy0sYz8OPMi
q9Ja0AxABsHlCsM+cAIgEbTfd1SXWEdnGw2gMNKNImAAa9JJHpt5lP6SrJcKCno=
-----END CERTIFICATE-----
`;

const b64 = (text: string) => Buffer.from(text).toString('base64');

function secret(name: string, data: { [key: string]: string }, namespace = 'istio-system', type = 'Opaque'): string {
  const entries = Object.entries(data).map(([k, v]) => `"${k}": ${b64(v)}`).join(', ');
  return `
apiVersion: v1
kind: Secret
metadata: { name: ${name}, namespace: ${namespace} }
type: ${type}
data: { ${entries} }`;
}

describe('gateway.SecretAnalyzer: IST0101 (credentialName, selector) and IST0161 InvalidGatewayCredential', () => {
  const codes = ['IST0101', 'IST0161'];

  test('mirrors "gatewaySecret" (gateway.SecretAnalyzer)', () => {
    // Istio names one Gateway defaultgateway-bogusCredentialName, which the API server refuses
    // (upper case); ours is lower case.
    const findings = analyze(docs(DEFAULT_INGRESS,
      secret('httpbin-credential', { 'tls.crt': VALID_CERT, 'tls.key': 'key' }),
      pod('custom-gateway', 'myapp: custom-gateway'),
      gateway('defaultgateway-noerrors', 'istio: ingressgateway', https('httpbin-credential')),
      gateway('defaultgateway-boguscredentialname', 'istio: ingressgateway', https('httpbin-credential-bogus')),
      gateway('customgateway-wrongnamespace', 'istio: custom-gateway', https('httpbin-credential')),
      gateway('bogusgateway', 'istio: custom-gateway', https('httpbin-credential')),
      gateway('defaultgateway-nocredential', 'istio: ingressgateway',
        '    - port: { number: 443, name: https, protocol: HTTPS }\n      hosts: ["shop.example.com"]\n      tls: { mode: SIMPLE, serverCertificate: /c.pem, privateKey: /k.pem }\n')));
    expect(reported(findings, ...codes)).toEqual([
      ['IST0101', 'Gateway default/bogusgateway'],
      ['IST0101', 'Gateway default/customgateway-wrongnamespace'],
      ['IST0101', 'Gateway default/defaultgateway-boguscredentialname'],
    ]);
    expect(messagesOf(findings, 'IST0101')).toContainEqual(expect.stringContaining('Referenced credentialName not found: "httpbin-credential-bogus" '
      + '(spec.servers[0].tls.credentialName: the gateway workload Pod istio-system/istio-ingressgateway-0 reads Secret httpbin-credential-bogus from namespace istio-system)'));
  });

  test('mirrors "gatewaySecretValidations" (gateway.SecretAnalyzer)', () => {
    // Istio's malformed Secrets are partly of type kubernetes.io/tls without tls.crt, which the
    // API server refuses; ours are Opaque, and hold the same kinds of wrong content.
    const findings = analyze(docs(DEFAULT_INGRESS,
      secret('invalid-key', { cert: 'not a certificate', key: 'not a key' }),
      gateway('defaultgateway-invalid-keys', 'istio: ingressgateway', https('invalid-key')),
      secret('missing-key', { 'tls.cert': 'not a certificate' }),
      gateway('defaultgateway-missing-keys', 'istio: ingressgateway', https('missing-key')),
      secret('invalid-cert', { 'tls.crt': '-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n', 'tls.key': 'key' }),
      gateway('defaultgateway-invalid-cert', 'istio: ingressgateway', https('invalid-cert')),
      secret('expired-secret', { 'tls.crt': EXPIRED_CERT, 'tls.key': 'key' }, 'istio-system', 'kubernetes.io/tls'),
      gateway('defaultgateway-expired', 'istio: ingressgateway', https('expired-secret')),
      secret('valid-secret', { 'tls.crt': VALID_CERT, 'tls.key': 'key' }, 'istio-system', 'kubernetes.io/tls'),
      gateway('defaultgateway-valid', 'istio: ingressgateway', https('valid-secret'))));
    expect(reported(findings, ...codes)).toEqual([
      ['IST0161', 'Gateway default/defaultgateway-expired'],
      ['IST0161', 'Gateway default/defaultgateway-invalid-cert'],
      ['IST0161', 'Gateway default/defaultgateway-invalid-keys'],
      ['IST0161', 'Gateway default/defaultgateway-missing-keys'],
    ]);
    const messages = messagesOf(findings, 'IST0161');
    expect(messages).toContainEqual(expect.stringContaining('The credential referenced by the Gateway defaultgateway-expired in namespace istio-system is invalid, '
      + 'which can cause the traffic not to work as expected (spec.servers[0].tls.credentialName: Secret istio-system/expired-secret: its certificate is expired or not yet valid'));
    expect(messages).toContainEqual(expect.stringContaining('found tls.cert'));
    expect(messages).toContainEqual(expect.stringContaining('its certificate is not PEM encoded'));
    expect(messages).toContainEqual(expect.stringContaining('its certificate is not an X.509 certificate'));
  });

  test('the Secret is read from the gateway workload\'s namespace, not the Gateway\'s; stringData counts', () => {
    const findings = analyze(docs(pod('edge-0', 'istio: edge', 'edge'),
      `
apiVersion: v1
kind: Secret
metadata: { name: shop-cert, namespace: edge }
stringData: { tls.crt: "${VALID_CERT.replace(/\n/g, '\\n')}", tls.key: key }`,
      gateway('public', 'istio: edge', https('shop-cert'), 'shop')));
    expect(findings).toEqual([]);
  });

  test('a Secret of that name in another namespace: reported, with where it is', () => {
    const findings = analyze(docs(pod('edge-0', 'istio: edge', 'edge'), secret('shop-cert', { 'tls.crt': VALID_CERT, 'tls.key': 'k' }, 'shop'),
      gateway('public', 'istio: edge', https('shop-cert'), 'shop')));
    expect(reported(findings, ...codes)).toEqual([['IST0101', 'Gateway shop/public']]);
    expect(messagesOf(findings, 'IST0101')[0]).toContain('reads Secret shop-cert from namespace edge; a Secret of that name is in namespace shop); '
      + 'create the Secret in namespace edge, or fix the credentialName');
  });

  test('not reported when the objects do not prove the Secret missing', () => {
    // No gateway workload among the objects: its namespace is not known.
    expect(analyze(docs(secret('shop-cert', { 'tls.crt': VALID_CERT, 'tls.key': 'k' }, 'shop'), gateway('public', 'istio: ingressgateway', https('shop-cert'), 'shop'))))
      .toEqual([]);
    // The workload is known, but the objects define no Secret in its namespace (nor one of that name).
    expect(analyze(docs(pod('edge-0', 'istio: edge', 'edge'), gateway('public', 'istio: edge', https('shop-cert'), 'shop')))).toEqual([]);
    // A cert-manager Certificate creates the Secret.
    const certificate = `
apiVersion: cert-manager.io/v1
kind: Certificate
metadata: { name: shop, namespace: edge }
spec: { secretName: shop-cert, dnsNames: [shop.example.com], issuerRef: { name: letsencrypt, kind: ClusterIssuer } }`;
    expect(reported(analyze(docs(pod('edge-0', 'istio: edge', 'edge'), secret('other', { 'tls.crt': VALID_CERT, 'tls.key': 'k' }, 'edge'), certificate,
      gateway('public', 'istio: edge', https('shop-cert'), 'shop'))), ...codes)).toEqual([]);
  });
});

describe('gateway.ConflictingGatewayAnalyzer: IST0145 ConflictingGateways', () => {
  const codes = ['IST0145', 'IST0101'];

  test('mirrors "conflicting gateways detect" (gateway.ConflictingGatewayAnalyzer)', () => {
    const findings = analyze(docs(DEFAULT_INGRESS, gateway('beta', 'istio: ingressgateway', tcp(80, 'foo.bar')), gateway('alpha', 'istio: ingressgateway', http(80, 'foo.bar'))));
    expect(reported(findings, ...codes)).toEqual([['IST0145', 'Gateway default/alpha'], ['IST0145', 'Gateway default/beta']]);
    expect(messagesOf(findings, 'IST0145')).toContainEqual('Conflict with gateways default/beta (workload selector istio=ingressgateway, port 80, hosts foo.bar); '
      + 'serve each host from one Gateway per workload, port and bind address');
  });

  test('mirrors "gateways with different port are non-conflicting" (gateway.ConflictingGatewayAnalyzer)', () => {
    const findings = analyze(docs(DEFAULT_INGRESS, gateway('beta', 'istio: ingressgateway', tcp(443, 'foo.bar')), gateway('alpha', 'istio: ingressgateway', http(80, 'foo.bar'))));
    expect(reported(findings, ...codes)).toEqual([]);
  });

  test('mirrors "conflicting gateways with multiple port declarations" (gateway.ConflictingGatewayAnalyzer)', () => {
    const findings = analyze(docs(DEFAULT_INGRESS,
      gateway('beta', 'istio: ingressgateway', tcp(80, 'foo.bar') + tcp(90, 'foo.bar')),
      gateway('alpha', 'istio: ingressgateway', http(70, 'foo.bar') + http(90, 'foo.bar'))));
    expect(reported(findings, ...codes)).toEqual([['IST0145', 'Gateway default/alpha'], ['IST0145', 'Gateway default/beta']]);
    expect(messagesOf(findings, 'IST0145')[0]).toContain('port 90, hosts foo.bar');
  });

  test('mirrors "conflicting gateways detect by sub selector" (gateway.ConflictingGatewayAnalyzer)', () => {
    const labels = 'istio: ingressgateway, app: istio-ingressgateway, cusKey: cusValue';
    const findings = analyze(docs(DEFAULT_INGRESS,
      gateway('beta', labels, tcp(80, 'foo.bar')),
      gateway('alpha', 'istio: ingressgateway, cusKey: cusValue', http(80, 'foo.bar')),
      pod('my-ingressgateway-1', labels), pod('my-ingressgateway-2', labels)));
    expect(reported(findings, ...codes)).toEqual([['IST0145', 'Gateway default/alpha'], ['IST0145', 'Gateway default/beta']]);
  });

  test('mirrors "conflicting gateways detect: no port" (gateway.ConflictingGatewayAnalyzer)', () => {
    // Servers without a port: admission refuses them (IST0106), so they conflict with nothing.
    const noPort = (host: string) => `    - hosts: [${host}]\n`;
    const findings = analyze(docs(DEFAULT_INGRESS, gateway('beta', 'istio: ingressgateway', noPort('foo.bar')), gateway('alpha', 'istio: ingressgateway', noPort('bar.bar'))));
    expect(reported(findings, ...codes)).toEqual([]);
  });

  test('mirrors "Analyze conflicting gateway with list type" (gateway.ConflictingGatewayAnalyzer)', () => {
    // A `kind: List` file, read by the CLI.
    const list = `
apiVersion: v1
kind: List
items:
  - apiVersion: networking.istio.io/v1
    kind: Gateway
    metadata: { name: beta-l }
    spec:
      selector: { istio: ingressgateway }
      servers: [{ port: { number: 80, name: tcp, protocol: TCP }, hosts: [foo.bar] }]
  - apiVersion: networking.istio.io/v1
    kind: Gateway
    metadata: { name: alpha-l }
    spec:
      selector: { istio: ingressgateway }
      servers: [{ port: { number: 80, name: http, protocol: HTTP }, hosts: [foo.bar] }]`;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parity-gateways-'));
    fs.writeFileSync(path.join(dir, 'gateways.yaml'), docs(DEFAULT_INGRESS, gateway('alpha', 'istio: ingressgateway', tcp(80, 'foo.bar')), list));
    const out: string[] = [];
    runCli(['analyze', '--format', 'json', dir], { out: (l) => out.push(l), err: () => undefined });
    const findings = JSON.parse(out.join('\n')).findings;
    expect(reported(findings, ...codes)).toEqual([
      ['IST0145', 'Gateway default/alpha'], ['IST0145', 'Gateway default/alpha-l'], ['IST0145', 'Gateway default/beta-l'],
    ]);
  });

  test('hosts are compared as the gateway merges servers: exactly, after resolving ./ and */ prefixes, per bind address', () => {
    const yaml = (a: string, b: string, bind = '') => docs(
      gateway('a', 'istio: ingressgateway', http(80, a), 'shop'),
      gateway('b', 'istio: ingressgateway', http(80, b, bind), 'shop'));
    // A wildcard host is served beside the specific ones under it (the most specific wins).
    expect(reported(analyze(yaml('"*.example.com"', 'shop.example.com')), 'IST0145')).toEqual([]);
    expect(reported(analyze(yaml('"./shop.example.com"', '"shop/shop.example.com"')), 'IST0145'))
      .toEqual([['IST0145', 'Gateway shop/a'], ['IST0145', 'Gateway shop/b']]);
    expect(reported(analyze(yaml('"*/shop.example.com"', 'shop.example.com')), 'IST0145')).toHaveLength(2);
    expect(reported(analyze(yaml('shop.example.com', 'shop.example.com', '      bind: 10.0.0.1\n')), 'IST0145')).toEqual([]);
  });

  test('selectors of which one is part of the other do not conflict without a workload that has both', () => {
    const yaml = (...extra: string[]) => docs(
      gateway('a', 'istio: ingressgateway', http(80, 'foo.bar')),
      gateway('b', 'istio: ingressgateway, tier: internal', http(80, 'foo.bar')), ...extra);
    expect(reported(analyze(yaml()), 'IST0145')).toEqual([]);
    expect(reported(analyze(yaml(pod('gw', 'istio: ingressgateway'))), 'IST0145')).toEqual([]);
    expect(reported(analyze(yaml(pod('gw', 'istio: ingressgateway, tier: internal'))), 'IST0145')).toHaveLength(2);
  });
});

describe('gateway.CertificateAnalyzer: IST0138 GatewayDuplicateCertificate', () => {
  test('mirrors "certificate duplication in Gateway" (gateway.CertificateAnalyzer)', () => {
    const internal = 'istio: ingressgateway, type: internal';
    const findings = analyze(docs(DEFAULT_INGRESS,
      // Same selector, same Secret: both.
      gateway('gateway-01-test-01', 'istio: ingressgateway', https('test-01-wildcard-cert', '"01.test-01.com"'), 'istio-system'),
      gateway('gateway-02-test-01', 'istio: ingressgateway', https('test-01-wildcard-cert', '"02.test-01.com"'), 'istio-system'),
      // The other's selector includes this one's: only this one.
      gateway('gateway-01-test-02', 'istio: ingressgateway', https('test-02-wildcard-cert', '"01.test-02.com"'), 'istio-system'),
      gateway('gateway-02-test-02', internal, https('test-02-wildcard-cert', '"02.test-02.com"'), 'istio-system'),
      // Across namespaces too.
      gateway('gateway-01-test-03', 'istio: ingressgateway', https('test-03-wildcard-cert', '"01.test-03.com"')),
      gateway('gateway-02-test-03', internal, https('test-03-wildcard-cert', '"02.test-03.com"'), 'istio-system'),
      // Different certificates, or no TLS: none.
      gateway('gateway-01-test-04', 'istio: ingressgateway', https('01-test-04-wildcard-cert', '"01.test-04.com"'), 'istio-system'),
      gateway('gateway-02-test-04', 'istio: ingressgateway', https('02-test-04-wildcard-cert', '"02.test-04.com"'), 'istio-system'),
      gateway('gateway-01-test-05', 'istio: ingressgateway', https('01-test-05-wildcard-cert', '"01.test-05.com"'), 'istio-system'),
      gateway('gateway-02-test-05', internal, https('02-test-05-wildcard-cert', '"02.test-05.com"'), 'istio-system'),
      gateway('gateway-03-test-06', 'istio: ingressgateway', http(80, '"03.test-06.com"')),
      gateway('gateway-04-test-06', 'istio: ingressgateway', http(80, '"04.test-06.com"')),
      pod('internal-ingressgateway', internal, 'istio-system')));
    expect(reported(findings, 'IST0138')).toEqual([
      ['IST0138', 'Gateway default/gateway-01-test-03'],
      ['IST0138', 'Gateway istio-system/gateway-01-test-01'],
      ['IST0138', 'Gateway istio-system/gateway-01-test-02'],
      ['IST0138', 'Gateway istio-system/gateway-02-test-01'],
    ]);
    expect(messagesOf(findings, 'IST0138')).toContainEqual('Duplicate certificate in multiple gateways [default/gateway-01-test-03 istio-system/gateway-02-test-03] '
      + 'may cause 404s if clients re-use HTTP2 connections; give each Gateway its own certificate, or serve the hosts from one Gateway');
  });

  test('certificate files count when both the certificate and the key are the same', () => {
    const files = (cert: string, key: string) => `    - port: { number: 443, name: https, protocol: HTTPS }
      hosts: ["shop.example.com"]
      tls: { mode: SIMPLE, serverCertificate: ${cert}, privateKey: ${key} }
`;
    const yaml = (key: string) => docs(gateway('a', 'istio: ingressgateway', files('/etc/c.pem', '/etc/k.pem')),
      gateway('b', 'istio: ingressgateway', files('/etc/c.pem', key).replace('shop.example.com', 'api.example.com')));
    expect(reported(analyze(yaml('/etc/k.pem')), 'IST0138')).toHaveLength(2);
    expect(reported(analyze(yaml('/etc/other.pem')), 'IST0138')).toEqual([]);
  });
});
