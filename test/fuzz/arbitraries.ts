/**
 * Generators of construct props for the differential property test: valid values, boundary
 * values (int32/uint32 edges, 0, 1ms, 65535/65536), and mutations of each field (fractions,
 * negatives, huge numbers, bad names). Each case builds one construct in a fresh chart.
 */
import { generateKeyPairSync } from 'crypto';
import { ApiObject, App, Chart, Duration } from 'cdk8s';
import * as kplus33 from 'cdk8s-plus-33';
import * as fc from 'fast-check';
import {
  BackendRef, EnvoyFilter, EnvoyFilterApplyTo, EnvoyFilterContext, EnvoyFilterOperation, HttpMethod, HttpPathMatch, HttpRoute, HttpRouteFilter,
  IstioMetric, KubernetesGateway, ListenerProtocol, ListenerTlsMode, ParentRef, RouteNamespaces, TagOverride, Telemetry, TelemetryMode, TraceTag,
  WasmPlugin, WasmPluginFailStrategy, WasmPluginPhase, WasmPluginPullPolicy, WasmPluginType, WasmPluginWorkloadMode, CertificateRef,
  AuthorizationAction, AuthorizationCondition, AuthorizationPolicy, AuthorizationRule, CanaryService, ClientTlsMode, ConditionKey, DataplaneMode,
  Destination, DestinationRule, Gateway, GatewayRouteTarget, H2UpgradePolicy, LoadBalancerAlgorithm, MeshNamespace, PolicyTarget, Protocol,
  PeerAuthentication, PeerAuthenticationMode, RequestAuthentication, RequestOperation, RequestSource, ResilientRoute, RetryOn, SecureGateway,
  ServiceEntry, ServiceEntryLocation, ServiceEntryResolution, Sidecar, StringMatch, TlsMode, VirtualService, MeshSettings,
  TrafficApi, RedirectPortSelection, Waypoint, WaypointTrafficType,
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

// ---------------------------------------------------------------------------------------------
// Security policies: AuthorizationPolicy, RequestAuthentication, MeshNamespace.

/** Mostly one of the valid values, sometimes one of the invalid ones. */
const mostly = <T>(valid: T[], invalid: T[]): fc.Arbitrary<T> =>
  fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...valid) }, { weight: 1, arbitrary: fc.constantFrom(...invalid) });

/** Workload selector labels, with empty and wildcard keys and values (refused by the CRD). */
const selector = fc.dictionary(mostly(['app', 'version'], ['', 'a*']), mostly(['reviews', 'v1'], ['', '*']), { minKeys: 1, maxKeys: 2 });
const targetName = mostly(['ingress', 'reviews'], ['', 'a'.repeat(254)]);
const policyTarget: fc.Arbitrary<PolicyTarget> = fc.oneof(
  { weight: 4, arbitrary: fc.tuple(fc.constantFrom('gateway', 'gatewayClass', 'service', 'serviceEntry'), targetName).map(([f, n]) => PolicyTarget[f](n)) },
  {
    weight: 1,
    arbitrary: fc.tuple(fc.constantFrom('', 'apps', 'Bad_Group', 'gateway.networking.k8s.io'), fc.constantFrom('Deployment', 'Gateway', '', '1Kind'), targetName)
      .map(([g, k, n]) => PolicyTarget.of(g, k, n)),
  },
);
/** Where a policy applies: nothing, a selector, targets, or (refused by the constructor) both. */
const policyScope = fc.oneof(
  { weight: 3, arbitrary: fc.constant({}) },
  { weight: 3, arbitrary: fc.record({ selector }) },
  { weight: 3, arbitrary: fc.record({ targetRefs: fc.array(policyTarget, { maxLength: 2 }) }) },
  { weight: 1, arbitrary: fc.record({ selector, targetRefs: fc.array(policyTarget, { minLength: 1, maxLength: 2 }) }) },
);
/** A scope as counterexamples print it (PolicyTarget keeps its fields on a class instance). */
const showScope = (s: { selector?: object; targetRefs?: PolicyTarget[] }) => ({ ...s, targetRefs: s.targetRefs?.map((t) => `${t.group}/${t.kind}/${t.name}`) });

