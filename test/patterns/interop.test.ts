import { ApiObject, Chart, JsonPatch, Testing } from 'cdk8s';
import * as kplus28 from 'cdk8s-plus-28';
import * as kplus33 from 'cdk8s-plus-33';
import { CanaryService, GatewayRouteTarget, SecureGateway } from '../../src';
import { MeshRouter } from '../support/mesh-router';
import { synthAppValid, synthError, synthValid } from '../support/schema';

const HOST = 'shop.example.com';

/** A CanaryService whose stable version is an existing workload, in namespace shop. */
function canaryOver(existing: (chart: Chart) => any, props: { containerPort?: number } = {}) {
  const app = Testing.app();
  const chart = new Chart(app, 'shop', { namespace: 'shop' });
  const reviews = new CanaryService(chart, 'reviews', {
    ...props,
    versions: [{ name: 'v1', deployment: existing(chart) }, { name: 'v2', image: 'example/reviews:2', weight: 10 }],
  });
  return { app, chart, reviews };
}

/** The ingress of the same app, routing everything to the canary. */
function routeThroughGateway(app: any, reviews: CanaryService) {
  new SecureGateway(new Chart(app, 'edge', { namespace: 'edge' }), 'gw', { metadata: { name: 'public' }, hosts: [HOST], credentialName: 'cert' })
    .addRoute({ destination: GatewayRouteTarget.fromCanary(reviews) });
}

const existingWorkloads: Array<[string, (chart: Chart) => any]> = [
  ['a cdk8s-plus-33 Deployment', (chart) => new kplus33.Deployment(chart, 'legacy', {
    metadata: { name: 'reviews-legacy' }, containers: [{ image: 'example/reviews:1', portNumber: 8080 }],
  })],
  ['a cdk8s-plus-28 Deployment', (chart) => new kplus28.Deployment(chart, 'legacy', {
    metadata: { name: 'reviews-legacy' }, containers: [{ image: 'example/reviews:1', portNumber: 8080 }],
  })],
  ['an imported L1 KubeDeployment', (chart) => new kplus33.k8s.KubeDeployment(chart, 'legacy', {
    metadata: { name: 'reviews-legacy' },
    spec: {
      selector: { matchLabels: { team: 'reviews' } },
      template: {
        metadata: { labels: { team: 'reviews' } },
        spec: { containers: [{ name: 'app', image: 'example/reviews:1', ports: [{ containerPort: 8080 }], resources: { requests: { cpu: kplus33.k8s.Quantity.fromString('100m') } } }] },
      },
    },
  })],
  ['a plain ApiObject without pod labels', (chart) => new ApiObject(chart, 'legacy', {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'reviews-legacy' },
    spec: {
      selector: { matchLabels: { app: 'reviews', version: 'v1' } },
      template: { spec: { containers: [{ name: 'app', image: 'example/reviews:1', ports: [{ containerPort: 8080 }] }] } },
    },
  })],
];

describe.each(existingWorkloads)('CanaryService over %s', (_name, existing) => {
  test('the pods get the version labels, the Service targets the port the container declares, and requests reach it', () => {
    const { app, reviews } = canaryOver(existing);
    routeThroughGateway(app, reviews);
    const manifests = synthAppValid(app);
    const legacy = manifests.find((m) => m.metadata.name === 'reviews-legacy');
    expect(legacy.spec.template.metadata.labels).toMatchObject({ app: 'reviews', version: 'v1' });
    const service = manifests.find((m) => m.kind === 'Service');
    expect(service.spec.ports[0]).toMatchObject({ port: 80, targetPort: 8080 });
    expect(reviews.deployments[0].name).toBe('reviews-legacy');
    const router = new MeshRouter(manifests);
    expect(router.route({ namespace: 'istio-system', gateway: 'edge/public' }, { host: HOST }).destinations.map((d) => d.workloads))
      .toEqual([['shop/reviews-legacy'], ['shop/reviews-v2']]);
  });

  test('a containerPort the workload does not listen on is refused at synth', () => {
    const { chart } = canaryOver(existing, { containerPort: 9090 });
    expect(synthError(chart)).toContain("[shop/reviews] 'containerPort' (9090) is not a port of Deployment reviews-legacy, whose containers listen on 8080; "
      + "set 'containerPort' to the port the container listens on");
  });
});

