import { Duration, Testing, Yaml } from 'cdk8s';
import { CanaryService, ClientTlsMode, Gateway, GrpcStatus, Protocol, ResilientRoute, ResilientRouteProps, RetryOn, ServiceEntry, StringMatch } from '../../src';
import { synthError, synthValid } from '../support/schema';

function route(props: Partial<ResilientRouteProps> = {}) {
  const chart = Testing.chart();
  const r = new ResilientRoute(chart, 'ratings', { host: 'ratings', ...props });
  return { chart, route: r };
}
const of = (manifests: any[], kind: string) => manifests.filter((m) => m.kind === kind);

describe('ResilientRoute', () => {
  test('defaults: 10s timeout, 2 retries of 3s on connection failures and gateway errors, ISTIO_MUTUAL', () => {
    const manifests = synthValid(route().chart);
    const [vs] = of(manifests, 'VirtualService');
    expect(vs.spec.http).toEqual([{
      name: 'resilient',
      route: [{ destination: { host: 'ratings' } }],
      timeout: '10s',
      retries: { attempts: 2, perTryTimeout: '3s', retryOn: 'connect-failure,refused-stream,gateway-error' },
    }]);
    expect(of(manifests, 'DestinationRule')[0].spec).toEqual({ host: 'ratings', trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } } });
    expect(manifests).toMatchSnapshot();
  });

  test('circuit breaking: connection pool and outlier detection', () => {
    const { chart } = route({
      port: 9080,
      timeout: Duration.seconds(7),
      retries: { attempts: 3, perTryTimeout: Duration.millis(1500), retryOn: [RetryOn.FIVE_XX] },
      connectionPool: { tcp: { maxConnections: 50 }, http: { http1MaxPendingRequests: 10 } },
      outlierDetection: {
        consecutive5xxErrors: 5,
        consecutiveGatewayErrors: 3,
        interval: Duration.seconds(10),
        baseEjectionTime: Duration.seconds(30),
        maxEjectionPercent: 50,
      },
    });
    const manifests = synthValid(chart);
    const rule = of(manifests, 'VirtualService')[0].spec.http[0];
    expect(rule.retries).toEqual({ attempts: 3, perTryTimeout: '1.5s', retryOn: '5xx' });
    expect(rule.route[0].destination.port).toEqual({ number: 9080 });
    expect(of(manifests, 'DestinationRule')[0].spec.trafficPolicy).toEqual({
      connectionPool: { tcp: { maxConnections: 50 }, http: { http1MaxPendingRequests: 10 } },
      outlierDetection: { consecutive5xxErrors: 5, consecutiveGatewayErrors: 3, interval: '10s', baseEjectionTime: '30s', maxEjectionPercent: 50 },
      tls: { mode: 'ISTIO_MUTUAL' },
    });
  });

  test('fault injection goes to matching requests on a rule of its own, keeping retries on the rest', () => {
    const { chart } = route({
      fault: { abort: { httpStatus: 503, percentage: 50 }, delay: { fixedDelay: Duration.seconds(2), percentage: 10 } },
      faultMatch: { headers: { 'x-chaos': StringMatch.exact('ratings') } },
    });
    const http = of(synthValid(chart), 'VirtualService')[0].spec.http;
    expect(http.map((r: any) => r.name)).toEqual(['chaos', 'resilient']);
    expect(http[0].fault.abort).toEqual({ httpStatus: 503, percentage: { value: 50 } });
    expect(http[0].retries).toBeUndefined();
    expect(http[1].fault).toBeUndefined();
    expect(http[1].retries.attempts).toBe(2);
  });

  test('synthesis is byte-identical across runs', () => {
    const build = () => route({ connectionPool: { tcp: { maxConnections: 10 } }, outlierDetection: { consecutive5xxErrors: 2 } });
    const yaml = () => Yaml.stringify(...Testing.synth(build().chart));
    expect(yaml()).toEqual(yaml());
  });

  test('gRPC faults', () => {
    const { chart } = route({ fault: { abort: { grpcStatus: GrpcStatus.UNAVAILABLE } }, faultMatch: { headers: { 'x-chaos': StringMatch.exact('1') } } });
    expect(of(synthValid(chart), 'VirtualService')[0].spec.http[0].fault).toEqual({ abort: { grpcStatus: 'UNAVAILABLE' } });
  });

  test('outlier detection without a connection pool is reported as a warning', () => {
    const { chart, route: r } = route({ outlierDetection: { consecutive5xxErrors: 5 } });
    expect(r.node.metadata.filter((m) => m.type === 'cdk8s-istio:warning').map((m) => m.data)).toEqual([
      "'outlierDetection' is set without 'connectionPool': overload will not trip the circuit breaker, only errors eject endpoints; add connection pool limits",
    ]);
    expect(synthValid(chart)).toHaveLength(2);
  });
});

