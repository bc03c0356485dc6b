import { ApiObject, Chart, Testing } from 'cdk8s';
import * as kplus33 from 'cdk8s-plus-33';
import {
  CanaryService, DataplaneMode, IstioAnalyzer, MeshNamespace, RouteNamespaces, Waypoint, WorkloadAuthorization,
} from '../../src';
import { AuthorizationModel } from '../support/authz-model';
import { synthAppError, synthAppValid } from '../support/schema';

// Istio 1.30.3 pilot/pkg/serviceregistry/ambient/authorization.go (convertAuthorizationPolicy):
// ztunnel enforces selector policies and drops rules with HTTP attributes (httpOperations), and
// skips policies with targetRefs ("TargetRef is not intended for ztunnel"): those are the waypoint's.
// gatewaycommon/deploymentcontroller.go + classinfo.go: the istio-waypoint class has no name
// suffix, so a waypoint runs as the service account named after its Gateway.
// A waypoint originates HBONE to the destination with its own identity (ambient docs: the
// destination ztunnel sees the waypoint as the source), so once one serves the Service, the
// waypoint checks the real callers and ztunnel must admit the waypoint.

function canary(chart: Chart, name: string): CanaryService {
  return new CanaryService(chart, name, { port: 9080, versions: [{ name: 'v1', image: `example/${name}:1` }, { name: 'v2', image: `example/${name}:2`, weight: 10 }] });
}

function policies(manifests: any[]): Record<string, any> {
  return Object.fromEntries(manifests.filter((m) => m.kind === 'AuthorizationPolicy').map((m) => [`${m.metadata.namespace}/${m.metadata.name}`, m.spec]));
}

/** An ambient shop namespace with ratings, called from the web namespace by frontend. */
function shop() {
  const app = Testing.app();
  // Without a waypoint serving ratings, its canary VirtualService is CKI0016 (ztunnel ignores routes): not what these tests check.
  IstioAnalyzer.of(app).ignore('CKI0016');
  const shopChart = new Chart(app, 'shop', { namespace: 'shop' });
  const web = new Chart(app, 'web', { namespace: 'web' });
  const ratings = canary(shopChart, 'ratings');
  const frontend = new kplus33.Deployment(web, 'frontend', { metadata: { name: 'frontend' }, containers: [{ image: 'example/frontend:1', portNumber: 8080 }] });
  return { app, shopChart, web, ratings, frontend };
}