describe('existing objects that cannot work', () => {
  test('a ConfigMap is not a workload', () => {
    const chart = Testing.chart();
    const notAWorkload = new kplus33.ConfigMap(chart, 'cm', { data: { a: 'b' } });
    expect(() => new CanaryService(chart, 'r', { versions: [{ name: 'v1', deployment: notAWorkload }, { name: 'v2', image: 'b' }] }))
      .toThrow(/\[test\/r\] 'versions\[0\]\.deployment' \(ConfigMap test-cm-c8[0-9a-f]+\) must be a Deployment or StatefulSet or DaemonSet or ReplicaSet; pass the Deployment itself/);
  });

  test('a construct without a Kubernetes object', () => {
    const chart = Testing.chart();
    const empty = new Chart(chart, 'nested');
    expect(() => new CanaryService(chart, 'r', { versions: [{ name: 'v1', deployment: empty }, { name: 'v2', image: 'b' }] }))
      .toThrow("'versions[0].deployment' (construct test/nested (no Kubernetes object)) must be a Deployment");
  });

  test('a selector that the version labels break is refused', () => {
    // The workload selects app=legacy; the CanaryService sets app=reviews on its pods, so the
    // Deployment would no longer select its own pods.
    const { chart } = canaryOver((c) => new ApiObject(c, 'legacy', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'reviews-legacy' },
      spec: { selector: { matchLabels: { app: 'legacy' } }, template: { metadata: { labels: { app: 'legacy' } }, spec: { containers: [{ name: 'a', image: 'a:1' }] } } },
    }));
    expect(synthError(chart)).toContain("[shop/legacy] CKI0003: 'spec.selector.matchLabels.app' (legacy) does not match the pod template's labels (app=reviews)");
  });

  test('an escape-hatch patch that removes a version label is caught', () => {
    const { chart, reviews } = canaryOver((c) => new kplus33.Deployment(c, 'legacy', { containers: [{ image: 'a:1', portNumber: 80 }] }));
    reviews.deployments[0].addJsonPatch(JsonPatch.replace('/spec/template/metadata/labels/version', 'v9'));
    expect(synthError(chart)).toContain("'versions[0].deployment' (Deployment shop-legacy-c8");
    expect(synthError(chart)).toContain('has pod label version=v9 after patches, but the version\'s subset selects version=v1');
  });
});

describe('GatewayRouteTarget.fromService with any Service', () => {
  const services: Array<[string, (chart: Chart) => any]> = [
    ['cdk8s-plus-33', (chart) => new kplus33.Service(chart, 'svc', { metadata: { name: 'productpage' }, selector: kplus33.Pods.select(chart, 'p', { labels: { app: 'productpage' } }), ports: [{ port: 9080 }] })],
    ['an imported L1 KubeService', (chart) => new kplus33.k8s.KubeService(chart, 'svc', { metadata: { name: 'productpage' }, spec: { selector: { app: 'productpage' }, ports: [{ name: 'http', port: 9080 }] } })],
    ['a plain ApiObject', (chart) => new ApiObject(chart, 'svc', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'productpage' }, spec: { selector: { app: 'productpage' }, ports: [{ name: 'http', port: 9080 }] } })],
  ];

  test.each(services)('%s in another namespace is named by its FQDN and its only port', (_name, make) => {
    const app = Testing.app();
    const service = make(new Chart(app, 'books', { namespace: 'books' }));
    new SecureGateway(new Chart(app, 'edge', { namespace: 'edge' }), 'gw', { hosts: [HOST], credentialName: 'c' })
      .addRoute({ destination: GatewayRouteTarget.fromService(service) });
    const vs = synthAppValid(app).find((m) => m.kind === 'VirtualService');
    expect(vs.spec.http[0].route[0].destination).toEqual({ host: 'productpage.books.svc.cluster.local', port: { number: 9080 } });
  });

  test('a Service with several ports needs the port; a port it lacks is refused', () => {
    const chart = Testing.chart();
    const service = new ApiObject(chart, 'svc', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'p' }, spec: { ports: [{ name: 'http', port: 80 }, { name: 'grpc', port: 90 }] } });
    expect(() => GatewayRouteTarget.fromService(service)).toThrow("[test/svc] 'GatewayRouteTarget.fromService(port)' ([80,90]) must be given: Service p has several ports");
    expect(() => GatewayRouteTarget.fromService(service, 91)).toThrow("'GatewayRouteTarget.fromService(port)' (91) is not a port of Service p (80, 90)");
    expect(GatewayRouteTarget.fromService(service, 90).port).toBe(90);
  });

  test('a Deployment is not a Service', () => {
    const chart = Testing.chart();
    const deployment = new kplus33.Deployment(chart, 'd', { containers: [{ image: 'a:1' }] });
    expect(() => GatewayRouteTarget.fromService(deployment)).toThrow(/'GatewayRouteTarget.fromService\(service\)' \(Deployment test-d-c8[0-9a-f]+\) must be a Service/);
  });

  test('in one namespace the short name is kept', () => {
    const chart = Testing.chart();
    const service = new kplus33.Service(chart, 'svc', { metadata: { name: 'productpage' }, ports: [{ port: 9080 }] });
    new SecureGateway(chart, 'gw', { hosts: [HOST], credentialName: 'c' }).addRoute({ destination: GatewayRouteTarget.fromService(service) });
    const vs = synthValid(chart).find((m) => m.kind === 'VirtualService');
    expect(vs.spec.http[0].route[0].destination.host).toBe('productpage');
  });
});

