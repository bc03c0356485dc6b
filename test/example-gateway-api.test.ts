import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Testing } from 'cdk8s';
import { AuthorizationModel } from './support/authz-model';
import { synthAppValid } from './support/schema';
import { bookinfo, synthBookinfo } from '../examples/bookinfo/app';
import { MeshSettings, TrafficApi } from '../src';

/** The bookinfo example with the one switch set: the same code, in the Kubernetes Gateway API. */
function gatewayApiBookinfo(): any[] {
  const app = Testing.app();
  MeshSettings.setTrafficApi(app, TrafficApi.GATEWAY_API);
  return synthAppValid(bookinfo(app).bookinfo.node.root as App);
}

describe('bookinfo example, Gateway API rendering', () => {
  const manifests = gatewayApiBookinfo();
  const named = (kind: string, name: string) => manifests.find((m) => m.kind === kind && m.metadata.name === name);
  const GATEWAY_API = 'gateway.networking.k8s.io/v1';

  test('no Istio routing objects: a Gateway, HTTPRoutes and ReferenceGrants instead; DestinationRules keep mTLS and the pools', () => {
    const istioRouting = manifests.filter((m) => m.apiVersion.startsWith('networking.istio.io/') && ['VirtualService', 'Gateway'].includes(m.kind));
    expect(istioRouting).toEqual([]);
    const gatewayApi = manifests.filter((m) => m.apiVersion === GATEWAY_API).map((m) => `${m.metadata.namespace} ${m.kind} ${m.metadata.name}`).sort();
    expect(gatewayApi).toEqual([
      expect.stringMatching(/^bookinfo HTTPRoute bookinfo-ratings-resilience-httproute-/),
      'bookinfo HTTPRoute reviews',
      'bookinfo ReferenceGrant bookinfo-gateway-backends',
      'istio-system Gateway bookinfo-gateway',
      'istio-system HTTPRoute bookinfo-gateway-bookinfo-example-com',
      'istio-system HTTPRoute bookinfo-gateway-https-redirect',
    ]);
    const hosts = manifests.filter((m) => m.kind === 'DestinationRule').map((m) => [m.spec.host, m.spec.trafficPolicy?.tls?.mode]);
    expect(hosts).toEqual([['reviews-v1', 'ISTIO_MUTUAL'], ['reviews-v2', 'ISTIO_MUTUAL'], ['reviews-v3', 'ISTIO_MUTUAL'], ['ratings', 'ISTIO_MUTUAL']]);
    expect(named('DestinationRule', manifests.find((m) => m.kind === 'DestinationRule' && m.spec.host === 'ratings').metadata.name).spec.trafficPolicy.outlierDetection)
      .toMatchObject({ consecutive5xxErrors: 5 });
  });

  test('the gateway: HTTPS only for its host with TLS terminated, HTTP redirected, routes of its own namespace only', () => {
    const gateway = named('Gateway', 'bookinfo-gateway');
    expect(gateway.spec.listeners.map((l: any) => [l.name, l.port, l.protocol, l.hostname, l.allowedRoutes.namespaces.from])).toEqual([
      ['https-bookinfo-example-com', 443, 'HTTPS', 'bookinfo.example.com', 'Same'],
      ['http', 80, 'HTTP', undefined, 'Same'],
    ]);
    expect(gateway.spec.listeners[0].tls).toEqual({ mode: 'Terminate', certificateRefs: [{ name: 'bookinfo-cert' }] });
    expect(named('HTTPRoute', 'bookinfo-gateway-https-redirect').spec.rules[0].filters).toEqual([
      { type: 'RequestRedirect', requestRedirect: { scheme: 'https', statusCode: 301 } },
    ]);
  });

  test('ingress follows the reviews split and v3 dark launch on the version Services; productpage keeps its 15s timeout', () => {
    const route = named('HTTPRoute', 'bookinfo-gateway-bookinfo-example-com');
    const [dark, split, productpage] = route.spec.rules;
    expect(dark.matches).toEqual([{ path: { type: 'PathPrefix', value: '/reviews' }, headers: [{ name: 'x-dark-launch', value: 'v3' }] }]);
    expect(dark.backendRefs.map((b: any) => `${b.namespace}/${b.name}`)).toEqual(['bookinfo/reviews-v3']);
    expect(split.backendRefs.map((b: any) => [b.name, b.weight])).toEqual([['reviews-v1', 80], ['reviews-v2', 20], ['reviews-v3', 0]]);
    expect(split.timeouts).toEqual({ request: '5s' });
    expect(productpage.backendRefs).toEqual([{ group: '', kind: 'Service', name: 'productpage', namespace: 'bookinfo', port: 9080 }]);
    expect(productpage.timeouts).toEqual({ request: '15s' });
    // The routes in istio-system may reach exactly these Services of bookinfo.
    expect(named('ReferenceGrant', 'bookinfo-gateway-backends').spec.to.map((t: any) => t.name)).toEqual(['productpage', 'reviews-v1', 'reviews-v2', 'reviews-v3']);
    // Every version Service selects the pods of exactly one Deployment.
    for (const version of ['v1', 'v2', 'v3']) {
      const selector = named('Service', `reviews-${version}`).spec.selector;
      const pods = manifests.filter((m) => m.kind === 'Deployment')
        .filter((d) => Object.entries(selector).every(([k, v]) => d.spec.template.metadata.labels[k] === v));
      expect(pods).toHaveLength(1);
    }
  });

  test('mesh traffic (GAMMA): the reviews split and the ratings timeout are routes attached to their Services', () => {
    const reviews = named('HTTPRoute', 'reviews');
    expect(reviews.spec.parentRefs).toEqual([{ group: '', kind: 'Service', name: 'reviews' }]);
    expect(reviews.spec.rules.map((r: any) => r.name)).toEqual(['v3-match', 'split']);
    const ratings = manifests.find((m) => m.kind === 'HTTPRoute' && m.metadata.name.startsWith('bookinfo-ratings-resilience'));
    expect(ratings.spec.parentRefs).toEqual([{ group: '', kind: 'Service', name: 'ratings', port: 9080 }]);
    expect(ratings.spec.rules[0].timeouts).toEqual({ request: '10s' });
    expect(ratings.spec.rules[0].retry).toBeUndefined();
  });

  test('zero trust is unchanged: the gateway identity Istio creates may call productpage and reviews only; its policies attach by targetRefs', () => {
    const model = new AuthorizationModel(manifests);
    const gateway = 'cluster.local/ns/istio-system/sa/bookinfo-gateway-istio';
    const pod = (app: string, version = 'v1') => ({ namespace: 'bookinfo', labels: { app, version }, port: 9080, method: 'GET', path: '/' });
    expect(model.decide({ principal: gateway }, pod('productpage')).allowed).toBe(true);
    expect(model.decide({ principal: gateway }, pod('reviews', 'v2')).allowed).toBe(true);
    expect(model.decide({ principal: gateway }, pod('details')).allowed).toBe(false);
    const target = [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'bookinfo-gateway' }];
    for (const kind of ['RequestAuthentication', 'WasmPlugin']) {
      const policy = manifests.find((m) => m.kind === kind && m.metadata.namespace === 'istio-system');
      expect(policy.spec.targetRefs).toEqual(target);
      expect(policy.spec.selector).toBeUndefined();
    }
    expect(named('AuthorizationPolicy', 'bookinfo-gateway-require-jwt').spec.rules[0].to[0].operation.ports).toEqual(['443']);
  });

  test('the main job writes both renderings, byte-identical on every run', () => {
    const read = (api: TrafficApi) => {
      const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'bookinfo-'));
      synthBookinfo(outdir, api);
      return ['bookinfo.k8s.yaml', 'bookinfo-ingress.k8s.yaml'].map((f) => fs.readFileSync(path.join(outdir, f), 'utf8')).join('\n');
    };
    const first = read(TrafficApi.GATEWAY_API);
    expect(first).toContain('kind: HTTPRoute');
    expect(first).not.toContain('kind: VirtualService');
    expect(read(TrafficApi.GATEWAY_API)).toEqual(first);
    expect(read(TrafficApi.ISTIO)).toContain('kind: VirtualService');
  });
});
