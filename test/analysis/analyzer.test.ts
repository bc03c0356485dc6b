import { ApiObject, Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import {
  AnalysisLevel, CanaryService, ClientTlsMode, Destination, DestinationRule, Gateway, IstioAnalyzer, Protocol,
  VirtualService, networking,
} from '../../src';
import { synthError, synthValid } from '../support/schema';

/** A chart in namespace `shop`, and the analyzer's findings after synthesis. */
function setup() {
  const app = Testing.app();
  const chart = new Chart(app, 'shop', { namespace: 'shop' });
  const findings = () => {
    synthValid(chart);
    return IstioAnalyzer.of(chart).findings.map((f) => `${f.level} ${f.code} ${f.kind}/${f.name}`);
  };
  return { app, chart, findings };
}

function workload(chart: Chart, name: string, labels: { [k: string]: string }, ports = [{ name: 'http', port: 80 }]) {
  const deployment = new kplus.Deployment(chart, name, { metadata: { name }, podMetadata: { labels }, containers: [{ image: `${name}:1`, portNumber: 8080 }] });
  return deployment.exposeViaService({ name: labels.app ?? name, ports: ports.map((p) => ({ ...p, targetPort: 8080 })) });
}

const gatewayProps = (hosts: string[], selector = { istio: 'ingressgateway' }) => ({
  selector, servers: [{ port: 443, protocol: Protocol.HTTPS, hosts, tls: { credentialName: `${hosts[0].replace(/[^a-z0-9.-]/g, '')}-cert` } }],
});

describe('IstioAnalyzer runs automatically with any construct of the library', () => {
  test('one analyzer per App, at its root', () => {
    const { app, chart } = setup();
    new DestinationRule(chart, 'a', { host: 'a' });
    new Gateway(new Chart(app, 'other'), 'gw', gatewayProps(['x.example.com']));
    expect(app.node.children.filter((c) => c instanceof IstioAnalyzer).map((c) => c.node.id)).toEqual([IstioAnalyzer.DEFAULT_ID]);
  });

  test('a clean app has no findings', () => {
    const { chart, findings } = setup();
    const svc = workload(chart, 'reviews-v1', { app: 'reviews', version: 'v1' });
    const rule = new DestinationRule(chart, 'reviews', { host: svc.name });
    const v1 = rule.addSubset({ name: 'v1', labels: { version: 'v1' } });
    new VirtualService(chart, 'vs', { hosts: [svc.name], http: [{ destinations: [{ destination: Destination.toSubset(v1) }] }] });
    expect(findings()).toEqual([]);
  });
});

describe('IST0101 referenced resource not found', () => {
  test('a VirtualService (L1, written by hand) names a Gateway that is not in the app', () => {
    const { chart } = setup();
    workload(chart, 'web', { app: 'web' });
    IstioAnalyzer.of(chart); // no construct of this library here: add the analyzer explicitly
    new networking.VirtualService(chart, 'ingress', { metadata: { name: 'ingress' }, spec: { hosts: ['shop.example.com'], gateways: ['public'], http: [{ route: [{ destination: { host: 'web' } }] }] } });
    expect(synthError(chart)).toContain('[shop/ingress] IST0101: Referenced gateway not found: "public" (looked for Gateway shop/public)');
  });

  test('passes when the Gateway is in the app, or declared external with Gateway.fromGatewayName()', () => {
    const { chart, findings } = setup();
    workload(chart, 'web', { app: 'web' });
    const gw = new Gateway(chart, 'public', { metadata: { name: 'public' }, ...gatewayProps(['shop.example.com']) });
    new VirtualService(chart, 'a', { hosts: ['shop.example.com'], gateways: [gw], http: [{ destinations: [{ destination: Destination.toHost('web') }] }] });
    new VirtualService(chart, 'b', { hosts: ['partner.example.com'], gateways: [Gateway.fromGatewayName('edge/partners')], http: [{ destinations: [{ destination: Destination.toHost('web') }] }] });
    expect(findings()).toEqual([]);
  });

  test('a route names a subset the DestinationRule does not define', () => {
    const { chart } = setup();
    const svc = workload(chart, 'reviews-v1', { app: 'reviews', version: 'v1' });
    new DestinationRule(chart, 'rule', { host: svc.name, subsets: [{ name: 'v1', labels: { version: 'v1' } }] });
    new VirtualService(chart, 'vs', { hosts: ['reviews'], http: [{ destinations: [{ destination: Destination.toSubset({ host: 'reviews', subsetName: 'v3' }) }] }] });
    expect(synthError(chart)).toContain('[shop/vs] IST0101: Referenced host+subset in destinationrule not found: "reviews+v3" (spec.http[0].route[0].destination)');
  });

  test('a Gateway selects no gateway workload, when the app defines gateway workloads', () => {
    const { chart } = setup();
    new kplus.Deployment(chart, 'ingress', { podMetadata: { labels: { istio: 'ingressgateway' } }, containers: [{ image: 'proxyv2' }] });
    new Gateway(chart, 'gw', gatewayProps(['shop.example.com'], { istio: 'ingress' }));
    expect(synthError(chart)).toContain('IST0101: Referenced selector not found: "istio=ingress"');
  });

  test('passes when the selector matches the gateway workload', () => {
    const { chart, findings } = setup();
    new kplus.Deployment(chart, 'ingress', { podMetadata: { labels: { istio: 'ingressgateway' } }, containers: [{ image: 'proxyv2' }] });
    new Gateway(chart, 'gw', gatewayProps(['shop.example.com']));
    expect(findings()).toEqual([]);
  });

  test('a route to a port the Service does not expose', () => {
    const { chart } = setup();
    workload(chart, 'api', { app: 'api' }, [{ name: 'http', port: 80 }, { name: 'grpc', port: 9090 }]);
    new VirtualService(chart, 'vs', { hosts: ['api'], http: [{ destinations: [{ destination: Destination.toHost('api', { port: 8080 }) }] }] });
    expect(synthError(chart)).toContain('IST0101: Referenced host:port not found: "api:8080"');
  });
});

describe('IST0112 destination port required', () => {
  test('a route without a port to a Service with several ports fails', () => {
    const { chart } = setup();
    workload(chart, 'api', { app: 'api' }, [{ name: 'http', port: 80 }, { name: 'grpc', port: 9090 }]);
    new VirtualService(chart, 'vs', { hosts: ['api'], http: [{ destinations: [{ destination: Destination.toHost('api') }] }] });
    expect(synthError(chart)).toContain('[shop/vs] IST0112: This VirtualService routes to a service "api" that exposes multiple ports [80 9090]');
  });

  test('passes with a port', () => {
    const { chart, findings } = setup();
    workload(chart, 'api', { app: 'api' }, [{ name: 'http', port: 80 }, { name: 'grpc', port: 9090 }]);
    new VirtualService(chart, 'vs', { hosts: ['api'], http: [{ destinations: [{ destination: Destination.toHost('api', { port: 9090 }) }] }] });
    expect(findings()).toEqual([]);
  });
});

describe('IST0132 VirtualService host not in its Gateway', () => {
  test('reported as a warning', () => {
    const { chart, findings } = setup();
    workload(chart, 'web', { app: 'web' });
    const gw = new Gateway(chart, 'gw', gatewayProps(['shop.example.com']));
    new VirtualService(chart, 'vs', { metadata: { name: 'api' }, hosts: ['api.example.com'], gateways: [gw], http: [{ destinations: [{ destination: Destination.toHost('web') }] }] });
    expect(findings()).toEqual(['Warning IST0132 VirtualService/api']);
  });

  test('wildcard and namespace/host server hosts are understood', () => {
    const { chart, findings } = setup();
    workload(chart, 'web', { app: 'web' });
    const gw = new Gateway(chart, 'gw', gatewayProps(['shop/*.example.com']));
    new VirtualService(chart, 'vs', { hosts: ['api.example.com'], gateways: [gw], http: [{ destinations: [{ destination: Destination.toHost('web') }] }] });
    expect(findings()).toEqual([]);
  });
});

describe('IST0145 conflicting gateways', () => {
  // Hosts are compared exactly, as Istio's ConflictingGatewayAnalyzer and the gateway's server
  // merge do: a wildcard host is served beside the specific hosts under it.
  test('same selector, port and host fail', () => {
    const { chart } = setup();
    new Gateway(chart, 'a', { metadata: { name: 'a' }, ...gatewayProps(['shop.example.com']) });
    new Gateway(chart, 'b', { metadata: { name: 'b' }, ...gatewayProps(['shop.example.com', 'api.example.com']) });
    const message = synthError(chart);
    expect(message).toContain('[shop/a] IST0145: Conflict with gateways shop/b (workload selector istio=ingressgateway, port 443, hosts shop.example.com)');
    expect(message).toContain('[shop/b] IST0145: Conflict with gateways shop/a');
  });

  test('passes for different hosts or workloads', () => {
    const { chart, findings } = setup();
    new Gateway(chart, 'a', gatewayProps(['shop.example.com']));
    new Gateway(chart, 'b', gatewayProps(['api.example.com']));
    new Gateway(chart, 'd', gatewayProps(['*.example.com']));
    new Gateway(chart, 'c', gatewayProps(['shop.example.com'], { istio: 'internal-gateway' }));
    expect(findings()).toEqual([]);
  });
});

describe('IST0109 two mesh VirtualServices for one host', () => {
  test('a CanaryService and another VirtualService for the same host fail', () => {
    const { chart } = setup();
    new CanaryService(chart, 'reviews', { versions: [{ name: 'v1', image: 'r:1' }, { name: 'v2', image: 'r:2', weight: 10 }] });
    new VirtualService(chart, 'extra', { metadata: { name: 'extra' }, hosts: ['reviews.shop.svc.cluster.local'], http: [{ destinations: [{ destination: Destination.toHost('reviews') }] }] });
    expect(synthError(chart)).toContain('IST0109: The VirtualServices shop/extra,shop/reviews associated with mesh gateway define the same host reviews.shop.svc.cluster.local');
  });

  test('passes when the VirtualServices are visible in different namespaces only', () => {
    const { app, findings } = setup();
    for (const ns of ['team-a', 'team-b']) {
      const chart = new Chart(app, ns, { namespace: ns });
      new VirtualService(chart, 'vs', { hosts: ['api.example.com'], exportTo: ['.'], http: [{ destinations: [{ destination: Destination.toHost('api.example.com') }] }] });
    }
    expect(findings().filter((f) => f.includes('IST0109'))).toEqual([]);
  });
});

describe('IST0173 subset selects no pods', () => {
  test('a subset whose labels match no Deployment behind the Service fails', () => {
    const { chart } = setup();
    const svc = workload(chart, 'reviews-v1', { app: 'reviews', version: 'v1' });
    new DestinationRule(chart, 'rule', { host: svc.name, subsets: [{ name: 'v1', labels: { version: 'v1' } }, { name: 'v2', labels: { version: 'v2' } }] });
    expect(synthError(chart)).toContain('[shop/rule] IST0173: The Subset v2 defined in the DestinationRule does not select any pods (no pod of Service reviews has labels {"version":"v2"})');
  });

  test('CanaryService subsets always select their pods', () => {
    const { chart, findings } = setup();
    new CanaryService(chart, 'reviews', { versions: [{ name: 'v1', image: 'r:1' }, { name: 'v2', image: 'r:2' }, { name: 'v3', image: 'r:3' }] });
    expect(findings()).toEqual([]);
  });
});

describe('IST0174 DestinationRule host matches no service', () => {
  test('reported as a warning', () => {
    const { chart, findings } = setup();
    new DestinationRule(chart, 'rule', { metadata: { name: 'rule' }, host: 'reveiws', trafficPolicy: { tls: { mode: ClientTlsMode.ISTIO_MUTUAL } } });
    expect(findings()).toEqual(['Warning IST0174 DestinationRule/rule']);
  });

  test('a ServiceEntry host counts, including wildcards', () => {
    const { chart, findings } = setup();
    new ApiObject(chart, 'se', { apiVersion: 'networking.istio.io/v1', kind: 'ServiceEntry', metadata: { name: 'se' }, spec: { hosts: ['*.googleapis.com'], ports: [{ number: 443, name: 'tls', protocol: 'TLS' }], resolution: 'NONE', location: 'MESH_EXTERNAL' } });
    // With the CA given: SIMPLE TLS without caCertificates is IST0128 (Istio's CaCertificateAnalyzer).
    new DestinationRule(chart, 'rule', { host: 'www.googleapis.com', trafficPolicy: { tls: { mode: ClientTlsMode.SIMPLE, caCertificates: '/etc/ssl/google-ca.pem' } } });
    expect(findings()).toEqual([]);
  });
});

describe('IST0118 / IST0150 Service port naming', () => {
  test('a port without protocol name or appProtocol is reported (info)', () => {
    const { chart, findings } = setup();
    IstioAnalyzer.of(chart);
    workload(chart, 'web', { app: 'web' }, [{ name: 'web', port: 80 }]);
    expect(findings()).toEqual(['Info IST0118 Service/web']);
  });

  test('ExternalName Service port named tcp (warning)', () => {
    const { chart, findings } = setup();
    IstioAnalyzer.of(chart);
    new kplus.k8s.KubeService(chart, 'ext', { metadata: { name: 'ext' }, spec: { type: 'ExternalName', externalName: 'api.example.com', ports: [{ name: 'tcp', port: 443 }] } });
    expect(findings()).toEqual(['Warning IST0150 Service/ext']);
  });

  test('CanaryService ports are named and carry appProtocol', () => {
    const { chart, findings } = setup();
    new CanaryService(chart, 'reviews', { versions: [{ name: 'v1', image: 'r:1' }, { name: 'v2', image: 'r:2' }] });
    expect(findings().filter((f) => f.includes('IST0118'))).toEqual([]);
  });
});

describe('mTLS', () => {
  test('IST0113: a DestinationRule that disables mTLS towards STRICT workloads fails', () => {
    const { chart } = setup();
    new CanaryService(chart, 'reviews', { versions: [{ name: 'v1', image: 'r:1' }, { name: 'v2', image: 'r:2' }] });
    new DestinationRule(chart, 'legacy', { host: 'reviews', trafficPolicy: { tls: { mode: ClientTlsMode.DISABLE } } });
    expect(synthError(chart)).toContain('[shop/legacy] IST0113: spec.trafficPolicy.tls.mode DISABLE sends plain text to reviews.shop, whose PeerAuthentication is STRICT');
  });

  test('IST0113 passes under PERMISSIVE', () => {
    const { chart, findings } = setup();
    workload(chart, 'api', { app: 'api' });
    new ApiObject(chart, 'pa', { apiVersion: 'security.istio.io/v1', kind: 'PeerAuthentication', metadata: { name: 'default' }, spec: { mtls: { mode: 'PERMISSIVE' } } });
    new DestinationRule(chart, 'dr', { host: 'api', trafficPolicy: { tls: { mode: ClientTlsMode.DISABLE } } });
    expect(findings()).toEqual([]);
  });

  test('CKI0001: an ISTIO_MUTUAL DestinationRule for host "*" is reported', () => {
    const { chart, findings } = setup();
    new DestinationRule(chart, 'all', { metadata: { name: 'all' }, host: '*', trafficPolicy: { tls: { mode: ClientTlsMode.ISTIO_MUTUAL } } });
    expect(findings()).toEqual(['Warning CKI0001 DestinationRule/all']);
  });

  test('CKI0001 passes for the cluster domain', () => {
    const { chart, findings } = setup();
    new DestinationRule(chart, 'all', { host: '*.shop.svc.cluster.local', trafficPolicy: { tls: { mode: ClientTlsMode.ISTIO_MUTUAL } } });
    expect(findings()).toEqual([]);
  });
});

describe('objects written by hand', () => {
  test('IST0106: a plain ApiObject that breaks an admission rule fails, with its construct path', () => {
    const { chart } = setup();
    new Gateway(chart, 'gw', gatewayProps(['shop.example.com'])); // any library construct attaches the analyzer
    new ApiObject(chart, 'raw', { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'raw' }, spec: { hosts: ['a'], http: [{ timeout: '0.5ms', route: [{ destination: { host: 'a' } }] }] } });
    expect(synthError(chart)).toContain("[shop/raw] IST0106: 'spec.http[0].timeout' (0.5ms) must be at least 1ms");
  });

  test('an app of plain objects only is analyzed once the analyzer is added explicitly', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'plain');
    new ApiObject(chart, 'raw', { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'raw' }, spec: { hosts: ['a'] } });
    expect(() => Testing.synth(chart)).not.toThrow();
    IstioAnalyzer.of(app);
    expect(synthError(chart)).toContain("[plain/raw] IST0106: 'spec' (no routes) must have http, tcp or tls routes");
  });

  test('options: ignore codes and declare external gateways', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'c');
    new IstioAnalyzer(app, 'analysis', { ignore: ['IST0174'], externalGateways: ['default/public'] });
    new DestinationRule(chart, 'rule', { host: 'nowhere', trafficPolicy: { tls: { mode: ClientTlsMode.ISTIO_MUTUAL } } });
    new networking.VirtualService(chart, 'vs', { metadata: { name: 'vs' }, spec: { hosts: ['a.example.com'], gateways: ['public'], http: [{ route: [{ destination: { host: 'a' } }] }] } });
    expect(Testing.synth(chart)).toHaveLength(2);
    expect(IstioAnalyzer.of(app).findings).toEqual([]);
    expect(app.node.children.filter((c) => c instanceof IstioAnalyzer)).toHaveLength(1);
  });

  test('options: meshConfig reaches the checks that read it, as --mesh-config does (IST0157)', () => {
    // A Telemetry whose access logging entry names no provider: ignored by Istio when the mesh
    // config sets no default access logging provider (Istio's telemetry.ProviderAnalyzer).
    const run = (meshConfig?: { [key: string]: any }) => {
      const { app, chart, findings } = setup();
      new IstioAnalyzer(app, 'analysis', { meshConfig });
      const spec = { accessLogging: [{ filter: { expression: 'response.code >= 500' } }] };
      new ApiObject(chart, 'logs', { apiVersion: 'telemetry.istio.io/v1', kind: 'Telemetry', metadata: { name: 'logs' }, spec });
      return findings();
    };
    expect(run({ defaultProviders: { metrics: ['prometheus'] } })).toEqual(['Warning IST0157 Telemetry/logs']);
    expect(run({ defaultProviders: { accessLogging: ['envoy'] } })).toEqual([]);
    // Without a mesh config the cluster's may set a default provider: not reported.
    expect(run()).toEqual([]);
  });

  test('options: alphaAnnotations turns on IST0136, off by default as in istioctl', () => {
    const run = (alphaAnnotations?: boolean) => {
      const { app, chart, findings } = setup();
      new IstioAnalyzer(app, 'analysis', { alphaAnnotations });
      new kplus.k8s.KubeService(chart, 'web', {
        metadata: { name: 'web', annotations: { 'networking.istio.io/exportTo': '.' } },
        spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80 }] },
      });
      return findings();
    };
    expect(run(true)).toEqual(['Info IST0136 Service/web']);
    expect(run()).toEqual([]);
  });

  test('IstioAnalyzer.analyzeManifests analyzes plain manifests', () => {
    const findings = IstioAnalyzer.analyzeManifests([
      { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'vs' }, spec: { hosts: ['a'], gateways: ['gw'], http: [{ route: [{ destination: { host: 'a' } }] }] } },
    ]);
    // A Gateway that is not there serves no host either: IST0132 too, as Istio's GatewayAnalyzer reports it.
    expect(findings).toEqual([
      expect.objectContaining({ code: 'IST0101', level: AnalysisLevel.ERROR, kind: 'VirtualService', name: 'vs', namespace: 'default', source: '#0' }),
      expect.objectContaining({ code: 'IST0132', level: AnalysisLevel.WARNING, kind: 'VirtualService', name: 'vs', namespace: 'default', source: '#0' }),
    ]);
  });
});
