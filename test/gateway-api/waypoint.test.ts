import { ApiObject, Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-33';
import {
  AuthorizationPolicy, DataplaneMode, MeshNamespace, Protocol, RouteNamespaces, ServiceEntry, Waypoint, WaypointTrafficType,
} from '../../src';
import { only, synthValid } from '../support/schema';

const plainService = (chart: Chart, name: string, namespace?: string) => new ApiObject(chart, `svc-${name}`, {
  apiVersion: 'v1', kind: 'Service', metadata: { name, namespace }, spec: { selector: { app: name }, ports: [{ port: 80 }] },
} as any);

describe('Waypoint', () => {
  test('defaults: istioctl waypoint generate shape (name waypoint, class istio-waypoint, HBONE mesh listener on 15008)', () => {
    const chart = Testing.chart();
    const waypoint = new Waypoint(chart, 'wp');
    const gw = only(synthValid(chart), 'Gateway');
    expect(gw.metadata).toEqual({ name: 'waypoint', labels: { 'istio.io/waypoint-for': 'service' } });
    expect(gw.spec).toEqual({ gatewayClassName: 'istio-waypoint', listeners: [{ name: 'mesh', port: 15008, protocol: 'HBONE' }] });
    expect(waypoint.name).toBe('waypoint');
    expect(waypoint.trafficType).toBe(WaypointTrafficType.SERVICE);
    expect(waypoint.policyTarget()._toIstio()).toEqual({ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'waypoint' });
  });

  test('trafficType, metadata and allowed namespaces', () => {
    const chart = new Chart(Testing.app(), 'c', { namespace: 'mesh' });
    new Waypoint(chart, 'wp', {
      metadata: { name: 'reviews-wp', labels: { team: 'a' } },
      trafficType: WaypointTrafficType.ALL,
      allowedNamespaces: RouteNamespaces.SELECTOR,
      allowedNamespaceSelector: { shared: 'true' },
    });
    const manifests = synthValid(chart);
    const gw = only(manifests, 'Gateway');
    expect(gw.metadata).toEqual({ name: 'reviews-wp', namespace: 'mesh', labels: { 'team': 'a', 'istio.io/waypoint-for': 'all' } });
    expect(manifests).toMatchSnapshot();
    expect(gw.spec.listeners[0].allowedRoutes).toEqual({ namespaces: { from: 'Selector', selector: { matchLabels: { shared: 'true' } } } });
  });

  test('refuses a name over 63 characters (the Service Istio creates for the waypoint is named after it)', () => {
    expect(() => new Waypoint(Testing.chart(), 'wp', { metadata: { name: 'w'.repeat(64) } })).toThrow(/'metadata.name' \(w{64}\) is longer than 63 characters/);
    expect(() => new Waypoint(Testing.chart(), 'wp', { metadata: { name: 'w'.repeat(63) } })).not.toThrow();
  });

  test("refuses the name 'none' (istioctl: a reserved value)", () => {
    expect(() => new Waypoint(Testing.chart(), 'wp', { metadata: { name: 'none' } })).toThrow(/'metadata.name' \(none\) is reserved/);
  });

  test('useFor a MeshNamespace (ambient) via enrolNamespace; a Namespace in sidecar mode is refused', () => {
    const chart = new Chart(Testing.app(), 'c', { namespace: 'shop' });
    const ns = new MeshNamespace(chart, 'ns', { name: 'shop', dataplane: DataplaneMode.ambient(), denyByDefault: false });
    new Waypoint(chart, 'wp', { enrolNamespace: ns });
    const out = synthValid(chart);
    expect(only(out, 'Namespace').metadata.labels).toEqual({ 'istio.io/dataplane-mode': 'ambient', 'istio.io/use-waypoint': 'waypoint' });

    const other = new Chart(Testing.app(), 'c', { namespace: 'legacy' });
    const sidecar = new MeshNamespace(other, 'ns', { name: 'legacy', dataplane: DataplaneMode.sidecar() });
    expect(() => new Waypoint(other, 'wp').useFor(sidecar)).toThrow(/not in ambient mode \(istio-injection: enabled\)/);
  });

  test('a Service in a namespace the app puts in sidecar mode (or opts out) is refused; an unknown namespace is not', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'c', { namespace: 'legacy' });
    new ApiObject(chart, 'ns', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'legacy', labels: { 'istio.io/dataplane-mode': 'none' } } });
    const waypoint = new Waypoint(chart, 'wp');
    expect(() => waypoint.useFor(plainService(chart, 'a', 'legacy'))).toThrow(/istio.io\/dataplane-mode: none/);
    const free = new Chart(app, 'd', { namespace: 'free' });
    new Waypoint(free, 'wp').useFor(plainService(free, 'b', 'free'));
    expect(only(synthValid(free), 'Service').metadata.labels).toEqual({ 'istio.io/use-waypoint': 'waypoint' });
  });

  test('useFor a plain ApiObject Service, a cdk8s-plus-33 Service and a ServiceEntry, across namespaces', () => {
    const app = Testing.app();
    const mesh = new Chart(app, 'mesh', { namespace: 'mesh' });
    const waypoint = new Waypoint(mesh, 'wp', { allowedNamespaces: RouteNamespaces.ALL });
    const shop = new Chart(app, 'shop', { namespace: 'shop' });
    const plain = plainService(shop, 'reviews');
    const plus = new kplus.Service(shop, 'ratings', { metadata: { name: 'ratings' }, selector: kplus.Pods.select(shop, 'p', { labels: { app: 'ratings' } }), ports: [{ port: 80 }] });
    const entry = new ServiceEntry(mesh, 'ext', { hosts: ['api.example.com'], ports: [{ number: 443, protocol: Protocol.TLS }] });
    waypoint.useFor(plain).useFor(plus).useFor(entry);
    const out = synthValid(shop);
    const labels = out.filter((m) => m.kind === 'Service').map((m) => m.metadata.labels);
    expect(labels).toEqual([
      { 'istio.io/use-waypoint': 'waypoint', 'istio.io/use-waypoint-namespace': 'mesh' },
      expect.objectContaining({ 'istio.io/use-waypoint': 'waypoint', 'istio.io/use-waypoint-namespace': 'mesh' }),
    ]);
    // Same namespace as the waypoint: no namespace label.
    expect(only(synthValid(mesh), 'ServiceEntry').metadata.labels).toEqual({ 'istio.io/use-waypoint': 'waypoint' });
    expect(only(synthValid(mesh), 'Gateway').spec.listeners[0].allowedRoutes).toEqual({ namespaces: { from: 'All' } });
  });

  test('refuses a target in another namespace when the waypoint accepts its own namespace only (Istio AllowsAttachmentFromNamespace)', () => {
    const app = Testing.app();
    const waypoint = new Waypoint(new Chart(app, 'mesh', { namespace: 'mesh' }), 'wp');
    const shop = new Chart(app, 'shop', { namespace: 'shop' });
    expect(() => waypoint.useFor(plainService(shop, 'reviews'))).toThrow(/accepts its own namespace only; set allowedNamespaces: RouteNamespaces.ALL/);
  });

  test.each([WaypointTrafficType.WORKLOAD, WaypointTrafficType.NONE])('refuses a Service for a %s waypoint (Istio fetchWaypointForService)', (trafficType) => {
    const chart = Testing.chart();
    const waypoint = new Waypoint(chart, 'wp', { trafficType });
    expect(() => waypoint.useFor(plainService(chart, 'reviews'))).toThrow(new RegExp(`handles ${trafficType} traffic`));
    // A Namespace is fine: its workloads bind to the waypoint.
    waypoint.useFor(new ApiObject(chart, 'ns', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'x' } }));
  });

  test('refuses a target of another kind', () => {
    const chart = Testing.chart();
    const deployment = new ApiObject(chart, 'd', { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' } });
    expect(() => new Waypoint(chart, 'wp').useFor(deployment)).toThrow(/'useFor' \(Deployment d\) must be a Namespace or Service or ServiceEntry/);
  });

  test('an AuthorizationPolicy attaches to the waypoint with targetRefs', () => {
    const chart = new Chart(Testing.app(), 'c', { namespace: 'shop' });
    const waypoint = new Waypoint(chart, 'wp');
    new AuthorizationPolicy(chart, 'p', { targetRefs: [waypoint.policyTarget()], rules: [{ to: [{ methods: ['GET'] }] }] });
    expect(only(synthValid(chart), 'AuthorizationPolicy').spec.targetRefs).toEqual([{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'waypoint' }]);
  });
});
