/**
 * Generators of construct props for the differential property test: valid values, boundary
 * values (int32/uint32 edges, 0, 1ms, 65535/65536), and mutations of each field (fractions,
 * negatives, huge numbers, bad names). Each case builds one construct in a fresh chart.
 */
import { Chart, Duration } from 'cdk8s';
import * as fc from 'fast-check';
import {
  CanaryService, ClientTlsMode, Destination, DestinationRule, Gateway, GatewayRouteTarget, H2UpgradePolicy, LoadBalancerAlgorithm, Protocol,
  PeerAuthentication, PeerAuthenticationMode, ResilientRoute, RetryOn, SecureGateway, ServiceEntry, ServiceEntryLocation, ServiceEntryResolution,
  Sidecar, StringMatch, TlsMode, VirtualService,
} from '../../src';

/** A construct to build in `chart`, with a description for counterexamples. */
export interface FuzzCase {
  readonly kind: string;
  readonly props: unknown;
  readonly build: (chart: Chart) => void;
}

const int32Edges = [0, 1, -1, 2 ** 31 - 1, 2 ** 31, 2 ** 32 - 1, 2 ** 32, 3e9, 12.5, 0.5];
/** A count: mostly small and valid, sometimes at or past an integer edge. */
const count = fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 0, max: 1000 }) }, { weight: 1, arbitrary: fc.constantFrom(...int32Edges) });
const port = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 1, max: 65535 }) },
  { weight: 1, arbitrary: fc.constantFrom(0, 65536, 70000, 80.5, -1) },
);
const percent = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 0, max: 100 }) },
  { weight: 1, arbitrary: fc.constantFrom(-1, 101, 12.5, 0.00001) },
);
/** Durations in ms, with sub-ms, zero and float-noise values. */
const duration = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 1, max: 60_000 }).map((ms) => Duration.millis(ms)) },
  { weight: 1, arbitrary: fc.constantFrom(0, 0.5, 1.5, 0.1 + 0.2).map((ms) => Duration.millis(ms)) },
  { weight: 1, arbitrary: fc.constantFrom(0.1 + 0.2, 1.0000001).map((s) => Duration.seconds(s)) },
);
const dnsLabel = fc.oneof(
  { weight: 4, arbitrary: fc.stringMatching(/^[a-z]([a-z0-9-]{0,10}[a-z0-9])?$/) },
  { weight: 1, arbitrary: fc.constantFrom('Bad_Name', 'a'.repeat(64), '-a', 'a.b', '', 'UPPER') },
);
const host = fc.oneof(
  { weight: 3, arbitrary: dnsLabel },
  { weight: 2, arbitrary: fc.tuple(dnsLabel, dnsLabel).map(([a, b]) => `${a}.${b}.example.com`) },
  { weight: 1, arbitrary: fc.constantFrom('*', '*.example.com', 'bad_host', '10.0.0.1', 'a..b', 'host:80') },
);
const opt = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined, freq: 2 });

const trafficPolicy = fc.record({
  connectionPool: opt(fc.record({
    tcp: opt(fc.record({ maxConnections: opt(count), connectTimeout: opt(duration), idleTimeout: opt(duration) }, { requiredKeys: [] })),
    http: opt(fc.record({
      http1MaxPendingRequests: opt(count),
      http2MaxRequests: opt(count),
      maxRequestsPerConnection: opt(count),
      maxRetries: opt(count),
      idleTimeout: opt(duration),
      h2UpgradePolicy: opt(fc.constantFrom(...Object.values(H2UpgradePolicy))),
      useClientProtocol: opt(fc.boolean()),
    }, { requiredKeys: [] })),
  }, { requiredKeys: [] })),
  outlierDetection: opt(fc.record({
    consecutive5xxErrors: opt(count),
    consecutiveGatewayErrors: opt(count),
    interval: opt(duration),
    baseEjectionTime: opt(duration),
    maxEjectionPercent: opt(percent),
    minHealthPercent: opt(percent),
  }, { requiredKeys: [] })),
  loadBalancer: opt(fc.record({ algorithm: opt(fc.constantFrom(...Object.values(LoadBalancerAlgorithm))) }, { requiredKeys: [] })),
  tls: opt(fc.constantFrom({ mode: ClientTlsMode.ISTIO_MUTUAL }, { mode: ClientTlsMode.SIMPLE, sni: 'a.example.com' }, { mode: ClientTlsMode.DISABLE })),
}, { requiredKeys: [] });