const ipValue = mostly(['10.0.0.0/8', '10.0.0.1', '::1', '2001:db8::/32', '10.0.0.1/8'], ['10.0.0.0/33', '300.1.1.1', '', 'a.b.c.d', '10.0.0.0/08', 'fe80::1%eth0']);
/** Each `from.source` field and its `not…` twin share values. */
const SOURCE_VALUES = withNot({
  principals: mostly(['cluster.local/ns/a/sa/b', '*', 'cluster.local/*', '*/sa/b'], ['', 'spiffe://cluster.local/ns/a/sa/b', 'a*b']),
  requestPrincipals: mostly(['https://issuer.example.com/sub', '*', 'https://issuer.example.com/*'], ['']),
  namespaces: mostly(['default', 'a', '*', 'prod-*'], ['', 'Bad_NS']),
  serviceAccounts: mostly(['a/b', 'default/reviews', 'b'], ['', 'a/b/c', '*', '/b', 'a/', 'a'.repeat(321)]),
  trustDomains: mostly(['cluster.local', '*', '*.local'], ['', 'a*b*', 'cluster.local/ns/a']),
  ipBlocks: ipValue,
  remoteIpBlocks: ipValue,
});
const OPERATION_VALUES = withNot({
  hosts: fc.oneof(host, fc.constantFrom('example.com:8080', '*')),
  ports: fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 0, max: 70000 }) }, { weight: 1, arbitrary: fc.constantFrom(1, 65535, 65536, 8.5, -1) }),
  methods: mostly(['GET', 'POST', 'CONNECT', '*'], ['', 'get']),
  paths: mostly(['/api', '/api/*', '*.js', '/books/{*}/reviews', '/a/{**}', '/{*}/{**}', '/{*}/b', '*'], ['/a/{**}/b', '/a{*}', '', '/a/{x}', '/{**}/{*}']),
});
function withNot(values: Record<string, fc.Arbitrary<unknown>>): Record<string, fc.Arbitrary<unknown>> {
  return Object.fromEntries(Object.entries(values).flatMap(([name, a]) => [[name, a], [`not${name[0].toUpperCase()}${name.slice(1)}`, a]]));
}
/** An object setting 1..2 (rarely 0) of the fields of `values`, each to 1..2 (rarely 0) values. */
function someFields<T>(values: Record<string, fc.Arbitrary<unknown>>): fc.Arbitrary<T> {
  const field = fc.constantFrom(...Object.keys(values))
    .chain((name) => fc.array(values[name], { minLength: 1, maxLength: 2 }).map((v) => [name, v] as const));
  const fields = fc.oneof({ weight: 8, arbitrary: fc.array(field, { minLength: 1, maxLength: 2 }) }, { weight: 1, arbitrary: fc.constant([]) });
  return fields.map((f) => Object.fromEntries(f) as T);
}
const conditionKey = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...Object.values(ConditionKey).filter((v): v is ConditionKey => v instanceof ConditionKey)) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(ConditionKey.requestHeader('x-tenant'), ConditionKey.requestClaim('realm', 'roles'), ConditionKey.requestClaim('sub'),
      ConditionKey.requestHeader(''), ConditionKey.requestClaim()),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom('source.ip', 'experimental.envoy.filters.a[b]', 'request.nonsense', '', 'destination.namespace', 'request.headers[]',
      'destination.labels[app]')
      .map((k) => ConditionKey.of(k)),
  },
);
/** Values valid for some keys only: IPs for the IP keys, ports for destination.port, `ns/sa` for source.serviceAccount. */
const conditionValue = fc.oneof(ipValue, mostly(['8080', 'a/b', 'cluster.local', '*', 'acme', 'x*'], ['70000', 'a/b/c', 'a*b*', '']));
const condition: fc.Arbitrary<AuthorizationCondition> = fc.record({
  key: conditionKey,
  values: opt(fc.array(conditionValue, { minLength: 1, maxLength: 2 })),
  notValues: opt(fc.array(conditionValue, { maxLength: 2 })),
}, { requiredKeys: ['key'] });
const authorizationRule: fc.Arbitrary<AuthorizationRule> = fc.record({
  from: opt(fc.array(someFields<RequestSource>(SOURCE_VALUES), { minLength: 1, maxLength: 2 })),
  to: opt(fc.array(someFields<RequestOperation>(OPERATION_VALUES), { minLength: 1, maxLength: 2 })),
  when: opt(fc.array(condition, { maxLength: 2 })),
}, { requiredKeys: [] });
const showRule = (r: AuthorizationRule) => ({ ...r, when: r.when?.map((c) => ({ ...c, key: c.key.key })) });

/** The action and the external authorizer: a provider mostly only with CUSTOM, where it is required. */
const notCustom = fc.constantFrom(AuthorizationAction.ALLOW, AuthorizationAction.DENY, AuthorizationAction.AUDIT);
const actionAndProvider = fc.oneof(
  { weight: 6, arbitrary: fc.record({ action: opt(notCustom) }) },
  { weight: 2, arbitrary: fc.record({ action: fc.constant(AuthorizationAction.CUSTOM), provider: mostly(['ext-authz', 'my.provider'], ['']) }) },
  { weight: 1, arbitrary: fc.record({ action: opt(fc.constantFrom(...Object.values(AuthorizationAction))), provider: opt(fc.constantFrom('ext-authz', '')) }) },
);
const authorizationPolicy = fc.record({
  factory: mostly<'new' | 'allowAll' | 'denyAll' | 'allowNothing'>(['new', 'new', 'new', 'allowAll', 'denyAll', 'allowNothing'], ['allowAll', 'denyAll', 'allowNothing']),
  scope: policyScope,
  actionAndProvider,
  rules: fc.array(authorizationRule, { maxLength: 2 }),
  /** Add the rules with addRule() rather than the rules prop (a factory's policy refuses them). */
  addRules: fc.boolean(),
}).map((p): FuzzCase => ({
  kind: 'AuthorizationPolicy',
  props: { ...p, scope: showScope(p.scope), rules: p.rules.map(showRule) },
  build: (chart) => {
    const policy = p.factory === 'new'
      ? new AuthorizationPolicy(chart, 'ap', { ...p.scope, ...p.actionAndProvider, rules: p.addRules ? undefined : p.rules })
      : AuthorizationPolicy[p.factory](chart, 'ap', p.scope);
    // The factories' policies get rules only in the invalid draws (the second list of `mostly`), or none.
    if (p.addRules || p.factory !== 'new') p.rules.forEach((r) => policy.addRule(r));
  },
}));

/** A small valid JWK Set (one public EC key), and inline key sets Istio refuses or warns about. */
const JWKS = JSON.stringify({ keys: [{ ...generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' }), kid: 'k1' }] });
const jwks = mostly([JWKS, '{"keys":[]}', '{"keys":[{"kty":"oct","k":"AAAA"}]}'], ['not-json', '', '[]', '{"keys":[{"kty":"RSA","e":"AQAB"}]}', '{"keys":']);
const jwksUri = mostly(['https://a.example.com/jwks.json', 'http://a.example.com/jwks', 'HTTPS://a.example.com/k', 'https://[2001:db8::1]:8443/k'],
  ['ftp://a.example.com/jwks', 'not a url', 'https://', '://x', 'https://a b/k', 'https://a.example.com/\tk', 'https://[10.0.0.1]/k', '']);
const names = (valid: string[]) => opt(fc.array(mostly(valid, ['']), { maxLength: 2 }));
const jwtRule = fc.record({
  issuer: mostly(['https://accounts.example.com', 'issuer'], ['']),
  keys: fc.oneof(
    { weight: 2, arbitrary: fc.constant({}) },
    { weight: 3, arbitrary: fc.record({ jwksUri }) },
    { weight: 2, arbitrary: fc.record({ jwks }) },
    { weight: 1, arbitrary: fc.record({ jwksUri, jwks }) },
  ),
  audiences: names(['api', 'https://api.example.com']),
  fromHeaders: opt(fc.array(
    fc.record({ name: mostly(['Authorization', 'x-jwt'], ['']), prefix: opt(fc.constantFrom('Bearer ', '')) }, { requiredKeys: ['name'] }),
    { maxLength: 2 },
  )),
  fromParams: names(['access_token']),
  fromCookies: names(['session']),
  outputPayloadToHeader: opt(fc.constantFrom('x-jwt-payload', 'bad header')),
  outputClaimToHeaders: opt(fc.array(fc.record({
    header: mostly(['x-jwt-sub', 'X_Claim'], ['bad header', 'x:y', '', 'é']),
    claim: mostly(['sub', 'a.b'], ['']),
  }), { maxLength: 2 })),
  spaceDelimitedClaims: names(['scope']),
  timeoutMs: opt(fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 0, max: 5000 }) }, { weight: 1, arbitrary: fc.constantFrom(0.5, 1.5, 0) })),
  forwardOriginalToken: opt(fc.boolean()),
}).map(({ keys, ...rule }) => ({ ...rule, ...keys }));
const requestAuthentication = fc.record({
  scope: policyScope,
  /** 1..2 rules; none (refused) one time in nine. */
  jwtRules: fc.tuple(fc.array(jwtRule, { minLength: 1, maxLength: 2 }), fc.nat(8)).map(([rules, n]) => (n === 0 ? [] : rules)),
}).map((p): FuzzCase => ({
  kind: 'RequestAuthentication',
  props: { ...p, scope: showScope(p.scope) },
  build: (chart) => new RequestAuthentication(chart, 'ra', {
    ...p.scope,
    jwtRules: p.jwtRules.map(({ timeoutMs, ...rule }) => ({ ...rule, timeout: timeoutMs === undefined ? undefined : Duration.millis(timeoutMs) })),
  }),
}));

