import { verdictOf, WebhookCase } from './verdict';
import { AnalysisLevel } from '../../src/analysis/finding';
import { validateSidecarSpec } from '../../src/validation/sidecar';

// One case per case of Istio 1.30.3's own Sidecar validation tests (pkg/config/validation), with
// inputs of our own that exercise the same rule. The verdict is what Istio's admission webhook
// answers: 'refuse' (an error), 'warn' (accepted with warnings) or 'accept'. For refusals, `field`
// is a piece of our message that names the offending field.

/** The namespace Istio's Sidecar tests validate in; it resolves "." in egress hosts. */
const NAMESPACE = 'bar';

const ANY_HOST = { hosts: ['*/*'] };
const http = (number: number, name?: string): any => ({ number, protocol: 'HTTP', ...(name ? { name } : {}) });
const ingress = (port: any, extra: any = {}): any => ({ port, ...extra });
const certFiles = { serverCertificate: '/etc/certs/server.pem', privateKey: '/etc/certs/server-key.pem' };
const httpsPort = { number: 8443, protocol: 'HTTPS', name: 'https-app' };
const tlsIngress = (endpoint: string, tls: any, port: any = httpsPort): any => ({ ingress: [ingress(port, { defaultEndpoint: endpoint, tls })] });
const httpPool = { http: { http1MaxPendingRequests: 256, http2MaxRequests: 512, maxRequestsPerConnection: 64, maxRetries: 3 } };

