import { ApiObject, Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-33';
import { BackendRef, GrpcRoute, GrpcRouteFilter, ParentRef, RouteMatchType } from '../../src';
import { only, synthValid } from '../support/schema';

function service(chart: Chart, name: string, ports: number[] = [50051]): kplus.Service {
  return new kplus.Service(chart, name, { metadata: { name }, ports: ports.map((port) => ({ port, name: `grpc-${port}` })) });
}

describe('GrpcRoute', () => {
  test('renders method and header matches, filters and weighted backends', () => {
    const chart = new Chart(Testing.app(), 'c', { namespace: 'shop' });
    const gateway = new ApiObject(chart, 'gw', {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'Gateway',
      metadata: { name: 'edge', namespace: 'infra' },
      spec: {
        gatewayClassName: 'istio',
        listeners: [{
          name: 'grpc',
          protocol: 'HTTPS',
          port: 443,
          hostname: 'grpc.example.com',
          tls: { mode: 'Terminate', certificateRefs: [{ name: 'cert' }] },
          allowedRoutes: { namespaces: { from: 'All' } },
        }],
      },
    });
    // CKI0009: the cross-namespace mirror needs a ReferenceGrant there.
    new ApiObject(chart, 'grant-lab', {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'ReferenceGrant',
      metadata: { name: 'routes', namespace: 'lab' },
      spec: { from: [{ group: 'gateway.networking.k8s.io', kind: 'GRPCRoute', namespace: 'shop' }], to: [{ group: '', kind: 'Service' }] },
    });
    const stable = service(chart, 'cart');
    const canary = service(chart, 'cart-canary');
    new GrpcRoute(chart, 'route', {
      metadata: { name: 'cart' },
      parentRefs: [ParentRef.of(gateway, 'grpc')],
      hostnames: ['grpc.example.com'],
      rules: [{
        name: 'add-item',
        matches: [
          { method: { service: 'shop.v1.Cart', method: 'AddItem' }, headers: [{ name: 'x-tenant', value: 'acme' }] },
          { method: { service: 'shop\\.v1\\..*', type: RouteMatchType.REGULAR_EXPRESSION } },
        ],
        filters: [
          GrpcRouteFilter.requestHeaders({ set: { 'x-route': 'cart' } }),
          GrpcRouteFilter.requestMirror(BackendRef.of('shadow', 50051, 'lab'), { percent: 10 }),
        ],
        backendRefs: [BackendRef.service(stable, undefined, 95), BackendRef.service(canary, 50051, 5)],
        backendFilters: { 1: [GrpcRouteFilter.responseHeaders({ add: { 'x-canary': 'true' } })] },
      }],
    });
    const spec = only(synthValid(chart), 'GRPCRoute').spec;
    expect(spec.parentRefs).toEqual([{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'edge', namespace: 'infra', sectionName: 'grpc' }]);
    expect(spec.rules[0]).toEqual({
      name: 'add-item',
      matches: [
        { method: { service: 'shop.v1.Cart', method: 'AddItem' }, headers: [{ name: 'x-tenant', value: 'acme' }] },
        { method: { type: 'RegularExpression', service: 'shop\\.v1\\..*' } },
      ],
      filters: [
        { type: 'RequestHeaderModifier', requestHeaderModifier: { set: [{ name: 'x-route', value: 'cart' }] } },
        { type: 'RequestMirror', requestMirror: { backendRef: { group: '', kind: 'Service', name: 'shadow', namespace: 'lab', port: 50051 }, percent: 10 } },
      ],
      backendRefs: [
        { group: '', kind: 'Service', name: 'cart', port: 50051, weight: 95 },
        { group: '', kind: 'Service', name: 'cart-canary', port: 50051, weight: 5, filters: [{ type: 'ResponseHeaderModifier', responseHeaderModifier: { add: [{ name: 'x-canary', value: 'true' }] } }] },
      ],
    });
  });

  test('a mesh (GAMMA) route: the parent is the Service', () => {
    const chart = Testing.chart();
    const svc = service(chart, 'cart');
    new GrpcRoute(chart, 'route', { parentRefs: [ParentRef.service(svc)], rules: [{ backendRefs: [BackendRef.service(svc)] }] });
    const spec = only(synthValid(chart), 'GRPCRoute').spec;
    expect(spec).toEqual({
      parentRefs: [{ group: '', kind: 'Service', name: 'cart' }],
      rules: [{ backendRefs: [{ group: '', kind: 'Service', name: 'cart', port: 50051 }] }],
    });
  });

  test('refuses what the CRD or the Gateway API refuses, at construction', () => {
    const backendRefs = [BackendRef.of('cart', 50051)];
    const cases: Array<[(chart: Chart) => void, string]> = [
      [(c) => new GrpcRoute(c, 'r', { rules: [{ matches: [{ method: {} }], backendRefs }] }),
        "[test/r] 'rules[0].matches[0].method' ({}) gives neither service nor method; give one or both, or leave the method match out"],
      [(c) => new GrpcRoute(c, 'r', { rules: [{ matches: [{ method: { service: 'shop/v1' } }], backendRefs }] }),
        "[test/r] 'rules[0].matches[0].method.service' (shop/v1) must be a fully qualified protobuf service name; e.g. shop.v1.Cart"],
      [(c) => new GrpcRoute(c, 'r', { rules: [{ matches: [{ method: { method: 'Add-Item' } }], backendRefs }] }),
        "[test/r] 'rules[0].matches[0].method.method' (Add-Item) must be a protobuf method name; e.g. AddItem"],
      [(c) => new GrpcRoute(c, 'r', { rules: [{ backendRefs: [] }] }),
        "[test/r] 'rules[0].backendRefs' ([]) are empty, so every request fails; give at least one backend"],
      [(c) => new GrpcRoute(c, 'r', { rules: [{ backendRefs: [BackendRef.of('a', 80).withWeight(0)] }] }),
        "[test/r] 'rules[0].backendRefs' ([0]) all have weight 0, so every request fails with a 500; give at least one backend a positive weight, or remove the rule"],
      [(c) => new GrpcRoute(c, 'r', {
        rules: [{ backendRefs, filters: [GrpcRouteFilter.requestMirror(BackendRef.of('m', 80), { fraction: { numerator: 3, denominator: 2 } })] }],
      }), "[test/r] 'rules[0].filters[0].requestMirror.fraction' ({\"numerator\":3,\"denominator\":2}) must be whole numbers with 0 <= numerator <= denominator "
        + 'and denominator >= 1; e.g. { numerator: 1, denominator: 1000 } for 0.1%'],
      [(c) => new GrpcRoute(c, 'r', { rules: [{ name: 'a', backendRefs }, { name: 'a', backendRefs }] }),
        "[test/r] 'rules[1].name' (a) must be unique within the route; give each rule its own name"],
    ];
    for (const [build, message] of cases) expect(() => build(Testing.chart())).toThrow(message);
  });
});