const meshNamespace = fc.record({
  name: dnsLabel,
  dataplane: opt(mostly(['sidecar', 'ambient', '1-30', 'canary'], ['', 'Bad Rev!', 'a'.repeat(64)])),
  labels: opt(fc.dictionary(mostly(['team', 'app.kubernetes.io/name'], ['istio-injection', 'istio.io/rev', 'Bad Key!', '']), mostly(['a', ''], ['bad value!']),
    { maxKeys: 2 })),
  strictMtls: opt(fc.boolean()),
  denyByDefault: opt(fc.boolean()),
}).map((p): FuzzCase => ({
  kind: 'MeshNamespace',
  props: p,
  build: (chart) => new MeshNamespace(chart, 'ns', {
    ...p,
    dataplane: p.dataplane === undefined ? undefined
      : p.dataplane === 'sidecar' ? DataplaneMode.sidecar() : p.dataplane === 'ambient' ? DataplaneMode.ambient() : DataplaneMode.sidecarRevision(p.dataplane),
  }),
}));

// ---------------------------------------------------------------------------------------------
// Telemetry, extensions (WasmPlugin, EnvoyFilter) and the Gateway API (KubernetesGateway, HttpRoute).

const providers = opt(fc.array(mostly(['zipkin', 'otel', 'envoy', 'prometheus'], ['', 'Bad Provider']), { maxLength: 2 }));
const traceTag = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.constantFrom(TraceTag.literal('v1'), TraceTag.fromRequestHeader('x-user', 'anon'), TraceTag.fromEnvironment('POD_NAME'),
      TraceTag.fromFormatter('%START_TIME%')),
  },
  { weight: 1, arbitrary: fc.constantFrom(TraceTag.literal(''), TraceTag.fromRequestHeader(''), TraceTag.fromEnvironment('')) },
);
const telemetryConfig = fc.record({
  tracing: opt(fc.record({
    provider: opt(mostly(['zipkin', 'otel'], ['', 'Bad Provider'])),
    randomSamplingPercentage: opt(fc.oneof(
      { weight: 4, arbitrary: fc.double({ min: 0, max: 100, noNaN: true }) },
      { weight: 1, arbitrary: fc.constantFrom(-1, 100.5, 1e9, NaN) },
    )),
    customTags: opt(fc.dictionary(mostly(['user', 'version'], ['', 'bad tag']), traceTag, { maxKeys: 2 })),
    disableSpanReporting: opt(fc.boolean()),
    mode: opt(fc.constantFrom(...Object.values(TelemetryMode))),
  }, { requiredKeys: [] })),
  accessLogging: opt(fc.array(fc.record({
    providers,
    filter: opt(mostly(['response.code >= 400', 'connection.mtls'], ['', 'response.code >=', '((('])),
    disabled: opt(fc.boolean()),
    mode: opt(fc.constantFrom(...Object.values(TelemetryMode))),
  }, { requiredKeys: [] }), { maxLength: 2 })),
  metrics: opt(fc.record({
    providers,
    overrides: opt(fc.array(fc.record({
      metric: opt(fc.constantFrom(...Object.values(IstioMetric))),
      customMetric: opt(mostly(['my_metric'], ['', 'bad metric'])),
      mode: opt(fc.constantFrom(...Object.values(TelemetryMode))),
      disabled: opt(fc.boolean()),
      tagOverrides: opt(fc.dictionary(mostly(['request_host', 'x'], ['', 'bad tag']),
        fc.oneof(
          mostly(['request.host', 'upstream_peer.labels["app"]'], ['', 'request.host ==']).map((e) => TagOverride.upsert(e)),
          fc.constant(TagOverride.remove()),
        ),
        { maxKeys: 2 })),
    }, { requiredKeys: [] }), { maxLength: 2 })),
    reportingInterval: opt(duration),
  }, { requiredKeys: [] })),
}, { requiredKeys: [] });
const telemetryCase = fc.record({
  factory: fc.constantFrom<'forMesh' | 'forNamespace' | 'forWorkload' | 'new'>('forMesh', 'forNamespace', 'forWorkload', 'new'),
  scope: policyScope,
  config: telemetryConfig,
  sample: opt(percent),
  logAccess: opt(fc.record({ providers, filter: opt(mostly(['response.code >= 500'], ['', 'x =='])) }, { requiredKeys: [] })),
  override: opt(fc.record({ metric: opt(fc.constantFrom(...Object.values(IstioMetric))), disabled: opt(fc.boolean()) },
    { requiredKeys: [] })),
}).map((p): FuzzCase => ({
  kind: 'Telemetry',
  props: { ...p, scope: showScope(p.scope) },
  build: (chart) => {
    const t = p.factory === 'forMesh' ? Telemetry.forMesh(chart, 'tm', p.config)
      : p.factory === 'forNamespace' ? Telemetry.forNamespace(chart, 'tm', p.config)
        : p.factory === 'forWorkload' ? Telemetry.forWorkload(chart, 'tm', { ...p.scope, ...p.config })
          : new Telemetry(chart, 'tm', { ...p.scope, ...p.config });
    if (p.sample !== undefined) t.sampleTraces(p.sample);
    if (p.logAccess) t.logAccess(p.logAccess);
    if (p.override) t.addMetricsOverride(p.override);
  },
}));