describe('grants in an ambient namespace', () => {
  test('L4 grants keep the selector policy, which ztunnel enforces; no finding', () => {
    const { app, shopChart, ratings, frontend } = shop();
    const ns = new MeshNamespace(shopChart, 'ns', { name: 'shop', dataplane: DataplaneMode.ambient() });
    ratings.allowFrom(frontend, { ports: [9080] }).allowFromNamespace('ops');
    new Waypoint(shopChart, 'waypoint');
    void ns;
    const p = policies(synthAppValid(app));
    expect(Object.keys(p).sort()).toEqual(['shop/allow-nothing', 'shop/ratings']);
    expect(p['shop/ratings']).toEqual({
      selector: { matchLabels: { app: 'ratings' } },
      action: 'ALLOW',
      rules: [
        { from: [{ source: { principals: ['cluster.local/ns/web/sa/default'] } }], to: [{ operation: { ports: ['9080'] } }] },
        { from: [{ source: { namespaces: ['ops'] } }] },
      ],
    });
  });

  test('HTTP grants go to a policy the waypoint enforces (targetRefs: the Service); ztunnel allows the waypoint; no CKI0014', () => {
    const { app, shopChart, ratings, frontend } = shop();
    const ns = new MeshNamespace(shopChart, 'ns', { name: 'shop', dataplane: DataplaneMode.ambient() });
    ratings.allowFrom(frontend, { methods: ['GET'], paths: ['/ratings/*'] }).allowFromNamespace('ops', { ports: [9080] });
    new Waypoint(shopChart, 'waypoint').useFor(ns);
    const p = policies(synthAppValid(app));
    expect(p['shop/ratings-waypoint']).toEqual({
      targetRefs: [{ group: '', kind: 'Service', name: 'ratings' }],
      action: 'ALLOW',
      rules: [
        { from: [{ source: { principals: ['cluster.local/ns/web/sa/default'] } }], to: [{ operation: { methods: ['GET'], paths: ['/ratings/*'] } }] },
        { from: [{ source: { namespaces: ['ops'] } }], to: [{ operation: { ports: ['9080'] } }] },
      ],
    });
    expect(p['shop/ratings']).toEqual({
      selector: { matchLabels: { app: 'ratings' } },
      action: 'ALLOW',
      rules: [
        { from: [{ source: { namespaces: ['ops'] } }], to: [{ operation: { ports: ['9080'] } }] },
        { from: [{ source: { principals: ['cluster.local/ns/shop/sa/waypoint'] } }] },
      ],
    });
  });

  test('L4 grants with a waypoint serving the Service: the waypoint checks the callers, ztunnel also allows the waypoint', () => {
    const { app, shopChart, ratings, frontend } = shop();
    const ns = new MeshNamespace(shopChart, 'ns', { name: 'shop', dataplane: DataplaneMode.ambient() });
    ratings.allowFrom(frontend, { ports: [9080] }).allowFromNamespace('ops');
    new Waypoint(shopChart, 'waypoint').useFor(ns);
    const manifests = synthAppValid(app);
    const p = policies(manifests);
    expect(Object.keys(p).sort()).toEqual(['shop/allow-nothing', 'shop/ratings', 'shop/ratings-waypoint']);
    const grants = [
      { from: [{ source: { principals: ['cluster.local/ns/web/sa/default'] } }], to: [{ operation: { ports: ['9080'] } }] },
      { from: [{ source: { namespaces: ['ops'] } }] },
    ];
    expect(p['shop/ratings-waypoint']).toEqual({ targetRefs: [{ group: '', kind: 'Service', name: 'ratings' }], action: 'ALLOW', rules: grants });
    expect(p['shop/ratings']).toEqual({
      selector: { matchLabels: { app: 'ratings' } },
      action: 'ALLOW',
      rules: [...grants, { from: [{ source: { principals: ['cluster.local/ns/shop/sa/waypoint'] } }] }],
    });
    // ztunnel's decisions (the model skips targetRefs policies, as ztunnel does; these rules have no HTTP fields).
    const model = new AuthorizationModel(manifests);
    const pod = { namespace: 'shop', labels: { app: 'ratings', version: 'v1' }, port: 9080 };
    expect(model.decide({ principal: 'cluster.local/ns/shop/sa/waypoint' }, pod).allowed).toBe(true);
    expect(model.decide({ principal: 'cluster.local/ns/web/sa/default' }, pod).allowed).toBe(true);
    expect(model.decide({ principal: 'cluster.local/ns/web/sa/default' }, { ...pod, port: 15000 }).allowed).toBe(false);
    expect(model.decide({ principal: 'cluster.local/ns/ops/sa/default' }, pod).allowed).toBe(true);
    expect(model.decide({ principal: 'cluster.local/ns/other/sa/default' }, pod).allowed).toBe(false);
  });

  test('an L4 grant added after an HTTP one, and a waypoint used by the Service after both, on a cdk8s-plus Service', () => {
    const { app, shopChart, frontend } = shop();
    new MeshNamespace(shopChart, 'ns', { name: 'shop', dataplane: DataplaneMode.ambient() });
    const service = new kplus33.Service(shopChart, 'orders', { metadata: { name: 'orders' }, ports: [{ port: 8080 }] });
    service.selectLabel('app', 'orders');
    const auth = WorkloadAuthorization.of(service).allowFromNamespace('ops');
    new Waypoint(shopChart, 'waypoint').useFor(service);
    auth.allowFrom(frontend, { methods: ['GET'] });
    const p = policies(synthAppValid(app));
    expect(p['shop/orders-waypoint'].rules).toEqual([
      { from: [{ source: { principals: ['cluster.local/ns/web/sa/default'] } }], to: [{ operation: { methods: ['GET'] } }] },
      { from: [{ source: { namespaces: ['ops'] } }] },
    ]);
    expect(p['shop/orders'].rules).toEqual([
      { from: [{ source: { namespaces: ['ops'] } }] },
      { from: [{ source: { principals: ['cluster.local/ns/shop/sa/waypoint'] } }] },
    ]);
  });

  test('L4 grants, the ambient namespace defined after them and the waypoint last: both policies; synthesizing twice is stable', () => {
    const { app, shopChart, ratings, frontend } = shop();
    ratings.allowFrom(frontend);
    const ns = new MeshNamespace(shopChart, 'ns', { name: 'shop', dataplane: DataplaneMode.ambient() });
    new Waypoint(shopChart, 'waypoint').useFor(ns);
    const first = app.synthYaml();
    expect(app.synthYaml()).toEqual(first);
    const p = policies(synthAppValid(app));
    expect(p['shop/ratings-waypoint'].rules).toEqual([{ from: [{ source: { principals: ['cluster.local/ns/web/sa/default'] } }] }]);
    expect(p['shop/ratings'].rules).toEqual([
      { from: [{ source: { principals: ['cluster.local/ns/web/sa/default'] } }] },
      { from: [{ source: { principals: ['cluster.local/ns/shop/sa/waypoint'] } }] },
    ]);
  });

  test("L4 grants and 'istio.io/use-waypoint: none' on the Service: the selector policy alone, unchanged", () => {
    const { app, shopChart, ratings, frontend } = shop();
    const ns = new MeshNamespace(shopChart, 'ns', { name: 'shop', dataplane: DataplaneMode.ambient() });
    new Waypoint(shopChart, 'waypoint').useFor(ns);
    ratings.service.metadata.addLabel('istio.io/use-waypoint', 'none');
    ratings.allowFrom(frontend);
    const p = policies(synthAppValid(app));
    expect(Object.keys(p).sort()).toEqual(['shop/allow-nothing', 'shop/ratings']);
    expect(p['shop/ratings'].rules).toEqual([{ from: [{ source: { principals: ['cluster.local/ns/web/sa/default'] } }] }]);
  });

  test('L4 grants in a sidecar namespace with a waypoint label: the selector policy alone, unchanged', () => {
    const { app, shopChart, ratings, frontend } = shop();
    new MeshNamespace(shopChart, 'ns', { name: 'shop' });
    new Waypoint(shopChart, 'waypoint');
    ratings.service.metadata.addLabel('istio.io/use-waypoint', 'waypoint');
    ratings.allowFrom(frontend);
    const p = policies(synthAppValid(app));
    expect(Object.keys(p).sort()).toEqual(['shop/allow-nothing', 'shop/ratings']);
    expect(p['shop/ratings'].rules).toEqual([{ from: [{ source: { principals: ['cluster.local/ns/web/sa/default'] } }] }]);
  });

  test('the namespace and the waypoint may be defined after the grant; a waypoint in another namespace, used by the Service', () => {
    const { app, shopChart, ratings, frontend } = shop();
    ratings.allowFrom(frontend, { methods: ['GET'] });
    const mesh = new Chart(app, 'mesh', { namespace: 'mesh' });
    new Waypoint(mesh, 'wp', {
      metadata: { name: 'shared', annotations: { 'gateway.istio.io/service-account': 'shared-proxy' } },
      allowedNamespaces: RouteNamespaces.ALL,
    }).useFor(ratings.service);
    new MeshNamespace(shopChart, 'ns', { name: 'shop', dataplane: DataplaneMode.ambient() });
    const p = policies(synthAppValid(app));
    expect(p['shop/ratings-waypoint'].targetRefs).toEqual([{ group: '', kind: 'Service', name: 'ratings' }]);
    expect(p['shop/ratings'].rules).toEqual([{ from: [{ source: { principals: ['cluster.local/ns/mesh/sa/shared-proxy'] } }] }]);
  });

  test('a grant on a Service object (cdk8s-plus) with a waypoint for its namespace', () => {
    const { app, shopChart, frontend } = shop();
    const ns = new MeshNamespace(shopChart, 'ns', { name: 'shop', dataplane: DataplaneMode.ambient() });
    const service = new kplus33.Service(shopChart, 'orders', { metadata: { name: 'orders' }, ports: [{ port: 8080 }] });
    service.selectLabel('app', 'orders');
    WorkloadAuthorization.of(service).allowFrom(frontend, { paths: ['/orders'] });
    new Waypoint(shopChart, 'waypoint', { enrolNamespace: ns });
    const p = policies(synthAppValid(app));
    expect(p['shop/orders-waypoint'].targetRefs).toEqual([{ group: '', kind: 'Service', name: 'orders' }]);
    expect(p['shop/orders'].rules).toEqual([{ from: [{ source: { principals: ['cluster.local/ns/shop/sa/waypoint'] } }] }]);
  });

  // Istio 1.30.3 listener_waypoint.go: the waypoint builds its inbound chains per Service port (the
  // original destination is the Service address and port, and the Service port is the target port),
  // and authz/model/generator.go destPortGenerator matches `ports` as the destination port: the Service port.
  describe('ports at the waypoint are Service ports', () => {
    /** An ambient shop namespace with a waypoint, and an `orders` Service (ports given) over a Deployment of the app. */
    function orders(ports: any[], containerPorts: any[] = [{ name: 'http', containerPort: 9080 }]) {
      const { app, shopChart, frontend } = shop();
      const ns = new MeshNamespace(shopChart, 'ns', { name: 'shop', dataplane: DataplaneMode.ambient() });
      new Waypoint(shopChart, 'waypoint').useFor(ns);
      new ApiObject(shopChart, 'orders-deployment', {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'orders' },
        spec: {
          selector: { matchLabels: { app: 'orders' } },
          template: { metadata: { labels: { app: 'orders' } }, spec: { containers: [{ name: 'orders', image: 'example/orders:1', ports: containerPorts }] } },
        },
      });
      const service = new ApiObject(shopChart, 'orders', {
        apiVersion: 'v1', kind: 'Service', metadata: { name: 'orders' }, spec: { selector: { app: 'orders' }, ports },
      });
      return { app, shopChart, frontend, auth: WorkloadAuthorization.of(service) };
    }

    test('Service port 80 -> targetPort 9080, a grant on 9080: the waypoint policy has 80, the selector policy keeps 9080', () => {
      const { app, frontend, auth } = orders([{ name: 'http', port: 80, targetPort: 9080 }, { name: 'admin', port: 8081, targetPort: 9081 }]);
      auth.allowFrom(frontend, { ports: [9080], methods: ['GET'] }).allowFromNamespace('ops', { ports: [9080] });
      const p = policies(synthAppValid(app));
      expect(p['shop/orders-waypoint'].rules).toEqual([
        { from: [{ source: { principals: ['cluster.local/ns/web/sa/default'] } }], to: [{ operation: { methods: ['GET'], ports: ['80'] } }] },
        { from: [{ source: { namespaces: ['ops'] } }], to: [{ operation: { ports: ['80'] } }] },
      ]);
      expect(p['shop/orders'].rules).toEqual([
        { from: [{ source: { namespaces: ['ops'] } }], to: [{ operation: { ports: ['9080'] } }] },
        { from: [{ source: { principals: ['cluster.local/ns/shop/sa/waypoint'] } }] },
      ]);
    });

    test('a named targetPort resolved through the container port names; two Service ports to one container port; an unset targetPort', () => {
      const { app, frontend, auth } = orders([
        { name: 'http', port: 80, targetPort: 'http' }, { name: 'alt', port: 8080, targetPort: 9080 }, { name: 'metrics', port: 9090 },
      ], [{ name: 'http', containerPort: 9080 }, { name: 'metrics', containerPort: 9090 }]);
      auth.allowFrom(frontend, { ports: [9080, 9090] });
      const p = policies(synthAppValid(app));
      expect(p['shop/orders-waypoint'].rules).toEqual([
        { from: [{ source: { principals: ['cluster.local/ns/web/sa/default'] } }], to: [{ operation: { ports: ['80', '8080', '9090'] } }] },
      ]);
      expect(p['shop/orders'].rules[0].to).toEqual([{ operation: { ports: ['9080', '9090'] } }]);
    });

    test('a cdk8s-plus Service and Deployment: port 80 to the container port 9080', () => {
      const { app, shopChart, frontend } = shop();
      const ns = new MeshNamespace(shopChart, 'ns', { name: 'shop', dataplane: DataplaneMode.ambient() });
      new Waypoint(shopChart, 'waypoint').useFor(ns);
      const deployment = new kplus33.Deployment(shopChart, 'orders-deployment', { containers: [{ image: 'example/orders:1', portNumber: 9080 }] });
      const service = deployment.exposeViaService({ name: 'orders', ports: [{ port: 80, targetPort: 9080 }] });
      WorkloadAuthorization.of(service).allowFrom(frontend, { ports: [9080] });
      const p = policies(synthAppValid(app));
      expect(p['shop/orders-waypoint'].rules[0].to).toEqual([{ operation: { ports: ['80'] } }]);
      expect(p['shop/orders'].rules[0].to).toEqual([{ operation: { ports: ['9080'] } }]);
    });

    test('a granted port no Service port forwards to is refused with the fix', () => {
      const { app, frontend, auth } = orders([{ name: 'http', port: 80, targetPort: 9080 }]);
      auth.allowFrom(frontend, { ports: [80] });
      const error = synthAppError(app);
      expect(error).toContain("[shop/orders/Authorization] 'ports' (80) is not a target port of Service orders (ports: 80->9080)");
      expect(error).toContain('grant a container port the Service forwards to, or add a port to Service orders with targetPort 80');
    });

    test('a named targetPort with no pods of the app to resolve it is refused', () => {
      const { app, frontend, auth } = orders([{ name: 'http', port: 80, targetPort: 'web' }]);
      auth.allowFrom(frontend, { ports: [9080] });
      expect(synthAppError(app)).toContain("'ports' (9080) is not a target port of Service orders (ports: 80->web; a named targetPort is resolved through");
    });

    test('without a waypoint serving the Service, the same grant on a port that is no target port stays a selector policy', () => {
      const { app, shopChart, frontend } = shop();
      new MeshNamespace(shopChart, 'ns', { name: 'shop', dataplane: DataplaneMode.ambient() });
      const service = new ApiObject(shopChart, 'orders', {
        apiVersion: 'v1', kind: 'Service', metadata: { name: 'orders' }, spec: { selector: { app: 'orders' }, ports: [{ port: 80, targetPort: 9080 }] },
      });
      WorkloadAuthorization.of(service).allowFrom(frontend, { ports: [7000] });
      const p = policies(synthAppValid(app));
      expect(Object.keys(p).sort()).toEqual(['shop/allow-nothing', 'shop/orders']);
      expect(p['shop/orders'].rules[0].to).toEqual([{ operation: { ports: ['7000'] } }]);
    });
  });

  test('HTTP grants without a waypoint are refused with the fix (the case CKI0014 reports)', () => {
    const { app, shopChart, ratings, frontend } = shop();
    new MeshNamespace(shopChart, 'ns', { name: 'shop', dataplane: DataplaneMode.ambient() });
    ratings.allowFrom(frontend, { methods: ['GET'] });
    new Waypoint(shopChart, 'waypoint'); // defined, but nothing uses it
    const error = synthAppError(app);
    expect(error).toContain("[shop/ratings/Authorization] 'methods' ([\"GET\"]) cannot be enforced in ambient namespace shop");
    expect(error).toContain("new Waypoint(chart, 'waypoint').useFor(meshNamespace)");
    expect(error).toContain('or drop methods/paths');
  });

  test("'istio.io/use-waypoint: none' on the Service opts out of the namespace's waypoint: refused", () => {
    const { app, shopChart, ratings, frontend } = shop();
    const ns = new MeshNamespace(shopChart, 'ns', { name: 'shop', dataplane: DataplaneMode.ambient() });
    new Waypoint(shopChart, 'waypoint').useFor(ns);
    ratings.service.metadata.addLabel('istio.io/use-waypoint', 'none');
    ratings.allowFrom(frontend, { paths: ['/x'] });
    expect(synthAppError(app)).toContain("'paths' ([\"/x\"]) cannot be enforced in ambient namespace shop");
  });

  test('HTTP grants on a Deployment (no Service of its own) in an ambient namespace are refused at once', () => {
    const { shopChart, frontend } = shop();
    new MeshNamespace(shopChart, 'ns', { name: 'shop', dataplane: DataplaneMode.ambient() });
    const worker = new ApiObject(shopChart, 'worker', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'worker' },
      spec: { selector: { matchLabels: { app: 'worker' } }, template: { metadata: { labels: { app: 'worker' } }, spec: { containers: [{ name: 'w', image: 'w' }] } } },
    });
    expect(() => WorkloadAuthorization.of(worker).allowFrom(frontend, { methods: ['POST'] }))
      .toThrow(/'methods' \(\["POST"\]\) needs a waypoint in ambient namespace shop .*grant on the Service that selects the pods/);
  });

  test('sidecar namespaces and charts without a namespace keep one selector policy with the HTTP rules', () => {
    const app = Testing.app();
    const shopChart = new Chart(app, 'shop', { namespace: 'shop' });
    new MeshNamespace(shopChart, 'ns', { name: 'shop' });
    const frontend = new kplus33.Deployment(shopChart, 'frontend', { metadata: { name: 'frontend' }, containers: [{ image: 'f', portNumber: 8080 }] });
    canary(shopChart, 'ratings').allowFrom(frontend, { methods: ['GET'] });
    const plain = new Chart(app, 'plain');
    canary(plain, 'details').allowFromNamespace('shop', { paths: ['/details'] });
    const manifests = synthAppValid(app);
    const p = policies(manifests);
    expect(Object.keys(p).sort()).toEqual(['shop/allow-nothing', 'shop/ratings', 'undefined/details']);
    expect(p['shop/ratings'].rules[0].to).toEqual([{ operation: { methods: ['GET'] } }]);
    expect(p['undefined/details']).toMatchObject({ selector: { matchLabels: { app: 'details' } }, rules: [{ to: [{ operation: { paths: ['/details'] } }] }] });
  });
});
