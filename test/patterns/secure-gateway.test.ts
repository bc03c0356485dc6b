import { ApiObject, Duration, Testing, Yaml } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { CanaryService, GatewayRouteTarget, SecureGateway, SecureGatewayProps, SecureGatewayTlsMode, StringMatch, TlsProtocolVersion } from '../../src';
import { synthError, synthValid } from '../support/schema';

function gateway(props: Partial<SecureGatewayProps> = {}) {
  const chart = Testing.chart();
  const gw = new SecureGateway(chart, 'ingress', { hosts: ['shop.example.com'], credentialName: 'shop-cert', ...props });
  return { chart, gw };
}
const of = (manifests: any[], kind: string) => manifests.filter((m) => m.kind === kind);

describe('SecureGateway', () => {
  test('HTTPS with TLS 1.2+, HTTP redirected, one VirtualService per host bound to the gateway', () => {
    // GIVEN
    const { chart, gw } = gateway();
    // WHEN
    gw.addRoute({ destination: GatewayRouteTarget.fromHost('frontend', 8080) });
    // THEN
    const manifests = synthValid(chart);
    const [g] = of(manifests, 'Gateway');
    expect(g.spec.selector).toEqual({ istio: 'ingressgateway' });
    expect(g.spec.servers).toEqual([
      { port: { number: 443, name: 'https-443', protocol: 'HTTPS' }, hosts: ['shop.example.com'], tls: { mode: 'SIMPLE', credentialName: 'shop-cert', minProtocolVersion: 'TLSV1_2' } },
      { port: { number: 80, name: 'http-80', protocol: 'HTTP' }, hosts: ['shop.example.com'], tls: { httpsRedirect: true } },
    ]);
    const [vs] = of(manifests, 'VirtualService');
    expect(vs.spec.gateways).toEqual([g.metadata.name]);
    expect(vs.spec.hosts).toEqual(g.spec.servers[0].hosts);
    expect(vs.spec.http).toEqual([{ match: [{ uri: { prefix: '/' } }], route: [{ destination: { host: 'frontend', port: { number: 8080 } } }] }]);
    expect(manifests).toMatchSnapshot();
  });

  test('gateway and VirtualService hosts come from one list', () => {
    const { chart, gw } = gateway({ hosts: ['a.example.com', 'b.example.com'] });
    gw.addRoute({ host: 'b.example.com', path: StringMatch.prefix('/api'), destination: GatewayRouteTarget.fromHost('api', 80) });
    gw.addRoute({ destination: GatewayRouteTarget.fromHost('web', 80) });
    const manifests = synthValid(chart);
    const serverHosts = of(manifests, 'Gateway')[0].spec.servers[0].hosts;
    const vsHosts = of(manifests, 'VirtualService').flatMap((v) => v.spec.hosts);
    expect(vsHosts).toEqual(['b.example.com', 'a.example.com']);
    expect(of(manifests, 'VirtualService')[0].spec.http.map((r: any) => r.match[0].uri.prefix)).toEqual(['/api', '/']);
    for (const h of vsHosts) expect(serverHosts).toContain(h);
  });

  test('routes to a cdk8s-plus Service, with rewrite and timeout', () => {
    const chart = Testing.chart();
    const deployment = new kplus.Deployment(chart, 'web', { containers: [{ image: 'web:1', portNumber: 8080 }] });
    const service = deployment.exposeViaService({ ports: [{ name: 'http', port: 80, targetPort: 8080 }] });
    new SecureGateway(chart, 'ingress', { hosts: ['shop.example.com'], credentialName: 'shop-cert' })
      .addRoute({ path: StringMatch.prefix('/shop/'), rewriteUri: '/', timeout: Duration.seconds(5), destination: GatewayRouteTarget.fromService(service) });
    const rule = of(synthValid(chart), 'VirtualService')[0].spec.http[0];
    expect(rule).toEqual({
      match: [{ uri: { prefix: '/shop/' } }],
      rewrite: { uri: '/' },
      timeout: '5s',
      route: [{ destination: { host: service.name, port: { number: 80 } } }],
    });
  });

  test('ingress to a CanaryService follows its split and dark launch', () => {
    const chart = Testing.chart();
    const reviews = new CanaryService(chart, 'reviews', {
      versions: [{ name: 'v1', image: 'r:1' }, { name: 'v2', image: 'r:2', weight: 30 }],
      matchRoutes: [{ version: 'v2', headers: { 'x-beta': StringMatch.exact('1') } }],
    });
    new SecureGateway(chart, 'ingress', { hosts: ['shop.example.com'], credentialName: 'shop-cert' })
      .addRoute({ path: StringMatch.prefix('/reviews'), destination: GatewayRouteTarget.fromCanary(reviews) });
    const vs = of(synthValid(chart), 'VirtualService').find((v) => v.spec.gateways);
    expect(vs.spec.http[0].match).toEqual([{ uri: { prefix: '/reviews' }, headers: { 'x-beta': { exact: '1' } } }]);
    expect(vs.spec.http[1].route.map((r: any) => [r.destination.subset, r.weight])).toEqual([['v1', 70], ['v2', 30]]);
  });

  test('MUTUAL TLS and a custom workload', () => {
    const { chart } = gateway({ tlsMode: SecureGatewayTlsMode.MUTUAL, subjectAltNames: ['partner.example.com'], selector: { app: 'edge' }, minProtocolVersion: TlsProtocolVersion.TLSV1_3 });
    const g = of(synthValid(chart), 'Gateway')[0];
    expect(g.spec.selector).toEqual({ app: 'edge' });
    expect(g.spec.servers[0].tls).toEqual({ mode: 'MUTUAL', credentialName: 'shop-cert', minProtocolVersion: 'TLSV1_3', subjectAltNames: ['partner.example.com'] });
  });

  test('PASSTHROUGH routes by SNI', () => {
    const { chart, gw } = gateway({ tlsMode: SecureGatewayTlsMode.PASSTHROUGH, credentialName: undefined });
    gw.addRoute({ destination: GatewayRouteTarget.fromHost('shop-tls', 8443) });
    const manifests = synthValid(chart);
    expect(of(manifests, 'Gateway')[0].spec.servers[0]).toEqual({ port: { number: 443, name: 'tls-443', protocol: 'TLS' }, hosts: ['shop.example.com'], tls: { mode: 'PASSTHROUGH' } });
    expect(of(manifests, 'VirtualService')[0].spec.tls).toEqual([{ match: [{ sniHosts: ['shop.example.com'], port: 443 }], route: [{ destination: { host: 'shop-tls', port: { number: 8443 } } }] }]);
  });

  test('the HTTPS redirect can be turned off', () => {
    const servers = of(synthValid(gateway({ httpsRedirect: false }).chart), 'Gateway')[0].spec.servers;
    expect(servers.map((s: any) => s.port.number)).toEqual([443]);
  });

  test('source allow-list: a DENY policy for other sources, scoped to these hosts, on the gateway workload', () => {
    const { chart } = gateway({ allowedSourceCidrs: ['203.0.113.0/24', '2001:db8::/32'] });
    const [policy] = of(synthValid(chart), 'AuthorizationPolicy');
    expect(policy.metadata.namespace).toBe('istio-system');
    expect(policy.spec).toEqual({
      selector: { matchLabels: { istio: 'ingressgateway' } },
      action: 'DENY',
      rules: [{
        from: [{ source: { notRemoteIpBlocks: ['203.0.113.0/24', '2001:db8::/32'] } }],
        // The gateway's container ports: without them the DENY rule would also deny plain TCP (Istio warns).
        to: [{ operation: { hosts: ['shop.example.com', 'shop.example.com:*'], ports: ['8080', '8443'] } }],
      }],
    });
  });

  test('synthesis is byte-identical across runs', () => {
    const yaml = () => {
      const { chart, gw } = gateway({ allowedSourceCidrs: ['203.0.113.0/24'] });
      gw.addRoute({ path: StringMatch.prefix('/api'), destination: GatewayRouteTarget.fromHost('api', 80) });
      return Yaml.stringify(...Testing.synth(chart));
    };
    expect(yaml()).toEqual(yaml());
  });

  test('a TLS Secret defined in the gateway namespace is accepted', () => {
    const { chart } = gateway();
    new ApiObject(chart, 'cert', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'shop-cert', namespace: 'istio-system' } });
    expect(synthValid(chart).map((m) => m.kind)).toContain('Secret');
  });
});