const wasmUrl = mostly(['oci://ghcr.io/example/plugin:1.0', 'https://example.com/plugin.wasm', 'file:///opt/plugin.wasm', 'ghcr.io/example/plugin:1.0'],
  ['', 'ftp://example.com/p.wasm', 'not a url', 'http://example.com/p.wasm']);
const sha256 = mostly(['a'.repeat(64), '0123456789abcdef'.repeat(4)], ['', 'abc', 'g'.repeat(64), 'A'.repeat(64)]);
const wasmPlugin = fc.record({
  url: wasmUrl,
  sha256: opt(sha256),
  imagePullPolicy: opt(fc.constantFrom(...Object.values(WasmPluginPullPolicy))),
  imagePullSecret: opt(mostly(['pull-secret'], ['', 'Bad_Secret'])),
  pluginName: opt(mostly(['my-plugin', 'plugin'], [''])),
  pluginConfig: opt(fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom({ a: 1 }, { list: [1, 'x', null], nested: { b: true } }, {}) },
    {
      weight: 1,
      arbitrary: fc.constantFrom<{ [key: string]: any }>({ a: undefined }, { a: NaN }, { a: null }, { f: () => 1 }, { d: new Date(0) },
        { n: Infinity }),
    },
  )),
  phase: opt(fc.constantFrom(...Object.values(WasmPluginPhase))),
  priority: opt(fc.oneof(
    { weight: 4, arbitrary: fc.integer({ min: -1000, max: 1000 }) },
    { weight: 1, arbitrary: fc.constantFrom(...int32Edges, -(2 ** 31), -(2 ** 31) - 1) },
  )),
  failStrategy: opt(fc.constantFrom(...Object.values(WasmPluginFailStrategy))),
  match: opt(fc.array(
    fc.record({ mode: opt(fc.constantFrom(...Object.values(WasmPluginWorkloadMode))), ports: opt(fc.array(port, { maxLength: 2 })) },
      { requiredKeys: [] }),
    { maxLength: 2 },
  )),
  env: opt(fc.array(fc.record({
    name: mostly(['LOG_LEVEL', 'POD_NAME'], ['', 'bad name']),
    value: opt(mostly(['debug'], [''])),
    valueFrom: opt(fc.constantFrom('INLINE', 'HOST')),
  }, { requiredKeys: ['name'] }), { maxLength: 2 })),
  type: opt(fc.constantFrom(...Object.values(WasmPluginType))),
  scope: policyScope,
}).map((p): FuzzCase => ({
  kind: 'WasmPlugin',
  props: { ...p, scope: showScope(p.scope) },
  build: (chart) => {
    const { scope, env, ...rest } = p;
    new WasmPlugin(chart, 'wp', { ...rest, ...scope, env: env as any });
  },
}));

const patchValue = mostly<{ [key: string]: any } | undefined>(
  [{ name: 'envoy.filters.http.lua', typed_config: { '@type': 'type.googleapis.com/envoy.extensions.filters.http.lua.v3.Lua', 'inline_code': 'x' } }, { per_connection_buffer_limit_bytes: 1024 }],
  [undefined, {}, { a: NaN }],
);
const envoyConfigPatch = fc.record({
  applyTo: fc.constantFrom(...Object.values(EnvoyFilterApplyTo)),
  context: opt(fc.constantFrom(...Object.values(EnvoyFilterContext))),
  proxyVersion: opt(mostly(['^1\\.2[0-9].*'], ['', '(', '['])),
  listener: opt(fc.record({
    portNumber: opt(port),
    filterChain: opt(fc.record({ filter: opt(fc.record({ name: mostly(['envoy.filters.network.http_connection_manager'], ['']) })) }, { requiredKeys: [] })),
  }, { requiredKeys: [] })),
  cluster: opt(fc.record({ portNumber: opt(port), service: opt(host), subset: opt(dnsLabel) }, { requiredKeys: [] })),
  routeConfiguration: opt(fc.record({ portNumber: opt(port), vhost: opt(fc.record({ name: opt(mostly(['a.example.com:80'], [''])) }, { requiredKeys: [] })) }, { requiredKeys: [] })),
  operation: fc.constantFrom(...Object.values(EnvoyFilterOperation)),
  value: patchValue,
});
/** An EnvoyFilter's scope in the words showScope() uses (workloadSelector is its selector). */
function envoyScope(scope: { workloadSelector?: Record<string, string>; targetRefs?: PolicyTarget[] }) {
  return { selector: scope.workloadSelector, targetRefs: scope.targetRefs };
}

const envoyFilter = fc.record({
  scope: fc.oneof(
    { weight: 3, arbitrary: fc.constant<{ workloadSelector?: Record<string, string>; targetRefs?: PolicyTarget[] }>({}) },
    { weight: 3, arbitrary: fc.record({ workloadSelector: selector }) },
    { weight: 2, arbitrary: fc.record({ targetRefs: fc.array(policyTarget, { maxLength: 2 }) }) },
    { weight: 1, arbitrary: fc.record({ workloadSelector: selector, targetRefs: fc.array(policyTarget, { minLength: 1, maxLength: 2 }) }) },
  ),
  priority: opt(fc.oneof(
    { weight: 4, arbitrary: fc.integer({ min: -1000, max: 1000 }) },
    { weight: 1, arbitrary: fc.constantFrom(...int32Edges, -(2 ** 31) - 1) },
  )),
  proxyVersion: opt(mostly(['1.2*', '^1\\.24.*'], ['', '('])),
  patches: fc.array(envoyConfigPatch, { maxLength: 2 }),
  allowUnversionedPatches: opt(fc.boolean()),
}).map((p): FuzzCase => ({
  kind: 'EnvoyFilter',
  props: { ...p, scope: showScope(envoyScope(p.scope)) },
  build: (chart) => {
    const ef = new EnvoyFilter(chart, 'ef', { ...p.scope, priority: p.priority, proxyVersion: p.proxyVersion, allowUnversionedPatches: p.allowUnversionedPatches });
    for (const { applyTo, context, proxyVersion, listener, cluster, routeConfiguration, operation, value } of p.patches) {
      ef.addPatch({ applyTo, match: { context, proxyVersion, listener, cluster, routeConfiguration }, patch: { operation, value } });
    }
  },
}));