describe('one object per kind, namespace and name across the app', () => {
  test("a user's own Service named like the CanaryService is refused, naming both", () => {
    const app = Testing.app();
    const chart = new Chart(app, 'shop', { namespace: 'shop' });
    new kplus33.Service(chart, 'mine', { metadata: { name: 'orders' }, ports: [{ port: 80 }] });
    new CanaryService(chart, 'orders', { versions: [{ name: 'v1', image: 'o:1' }, { name: 'v2', image: 'o:2', weight: 5 }] });
    expect(synthError(chart)).toContain('CKI0002: Service shop/orders is defined twice: by shop/mine and by shop/orders/Service; applied together, one replaces the other');
  });

  test('the same name in another namespace, or of another kind, is not a duplicate', () => {
    const app = Testing.app();
    const shop = new Chart(app, 'shop', { namespace: 'shop' });
    new kplus33.Service(new Chart(app, 'other', { namespace: 'other' }), 'mine', { metadata: { name: 'orders' }, ports: [{ port: 80 }] });
    new CanaryService(shop, 'orders', { versions: [{ name: 'v1', image: 'o:1' }, { name: 'v2', image: 'o:2', weight: 5 }] });
    expect(synthAppValid(app).filter((m) => m.metadata.name === 'orders').map((m) => `${m.metadata.namespace}/${m.kind}`).sort())
      .toEqual(['other/Service', 'shop/DestinationRule', 'shop/PeerAuthentication', 'shop/Service', 'shop/ServiceAccount', 'shop/VirtualService']);
  });
});

describe('ports and counts are checked where they are given', () => {
  const versions = [{ name: 'v1', image: 'o:1' }, { name: 'v2', image: 'o:2' }];
  test.each([
    [{ port: 80.5 }, "'port' (80.5) must be a port number from 1 to 65535"],
    [{ port: 0 }, "'port' (0) must be a port number from 1 to 65535"],
    [{ containerPort: 70000 }, "'containerPort' (70000) must be a port number from 1 to 65535"],
    [{ versions: [{ name: 'v1', image: 'o:1', replicas: 1.5 }, { name: 'v2', image: 'o:2' }] }, "'versions[0].replicas' (1.5) must be a whole number from 0 to 2147483647"],
  ])('CanaryService %j', (props, message) => {
    expect(() => new CanaryService(Testing.chart(), 'orders', { versions, ...props })).toThrow(message);
  });

  test('gateway route ports', () => {
    const chart = Testing.chart();
    const gw = new SecureGateway(chart, 'gw', { hosts: [HOST], credentialName: 'c' });
    expect(() => gw.addRoute({ destination: GatewayRouteTarget.fromHost('web', 70000) })).toThrow("[test/gw] 'destination.port' (70000) must be a port number from 1 to 65535");
    const svc = new kplus33.Service(chart, 'svc', { ports: [{ port: 80 }] });
    expect(() => GatewayRouteTarget.fromService(svc, -1)).toThrow("'GatewayRouteTarget.fromService(port)' (-1) must be a port number");
  });
});
