import { Testing } from 'cdk8s';
import { ReferenceGrant } from '../../src';
import { only, synthError, synthValid } from '../support/schema';

describe('ReferenceGrant', () => {
  test('from and to as given, in the chart namespace', () => {
    const chart = Testing.chart();
    const grant = new ReferenceGrant(chart, 'grant', {
      metadata: { name: 'backends', namespace: 'shop' },
      from: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace: 'edge' }],
      to: [{ group: '', kind: 'Service', name: 'cart' }],
    });
    const out = only(synthValid(chart), 'ReferenceGrant');
    expect(out.apiVersion).toBe('gateway.networking.k8s.io/v1');
    expect(out.metadata).toEqual({ name: 'backends', namespace: 'shop' });
    expect(out.spec).toEqual({
      from: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace: 'edge' }],
      to: [{ group: '', kind: 'Service', name: 'cart' }],
    });
    expect(grant.name).toBe('backends');
    expect(grant.namespace).toBe('shop');
  });

  test('allowGatewaySecrets: Gateways of one namespace to some Secrets, or to every Secret', () => {
    const chart = Testing.chart();
    ReferenceGrant.allowGatewaySecrets(chart, 'some', { gatewayNamespace: 'edge', secretNames: ['a', 'b'] });
    ReferenceGrant.allowGatewaySecrets(chart, 'all', { gatewayNamespace: 'edge', metadata: { name: 'all-secrets' } });
    const [some, all] = synthValid(chart).filter((m) => m.kind === 'ReferenceGrant');
    expect(some.spec).toEqual({
      from: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', namespace: 'edge' }],
      to: [{ group: '', kind: 'Secret', name: 'a' }, { group: '', kind: 'Secret', name: 'b' }],
    });
    expect(all.metadata.name).toBe('all-secrets');
    expect(all.spec.to).toEqual([{ group: '', kind: 'Secret' }]);
  });

  test('allowRouteBackends: HTTPRoutes and GRPCRoutes by default, to Services', () => {
    const chart = Testing.chart();
    ReferenceGrant.allowRouteBackends(chart, 'routes', { routeNamespace: 'edge', serviceNames: ['cart'] });
    ReferenceGrant.allowRouteBackends(chart, 'http', { routeNamespace: 'edge', routeKinds: ['HTTPRoute'] });
    const [routes, http] = synthValid(chart).filter((m) => m.kind === 'ReferenceGrant');
    expect(routes.spec).toEqual({
      from: [
        { group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace: 'edge' },
        { group: 'gateway.networking.k8s.io', kind: 'GRPCRoute', namespace: 'edge' },
      ],
      to: [{ group: '', kind: 'Service', name: 'cart' }],
    });
    expect(http.spec).toEqual({ from: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace: 'edge' }], to: [{ group: '', kind: 'Service' }] });
  });

  test('refuses empty from, to, kinds and namespaces', () => {
    const from = [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', namespace: 'edge' }];
    const to = [{ group: '', kind: 'Secret' }];
    expect(() => new ReferenceGrant(Testing.chart(), 'g', { from: [], to })).toThrow("[test/g] 'from' ([]) must have at least one entry");
    expect(() => new ReferenceGrant(Testing.chart(), 'g', { from, to: [] })).toThrow("[test/g] 'to' ([]) must have at least one entry");
    expect(() => new ReferenceGrant(Testing.chart(), 'g', { from: [{ ...from[0], kind: '' }], to })).toThrow("'from[0].kind' (\"\") must not be empty");
    expect(() => new ReferenceGrant(Testing.chart(), 'g', { from: [{ ...from[0], namespace: '' }], to })).toThrow("'from[0].namespace' (\"\") must not be empty");
    expect(() => new ReferenceGrant(Testing.chart(), 'g', { from, to: [{ group: '', kind: '' }] })).toThrow("'to[0].kind' (\"\") must not be empty");
  });

  test('the CRD schema is checked at synth', () => {
    const chart = Testing.chart();
    new ReferenceGrant(chart, 'g', { from: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', namespace: 'Not_A_Namespace' }], to: [{ group: '', kind: 'Secret' }] });
    expect(synthError(chart)).toContain("[test/g] 'spec.from[0].namespace' (Not_A_Namespace) must match");
  });
});