const hostname = mostly(['example.com', '*.example.com', 'a.b.example.com'], ['', '*', 'bad_host', '10.0.0.1', 'a..b', 'UPPER.example.com']);
const listener = fc.record({
  name: mostly(['http', 'https', 'tls-1'], ['', 'Bad_Name', 'a'.repeat(254)]),
  port,
  protocol: fc.constantFrom(...Object.values(ListenerProtocol)),
  hostname: opt(hostname),
  tls: opt(fc.record({
    mode: opt(fc.constantFrom(...Object.values(ListenerTlsMode))),
    certificateRefs: opt(fc.array(mostly(['cert', 'tls-secret'], ['', 'Bad_Secret']).map((name) => CertificateRef.of({ name })), { maxLength: 2 })),
  }, { requiredKeys: [] })),
  allowedRoutes: opt(fc.record({
    namespaces: opt(fc.constantFrom(...Object.values(RouteNamespaces))),
    selector: opt(fc.dictionary(mostly(['team'], ['', 'Bad Key!']), mostly(['a'], ['bad value!']), { maxKeys: 1 })),
    kinds: opt(fc.array(fc.record({ kind: mostly(['HTTPRoute', 'GRPCRoute', 'TLSRoute'], ['', '1Kind']) }), { maxLength: 2 })),
  }, { requiredKeys: [] })),
});
const kubernetesGateway = fc.record({
  gatewayClassName: opt(mostly(['istio', 'istio-waypoint'], ['', 'Bad Class'])),
  listeners: fc.array(listener, { maxLength: 3 }),
  // Type IPAddress only: the oracle closes each oneOf branch of the address schema (additionalProperties: false), so it refuses every
  // Hostname or NamedAddress address with a value, which Kubernetes (pruning by the top-level properties) accepts.
  addresses: opt(fc.array(fc.record({
    value: mostly(['10.0.0.1', '2001:db8::1', '10.0.0.2'], ['', 'bad address', 'lb.example.com', '300.1.1.1']),
    type: opt(mostly(['IPAddress'], ['Bad', ''])),
  }), { maxLength: 2 })),
  infrastructure: opt(fc.record({ labels: opt(fc.dictionary(mostly(['team'], ['Bad Key!']), mostly(['a'], ['bad value!']), { maxKeys: 1 })) }, { requiredKeys: [] })),
}).map((p): FuzzCase => ({
  kind: 'KubernetesGateway',
  props: { ...p, listeners: p.listeners.map((l) => ({ ...l, tls: l.tls && { ...l.tls, certificateRefs: l.tls.certificateRefs?.length } })) },
  build: (chart) => new KubernetesGateway(chart, 'kgw', p),
}));

const pathMatch = fc.oneof(
  { weight: 4, arbitrary: mostly(['/', '/api', '/a/b'], ['', 'api', '/a//b', '/a?b']).map((v) => HttpPathMatch.prefix(v)) },
  { weight: 2, arbitrary: mostly(['/exact', '/'], ['', 'x']).map((v) => HttpPathMatch.exact(v)) },
  { weight: 1, arbitrary: mostly(['^/v[0-9]+/.*'], ['(', '']).map((v) => HttpPathMatch.regex(v)) },
);
const httpRouteRule = fc.record({
  name: opt(mostly(['rule-a'], ['', 'Bad_Rule'])),
  matches: opt(fc.array(fc.record({
    path: opt(pathMatch),
    headers: opt(fc.array(fc.record({ name: mostly(['x-tenant'], ['', 'bad header']), value: mostly(['acme'], ['']) }), { maxLength: 2 })),
    method: opt(fc.constantFrom(HttpMethod.GET, HttpMethod.POST)),
  }, { requiredKeys: [] }), { maxLength: 2 })),
  backends: opt(fc.array(fc.record({ name: dnsLabel, port, namespace: opt(dnsLabel) }, { requiredKeys: ['name', 'port'] }), { maxLength: 2 })),
  filter: opt(fc.oneof(
    fc.record({ set: fc.dictionary(mostly(['x-a'], ['', 'bad header']), mostly(['1'], ['']), { maxKeys: 1 }) }).map((m) => HttpRouteFilter.requestHeaders(m)),
    fc.record({ statusCode: opt(mostly([301, 302], [200, 404, 0])), port: opt(port), hostname: opt(hostname) }, { requiredKeys: [] })
      .map((r) => HttpRouteFilter.requestRedirect(r)),
    mostly(['/v2', '/'], ['', 'v2']).map((replacePrefixMatch) => HttpRouteFilter.urlRewrite({ replacePrefixMatch })),
  )),
  timeouts: opt(fc.record({ request: opt(duration), backendRequest: opt(duration) }, { requiredKeys: [] })),
}, { requiredKeys: [] });
const httpRoute = fc.record({
  parents: opt(fc.array(fc.record({ name: dnsLabel, namespace: opt(dnsLabel), sectionName: opt(mostly(['http'], ['', 'Bad_Section'])) }, { requiredKeys: ['name'] }),
    { maxLength: 2 })),
  hostnames: opt(fc.array(hostname, { maxLength: 2 })),
  rules: fc.array(httpRouteRule, { maxLength: 3 }),
}).map((p): FuzzCase => ({
  kind: 'HttpRoute',
  props: {
    ...p,
    rules: p.rules.map((r) => ({ ...r, matches: r.matches?.map((m) => ({ ...m, path: m.path && JSON.stringify(m.path) })), filter: r.filter?.type })),
  },
  build: (chart) => new HttpRoute(chart, 'hr', {
    parentRefs: p.parents?.map((r) => ParentRef.gateway(r.name, r.namespace, r.sectionName)),
    hostnames: p.hostnames,
    rules: p.rules.map(({ backends, filter, ...r }) => ({
      ...r,
      backendRefs: backends?.map((b) => BackendRef.of(b.name, b.port, b.namespace)),
      filters: filter && [filter],
    })),
  }),
}));

// --- The patterns in Gateway API mode (trafficApi: TrafficApi.GATEWAY_API), laid out as users lay out apps: a gateway in
// istio-system or `edge`, services in `shop`, some objects in the test chart, which has no namespace.

