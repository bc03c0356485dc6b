import { Testing } from 'cdk8s';
import { CipherSuite, Gateway, GatewayServerOptions, Protocol, TlsMode, TlsProtocolVersion } from '../src';
import { only, synthError, synthValid } from './support/schema';

describe('Gateway', () => {
  test('HTTPS with credentialName and an HTTP→HTTPS redirect (secure defaults)', () => {
    // GIVEN
    const chart = Testing.chart();
    // WHEN
    const gateway = new Gateway(chart, 'public', {
      servers: [
        { port: 443, protocol: Protocol.HTTPS, hosts: ['bookinfo.example.com'], tls: { credentialName: 'bookinfo-cert' } },
        { port: 80, protocol: Protocol.HTTP, hosts: ['bookinfo.example.com'], httpsRedirect: true },
      ],
    });
    // THEN
    const manifests = synthValid(chart);
    const gw = only(manifests, 'Gateway');
    expect(gw.spec.selector).toEqual({ istio: 'ingressgateway' });
    expect(gw.spec.servers[0]).toEqual({
      port: { number: 443, name: 'https-443', protocol: 'HTTPS' },
      hosts: ['bookinfo.example.com'],
      tls: { mode: 'SIMPLE', credentialName: 'bookinfo-cert', minProtocolVersion: 'TLSV1_2' },
    });
    expect(gw.spec.servers[1].tls).toEqual({ httpsRedirect: true });
    expect(gateway.gatewayName).toBe(gw.metadata.name);
    expect(gateway.hosts).toEqual(['bookinfo.example.com', 'bookinfo.example.com']);
    expect(manifests).toMatchSnapshot();
  });

  test('MUTUAL, PASSTHROUGH, custom selector and TLS options', () => {
    const chart = Testing.chart();
    new Gateway(chart, 'gw', {
      metadata: { namespace: 'edge' },
      selector: { app: 'edge-gateway' },
      servers: [
        {
          port: 8443,
          protocol: Protocol.HTTPS,
          portName: 'mtls',
          hosts: ['edge/api.example.com'],
          tls: {
            mode: TlsMode.MUTUAL,
            credentialName: 'api-cert',
            subjectAltNames: ['spiffe://partner'],
            minProtocolVersion: TlsProtocolVersion.TLSV1_3,
            cipherSuites: [CipherSuite.ECDHE_ECDSA_AES128_GCM_SHA256],
          },
        },
        { port: 9443, protocol: Protocol.TLS, hosts: ['*.internal.example.com'], tls: { mode: TlsMode.PASSTHROUGH } },
      ],
    });
    const gw = only(synthValid(chart), 'Gateway');
    expect(gw.metadata.namespace).toBe('edge');
    expect(gw.spec.selector).toEqual({ app: 'edge-gateway' });
    expect(gw.spec.servers[0].tls).toEqual({
      mode: 'MUTUAL',
      credentialName: 'api-cert',
      subjectAltNames: ['spiffe://partner'],
      minProtocolVersion: 'TLSV1_3',
      cipherSuites: ['ECDHE-ECDSA-AES128-GCM-SHA256'],
    });
    // Passthrough does not terminate TLS, so no minimum version is written.
    expect(gw.spec.servers[1].tls).toEqual({ mode: 'PASSTHROUGH' });
  });

  test('gatewayName includes the namespace when there is one', () => {
    const chart = Testing.chart();
    const gw = new Gateway(chart, 'gw', { metadata: { name: 'public', namespace: 'istio-system' }, servers: [{ port: 80, protocol: Protocol.HTTP, hosts: ['*'] }] });
    expect(gw.gatewayName).toBe('istio-system/public');
    expect(Gateway.MESH.gatewayName).toBe('mesh');
  });
});