const T = 'TestValidateSidecar';
const cases: WebhookCase[] = [
  { mirrors: `${T} "empty ingress and egress"`, spec: {}, verdict: 'refuse', field: "'spec' (" },
  { mirrors: `${T} "default"`, spec: { egress: [ANY_HOST] }, verdict: 'accept' },
  { mirrors: `${T} "workload selector without labels"`, spec: { egress: [{ hosts: ['./*'] }], workloadSelector: {} }, verdict: 'warn' },
  { mirrors: `${T} "import local namespace with wildcard"`, spec: { egress: [{ hosts: ['./*'] }] }, verdict: 'accept' },
  { mirrors: `${T} "import local namespace with fqdn"`, spec: { egress: [{ hosts: ['./api.example.org'] }] }, verdict: 'accept' },
  { mirrors: `${T} "import nothing"`, spec: { egress: [{ hosts: ['~/*'] }] }, verdict: 'accept' },
  { mirrors: `${T} "bad egress host 1"`, spec: { egress: [{ hosts: ['*'] }] }, verdict: 'refuse', field: "'spec.egress[0].hosts[0]'" },
  { mirrors: `${T} "bad egress host 2"`, spec: { egress: [{ hosts: ['/'] }] }, verdict: 'refuse', field: "'spec.egress[0].hosts[0]'" },
  { mirrors: `${T} "empty egress host"`, spec: { egress: [{ hosts: [] }] }, verdict: 'refuse', field: "'spec.egress[0].hosts'" },
  {
    mirrors: `${T} "multiple wildcard egress"`,
    spec: { egress: [{ hosts: ['*/a.example.org'] }, { hosts: ['shop/b.example.org'] }] },
    verdict: 'refuse',
    field: "'spec.egress[0]'",
  },
  {
    mirrors: `${T} "wildcard egress not in end"`,
    spec: { egress: [{ hosts: ['*/a.example.org'] }, { port: http(9080, 'web'), hosts: ['shop/b.example.org'] }] },
    verdict: 'refuse',
    field: "'spec.egress[0]'",
  },
  {
    mirrors: `${T} "invalid Port"`,
    spec: { egress: [{ port: { protocol: 'http11', number: 70000 }, hosts: ['shop/b.example.org'] }] },
    verdict: 'refuse',
    field: "'spec.egress[0].port.number'",
  },
  { mirrors: `${T} "Port without name"`, spec: { egress: [{ port: http(9080), hosts: ['shop/b.example.org'] }] }, verdict: 'accept' },
  {
    mirrors: `${T} "UDS bind in outbound"`,
    spec: { egress: [{ port: http(0, 'sock'), hosts: ['shop/b.example.org'], bind: 'unix://@envoy-egress' }] },
    verdict: 'accept',
  },
  {
    mirrors: `${T} "UDS bind in inbound"`,
    spec: { ingress: [ingress(http(0, 'sock'), { bind: 'unix:///var/run/in.sock', defaultEndpoint: '127.0.0.1:8081' })] },
    verdict: 'refuse',
    field: "'spec.ingress[0].bind'",
  },
  {
    mirrors: `${T} "UDS bind in outbound 2"`,
    spec: { egress: [{ port: http(0, 'sock'), hosts: ['shop/b.example.org'], bind: 'unix:///var/run/app/egress.sock' }] },
    verdict: 'accept',
  },
  {
    mirrors: `${T} "invalid bind"`,
    spec: { egress: [{ port: http(0, 'sock'), hosts: ['shop/b.example.org'], bind: 'tcp:///var/run/app.sock' }] },
    verdict: 'refuse',
    field: "'spec.egress[0].bind'",
  },
  {
    mirrors: `${T} "invalid capture mode with uds bind"`,
    spec: { egress: [{ port: http(0, 'sock'), hosts: ['shop/b.example.org'], bind: 'unix:///var/run/app.sock', captureMode: 'IPTABLES' }] },
    verdict: 'refuse',
    field: "'spec.egress[0].captureMode'",
  },
  {
    mirrors: `${T} "duplicate UDS bind"`,
    spec: {
      egress: [
        { port: http(0, 'sock-a'), hosts: ['shop/a.example.org'], bind: 'unix:///var/run/shared.sock' },
        { port: http(0, 'sock-b'), hosts: ['shop/b.example.org'], bind: 'unix:///var/run/shared.sock' },
      ],
    },
    verdict: 'refuse',
    field: "'spec.egress[1].bind'",
  },
  {
    mirrors: `${T} "duplicate ports"`,
    spec: {
      egress: [
        { port: http(8443, 'web'), hosts: ['shop/a.example.org'] },
        { port: { number: 8443, protocol: 'TCP', name: 'raw' }, hosts: ['billing/a.example.org'] },
      ],
    },
    verdict: 'refuse',
    field: "'spec.egress[1].port.number'",
  },
  {
    mirrors: `${T} "ingress without port"`,
    spec: { ingress: [{ defaultEndpoint: '127.0.0.1:8000' }], egress: [ANY_HOST] },
    verdict: 'refuse',
    field: "'spec.ingress[0].port'",
  },
  {
    mirrors: `${T} "ingress without port and with IPv6 endpoint"`,
    spec: { ingress: [{ defaultEndpoint: '[::1]:8000' }], egress: [ANY_HOST] },
    verdict: 'refuse',
    field: "'spec.ingress[0].port'",
  },
  {
    mirrors: `${T} "ingress with duplicate ports"`,
    spec: {
      ingress: [
        ingress(http(7070, 'web'), { defaultEndpoint: '127.0.0.1:8000' }),
        ingress({ number: 7070, protocol: 'TCP', name: 'raw' }, { defaultEndpoint: '127.0.0.1:8000' }),
      ],
      egress: [ANY_HOST],
    },
    verdict: 'refuse',
    field: "'spec.ingress[1].port.number'",
  },
  {
    mirrors: `${T} "ingress with duplicate ports and IPv6 endpoint"`,
    spec: {
      ingress: [
        ingress(http(7070, 'web'), { defaultEndpoint: '[::1]:8000' }),
        ingress({ number: 7070, protocol: 'TCP', name: 'raw' }, { defaultEndpoint: '[::1]:8000' }),
      ],
      egress: [ANY_HOST],
    },
    verdict: 'refuse',
    field: "'spec.ingress[1].port.number'",
  },
  { mirrors: `${T} "ingress without default endpoint"`, spec: { ingress: [ingress(http(7070, 'web'))], egress: [ANY_HOST] }, verdict: 'accept' },
  {
    mirrors: `${T} "ingress with invalid default endpoint in IPv4"`,
    spec: { ingress: [ingress(http(7070, 'web'), { defaultEndpoint: '10.1.2.3:8080' })] },
    verdict: 'refuse',
    field: "'spec.ingress[0].defaultEndpoint'",
  },
  {
    mirrors: `${T} "ingress with invalid default endpoint in IPv6"`,
    spec: { ingress: [ingress(http(7070, 'web'), { defaultEndpoint: '[fd00::5]:8080' })] },
    verdict: 'refuse',
    field: "'spec.ingress[0].defaultEndpoint'",
  },
  {
    mirrors: `${T} "ingress with invalid default endpoint uds"`,
    spec: { ingress: [ingress(http(7070, 'web'), { defaultEndpoint: 'unix:///var/run/' })], egress: [ANY_HOST] },
    verdict: 'refuse',
    field: "'spec.ingress[0].defaultEndpoint'",
  },
  {
    mirrors: `${T} "ingress with invalid default endpoint port in IPv4"`,
    spec: { ingress: [ingress(http(7070, 'web'), { defaultEndpoint: '127.0.0.1:http' })], egress: [ANY_HOST] },
    verdict: 'refuse',
    field: "'spec.ingress[0].defaultEndpoint'",
  },
  {
    mirrors: `${T} "ingress with invalid default endpoint port in IPv6"`,
    spec: { ingress: [ingress(http(7070, 'web'), { defaultEndpoint: '[::1]:abc' })], egress: [ANY_HOST] },
    verdict: 'refuse',
    field: "'spec.ingress[0].defaultEndpoint'",
  },
  {
    mirrors: `${T} "valid ingress and egress in IPv4"`,
    spec: { ingress: [ingress(http(7070, 'web'), { defaultEndpoint: '127.0.0.1:8080' })], egress: [ANY_HOST] },
    verdict: 'accept',
  },
  {
    mirrors: `${T} "valid ingress and egress in IPv6"`,
    spec: { ingress: [ingress(http(7070, 'web'), { defaultEndpoint: '[::1]:8080' })], egress: [ANY_HOST] },
    verdict: 'accept',
  },
  {
    mirrors: `${T} "valid ingress and empty egress in IPv4"`,
    spec: { ingress: [ingress(http(7070, 'web'), { defaultEndpoint: '0.0.0.0:8080' })] },
    verdict: 'accept',
  },
  {
    mirrors: `${T} "valid ingress and empty egress in IPv6"`,
    spec: { ingress: [ingress(http(7070, 'web'), { defaultEndpoint: '[::]:8080' })] },
    verdict: 'accept',
  },
  { mirrors: `${T} "empty"`, spec: { egress: [], ingress: [] }, verdict: 'refuse', field: "'spec' (" },
  { mirrors: `${T} "just outbound traffic policy"`, spec: { outboundTrafficPolicy: { mode: 'REGISTRY_ONLY' } }, verdict: 'accept' },
  {
    mirrors: `${T} "empty protocol in IPv4"`,
    spec: { ingress: [ingress({ number: 7070, name: 'app' }, { defaultEndpoint: '127.0.0.1:8080' })], egress: [ANY_HOST] },
    verdict: 'accept',
  },
  {
    mirrors: `${T} "empty protocol in IPv6"`,
    spec: { ingress: [ingress({ number: 7070, name: 'app' }, { defaultEndpoint: '[::1]:8080' })], egress: [ANY_HOST] },
    verdict: 'accept',
  },
  {
    mirrors: `${T} "ALLOW_ANY sidecar egress policy with no egress proxy "`,
    spec: { outboundTrafficPolicy: { mode: 'ALLOW_ANY' }, egress: [ANY_HOST] },
    verdict: 'accept',
  },
  {
    mirrors: `${T} "sidecar egress proxy with RESGISTRY_ONLY(default)"`,
    spec: { outboundTrafficPolicy: { egressProxy: { host: 'squid.proxy.internal', subset: 'blue', port: { number: 3128 } } }, egress: [ANY_HOST] },
    verdict: 'refuse',
    field: "'spec.outboundTrafficPolicy.egressProxy'",
  },
  {
    mirrors: `${T} "sidecar egress proxy with ALLOW_ANY"`,
    spec: { outboundTrafficPolicy: { mode: 'ALLOW_ANY', egressProxy: { host: 'squid.proxy.internal', subset: 'blue', port: { number: 3128 } } }, egress: [ANY_HOST] },
    verdict: 'accept',
  },
  {
    mirrors: `${T} "sidecar egress proxy with ALLOW_ANY, service hostname invalid fqdn"`,
    spec: { outboundTrafficPolicy: { mode: 'ALLOW_ANY', egressProxy: { host: 'squid*01', subset: 'blue', port: { number: 3128 } } }, egress: [ANY_HOST] },
    verdict: 'refuse',
    field: "'spec.outboundTrafficPolicy.egressProxy.host'",
  },
  {
    mirrors: `${T} "sidecar egress proxy(without Port) with ALLOW_ANY"`,
    spec: { outboundTrafficPolicy: { mode: 'ALLOW_ANY', egressProxy: { host: 'squid.proxy.internal', subset: 'blue' } }, egress: [ANY_HOST] },
    verdict: 'refuse',
    field: "'spec.outboundTrafficPolicy.egressProxy.port'",
  },
  { mirrors: `${T} "sidecar egress only one wildcarded"`, spec: { egress: [{ hosts: ['*/*', 'shop/a.example.org'] }] }, verdict: 'warn' },
  { mirrors: `${T} "sidecar egress wildcarded ns"`, spec: { egress: [{ hosts: ['*/b.example.org', 'shop/a.example.org'] }] }, verdict: 'accept' },
  { mirrors: `${T} "sidecar egress duplicated with wildcarded same namespace"`, spec: { egress: [{ hosts: ['shop/*', 'shop/a.example.org'] }] }, verdict: 'warn' },
  { mirrors: `${T} "invalid partial wildcard"`, spec: { egress: [{ hosts: ['shop/*api.example.org'] }] }, verdict: 'refuse', field: "'spec.egress[0].hosts[0]'" },
  {
    mirrors: `${T} "sidecar egress duplicated with wildcarded same namespace ."`,
    spec: { egress: [{ hosts: ['./*', `${NAMESPACE}/a.example.org`] }] },
    verdict: 'warn',
  },
  {
    mirrors: `${T} "ingress tls mode set to ISTIO_MUTUAL in IPv4"`,
    spec: tlsIngress('127.0.0.1:8080', { mode: 'ISTIO_MUTUAL' }),
    verdict: 'refuse',
    field: "'spec.ingress[0].tls.mode'",
  },
  {
    mirrors: `${T} "ingress tls mode set to ISTIO_MUTUAL in IPv6"`,
    spec: tlsIngress('[::1]:8080', { mode: 'ISTIO_MUTUAL' }),
    verdict: 'refuse',
    field: "'spec.ingress[0].tls.mode'",
  },
  {
    mirrors: `${T} "ingress tls mode set to ISTIO_AUTO_PASSTHROUGH in IPv4"`,
    spec: tlsIngress('127.0.0.1:8080', { mode: 'AUTO_PASSTHROUGH' }),
    verdict: 'refuse',
    field: "'spec.ingress[0].tls.mode'",
  },
  {
    mirrors: `${T} "ingress tls mode set to ISTIO_AUTO_PASSTHROUGH in IPv6"`,
    spec: tlsIngress('[::1]:8080', { mode: 'AUTO_PASSTHROUGH' }),
    verdict: 'refuse',
    field: "'spec.ingress[0].tls.mode'",
  },
  {
    mirrors: `${T} "ingress tls invalid protocol in IPv4"`,
    spec: tlsIngress('127.0.0.1:8080', { mode: 'SIMPLE', ...certFiles }, { number: 9000, protocol: 'TCP', name: 'raw' }),
    verdict: 'refuse',
    field: "'spec.ingress[0].tls' (",
  },
  {
    mirrors: `${T} "ingress tls invalid protocol in IPv6"`,
    spec: tlsIngress('[::1]:8080', { mode: 'SIMPLE', ...certFiles }, { number: 9000, protocol: 'TCP', name: 'raw' }),
    verdict: 'refuse',
    field: "'spec.ingress[0].tls' (",
  },
  {
    mirrors: `${T} "ingress tls httpRedirect is not supported in IPv4"`,
    spec: tlsIngress('127.0.0.1:8080', { mode: 'SIMPLE', ...certFiles, httpsRedirect: true }),
    verdict: 'refuse',
    field: "'spec.ingress[0].tls.httpsRedirect'",
  },
  {
    mirrors: `${T} "ingress tls httpRedirect is not supported in IPv6"`,
    spec: tlsIngress('[::1]:8080', { mode: 'SIMPLE', ...certFiles, httpsRedirect: true }),
    verdict: 'refuse',
    field: "'spec.ingress[0].tls.httpsRedirect'",
  },
  {
    mirrors: `${T} "ingress tls SAN entries are not supported in IPv4"`,
    spec: tlsIngress('127.0.0.1:8080', { mode: 'SIMPLE', ...certFiles, subjectAltNames: ['client.example.org'] }),
    verdict: 'refuse',
    field: "'spec.ingress[0].tls.subjectAltNames'",
  },
  {
    mirrors: `${T} "ingress tls SAN entries are not supported in IPv6"`,
    spec: tlsIngress('[::1]:8080', { mode: 'SIMPLE', ...certFiles, subjectAltNames: ['client.example.org'] }),
    verdict: 'refuse',
    field: "'spec.ingress[0].tls.subjectAltNames'",
  },
  {
    mirrors: `${T} "ingress tls credentialName is not supported in IPv4"`,
    spec: tlsIngress('127.0.0.1:8080', { mode: 'SIMPLE', credentialName: 'app-cert' }),
    verdict: 'refuse',
    field: "'spec.ingress[0].tls.credentialName'",
  },
  {
    mirrors: `${T} "ingress tls credentialName is not supported in IPv6"`,
    spec: tlsIngress('[::1]:8080', { mode: 'SIMPLE', credentialName: 'app-cert' }),
    verdict: 'refuse',
    field: "'spec.ingress[0].tls.credentialName'",
  },
  {
    mirrors: `${T} "ingress tls credentialNames is not supported in IPv4"`,
    spec: tlsIngress('127.0.0.1:8080', { mode: 'SIMPLE', credentialNames: ['app-cert-rsa'] }),
    verdict: 'refuse',
    field: "'spec.ingress[0].tls.credentialNames'",
  },
  {
    mirrors: `${T} "ingress tls credentialNames is not supported in IPv6"`,
    spec: tlsIngress('[::1]:8080', { mode: 'SIMPLE', credentialNames: ['app-cert-rsa'] }),
    verdict: 'refuse',
    field: "'spec.ingress[0].tls.credentialNames'",
  },
  {
    mirrors: `${T} "ingress tls tlsCertificates is not supported in IPv4"`,
    spec: tlsIngress('127.0.0.1:8080', { mode: 'SIMPLE', tlsCertificates: [certFiles] }),
    verdict: 'refuse',
    field: "'spec.ingress[0].tls.tlsCertificates'",
  },
  {
    mirrors: `${T} "ingress tls tlsCertificates is not supported in IPv6"`,
    spec: tlsIngress('[::1]:8080', { mode: 'SIMPLE', tlsCertificates: [certFiles] }),
    verdict: 'refuse',
    field: "'spec.ingress[0].tls.tlsCertificates'",
  },
  { mirrors: `${T} "valid inbound connection pool"`, spec: { inboundConnectionPool: httpPool }, verdict: 'accept' },
  {
    mirrors: `${T} "valid port-level connection pool with top level default"`,
    spec: { ingress: [ingress(http(7070, 'web'), { connectionPool: httpPool })], inboundConnectionPool: { tcp: { maxConnections: 100 } } },
    verdict: 'accept',
  },
  {
    mirrors: `${T} "valid port-level connection pool without a top level default"`,
    spec: { ingress: [ingress(http(7070, 'web'), { connectionPool: httpPool })] },
    verdict: 'accept',
  },
  {
    mirrors: `${T} "warn http connection settings on tcp port"`,
    spec: { ingress: [ingress({ number: 7070, protocol: 'TCP', name: 'raw' }, { connectionPool: httpPool })] },
    verdict: 'warn',
  },
  { mirrors: `${T} "invalid top level connection pool"`, spec: { inboundConnectionPool: {} }, verdict: 'refuse', field: "'spec.inboundConnectionPool'" },
  {
    mirrors: `${T} "invalid port-level connection pool"`,
    spec: { ingress: [ingress({ number: 7070, protocol: 'TCP', name: 'raw' }, { connectionPool: {} })] },
    verdict: 'refuse',
    field: "'spec.ingress[0].connectionPool'",
  },

  // ValidatePortName, which the webhook applies to Sidecar port names that are set.
  // Istio's unit test refuses "", but the Sidecar webhook skips empty names, so an empty name is accepted.
  { mirrors: 'TestValidatePortName ""', spec: { egress: [{ port: { ...http(9080), name: '' }, hosts: ['./*'] }] }, verdict: 'accept' },
  { mirrors: 'TestValidatePortName "simple"', spec: { egress: [{ port: http(9080, 'metrics'), hosts: ['./*'] }] }, verdict: 'accept' },
  { mirrors: 'TestValidatePortName "full"', spec: { egress: [{ port: http(9080, 'http-web'), hosts: ['./*'] }] }, verdict: 'accept' },
  {
    mirrors: 'TestValidatePortName "toolongtoolong..."',
    spec: { egress: [{ port: http(9080, 'port'.repeat(17)), hosts: ['./*'] }] },
    verdict: 'refuse',
    field: "'spec.egress[0].port.name'",
  },

  // agent.ValidateIPAddress, which the webhook applies to the bind of a listener with a port number.
  { mirrors: 'TestValidationIPAddress "valid ipv4 address"', spec: { egress: [{ port: http(8080, 'web'), bind: '10.0.0.7', hosts: ['./*'] }] }, verdict: 'accept' },
  {
    mirrors: 'TestValidationIPAddress "invalid ipv4 address"',
    spec: { egress: [{ port: http(8080, 'web'), bind: '10.0.B.7', hosts: ['./*'] }] },
    verdict: 'refuse',
    field: "'spec.egress[0].bind'",
  },
  { mirrors: 'TestValidationIPAddress "valid ipv6 subnet"', spec: { egress: [{ port: http(8080, 'web'), bind: 'fd00:1::7', hosts: ['./*'] }] }, verdict: 'accept' },
  {
    mirrors: 'TestValidationIPAddress "invalid ipv6 address"',
    spec: { egress: [{ port: http(8080, 'web'), bind: 'fd00:1:Z::7', hosts: ['./*'] }] },
    verdict: 'refuse',
    field: "'spec.egress[0].bind'",
  },
];