describe('ResilientRoute validation', () => {
  test('the timeout must cover the first try and every retry', () => {
    expect(() => route({ timeout: Duration.seconds(5), retries: { attempts: 2, perTryTimeout: Duration.seconds(2) } }))
      .toThrow("[test/ratings] 'timeout' (5s) must be at least (attempts + 1) × perTryTimeout = 3 × 2s = 6s, or the later retries never run; raise 'timeout', or lower 'retries.attempts' or 'retries.perTryTimeout'");
  });

  test('the default timeout is checked against a custom retry policy too', () => {
    expect(() => route({ retries: { attempts: 5, perTryTimeout: Duration.seconds(2) } })).toThrow("'timeout' (10s) must be at least (attempts + 1) × perTryTimeout = 6 × 2s = 12s");
  });

  test('fault injection on the retried rule is refused', () => {
    expect(() => route({ fault: { abort: { httpStatus: 500 } } })).toThrow("'fault' ({\"abort\":{\"httpStatus\":500}}) must come with faultMatch: Istio disables retries and timeouts on a route with faults");
  });

  test('faultMatch without fault is refused', () => {
    expect(() => route({ faultMatch: { headers: { a: StringMatch.exact('b') } } })).toThrow("'faultMatch'");
  });

  test('a CanaryService for the same host is a conflict (one VirtualService per host)', () => {
    const { chart } = route();
    new CanaryService(chart, 'ratings-canary', { serviceName: 'ratings', versions: [{ name: 'v1', image: 'r:1' }, { name: 'v2', image: 'r:2', weight: 5 }] });
    expect(synthError(chart)).toContain("[test/ratings] 'host' (ratings) is also the host of CanaryService test/ratings-canary, and two VirtualServices for one host conflict (IST0109); remove this ResilientRoute and give the CanaryService the same settings in its 'resilience' prop");
  });

  test('invalid settings are still caught by the L2 validation', () => {
    const { chart } = route({ connectionPool: { http: { maxRetries: -1 } } });
    expect(synthError(chart)).toContain("[test/ratings/DestinationRule] 'spec.trafficPolicy.connectionPool.http.maxRetries' (-1)");
  });
});

describe('ResilientRoute client TLS follows what the host is', () => {
  const partnerApi = (chart: any) => new ServiceEntry(chart, 'partner', {
    metadata: { name: 'partner-api' }, hosts: ['api.partner.example.com'], ports: [{ number: 443, protocol: Protocol.TLS }],
  });

  test('a mesh service (short name or *.svc.<cluster domain>) gets ISTIO_MUTUAL', () => {
    for (const host of ['ratings', 'ratings.shop.svc.cluster.local']) {
      const [dr] = of(synthValid(route({ host }).chart), 'DestinationRule');
      expect(dr.spec.trafficPolicy.tls).toEqual({ mode: 'ISTIO_MUTUAL' });
    }
  });

  test('an external host behind a MESH_EXTERNAL ServiceEntry gets no Istio mTLS (every call would fail)', () => {
    const chart = Testing.chart();
    partnerApi(chart);
    new ResilientRoute(chart, 'partner-resilience', { host: 'api.partner.example.com', metadata: { name: 'partner-api' } });
    const manifests = synthValid(chart);
    const dr = of(manifests, 'DestinationRule')[0];
    expect(dr.spec).toEqual({ host: 'api.partner.example.com' });
    // metadata names both objects, instead of truncated generated names
    expect(manifests.filter((m) => m.metadata.name === 'partner-api').map((m) => m.kind).sort()).toEqual(['DestinationRule', 'ServiceEntry', 'VirtualService']);
  });

  test('SIMPLE TLS origination when asked', () => {
    const chart = Testing.chart();
    partnerApi(chart);
    new ResilientRoute(chart, 'partner-resilience', {
      host: 'api.partner.example.com', tls: { mode: ClientTlsMode.SIMPLE, sni: 'api.partner.example.com', caCertificates: '/etc/ssl/certs/ca-certificates.crt' },
    });
    const [dr] = of(synthValid(chart), 'DestinationRule');
    expect(dr.spec.trafficPolicy.tls).toEqual({ mode: 'SIMPLE', sni: 'api.partner.example.com', caCertificates: '/etc/ssl/certs/ca-certificates.crt' });
  });

  test('ISTIO_MUTUAL forced onto a MESH_EXTERNAL host is refused', () => {
    const chart = Testing.chart();
    partnerApi(chart);
    new ResilientRoute(chart, 'partner-resilience', { host: 'api.partner.example.com', tls: { mode: ClientTlsMode.ISTIO_MUTUAL } });
    expect(synthError(chart)).toContain("[test/partner-resilience] 'tls.mode' (ISTIO_MUTUAL) sends Istio mTLS to api.partner.example.com, "
      + 'which ServiceEntry partner-api declares MESH_EXTERNAL (no sidecar answers it), so every call fails');
  });
});

test('a Gateway construct inside faultMatch is shown by its path in messages (no circular-JSON crash)', () => {
  const chart = Testing.chart();
  const gateway = new Gateway(chart, 'gw', { servers: [{ port: 80, protocol: Protocol.HTTP, hosts: ['a.example.com'] }] });
  expect(() => new ResilientRoute(chart, 'r', { host: 'ratings', faultMatch: { gateways: [gateway] } }))
    .toThrow("[test/r] 'faultMatch' ({\"gateways\":[\"<test/gw>\"]}) has no effect without fault");
});