describe('Gateway validation', () => {
  function gwError(servers: GatewayServerOptions[], name?: string): string {
    const chart = Testing.chart();
    new Gateway(chart, 'gw', { servers, metadata: name ? { name } : undefined });
    return synthError(chart);
  }
  const https = (tls: any, extra: any = {}): GatewayServerOptions => ({ port: 443, protocol: Protocol.HTTPS, hosts: ['a.example.com'], tls, ...extra });

  test('a gateway needs a server', () => {
    expect(gwError([])).toContain("[test/gw] 'spec.servers' ([]) must have at least one server");
  });

  test('a server needs hosts', () => {
    expect(gwError([{ port: 80, protocol: Protocol.HTTP, hosts: [] }])).toContain("'spec.servers[0].hosts' ([]) must list at least one host");
  });

  test('short host names and partial wildcards are rejected', () => {
    expect(gwError([{ port: 80, protocol: Protocol.HTTP, hosts: ['reviews'] }])).toContain("'spec.servers[0].hosts[0]' (reviews) must be a fully qualified name");
    expect(gwError([{ port: 80, protocol: Protocol.HTTP, hosts: ['foo*.example.com'] }])).toContain('must not use a partial wildcard');
  });

  test('namespace/host syntax is checked', () => {
    expect(gwError([{ port: 80, protocol: Protocol.HTTP, hosts: ['Bad_NS/a.example.com'] }])).toContain("'spec.servers[0].hosts[0]' (Bad_NS/a.example.com) must start with");
    expect(gwError([{ port: 80, protocol: Protocol.HTTP, hosts: ['/a.example.com'] }])).toContain('must have both a namespace and a host');
  });

  test('port numbers must be 1-65535', () => {
    expect(gwError([{ port: 0, protocol: Protocol.HTTP, hosts: ['*'] }])).toContain("'spec.servers[0].port.number' (0) must be a port number from 1 to 65535");
  });

  test('server port names must be unique', () => {
    expect(gwError([{ port: 80, protocol: Protocol.HTTP, portName: 'web', hosts: ['*'] }, { port: 8080, protocol: Protocol.HTTP, portName: 'web', hosts: ['*'] }]))
      .toContain("'spec.servers[1].port.name' (web) must be unique across servers");
  });

  test('HTTPS and TLS servers need TLS settings', () => {
    expect(gwError([{ port: 443, protocol: Protocol.HTTPS, hosts: ['a.example.com'] }])).toContain("'spec.servers[0].tls' (unset) is required for HTTPS servers");
  });

  test('SIMPLE TLS needs a credential', () => {
    const message = gwError([https({ mode: TlsMode.SIMPLE })]);
    expect(message).toContain("'spec.servers[0].tls.credentialName' (unset) is required for SIMPLE TLS");
    expect(message).toContain('Secret in the gateway workload\'s namespace');
  });

  test('MUTUAL TLS without credentialName needs a CA bundle', () => {
    expect(gwError([https({ mode: TlsMode.MUTUAL, serverCertificate: '/c.pem', privateKey: '/k.pem' })])).toContain("'spec.servers[0].tls.caCertificates' (unset) is required for MUTUAL TLS");
  });

  test('only one certificate source', () => {
    expect(gwError([https({ credentialName: 'a', credentialNames: ['b'] })])).toContain('must set only one of credentialName, credentialNames');
  });

  test('ISTIO_MUTUAL must not carry certificates', () => {
    expect(gwError([https({ mode: TlsMode.ISTIO_MUTUAL, credentialName: 'a' })])).toContain("'spec.servers[0].tls.credentialName' (a) must not be set with ISTIO_MUTUAL");
  });

  test('PASSTHROUGH with certificates is reported', () => {
    expect(gwError([{ port: 443, protocol: Protocol.TLS, hosts: ['a.example.com'], tls: { mode: TlsMode.PASSTHROUGH, credentialName: 'x' } }])).toContain('does not terminate TLS, so the certificates given are ignored');
  });

  test('CRL is not allowed with credentialName (unless the mode terminates TLS) or SIMPLE', () => {
    // Istio 1.30 accepts a CRL next to credentialName in SIMPLE/MUTUAL mode (the CRL then comes from the Secret),
    // so only a non-terminating mode is refused here.
    expect(gwError([{ port: 443, protocol: Protocol.TLS, hosts: ['a.example.com'], tls: { mode: TlsMode.PASSTHROUGH, credentialName: 'a', caCrl: '/crl.pem' } }]))
      .toContain('must not be combined with credentialName');
    expect(gwError([https({ serverCertificate: '/c', privateKey: '/k', caCrl: '/crl.pem' })])).toContain('is not supported with SIMPLE TLS');
  });

  test('TLS on plain-text servers is rejected, except httpsRedirect', () => {
    expect(gwError([{ port: 80, protocol: Protocol.HTTP, hosts: ['*'], tls: { credentialName: 'a' } }])).toContain('must not be set on a HTTP server (except httpsRedirect)');
    expect(gwError([{ port: 5432, protocol: Protocol.TCP, hosts: ['*'], tls: { credentialName: 'a' } }])).toContain('must not be set on a TCP server');
  });

  test('httpsRedirect only on HTTP servers', () => {
    expect(gwError([https({ credentialName: 'a' }, { httpsRedirect: true })])).toContain("'spec.servers[0].tls.httpsRedirect' (true) only works on HTTP servers");
  });

  test('TLS below 1.2 without cipher suites, and unknown cipher suites, are reported', () => {
    expect(gwError([https({ credentialName: 'a', minProtocolVersion: TlsProtocolVersion.TLSV1_0 })])).toContain('needs cipherSuites');
    expect(gwError([https({ credentialName: 'a', cipherSuites: [CipherSuite.of('NOT-A-CIPHER')] })])).toContain("'spec.servers[0].tls.cipherSuites' (NOT-A-CIPHER) is not a cipher suite Envoy knows");
  });

  test('min TLS version above max is rejected', () => {
    expect(gwError([https({ credentialName: 'a', minProtocolVersion: TlsProtocolVersion.TLSV1_3, maxProtocolVersion: TlsProtocolVersion.TLSV1_2 })]))
      .toContain("'spec.servers[0].tls.minProtocolVersion' (TLSV1_3) must not be above maxProtocolVersion (TLSV1_2)");
  });

  test('bind must be an IP or unix socket', () => {
    expect(gwError([{ port: 80, protocol: Protocol.HTTP, hosts: ['*'], bind: 'localhost' }])).toContain("'spec.servers[0].bind' (localhost) must be an IP address or unix:// path");
  });

  test('Gateway names must be DNS-1123 labels', () => {
    expect(gwError([{ port: 80, protocol: Protocol.HTTP, hosts: ['*'] }], 'public.gw')).toContain("'metadata.name' (public.gw) must be a DNS-1123 label");
  });
});