describe('Sidecar: the verdict of Istio 1.30.3\'s webhook', () => {
  test.each(cases.map((c) => [c.mirrors, c] as const))('%s', (_name, c) => {
    const findings = validateSidecarSpec(c.spec, NAMESPACE);
    expect({ verdict: verdictOf(findings), messages: findings.messages }).toMatchObject({ verdict: c.verdict });
    if (c.verdict === 'refuse') {
      const errors = findings.all.filter((f) => f.severity === AnalysisLevel.ERROR).map((f) => f.message);
      expect(errors.join('\n')).toContain(c.field);
    }
  });

  test('never throws on values of the wrong type', () => {
    const odd = [
      'x', 7, [], { egress: 'x' }, { egress: [7] }, { egress: [{ hosts: 'a' }] }, { egress: [{ hosts: [7], port: 'x' }] },
      { egress: [{ hosts: ['./*'], port: { number: 0 }, bind: 9 }] }, { ingress: [{ port: { number: 'x' }, defaultEndpoint: 5, tls: 'x' }] },
      { ingress: [{ port: {}, connectionPool: { http: 'x', tcp: 4 } }] }, { outboundTrafficPolicy: { mode: 'ALLOW_ANY', egressProxy: { host: 5, port: 'x' } } },
      { workloadSelector: { labels: 'x' }, inboundConnectionPool: [] },
    ];
    for (const spec of odd) expect(() => validateSidecarSpec(spec, NAMESPACE)).not.toThrow();
    expect(verdictOf(validateSidecarSpec({ egress: [{ hosts: [7] }] }))).toBe('refuse');
  });

  test('mirrors every case of TestValidateSidecar, TestValidatePortName and TestValidationIPAddress', () => {
    expect(cases.filter((c) => c.mirrors.startsWith(`${T} `))).toHaveLength(70);
    expect(cases).toHaveLength(78);
  });
});
