import { ApiObject, App, Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import * as kplus33 from 'cdk8s-plus-33';
import {
  CanaryService, GatewayRouteTarget, MeshNamespace, MeshSettings, SecureGateway, StringMatch, WorkloadAuthorization,
} from '../../src';
import { synthAppError, synthAppValid } from '../support/schema';

function canary(chart: Chart, name: string): CanaryService {
  return new CanaryService(chart, name, { port: 9080, versions: [{ name: 'v1', image: `example/${name}:1` }, { name: 'v2', image: `example/${name}:2`, weight: 10 }] });
}

function policies(manifests: any[]): Record<string, any> {
  return Object.fromEntries(manifests.filter((m) => m.kind === 'AuthorizationPolicy').map((m) => [`${m.metadata.namespace}/${m.metadata.name}`, m.spec]));
}

describe('CanaryService identity', () => {
  test('one ServiceAccount per service, shared by every version', () => {
    const app = Testing.app();
    canary(new Chart(app, 'shop', { namespace: 'shop' }), 'reviews');
    const manifests = synthAppValid(app);
    const accounts = manifests.filter((m) => m.kind === 'ServiceAccount');
    expect(accounts.map((a) => `${a.metadata.namespace}/${a.metadata.name}`)).toEqual(['shop/reviews']);
    expect(accounts[0].automountServiceAccountToken).toBe(false);
    const deployments = manifests.filter((m) => m.kind === 'Deployment');
    expect(deployments.map((d) => d.spec.template.spec.serviceAccountName)).toEqual(['reviews', 'reviews']);
  });
});

describe('grants between workloads', () => {
  function shop() {
    const app = Testing.app();
    const shopChart = new Chart(app, 'shop', { namespace: 'shop' });
    const web = new Chart(app, 'web', { namespace: 'web' });
    const reviews = canary(shopChart, 'reviews');
    const ratings = canary(shopChart, 'ratings');
    const productpage = new kplus.Deployment(web, 'productpage', {
      metadata: { name: 'productpage' },
      serviceAccount: new kplus.ServiceAccount(web, 'productpage-sa', { metadata: { name: 'productpage' } }),
      containers: [{ image: 'example/productpage:1', portNumber: 9080 }],
    });
    return { app, reviews, ratings, productpage, web };
  }

  test('a CanaryService allows a cdk8s-plus workload of another namespace by its SPIFFE principal', () => {
    const { app, reviews, productpage } = shop();
    reviews.allowFrom(productpage);
    expect(policies(synthAppValid(app))).toEqual({
      'shop/reviews': {
        action: 'ALLOW',
        selector: { matchLabels: { app: 'reviews' } },
        rules: [{ from: [{ source: { principals: ['cluster.local/ns/web/sa/productpage'] } }] }],
      },
    });
  });

  test('grants merge into one policy per workload: one rule per distinct operation, principals sorted', () => {
    const { app, reviews, ratings, productpage } = shop();
    ratings.allowFrom(reviews, { methods: ['GET'], paths: ['/ratings/*'] });
    ratings.allowFrom(productpage);
    ratings.allowFrom(productpage, { paths: ['/ratings/*'], methods: ['GET'] });
    ratings.allowFromNamespace('monitoring', { ports: [15020] });
    // Rules are ordered by their operation, so adding a grant is a one-line diff.
    expect(policies(synthAppValid(app))['shop/ratings'].rules).toEqual([
      {
        from: [{ source: { principals: ['cluster.local/ns/shop/sa/reviews', 'cluster.local/ns/web/sa/productpage'] } }],
        to: [{ operation: { methods: ['GET'], paths: ['/ratings/*'] } }],
      },
      { from: [{ source: { namespaces: ['monitoring'] } }], to: [{ operation: { ports: ['15020'] } }] },
      { from: [{ source: { principals: ['cluster.local/ns/web/sa/productpage'] } }] },
    ]);
  });

  test('the trust domain comes from MeshSettings', () => {
    const app = new App();
    MeshSettings.setTrustDomain(app, 'corp.example');
    const chart = new Chart(app, 'shop', { namespace: 'shop' });
    canary(chart, 'ratings').allowFrom(canary(chart, 'reviews'));
    expect(policies(synthAppValid(app))['shop/ratings'].rules[0].from[0].source.principals).toEqual(['corp.example/ns/shop/sa/reviews']);
  });

  test('plain ApiObjects and cdk8s-plus-33 workloads as callers and as targets', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'ops', { namespace: 'ops' });
    const batch = new ApiObject(chart, 'batch', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'batch' },
      spec: { selector: { matchLabels: { app: 'batch' } }, template: { metadata: { labels: { app: 'batch' } }, spec: { serviceAccountName: 'batch-runner', containers: [{ name: 'c', image: 'x' }] } } },
    });
    const api = new kplus33.Deployment(chart, 'api', { metadata: { name: 'api' }, containers: [{ image: 'example/api:1', portNumber: 8080 }] });
    WorkloadAuthorization.of(api).allowFrom(batch, { methods: ['POST'] });
    const spec = policies(synthAppValid(app))['ops/api'];
    expect(spec.selector).toEqual({ matchLabels: ApiObject.of(api).toJson().spec.selector.matchLabels });
    expect(spec.rules).toEqual([{ from: [{ source: { principals: ['cluster.local/ns/ops/sa/batch-runner'] } }], to: [{ operation: { methods: ['POST'] } }] }]);
    // of() returns the one authorization of the workload
    expect(WorkloadAuthorization.of(api)).toBe(WorkloadAuthorization.of(api));
  });

  test('a caller without a namespace has no known identity: refused at synth with the fix', () => {
    const app = Testing.app();
    const target = canary(new Chart(app, 'shop', { namespace: 'shop' }), 'ratings');
    target.allowFrom(new kplus.Deployment(new Chart(app, 'floating'), 'job', { containers: [{ image: 'x' }] }));
    expect(synthAppError(app)).toContain("'allowFrom' (Deployment floating-job-c8");
    expect(synthAppError(app)).toContain('has no namespace, so its identity (<trust domain>/ns/<namespace>/sa/<service account>) is unknown; give its chart a namespace');
  });

  test('a caller that is not a workload is refused with the field', () => {
    const { reviews, web } = shop();
    expect(() => reviews.allowFrom(new kplus.ConfigMap(web, 'cm')))
      .toThrow(/\[shop\/reviews\/Authorization\] 'allowFrom' \(ConfigMap [^)]+\) must be a workload or a service account/);
  });

  test('grant options are checked when given', () => {
    const { reviews, productpage } = shop();
    expect(() => reviews.allowFrom(productpage, { ports: [0] })).toThrow("'ports[0]' (0) must be a port number from 1 to 65535");
    expect(() => reviews.allowFrom(productpage, { methods: [''] })).toThrow("'methods[0]' (\"\") must not be empty");
  });
});