/** Rarely set: props that the Gateway API refuses, so most cases exercise the valid shapes. */
const rare = <T>(a: fc.Arbitrary<T>) => fc.oneof({ weight: 6, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: a });
/** Mostly valid among a few values (valid: 12 to 1): an app has several such values, and each invalid one masks the rest. */
const often = <T>(valid: T[], invalid: T[]): fc.Arbitrary<T> =>
  fc.oneof({ weight: 12, arbitrary: fc.constantFrom(...valid) }, { weight: 1, arbitrary: fc.constantFrom(...invalid) });
const appPort = fc.oneof({ weight: 12, arbitrary: fc.integer({ min: 1, max: 65535 }) }, { weight: 1, arbitrary: fc.constantFrom(0, 65536, 80.5) });
const appPercent = fc.oneof({ weight: 12, arbitrary: fc.integer({ min: 0, max: 100 }) }, { weight: 1, arbitrary: fc.constantFrom(-1, 101, 12.5) });
const appDuration = fc.oneof(
  { weight: 12, arbitrary: fc.integer({ min: 1, max: 60_000 }).map((ms) => Duration.millis(ms)) },
  { weight: 1, arbitrary: fc.constantFrom(0, 0.5, 0.1 + 0.2).map((ms) => Duration.millis(ms)) },
);

/**
 * The charts of one app: `of(undefined)` is the test chart (no namespace), `of('shop')` a sibling chart in `shop`. With `api`,
 * `MeshSettings.setTrafficApi` is set on every chart, as an app switching its API does.
 */
function charts(chart: Chart, api?: TrafficApi): (namespace?: string) => Chart {
  if (api) MeshSettings.setTrafficApi(chart, api);
  const byNamespace = new Map<string | undefined, Chart>([[undefined, chart]]);
  return (namespace) => {
    let found = byNamespace.get(namespace);
    if (!found) {
      found = new Chart(chart.node.root as App, `ns-${namespace}`, { namespace });
      if (api) MeshSettings.setTrafficApi(found, api);
      byNamespace.set(namespace, found);
    }
    return found;
  };
}

const appNamespace = fc.constantFrom<string | undefined>(undefined, 'shop');
const versionName = often(['v1', 'v2', 'canary', 'stable'], ['a'.repeat(60), 'Bad_Version']);
const canaryProps = fc.record({
  namespace: appNamespace,
  serviceName: opt(often(['reviews', 'ratings', 'productpage'], ['Bad_Name', 'a'.repeat(64)])),
  port: opt(appPort),
  versions: fc.uniqueArray(fc.record({ name: versionName, weight: opt(appPercent) }), { minLength: 2, maxLength: 3, selector: (v) => v.name }),
  matchHeader: opt(fc.record({ name: often(['x-beta', 'x-tenant'], ['', 'bad header']), value: often(['1', 'acme'], ['']) })),
  mirror: opt(often([10, 50, 100], [101, -1])),
  timeout: opt(appDuration),
  retries: rare(retries),
  hosts: rare(fc.constant(['reviews.example.com'] as string[])),
});
type CanaryCaseProps = typeof canaryProps extends fc.Arbitrary<infer T> ? T : never;

/** A CanaryService from generated props, in the chart of its namespace; `trafficApi` unset when the App or Chart sets it. */
function buildCanary(of: (namespace?: string) => Chart, p: CanaryCaseProps, id: string, trafficApi?: TrafficApi): CanaryService {
  const last = p.versions[p.versions.length - 1].name;
  const canary = p.versions.length > 1;
  return new CanaryService(of(p.namespace), id, {
    trafficApi,
    serviceName: p.serviceName,
    port: p.port,
    versions: p.versions.map((v, i) => ({ name: v.name, image: `example/svc:${i + 1}`, weight: i === 0 ? undefined : v.weight })),
    matchRoutes: canary && p.matchHeader ? [{ version: last, headers: { [p.matchHeader.name]: StringMatch.exact(p.matchHeader.value) } }] : undefined,
    mirror: canary && p.mirror !== undefined ? { version: last, percentage: p.mirror } : undefined,
    resilience: { timeout: p.timeout, retries: p.retries },
    hosts: p.hosts,
  });
}

const gatewayApiCanary = canaryProps.map((p): FuzzCase => ({
  kind: 'CanaryService (Gateway API)',
  props: p,
  build: (chart) => { buildCanary(charts(chart, TrafficApi.GATEWAY_API), p, 'svc', TrafficApi.GATEWAY_API); },
}));

const faultInjection = fc.constantFrom(
  { abort: { httpStatus: 503, percentage: 50 } },
  { delay: { fixedDelay: Duration.seconds(2), percentage: 10 } },
);
const resilientProps = fc.record({
  namespace: appNamespace,
  host: often(['ratings', 'reviews', 'ratings.data.svc.cluster.local', 'reviews.shop.svc.cluster.local'],
    ['api.example.com', 'ratings.data', 'Bad_Host', '*.example.com', '']),
  port: fc.oneof({ weight: 10, arbitrary: appPort }, { weight: 1, arbitrary: fc.constant(undefined) }),
  timeout: opt(appDuration),
  retries: rare(retries),
  fault: rare(faultInjection),
  trafficPolicy: opt(trafficPolicy),
});
type ResilientCaseProps = typeof resilientProps extends fc.Arbitrary<infer T> ? T : never;

function buildResilient(of: (namespace?: string) => Chart, p: ResilientCaseProps, id: string, trafficApi?: TrafficApi): ResilientRoute {
  return new ResilientRoute(of(p.namespace), id, {
    trafficApi,
    host: p.host,
    port: p.port,
    timeout: p.timeout,
    retries: p.retries,
    fault: p.fault,
    connectionPool: p.trafficPolicy?.connectionPool,
    outlierDetection: p.trafficPolicy?.outlierDetection,
    tls: p.trafficPolicy?.tls,
  });
}

const gatewayApiResilient = resilientProps.map((p): FuzzCase => ({
  kind: 'ResilientRoute (Gateway API)',
  props: p,
  build: (chart) => { buildResilient(charts(chart, TrafficApi.GATEWAY_API), p, 'rr', TrafficApi.GATEWAY_API); },
}));

