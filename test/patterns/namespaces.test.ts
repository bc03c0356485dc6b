import { App, Chart, Duration, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import {
  CanaryService, Destination, DestinationRule, Gateway, GatewayRouteTarget, IstioAnalyzer, MeshSettings, Protocol, ResilientRoute,
  SecureGateway, StringMatch, VirtualService,
} from '../../src';
import { MeshRouter } from '../support/mesh-router';
import { synthAppError, synthAppValid } from '../support/schema';

const INGRESS = { namespace: 'istio-system' };
const HOST = 'shop.example.com';

/** A single-version app: a Deployment and its Service, as cdk8s-plus users write them. */
function plainService(chart: Chart, name: string, port = 9080): kplus.Service {
  const deployment = new kplus.Deployment(chart, name, {
    metadata: { name },
    podMetadata: { labels: { app: name } },
    containers: [{ image: `example/${name}:1`, portNumber: port }],
  });
  return deployment.exposeViaService({ name, ports: [{ name: 'http', port, targetPort: port }] });
}

/**
 * The most common production layout: the Gateway objects in one namespace (`edge`, or the
 * gateway workload's own `istio-system`), the apps in two others.
 */
function shopApp(gatewayNamespace: string) {
  const app = Testing.app();
  const shop = new Chart(app, 'shop', { namespace: 'shop' });
  const books = new Chart(app, 'books', { namespace: 'books' });
  const edge = new Chart(app, 'edge', { namespace: gatewayNamespace });
  const reviews = new CanaryService(shop, 'reviews', {
    port: 9080,
    versions: [{ name: 'v1', image: 'example/reviews:1' }, { name: 'v2', image: 'example/reviews:2', weight: 20 }],
    matchRoutes: [{ version: 'v2', headers: { 'x-dark-launch': StringMatch.exact('v2') } }],
  });
  const productpage = plainService(books, 'productpage');
  new SecureGateway(edge, 'ingress', { metadata: { name: 'public' }, hosts: [HOST], credentialName: 'shop-cert' })
    .addRoute({ path: StringMatch.prefix('/reviews'), destination: GatewayRouteTarget.fromCanary(reviews) })
    .addRoute({ destination: GatewayRouteTarget.fromService(productpage) });
  return { app, reviews, manifests: () => synthAppValid(app) };
}

describe.each(['edge', 'istio-system'])('SecureGateway in namespace %s, apps in shop and books', (gatewayNamespace) => {
  const ingress = { ...INGRESS, gateway: `${gatewayNamespace}/public` };

  test('the gateway names services of other namespaces by FQDN; the apps keep short names', () => {
    const manifests = shopApp(gatewayNamespace).manifests();
    const gatewayRoutes = manifests.find((m) => m.kind === 'VirtualService' && m.metadata.namespace === gatewayNamespace);
    const hosts = gatewayRoutes.spec.http.flatMap((r: any) => r.route.map((d: any) => d.destination.host));
    expect([...new Set(hosts)]).toEqual(['reviews.shop.svc.cluster.local', 'productpage.books.svc.cluster.local']);
    const meshRoutes = manifests.find((m) => m.kind === 'VirtualService' && m.metadata.namespace === 'shop');
    expect(meshRoutes.spec.hosts).toEqual(['reviews']);
    expect(meshRoutes.spec.http.flatMap((r: any) => r.route.map((d: any) => d.destination.host))).toEqual(['reviews', 'reviews', 'reviews']);
  });

  test('ingress requests reach the canary split, the dark launch and the other app', () => {
    const router = new MeshRouter(shopApp(gatewayNamespace).manifests());
    expect(router.route(ingress, { host: HOST, path: '/reviews/1' }).destinations).toEqual([
      { host: 'reviews.shop.svc.cluster.local', subset: 'v1', weight: 80, workloads: ['shop/reviews-v1'] },
      { host: 'reviews.shop.svc.cluster.local', subset: 'v2', weight: 20, workloads: ['shop/reviews-v2'] },
    ]);
    const dark = router.route(ingress, { host: HOST, path: '/reviews/1', headers: { 'x-dark-launch': 'v2' } });
    expect(dark.destinations.map((d) => d.workloads)).toEqual([['shop/reviews-v2']]);
    expect(router.route(ingress, { host: HOST, path: '/' }).destinations.map((d) => d.workloads)).toEqual([['books/productpage']]);
  });

  test('the same service called from inside the mesh follows the same split', () => {
    const router = new MeshRouter(shopApp(gatewayNamespace).manifests());
    const fromBooks = { namespace: 'books' };
    const split = router.route(fromBooks, { host: 'reviews.shop.svc.cluster.local' });
    expect(split.destinations.map((d) => [d.workloads, d.weight])).toEqual([[['shop/reviews-v1'], 80], [['shop/reviews-v2'], 20]]);
    const dark = router.route(fromBooks, { host: 'reviews.shop.svc.cluster.local', headers: { 'x-dark-launch': 'v2' } });
    expect(dark.destinations.map((d) => d.workloads)).toEqual([['shop/reviews-v2']]);
  });
});

describe('host names across namespaces', () => {
  test('Destination.toSubset from a VirtualService in another namespace writes the FQDN with the configured cluster domain', () => {
    const app = Testing.app();
    MeshSettings.setClusterDomain(app, 'corp.internal');
    const svc = new Chart(app, 'svc', { namespace: 'shop' });
    const client = new Chart(app, 'client', { namespace: 'web' });
    const rule = new DestinationRule(svc, 'rule', { host: 'cart' });
    const v1 = rule.addSubset({ name: 'v1', labels: { version: 'v1' } });
    const same = new VirtualService(svc, 'same', { hosts: ['cart'] }).addHttpRoute({ destinations: [{ destination: Destination.toSubset(v1) }] });
    const other = new VirtualService(client, 'other', { hosts: ['cart.example.com'], gateways: [Gateway.fromGatewayName('istio-system/public')] })
      .addHttpRoute({
        destinations: [{ destination: Destination.toSubset(v1) }],
        mirrors: [{ destination: Destination.toSubset(v1), percentage: 5 }],
      });
    const manifests = synthAppValid(app);
    const byName = (vs: VirtualService) => manifests.find((m) => m.metadata.name === vs.name);
    expect(byName(same).spec.http[0].route[0].destination).toEqual({ host: 'cart', subset: 'v1' });
    expect(byName(other).spec.http[0].route[0].destination).toEqual({ host: 'cart.shop.svc.corp.internal', subset: 'v1' });
    expect(byName(other).spec.http[0].mirror).toEqual({ host: 'cart.shop.svc.corp.internal', subset: 'v1' });
  });

  test('a bad cluster domain is refused', () => {
    expect(() => MeshSettings.setClusterDomain(Testing.app(), 'Not A Domain')).toThrow("'clusterDomain' (Not A Domain) must be a valid DNS name");
  });

  test('the analyzer resolves short names with the configured cluster domain', () => {
    // With corp.internal, the DestinationRule `cart` in shop is cart.shop.svc.corp.internal: a
    // route naming that FQDN finds its subset, one naming the cluster.local FQDN does not.
    const manifests = (host: string) => [
      { apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule', metadata: { name: 'cart', namespace: 'shop' }, spec: { host: 'cart', subsets: [{ name: 'v1', labels: { version: 'v1' } }] } },
      { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'cart', namespace: 'web' }, spec: { hosts: ['cart.example.com'], gateways: ['istio-system/gw'], http: [{ route: [{ destination: { host, subset: 'v1' } }] }] } },
    ];
    const options = { clusterDomain: 'corp.internal', externalGateways: ['istio-system/gw'], ignore: ['IST0174'] };
    expect(IstioAnalyzer.analyzeManifests(manifests('cart.shop.svc.corp.internal'), options)).toEqual([]);
    expect(IstioAnalyzer.analyzeManifests(manifests('cart.shop.svc.cluster.local'), options).map((f) => f.code)).toEqual(['IST0101']);
  });

  test('charts without a namespace: references between them keep short names', () => {
    const app = Testing.app();
    const a = new Chart(app, 'a');
    const b = new Chart(app, 'b');
    const reviews = new CanaryService(a, 'reviews', { versions: [{ name: 'v1', image: 'r:1' }, { name: 'v2', image: 'r:2', weight: 10 }] });
    new SecureGateway(b, 'gw', { hosts: [HOST], credentialName: 'c' }).addRoute({ destination: GatewayRouteTarget.fromCanary(reviews) });
    const manifests = synthAppValid(app);
    const gatewayRoutes = manifests.find((m) => m.kind === 'VirtualService' && m.spec.gateways?.some((g: string) => g !== 'mesh'));
    expect(gatewayRoutes.metadata.namespace).toBeUndefined();
    expect(gatewayRoutes.spec.http.at(-1).route.map((d: any) => d.destination.host)).toEqual(['reviews', 'reviews']);
    // Applied into one namespace (kubectl apply -n shop), everything lands together.
    const router = new MeshRouter(manifests.map((m) => ({ ...m, metadata: { ...m.metadata, namespace: 'shop' } })));
    const gateway = manifests.find((m) => m.kind === 'Gateway').metadata.name;
    expect(router.route({ namespace: 'istio-system', gateway: `shop/${gateway}` }, { host: HOST }).destinations.map((d) => d.workloads))
      .toEqual([['shop/reviews-v1'], ['shop/reviews-v2']]);
  });

  test('a chart without a namespace: a namespaced gateway names it by nothing it can know, so synth refuses', () => {
    const app = Testing.app();
    const apps = new Chart(app, 'apps');
    const edge = new Chart(app, 'edge', { namespace: 'edge' });
    const reviews = new CanaryService(apps, 'reviews', { versions: [{ name: 'v1', image: 'r:1' }, { name: 'v2', image: 'r:2', weight: 10 }] });
    new SecureGateway(edge, 'gw', { hosts: [HOST], credentialName: 'c' }).addRoute({ destination: GatewayRouteTarget.fromCanary(reviews) });
    const message = synthAppError(app);
    expect(message).toContain("[edge/gw/Routes-shop-example-com] 'spec.http[0].route[0].destination' (reviews) names DestinationRule apps/reviews/DestinationRule, "
      + 'which has no namespace (it lands in whatever namespace it is applied to), from namespace edge; give its chart a namespace');
  });

  test('a namespaced chart referring to an un-namespaced Gateway is refused', () => {
    const app = Testing.app();
    const gw = new Gateway(new Chart(app, 'gw'), 'gw', { metadata: { name: 'public' }, servers: [{ port: 80, protocol: Protocol.HTTP, hosts: [HOST] }] });
    new VirtualService(new Chart(app, 'shop', { namespace: 'shop' }), 'vs', { hosts: [HOST], gateways: [gw] })
      .addHttpRoute({ destinations: [{ destination: Destination.toHost('x') }] });
    expect(synthAppError(app)).toContain("[shop/vs] 'spec.gateways[0]' (public) names Gateway gw/gw, which has no namespace "
      + "(it lands in whatever namespace it is applied to), from namespace shop; give the Gateway's chart a namespace, or leave both without one");
  });

  test('an un-namespaced route to a namespaced service uses its FQDN', () => {
    const app = Testing.app();
    const books = new Chart(app, 'books', { namespace: 'books' });
    const productpage = plainService(books, 'productpage');
    new SecureGateway(new Chart(app, 'edge'), 'gw', { hosts: [HOST], credentialName: 'c' }).addRoute({ destination: GatewayRouteTarget.fromService(productpage) });
    const vs = synthAppValid(app).find((m) => m.kind === 'VirtualService');
    expect(vs.spec.http[0].route[0].destination).toEqual({ host: 'productpage.books.svc.cluster.local', port: { number: 9080 } });
  });

  test('ResilientRoute and CanaryService conflict only when they resolve to the same host', () => {
    const app = new App();
    const shop = new Chart(app, 'shop', { namespace: 'shop' });
    new CanaryService(shop, 'ratings', { versions: [{ name: 'v1', image: 'r:1' }, { name: 'v2', image: 'r:2', weight: 10 }] });
    // Another namespace's `ratings` is another host.
    new ResilientRoute(new Chart(app, 'other', { namespace: 'other' }), 'ratings', { host: 'ratings', timeout: Duration.seconds(10) });
    expect(() => app.synthYaml()).not.toThrow(/also the host of CanaryService/);
    // The FQDN of the canary, from any namespace, is the same host.
    new ResilientRoute(new Chart(app, 'third', { namespace: 'third' }), 'fqdn', { host: 'ratings.shop.svc.cluster.local', timeout: Duration.seconds(10) });
    expect(synthAppError(app)).toContain("'host' (ratings.shop.svc.cluster.local) is also the host of CanaryService shop/ratings");
  });
});

test('a match-level gateway without a namespace is refused too', () => {
  const app = Testing.app();
  const gw = new Gateway(new Chart(app, 'gw'), 'gw', { metadata: { name: 'public' }, servers: [{ port: 80, protocol: Protocol.HTTP, hosts: [HOST] }] });
  new VirtualService(new Chart(app, 'shop', { namespace: 'shop' }), 'vs', { hosts: [HOST], gateways: [Gateway.fromGatewayName('shop/other')] })
    .addHttpRoute({ match: [{ gateways: [gw] }], destinations: [{ destination: Destination.toHost('x') }] })
    .addHttpRoute({ destinations: [{ destination: Destination.toHost('x') }] });
  expect(synthAppError(app)).toContain("[shop/vs] 'spec.http[0].match[0].gateways[0]' (public) names Gateway gw/gw, which has no namespace");
});