describe('SecureGateway validation', () => {
  test('explicit hosts are required; wildcards only on purpose', () => {
    expect(() => gateway({ hosts: [] })).toThrow("[test/ingress] 'hosts' ([]) must list at least one host");
    expect(() => gateway({ hosts: ['*'] })).toThrow("'hosts[0]' (*) must be an explicit host name; name the hosts, or set 'allowWildcardHosts: true' on purpose");
    expect(synthValid(gateway({ hosts: ['*.example.com'], allowWildcardHosts: true }).chart)).toHaveLength(1);
  });

  test('hosts must be fully qualified', () => {
    expect(() => gateway({ hosts: ['shop'] })).toThrow("'hosts[0]' (shop) must be a fully qualified host name");
  });

  test('credentialName is required to terminate TLS, and refused for PASSTHROUGH', () => {
    expect(() => gateway({ credentialName: undefined })).toThrow("'credentialName' (unset) is required for SIMPLE TLS; name the kubernetes.io/tls Secret in namespace istio-system");
    expect(() => gateway({ tlsMode: SecureGatewayTlsMode.PASSTHROUGH })).toThrow("'credentialName' (shop-cert) is ignored with PASSTHROUGH");
  });

  test('TLS below 1.2 is refused', () => {
    expect(() => gateway({ minProtocolVersion: TlsProtocolVersion.TLSV1_1 })).toThrow("'minProtocolVersion' (TLSV1_1) must be TLSV1_2 or later");
  });

  test('a bare IP in the allow-list gets a /32 suggestion', () => {
    expect(() => gateway({ allowedSourceCidrs: ['203.0.113.7'] })).toThrow("'allowedSourceCidrs[0]' (203.0.113.7) must be a CIDR block, not a bare IP address; write '203.0.113.7/32' for this single address");
    expect(() => gateway({ allowedSourceCidrs: ['2001:db8::1'] })).toThrow("write '2001:db8::1/128'");
  });

  test('invalid CIDRs and empty allow-lists are refused', () => {
    expect(() => gateway({ allowedSourceCidrs: ['10.0.0.0/40'] })).toThrow("'allowedSourceCidrs[0]' (10.0.0.0/40) must be a CIDR block");
    expect(() => gateway({ allowedSourceCidrs: [] })).toThrow("'allowedSourceCidrs' ([]) must not be empty");
  });

  test('routes must use a host of the gateway', () => {
    const { gw } = gateway();
    expect(() => gw.addRoute({ host: 'other.example.com', destination: GatewayRouteTarget.fromHost('x', 80) })).toThrow("'host' (other.example.com) must be one of the gateway's hosts (shop.example.com)");
  });

  test('a route shadowed by an earlier prefix is refused', () => {
    const { gw } = gateway();
    gw.addRoute({ destination: GatewayRouteTarget.fromHost('web', 80) });
    expect(() => gw.addRoute({ path: StringMatch.prefix('/api'), destination: GatewayRouteTarget.fromHost('api', 80) }))
      .toThrow("'path' (/api) is unreachable on shop.example.com: the earlier route for prefix '/' already matches it; add the route for '/api' before the one for '/'");
  });

  test('paths are refused with PASSTHROUGH', () => {
    const { gw } = gateway({ tlsMode: SecureGatewayTlsMode.PASSTHROUGH, credentialName: undefined });
    expect(() => gw.addRoute({ path: StringMatch.prefix('/a'), destination: GatewayRouteTarget.fromHost('x', 80) })).toThrow('is not available with PASSTHROUGH');
  });

  test('the TLS Secret must live in the gateway workload namespace when the app defines it', () => {
    const { chart } = gateway();
    new ApiObject(chart, 'cert', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'shop-cert', namespace: 'shop' } });
    expect(synthError(chart)).toContain("[test/ingress] 'credentialName' (shop-cert) names a Secret in namespace shop, but the gateway workload reads it from istio-system; create the Secret in namespace istio-system");
  });
});