/** Where a SecureGateway route goes: a canary, a cdk8s-plus Service, a plain ApiObject Service, a host by name. */
const routeTarget = fc.oneof(
  fc.record({ kind: fc.constant('canary' as const), canary: canaryProps }),
  fc.record({ kind: fc.constant('kplus' as const), namespace: appNamespace, port: often([8080, 80], [0, 65536]) }),
  fc.record({ kind: fc.constant('plain' as const), namespace: appNamespace, port: often([9080], [70000]) }),
  fc.record({
    kind: fc.constant('host' as const),
    host: often(['web', 'web.shop.svc.cluster.local', 'productpage.shop.svc.cluster.local'], ['web.shop', 'api.example.com']),
    port: appPort,
  }),
);
const gatewayRoute = fc.record({
  targets: fc.array(routeTarget, { minLength: 1, maxLength: 2 }),
  // Two weights that sum to 100, or (rarely) do not.
  weights: fc.tuple(appPercent, fc.oneof({ weight: 12, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.constant(5) }))
    .map(([w, off]) => [w, 100 - w + off]),
  host: opt(fc.nat(2)),
  prefix: opt(often(['/a', '/b/', '/', '/reviews'], ['', 'a'])),
  strip: opt(fc.boolean()),
  rewrite: opt(often(['/', '/x'], [''])),
  header: opt(often(['x-tenant'], ['bad header'])),
  timeout: opt(appDuration),
  retries: rare(retries),
  redirect: rare(fc.constantFrom({ uri: '/moved' }, { derivePort: RedirectPortSelection.FROM_REQUEST_PORT }, { authority: 'b.example.com', redirectCode: 302 })),
  directResponse: rare(fc.constant({ status: 503 })),
});
const secureGatewayProps = fc.record({
  gatewayChart: fc.constantFrom<string | undefined>(undefined, 'edge'),
  gatewayNamespace: opt(fc.constantFrom('istio-system', 'edge')),
  hosts: fc.uniqueArray(often(['shop.example.com', 'api.example.com', 'a.b.example.com'], ['*.example.com', 'bad_host', 'UPPER.example.com', 'shop', '10.0.0.1']),
    { minLength: 1, maxLength: 3 }),
  credentialNamespace: opt(fc.constantFrom('istio-system', 'edge', 'certs')),
  routes: fc.array(gatewayRoute, { maxLength: 3 }),
});
type SecureGatewayCaseProps = typeof secureGatewayProps extends fc.Arbitrary<infer T> ? T : never;

function buildSecureGateway(of: (namespace?: string) => Chart, p: SecureGatewayCaseProps, trafficApi?: TrafficApi): SecureGateway {
  const gw = new SecureGateway(of(p.gatewayChart), 'gw', {
    trafficApi, hosts: p.hosts, credentialName: 'cert', gatewayNamespace: p.gatewayNamespace, credentialNamespace: p.credentialNamespace,
  });
  p.routes.forEach((r, i) => {
    const targets = r.targets.map((t, j): GatewayRouteTarget => {
      const id = `r${i}-${j}`;
      switch (t.kind) {
        case 'canary': return GatewayRouteTarget.fromCanary(buildCanary(of, { ...t.canary, serviceName: `${t.canary.serviceName ?? 'svc'}-${i}${j}` }, id));
        case 'kplus': return GatewayRouteTarget.fromService(new kplus33.Service(of(t.namespace), id, { metadata: { name: `web-${i}${j}` }, ports: [{ port: t.port }] }));
        case 'plain': return GatewayRouteTarget.fromService(new ApiObject(of(t.namespace), id, {
          apiVersion: 'v1', kind: 'Service', metadata: { name: `api-${i}${j}` }, spec: { selector: { app: 'api' }, ports: [{ name: 'http', port: t.port }] },
        }));
        case 'host': return GatewayRouteTarget.fromHost(t.host, t.port);
      }
    });
    gw.addRoute({
      host: r.host !== undefined ? p.hosts[r.host % p.hosts.length] : undefined,
      path: r.prefix !== undefined ? StringMatch.prefix(r.prefix) : undefined,
      matchHeaders: r.header ? { [r.header]: StringMatch.exact('acme') } : undefined,
      // A redirect or direct response answers at the gateway: without the rewrite, timeout and retries it refuses.
      ...(r.redirect ? { redirect: r.redirect } : r.directResponse ? { directResponse: r.directResponse } : {
        ...(targets.length === 1 ? { destination: targets[0] } : { destinations: targets.map((target, k) => ({ target, weight: r.weights[k] })) }),
        stripPathPrefix: r.strip,
        rewriteUri: r.rewrite,
        timeout: r.timeout,
        retries: r.retries,
      }),
    });
  });
  return gw;
}

const gatewayApiSecureGateway = secureGatewayProps.map((p): FuzzCase => ({
  kind: 'SecureGateway (Gateway API)',
  props: p,
  build: (chart) => { buildSecureGateway(charts(chart, TrafficApi.GATEWAY_API), p, TrafficApi.GATEWAY_API); },
}));

/** One app: a gateway routing to its services, a canary and a resilient route of their own; its API set for every chart. */
export interface AppCase {
  readonly props: unknown;
  /** Builds the app into `chart` (and sibling charts of its App) with `MeshSettings.setTrafficApi(api)` on every chart. */
  readonly build: (chart: Chart, api: TrafficApi) => void;
}
export const APP_IN_BOTH_APIS: fc.Arbitrary<AppCase> = fc.record({
  gateway: opt(secureGatewayProps),
  canary: opt(canaryProps),
  resilient: opt(resilientProps),
}).map((p) => ({
  props: p,
  build: (chart, api) => {
    const of = charts(chart, api);
    if (p.gateway) buildSecureGateway(of, p.gateway);
    if (p.canary) buildCanary(of, p.canary, 'own-canary');
    if (p.resilient) buildResilient(of, p.resilient, 'own-rr');
  },
}));

/** Every construct's generator, by kind. */
// ---------------------------------------------------------------------------------------------
// Waypoint: props and useFor() on Namespaces (ambient and sidecar), Services (cdk8s-plus-33 and ApiObject) and ServiceEntries
// (L2 and ApiObject), in the waypoint's namespace and in others; sometimes a Deployment (not a target kind).

