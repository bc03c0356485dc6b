import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, App, JsonPatch, Testing } from 'cdk8s';
import { AuthorizationModel } from './support/authz-model';
import { MeshRouter } from './support/mesh-router';
import { synthAppValid } from './support/schema';
import { bookinfo, synthBookinfo } from '../examples/bookinfo/app';

describe('bookinfo example', () => {
  const manifests = synthAppValid(bookinfo(Testing.app()).bookinfo.node.root as App);
  const find = (kind: string, name: string) => manifests.find((m) => m.kind === kind && m.metadata.name.startsWith(name));
  const INGRESS = { namespace: 'istio-system', gateway: 'bookinfo-ingress/bookinfo-gateway' };

  test('every object is valid; the apps are in bookinfo, the ingress routes in bookinfo-ingress, the gateway policies in istio-system', () => {
    const where = manifests.map((m) => `${m.metadata.namespace ?? '(cluster)'} ${m.kind}`);
    expect(where.filter((n) => n.startsWith('bookinfo-ingress ')).sort()).toEqual(['bookinfo-ingress Gateway', 'bookinfo-ingress VirtualService']);
    expect(where.filter((n) => n.startsWith('istio-system ')).sort()).toEqual([
      'istio-system AuthorizationPolicy', 'istio-system RequestAuthentication', 'istio-system Telemetry', 'istio-system WasmPlugin',
    ]);
    expect(where.filter((n) => n.startsWith('(cluster) '))).toEqual(['(cluster) Namespace']);
    expect(where.filter((n) => n.startsWith('bookinfo ')).length).toBe(manifests.length - 7);
  });

  test('observability: mesh-wide tracing of 10%, access logs of errors only, a pinned Wasm module on the gateway', () => {
    const telemetry = manifests.find((m) => m.kind === 'Telemetry');
    expect(telemetry.metadata).toEqual({ name: 'mesh-default', namespace: 'istio-system' });
    expect(telemetry.spec.selector).toBeUndefined();
    expect(telemetry.spec.tracing).toEqual([{ randomSamplingPercentage: 10 }]);
    expect(telemetry.spec.accessLogging).toEqual([{ providers: [{ name: 'envoy' }], filter: { expression: 'response.code >= 400' } }]);
    const wasm = manifests.find((m) => m.kind === 'WasmPlugin');
    expect(wasm.metadata.namespace).toBe('istio-system');
    expect(wasm.spec.selector).toEqual({ matchLabels: { istio: 'ingressgateway' } });
    expect(wasm.spec.url).toMatch(/^oci:\/\/.+@sha256:[0-9a-f]{64}$/);
    expect(wasm.spec.failStrategy).toBe('FAIL_CLOSE');
  });

  describe('zero trust', () => {
    const model = new AuthorizationModel(manifests);
    const principal = (ns: string, sa: string) => `cluster.local/ns/${ns}/sa/${sa}`;
    const GATEWAY = principal('istio-system', 'istio-ingressgateway-service-account');
    const PRODUCTPAGE = principal('bookinfo', 'bookinfo-productpage');
    const REVIEWS = principal('bookinfo', 'reviews');
    const DETAILS = principal('bookinfo', 'bookinfo-details');
    const pod = (app: string) => ({ namespace: 'bookinfo', labels: { app, version: 'v1' }, port: 9080 });

    test('the namespace is enrolled, STRICT and deny-by-default', () => {
      expect(find('Namespace', 'bookinfo').metadata.labels).toEqual({ 'istio-injection': 'enabled' });
      expect(manifests.find((m) => m.kind === 'PeerAuthentication' && m.metadata.name === 'default').spec).toEqual({ mtls: { mode: 'STRICT' } });
      expect(find('AuthorizationPolicy', 'allow-nothing').spec).toEqual({ action: 'ALLOW' });
    });

    test.each([
      ['the gateway', GATEWAY, 'productpage', 'GET', '/productpage', true],
      ['the gateway', GATEWAY, 'reviews', 'GET', '/reviews/0', true],
      ['the gateway', GATEWAY, 'details', 'GET', '/details/0', false],
      ['productpage', PRODUCTPAGE, 'details', 'GET', '/details/0', true],
      ['productpage', PRODUCTPAGE, 'details', 'POST', '/details/0', false],
      ['productpage', PRODUCTPAGE, 'reviews', 'GET', '/reviews/0', true],
      ['productpage', PRODUCTPAGE, 'ratings', 'GET', '/ratings/0', false],
      ['reviews', REVIEWS, 'ratings', 'GET', '/ratings/0', true],
      ['reviews', REVIEWS, 'ratings', 'GET', '/admin', false],
      ['details', DETAILS, 'reviews', 'GET', '/reviews/0', false],
      ['a plain-text client', undefined, 'productpage', 'GET', '/productpage', false],
    ])('%s (%s) calling %s %s %s: allowed=%s', (_who, caller, app, method, requestPath, allowed) => {
      const labels = app === 'reviews' ? { app, version: 'v2' } : pod(app).labels;
      expect(model.decide({ principal: caller }, { ...pod(app), labels, method, path: requestPath }).allowed).toBe(allowed);
    });

    test('every service is called by someone: no CKI0004 (deny-by-default with nobody allowed)', () => {
      const services = manifests.filter((m) => m.kind === 'Service' && m.metadata.namespace === 'bookinfo').map((m) => m.metadata.name).sort();
      const granted = manifests.filter((m) => m.kind === 'AuthorizationPolicy' && m.spec.rules).map((m) => m.spec.selector?.matchLabels?.app).sort();
      expect(granted).toEqual(services);
    });

    test('/api/ needs a valid token at the gateway; other paths do not', () => {
      const gateway = { namespace: 'istio-system', labels: { istio: 'ingressgateway' }, port: 8443, host: 'bookinfo.example.com' };
      expect(model.decide({}, { ...gateway, path: '/api/v1/products' }).allowed).toBe(false);
      expect(model.decide({ requestPrincipal: 'https://auth.example.com/alice' }, { ...gateway, path: '/api/v1/products' }).allowed).toBe(true);
      expect(model.decide({ requestPrincipal: 'https://evil.example.com/alice' }, { ...gateway, path: '/api/v1/products' }).allowed).toBe(false);
      expect(model.decide({}, { ...gateway, path: '/productpage' }).allowed).toBe(true);
      expect(find('RequestAuthentication', 'bookinfo-gateway-jwt').spec.jwtRules).toEqual([{
        issuer: 'https://auth.example.com', jwksUri: 'https://auth.example.com/.well-known/jwks.json', audiences: ['bookinfo'],
      }]);
    });
  });

  test('productpage is behind a SecureGateway: HTTPS with TLS 1.2+, HTTP redirected, routes naming bookinfo by FQDN', () => {
    const gateway = find('Gateway', 'bookinfo-gateway');
    expect(gateway.spec.servers[0].tls).toEqual({ mode: 'SIMPLE', credentialName: 'bookinfo-cert', minProtocolVersion: 'TLSV1_2' });
    expect(gateway.spec.servers[1].tls).toEqual({ httpsRedirect: true });
    const ingress = manifests.find((m) => m.kind === 'VirtualService' && m.metadata.namespace === 'bookinfo-ingress');
    expect(ingress.spec.gateways).toEqual(['bookinfo-ingress/bookinfo-gateway']);
    expect(ingress.spec.http.at(-1).route[0].destination).toEqual({ host: 'productpage.bookinfo.svc.cluster.local', port: { number: 9080 } });
  });

  test('requests through the gateway reach productpage, the reviews split and the v3 dark launch', () => {
    const router = new MeshRouter(manifests);
    const host = 'bookinfo.example.com';
    expect(router.route(INGRESS, { host, path: '/' }).destinations.map((d) => d.workloads)).toEqual([['bookinfo/productpage']]);
    expect(router.route(INGRESS, { host, path: '/reviews/0' }).destinations.map((d) => [d.subset, d.weight])).toEqual([['v1', 80], ['v2', 20], ['v3', 0]]);
    const dark = router.route(INGRESS, { host, path: '/reviews/0', headers: { 'x-dark-launch': 'v3' } });
    expect(dark.destinations.map((d) => d.workloads)).toEqual([['bookinfo/reviews-v3']]);
  });

  test('reviews is a CanaryService v1/v2/v3 with a header dark launch of v3', () => {
    const reviews = find('VirtualService', 'reviews').spec.http;
    expect(reviews[0].match[0].headers).toEqual({ 'x-dark-launch': { exact: 'v3' } });
    expect(reviews[1].route.map((r: any) => [r.destination.subset, r.weight])).toEqual([['v1', 80], ['v2', 20], ['v3', 0]]);
    // Every subset a route names exists, and selects pods of a Deployment.
    const subsets = find('DestinationRule', 'reviews').spec.subsets;
    for (const rule of reviews) {
      for (const r of rule.route) {
        const subset = subsets.find((s: any) => s.name === r.destination.subset);
        const pods = manifests.filter((m) => m.kind === 'Deployment')
          .filter((d) => Object.entries(subset.labels).every(([k, v]) => d.spec.template.metadata.labels[k] === v));
        expect(pods).toHaveLength(1);
      }
    }
  });

  test('ratings is behind a ResilientRoute whose retry budget fits the timeout', () => {
    const rule = find('VirtualService', 'bookinfo-ratings-resilience').spec.http[0];
    expect(rule.timeout).toBe('10s');
    expect(rule.retries).toEqual({ attempts: 2, perTryTimeout: '2s', retryOn: 'gateway-error,connect-failure' });
  });

  test('Services have Istio port names', () => {
    for (const service of manifests.filter((m) => m.kind === 'Service')) {
      expect(service.spec.ports[0].name).toMatch(/^(http|http2|grpc)(-.*)?$/);
    }
  });

  test('the main job writes byte-identical YAML on every run', () => {
    const read = () => {
      const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'bookinfo-'));
      synthBookinfo(outdir);
      return fs.readFileSync(path.join(outdir, 'bookinfo.k8s.yaml'), 'utf8');
    };
    const first = read();
    expect(first).toContain('kind: VirtualService');
    expect(read()).toEqual(first);
  });

  test('an escape-hatch patch that breaks a rule fails synthesis instead of writing YAML', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'bookinfo-'));
    const app = new App({ outdir });
    const chart = bookinfo(app).bookinfo;
    const ratings = chart.node.findChild('ratings-resilience').node.findChild('VirtualService').node.findChild('Resource') as ApiObject;
    ratings.addJsonPatch(JsonPatch.replace('/spec/http/0/retries/attempts', 0));
    expect(() => app.synth()).toThrow("[bookinfo/ratings-resilience/VirtualService] 'spec.http[0].retries.attempts' (0) must be at least 1");
    expect(fs.readdirSync(outdir)).toEqual([]);
  });
});