const subsetNames = fc.array(dnsLabel, { maxLength: 3 });
const destinationRule = fc.record({ host, name: opt(dnsLabel), trafficPolicy: opt(trafficPolicy), subsets: opt(subsetNames) })
  .map((p): FuzzCase => ({
    kind: 'DestinationRule',
    props: p,
    build: (chart) => {
      const dr = new DestinationRule(chart, 'dr', { host: p.host, metadata: p.name ? { name: p.name } : undefined, trafficPolicy: p.trafficPolicy });
      (p.subsets ?? []).forEach((name) => dr.addSubset({ name, labels: { version: name } }));
    },
  }));

const retryOn = fc.constantFrom<RetryOn[]>([RetryOn.GATEWAY_ERROR], [RetryOn.CONNECT_FAILURE, RetryOn.FIVE_XX]);
const retries = fc.record({ attempts: count, perTryTimeout: opt(duration), retryOn: opt(retryOn) });
const virtualService = fc.record({
  hosts: fc.array(host, { minLength: 1, maxLength: 2 }),
  routes: fc.array(fc.record({
    weights: fc.array(percent, { minLength: 1, maxLength: 3 }),
    timeout: opt(duration),
    retries: opt(retries),
    prefix: opt(fc.constantFrom('/', '/api', '')),
    port: opt(port),
    redirectPort: opt(port),
  }), { minLength: 1, maxLength: 3 }),
}).map((p): FuzzCase => ({
  kind: 'VirtualService',
  props: p,
  build: (chart) => {
    const vs = new VirtualService(chart, 'vs', { hosts: p.hosts });
    p.routes.forEach((r, i) => vs.addHttpRoute(r.redirectPort !== undefined && i === p.routes.length - 1
      ? { redirect: { port: r.redirectPort, uri: '/' } }
      : {
        match: r.prefix !== undefined ? [{ uri: StringMatch.prefix(r.prefix) }] : undefined,
        destinations: r.weights.map((weight, j) => ({ destination: Destination.toHost(`svc${j}`, { port: r.port }), weight: r.weights.length > 1 ? weight : undefined })),
        timeout: r.timeout,
        retries: r.retries,
      }));
  },
}));

const serviceEntry = fc.record({
  hosts: fc.array(host, { minLength: 1, maxLength: 2 }),
  ports: fc.array(fc.record({
    number: port, protocol: fc.constantFrom(Protocol.HTTP, Protocol.TLS, Protocol.TCP, Protocol.HTTPS), name: opt(dnsLabel),
  }), { minLength: 1, maxLength: 2 }),
  resolution: opt(fc.constantFrom(...Object.values(ServiceEntryResolution))),
  location: opt(fc.constantFrom(...Object.values(ServiceEntryLocation))),
  endpoints: opt(fc.array(fc.record({ address: fc.constantFrom('10.0.0.1', 'api.example.com', 'unix:///var/run/a.sock', 'bad address'), weight: opt(count) }), { maxLength: 2 })),
}).map((p): FuzzCase => ({ kind: 'ServiceEntry', props: p, build: (chart) => new ServiceEntry(chart, 'se', p) }));

const gateway = fc.record({
  servers: fc.array(fc.record({
    port: port,
    protocol: fc.constantFrom(Protocol.HTTP, Protocol.HTTPS, Protocol.TLS, Protocol.TCP),
    hosts: fc.array(host, { minLength: 1, maxLength: 2 }),
    tls: opt(fc.constantFrom({ mode: TlsMode.SIMPLE, credentialName: 'cert' }, { mode: TlsMode.PASSTHROUGH }, { mode: TlsMode.ISTIO_MUTUAL })),
  }), { minLength: 1, maxLength: 2 }),
}).map((p): FuzzCase => ({ kind: 'Gateway', props: p, build: (chart) => new Gateway(chart, 'gw', p) }));