describe('SecureGateway grants its identity to deny-by-default backends', () => {
  function gatewayApp(meshNamespaceFirst: boolean, denyByDefault = true) {
    const app = Testing.app();
    const shop = new Chart(app, 'shop', { namespace: 'shop' });
    const edge = new Chart(app, 'edge', { namespace: 'edge' });
    if (meshNamespaceFirst) new MeshNamespace(shop, 'ns', { name: 'shop', denyByDefault });
    const productpage = canary(shop, 'productpage');
    new SecureGateway(edge, 'gw', { hosts: ['shop.example.com'], credentialName: 'cert' })
      .addRoute({ path: StringMatch.prefix('/'), destination: GatewayRouteTarget.fromCanary(productpage) });
    if (!meshNamespaceFirst) new MeshNamespace(shop, 'ns', { name: 'shop', denyByDefault });
    return policies(synthAppValid(app));
  }

  test.each([true, false])('whichever is defined first (MeshNamespace first: %s)', (first) => {
    expect(gatewayApp(first)['shop/productpage']).toEqual({
      action: 'ALLOW',
      selector: { matchLabels: { app: 'productpage' } },
      rules: [{ from: [{ source: { principals: ['cluster.local/ns/istio-system/sa/istio-ingressgateway-service-account'] } }] }],
    });
  });

  test('no grant when the backend is not deny-by-default (a grant would close it to everyone else)', () => {
    expect(gatewayApp(true, false)['shop/productpage']).toBeUndefined();
  });

  test('a backend with grants of its own also gets the gateway grant', () => {
    const app = Testing.app();
    const shop = new Chart(app, 'shop', { namespace: 'shop' });
    const productpage = canary(shop, 'productpage');
    const gw = new SecureGateway(new Chart(app, 'edge', { namespace: 'edge' }), 'gw', {
      hosts: ['shop.example.com'], credentialName: 'cert', gatewayNamespace: 'edge', gatewayServiceAccount: 'edge-gateway',
    });
    gw.addRoute({ destination: GatewayRouteTarget.fromCanary(productpage) });
    productpage.allowFromNamespace('monitoring');
    expect(policies(synthAppValid(app))['shop/productpage'].rules).toEqual([
      { from: [{ source: { principals: ['cluster.local/ns/edge/sa/edge-gateway'] } }, { source: { namespaces: ['monitoring'] } }] },
    ]);
  });
});

describe('identities of existing workloads and services without grants', () => {
  test('a CanaryService over existing workloads has the identities of their pods', () => {
    const app = Testing.app();
    const shop = new Chart(app, 'shop', { namespace: 'shop' });
    const legacy = new kplus33.Deployment(shop, 'legacy', {
      metadata: { name: 'orders-v1' },
      serviceAccount: new kplus33.ServiceAccount(shop, 'legacy-sa', { metadata: { name: 'orders-legacy' } }),
      containers: [{ image: 'example/orders:1', portNumber: 80 }],
    });
    const orders = new CanaryService(shop, 'orders', { versions: [{ name: 'v1', deployment: legacy }, { name: 'v2', image: 'example/orders:2', weight: 5 }] });
    canary(shop, 'payments').allowFrom(orders);
    expect(policies(synthAppValid(app))['shop/payments'].rules[0].from[0].source.principals)
      .toEqual(['cluster.local/ns/shop/sa/orders', 'cluster.local/ns/shop/sa/orders-legacy']);
  });

  test('an authorization without grants is refused: it would deny every call', () => {
    const app = Testing.app();
    WorkloadAuthorization.of(canary(new Chart(app, 'shop', { namespace: 'shop' }), 'orders'));
    expect(synthAppError(app)).toContain('[shop/orders/Authorization] has no grants, so its ALLOW policy would deny every call to the workload');
  });
});