const waypointTargetKinds = ['namespace', 'kplus', 'service', 'serviceEntry', 'plainServiceEntry'] as const;
const waypointTarget = fc.record({
  kind: fc.oneof({ weight: 20, arbitrary: fc.constantFrom<string>(...waypointTargetKinds) }, { weight: 1, arbitrary: fc.constant('deployment') }),
  /** Mostly the waypoint's own namespace (`mesh`), sometimes another (`shop`) or the chart without namespace. */
  namespace: fc.oneof({ weight: 12, arbitrary: fc.constant<string | undefined>('mesh') }, { weight: 2, arbitrary: fc.constantFrom<string | undefined>('shop', undefined) }),
});
const waypointCase = fc.record({
  /** The waypoint's chart: `mesh`, or the test chart without namespace. */
  namespace: fc.oneof({ weight: 6, arbitrary: fc.constant<string | undefined>('mesh') }, { weight: 1, arbitrary: fc.constant(undefined) }),
  name: opt(often(['waypoint', 'reviews-wp', 'a'.repeat(63)], ['none', 'UPPER', 'a'.repeat(64), 'bad_name', ''])),
  labels: opt(fc.dictionary(often(['team'], ['Bad Key!']), often(['a'], ['bad value!']), { maxKeys: 1 })),
  trafficType: opt(fc.oneof(
    { weight: 8, arbitrary: fc.constantFrom(WaypointTrafficType.SERVICE, WaypointTrafficType.ALL) },
    { weight: 1, arbitrary: fc.constantFrom(WaypointTrafficType.WORKLOAD, WaypointTrafficType.NONE) },
  )),
  /** Mostly consistent (a selector with SELECTOR only), sometimes a selector without SELECTOR or SELECTOR without one (refused). */
  allowed: fc.oneof(
    { weight: 8, arbitrary: fc.record({ allowedNamespaces: opt(fc.constantFrom(RouteNamespaces.SAME, RouteNamespaces.ALL)) }) },
    {
      weight: 4,
      arbitrary: fc.record({
        allowedNamespaces: fc.constant(RouteNamespaces.SELECTOR),
        allowedNamespaceSelector: fc.dictionary(often(['shared'], ['Bad Key!']), often(['true'], ['bad value!']), { minKeys: 1, maxKeys: 1 }),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        allowedNamespaces: opt(fc.constantFrom(...Object.values(RouteNamespaces))),
        allowedNamespaceSelector: opt(fc.constant({ shared: 'true' })),
      }),
    },
  ),
  /** How the app lays out each namespace's Namespace object: none, a MeshNamespace in ambient mode, or one in sidecar mode (refused). */
  modes: fc.record({
    mesh: fc.oneof({ weight: 14, arbitrary: fc.constantFrom<string | undefined>(undefined, 'ambient') }, { weight: 1, arbitrary: fc.constant('sidecar') }),
    shop: fc.oneof({ weight: 14, arbitrary: fc.constantFrom<string | undefined>(undefined, 'ambient') }, { weight: 1, arbitrary: fc.constant('sidecar') }),
  }),
  enrol: opt(fc.constantFrom('mesh', 'shop')),
  targets: fc.array(waypointTarget, { maxLength: 3 }),
}).map((p): FuzzCase => ({
  kind: 'Waypoint',
  props: p,
  build: (chart) => {
    const of = charts(chart);
    const namespaces = new Map<string, ApiObject | MeshNamespace>();
    for (const [ns, mode] of Object.entries(p.modes)) {
      if (mode) {
        namespaces.set(ns, new MeshNamespace(of(ns), `ns-${ns}`, {
          name: ns, dataplane: mode === 'ambient' ? DataplaneMode.ambient() : DataplaneMode.sidecar(), denyByDefault: false,
        }));
      }
    }
    const namespaceOf = (ns: string) => {
      let found = namespaces.get(ns);
      if (!found) {
        found = new ApiObject(of(ns), `ns-${ns}`, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
        namespaces.set(ns, found);
      }
      return found;
    };
    const waypoint = new Waypoint(of(p.namespace), 'wp', {
      metadata: p.name === undefined && p.labels === undefined ? undefined : { name: p.name, labels: p.labels },
      trafficType: p.trafficType,
      ...p.allowed,
      enrolNamespace: p.enrol === undefined ? undefined : namespaceOf(p.enrol),
    });
    p.targets.forEach(({ kind, namespace }, i) => {
      const scope = of(namespace);
      const name = `t${i}`;
      switch (kind) {
        case 'namespace': return waypoint.useFor(namespaceOf(namespace ?? 'default'));
        case 'kplus': return waypoint.useFor(new kplus33.Service(scope, name, { metadata: { name }, ports: [{ port: 80 }] }));
        case 'service': return waypoint.useFor(new ApiObject(scope, name, {
          apiVersion: 'v1', kind: 'Service', metadata: { name }, spec: { selector: { app: name }, ports: [{ port: 80 }] },
        } as any));
        case 'serviceEntry': return waypoint.useFor(new ServiceEntry(scope, name, { hosts: [`${name}.example.com`], ports: [{ number: 443, protocol: Protocol.TLS }] }));
        case 'plainServiceEntry': return waypoint.useFor(new ApiObject(scope, name, {
          apiVersion: 'networking.istio.io/v1',
          kind: 'ServiceEntry',
          metadata: { name },
          spec: { hosts: [`${name}.example.com`], ports: [{ number: 443, name: 'tls', protocol: 'TLS' }], resolution: 'DNS' },
        } as any));
        default: return waypoint.useFor(new ApiObject(scope, name, {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: { name },
          spec: {
            selector: { matchLabels: { app: name } },
            template: { metadata: { labels: { app: name } }, spec: { containers: [{ name, image: name }] } },
          },
        } as any));
      }
    });
  },
}));

export const FUZZ_CASES: Record<string, fc.Arbitrary<FuzzCase>> = {
  'DestinationRule': destinationRule,
  'VirtualService': virtualService,
  'ServiceEntry': serviceEntry,
  'Gateway': gateway,
  'Sidecar': sidecar,
  'CanaryService': canaryService,
  'SecureGateway': secureGateway,
  'ResilientRoute': resilientRoute,
  'PeerAuthentication': peerAuthentication,
  'AuthorizationPolicy': authorizationPolicy,
  'RequestAuthentication': requestAuthentication,
  'MeshNamespace': meshNamespace,
  'Telemetry': telemetryCase,
  'WasmPlugin': wasmPlugin,
  'EnvoyFilter': envoyFilter,
  'KubernetesGateway': kubernetesGateway,
  'HttpRoute': httpRoute,
  'CanaryService (Gateway API)': gatewayApiCanary,
  'SecureGateway (Gateway API)': gatewayApiSecureGateway,
  'ResilientRoute (Gateway API)': gatewayApiResilient,
  'Waypoint': waypointCase,
};