const sidecar = fc.record({ egressHosts: fc.array(fc.constantFrom('./*', 'istio-system/*', '*/a.example.com', 'bad', '*/*'), { minLength: 1, maxLength: 3 }) })
  .map((p): FuzzCase => ({ kind: 'Sidecar', props: p, build: (chart) => new Sidecar(chart, 'sc', { egress: [{ hosts: p.egressHosts }] }) }));

const canaryService = fc.record({
  serviceName: opt(dnsLabel),
  port: opt(port),
  containerPort: opt(port),
  replicas: opt(count),
  weights: fc.array(opt(percent), { minLength: 2, maxLength: 3 }),
  timeout: opt(duration),
  retries: opt(retries),
}).map((p): FuzzCase => ({
  kind: 'CanaryService',
  props: p,
  build: (chart) => new CanaryService(chart, 'svc', {
    serviceName: p.serviceName,
    port: p.port,
    containerPort: p.containerPort,
    versions: p.weights.map((weight, i) => ({ name: `v${i + 1}`, image: `example/svc:${i + 1}`, weight: i === 0 ? undefined : weight, replicas: p.replicas })),
    resilience: { timeout: p.timeout, retries: p.retries },
  }),
}));

const secureGateway = fc.record({
  hosts: fc.array(host, { minLength: 1, maxLength: 2 }),
  routes: fc.array(fc.record({ prefix: opt(fc.constantFrom('/a', '/b/', '/')), port, timeout: opt(duration), retries: opt(retries), rewrite: opt(fc.constantFrom('/', '/x')) }), { maxLength: 3 }),
}).map((p): FuzzCase => ({
  kind: 'SecureGateway',
  props: p,
  build: (chart) => {
    const gw = new SecureGateway(chart, 'gw', { hosts: p.hosts, credentialName: 'cert' });
    for (const r of p.routes) {
      gw.addRoute({ path: r.prefix ? StringMatch.prefix(r.prefix) : undefined, destination: GatewayRouteTarget.fromHost('web', r.port), timeout: r.timeout, retries: r.retries, rewriteUri: r.rewrite });
    }
  },
}));

const resilientRoute = fc.record({ host, timeout: opt(duration), retries: opt(retries), trafficPolicy: opt(trafficPolicy) })
  .map((p): FuzzCase => ({
    kind: 'ResilientRoute',
    props: p,
    build: (chart) => new ResilientRoute(chart, 'rr', {
      host: p.host,
      timeout: p.timeout,
      retries: p.retries,
      connectionPool: p.trafficPolicy?.connectionPool,
      outlierDetection: p.trafficPolicy?.outlierDetection,
    }),
  }));

const peerAuthentication = fc.record({
  selector: opt(fc.dictionary(fc.constantFrom('app', 'version', '', 'a*'), fc.constantFrom('reviews', 'v1', '', '*'), { maxKeys: 2 })),
  mode: opt(fc.constantFrom(...Object.values(PeerAuthenticationMode))),
  ports: opt(fc.array(fc.record({ port, mode: fc.constantFrom(...Object.values(PeerAuthenticationMode)) }), { maxLength: 2 })),
}).map((p): FuzzCase => ({
  kind: 'PeerAuthentication',
  props: p,
  build: (chart) => new PeerAuthentication(chart, 'pa', { selector: p.selector, mode: p.mode, portLevelMtls: p.ports }),
}));

/** Every construct's generator, by kind. */
export const FUZZ_CASES: Record<string, fc.Arbitrary<FuzzCase>> = {
  DestinationRule: destinationRule,
  VirtualService: virtualService,
  ServiceEntry: serviceEntry,
  Gateway: gateway,
  Sidecar: sidecar,
  CanaryService: canaryService,
  SecureGateway: secureGateway,
  ResilientRoute: resilientRoute,
  PeerAuthentication: peerAuthentication,
};
