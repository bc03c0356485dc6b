import { ApiObject, Chart } from 'cdk8s';
import * as fc from 'fast-check';
import { APP_IN_BOTH_APIS, FUZZ_CASES } from './arbitraries';
import { runCase } from './differential';
import {
  AuthorizationPolicy, IstioAnalyzer, KubernetesGateway, ListenerProtocol, MeshNamespace, Protocol, ServiceEntry, ServiceEntryResolution, TrafficApi,
  Waypoint,
} from '../../src';

// A fixed seed in CI, so a failure reproduces; `npx projen fuzz` runs more cases with new seeds.
const SEED = 20261127;
const RUNS = 120;

describe.each(Object.keys(FUZZ_CASES))('%s: generated props either synthesize to schema-valid YAML or fail with a located library error', (kind) => {
  test('property', () => {
    const outcomes = { accepted: 0, refused: 0 };
    fc.assert(fc.property(FUZZ_CASES[kind], (c) => {
      const outcome = runCase(c);
      if (outcome.kind === 'accepted' || outcome.kind === 'refused') {
        outcomes[outcome.kind]++;
        return true;
      }
      throw new Error(`${outcome.kind}: ${JSON.stringify(outcome)}`);
    }), { seed: SEED, numRuns: RUNS });
    // Both verdicts occur, so the generators reach valid and invalid input.
    expect(outcomes.accepted).toBeGreaterThan(0);
    expect(outcomes.refused).toBeGreaterThan(0);
    REFUSAL_RATES[kind] = outcomes.refused / (outcomes.accepted + outcomes.refused);
  });
});

/** The share of generated cases refused, per kind: printed with FUZZ_REPORT=1, to see that the generators mostly reach valid shapes. */
const REFUSAL_RATES: Record<string, number> = {};
afterAll(() => {
  if (process.env.FUZZ_REPORT) {
    process.stdout.write(`${Object.entries(REFUSAL_RATES).map(([kind, rate]) => `${kind}: ${(100 * rate).toFixed(0)}% refused`).join('\n')}\n`);
  }
});

// The same app written in both APIs (MeshSettings.setTrafficApi on every chart): the switch changes the YAML, not whether the app
// is valid — except for what the Gateway API cannot express, which is refused with the way out (stay on TrafficApi.ISTIO, or a fix).
describe('an app in both APIs', () => {
  test('both synthesize schema-valid YAML, or the Gateway API one is refused naming the alternative; never a crash or unlocated error', () => {
    const verdicts: Record<string, number> = {};
    fc.assert(fc.property(APP_IN_BOTH_APIS, (app) => {
      const [istio, gatewayApi] = [TrafficApi.ISTIO, TrafficApi.GATEWAY_API]
        .map((api) => runCase({ kind: api, props: app.props, build: (chart) => app.build(chart, api) }));
      for (const outcome of [istio, gatewayApi]) {
        if (outcome.kind !== 'accepted' && outcome.kind !== 'refused') throw new Error(`${outcome.kind}: ${JSON.stringify(outcome)}`);
      }
      const verdict = `${istio.kind}/${gatewayApi.kind}`;
      verdicts[verdict] = (verdicts[verdict] ?? 0) + 1;
      if (istio.kind === 'accepted' && gatewayApi.kind === 'refused') {
        // The way back (TrafficApi.ISTIO), or a rule of the Gateway API named as such, or the fix of what only the Gateway API
        // needs: a version Service name too long (shorten it), a Service in a chart without namespace that an HTTPRoute in another
        // namespace names (give the chart a namespace).
        expect(gatewayApi.message).toMatch(/TrafficApi\.ISTIO|TrafficApi\.GATEWAY_API|shorten|give the chart of/);
      }
    }), { seed: SEED, numRuns: RUNS });
    if (process.env.FUZZ_REPORT) process.stdout.write(`app in both APIs, ISTIO/GATEWAY_API verdicts: ${JSON.stringify(verdicts)}\n`);
    expect(verdicts['accepted/accepted']).toBeGreaterThan(0);
    expect(verdicts['accepted/refused']).toBeGreaterThan(0);
  });
});

// Shrunk counterexamples found by `npx projen fuzz`, kept as regression tests.
describe('regressions', () => {
  test('a STATIC ServiceEntry with a unix-socket endpoint (the CRD rule uses substring(), from Kubernetes\' string library)', () => {
    const props = { hosts: ['a'], ports: [{ number: 1, protocol: Protocol.HTTP }], resolution: ServiceEntryResolution.STATIC, endpoints: [{ address: 'unix:///var/run/a.sock' }] };
    expect(runCase({ kind: 'ServiceEntry', props, build: (chart) => new ServiceEntry(chart, 'se', props) }).kind).toBe('accepted');
  });

  test('a source with notServiceAccounts and principals is refused on located lines (the CRD rule quoted in the message spans two lines)', () => {
    const props = { rules: [{ from: [{ principals: ['cluster.local/ns/a/sa/b'], notServiceAccounts: ['a/b'] }] }] };
    expect(runCase({ kind: 'AuthorizationPolicy', props, build: (chart) => new AuthorizationPolicy(chart, 'ap', props) }).kind).toBe('refused');
  });

  test('a MeshNamespace without policies (strictMtls and denyByDefault off) still has its Namespace checked: an upper-case name is refused', () => {
    const props = { name: 'UPPER', strictMtls: false, denyByDefault: false };
    expect(runCase({ kind: 'MeshNamespace', props, build: (chart) => new MeshNamespace(chart, 'ns', props) }).kind).toBe('refused');
  });

  test('a KubernetesGateway address of (default) type IPAddress whose value is no IP address is refused, not synthesized', () => {
    const props = { listeners: [{ name: 'http', port: 1, protocol: ListenerProtocol.HTTP }], addresses: [{ value: '' }] };
    expect(runCase({ kind: 'KubernetesGateway', props, build: (chart) => new KubernetesGateway(chart, 'kgw', props) }).kind).toBe('refused');
  });
});

describe('Waypoint name boundaries', () => {
  // A Gateway name may be 253 characters, but Istio names the waypoint's Service after it and useFor() writes it into the label
  // istio.io/use-waypoint (63 at most): refused at the Waypoint's own name.
  test.each([[63, 'accepted'], [64, 'refused']])('a waypoint named with %i characters, used for a Service, is %s', (length, verdict) => {
    const props = { metadata: { name: 'a'.repeat(length) } };
    const build = (chart: Chart) => new Waypoint(chart, 'wp', props).useFor(new ApiObject(chart, 'svc', {
      apiVersion: 'v1', kind: 'Service', metadata: { name: 'reviews' }, spec: { selector: { app: 'reviews' }, ports: [{ name: 'http', port: 80 }] },
    } as any));
    const outcome = runCase({ kind: 'Waypoint', props, build });
    expect(outcome.kind).toBe(verdict);
    if (outcome.kind === 'refused') expect(outcome.message).toMatch(/\[test\/wp\] 'metadata\.name' \(a{64}\) is longer than 63 characters/);
  });

  test.each(['none', 'UPPER'])("a waypoint named '%s' is refused on a located line", (name) => {
    const props = { metadata: { name } };
    expect(runCase({ kind: 'Waypoint', props, build: (chart) => new Waypoint(chart, 'wp', props) }).kind).toBe('refused');
  });
});

// Hand-written YAML can hold anything: the analyzer (and the CLI) must report, never throw.
describe('the analyzer on manifests of any shape', () => {
  const templates: any[] = [
    {
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: { name: 'vs', namespace: 'a' },
      spec: { hosts: ['r'], gateways: ['mesh'], exportTo: ['*'], http: [{ match: [{ uri: { prefix: '/' } }], route: [{ destination: { host: 'r', subset: 'v1' }, weight: 100 }] }] },
    },
    {
      apiVersion: 'networking.istio.io/v1',
      kind: 'DestinationRule',
      metadata: { name: 'dr', namespace: 'a' },
      spec: { host: 'r', trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } }, subsets: [{ name: 'v1', labels: { version: 'v1' } }] },
    },
    {
      apiVersion: 'networking.istio.io/v1',
      kind: 'Gateway',
      metadata: { name: 'gw', namespace: 'a' },
      spec: { selector: { istio: 'ingressgateway' }, servers: [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['*'] }] },
    },
    {
      apiVersion: 'networking.istio.io/v1',
      kind: 'ServiceEntry',
      metadata: { name: 'se', namespace: 'a' },
      spec: { hosts: ['x.example.com'], ports: [{ number: 443, name: 'tls', protocol: 'TLS' }], resolution: 'DNS' },
    },
    { apiVersion: 'networking.istio.io/v1', kind: 'Sidecar', metadata: { name: 'sc', namespace: 'a' }, spec: { egress: [{ hosts: ['./*'] }] } },
    { apiVersion: 'security.istio.io/v1', kind: 'PeerAuthentication', metadata: { name: 'pa', namespace: 'a' }, spec: { mtls: { mode: 'STRICT' } } },
    {
      apiVersion: 'security.istio.io/v1',
      kind: 'AuthorizationPolicy',
      metadata: { name: 'ap', namespace: 'a' },
      spec: {
        selector: { matchLabels: { app: 'r' } },
        action: 'ALLOW',
        rules: [{
          from: [{ source: { principals: ['cluster.local/ns/a/sa/b'], ipBlocks: ['10.0.0.0/8'] } }],
          to: [{ operation: { methods: ['GET'], paths: ['/api/{*}'], ports: ['80'] } }],
          when: [{ key: 'request.headers[x-tenant]', values: ['acme'] }],
        }],
      },
    },
    {
      apiVersion: 'security.istio.io/v1',
      kind: 'RequestAuthentication',
      metadata: { name: 'ra', namespace: 'a' },
      spec: {
        targetRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'gw' }],
        jwtRules: [{
          issuer: 'https://accounts.example.com',
          jwksUri: 'https://accounts.example.com/jwks.json',
          audiences: ['api'],
          fromHeaders: [{ name: 'Authorization', prefix: 'Bearer ' }],
          outputClaimToHeaders: [{ header: 'x-jwt-sub', claim: 'sub' }],
          timeout: '5s',
        }],
      },
    },
    { apiVersion: 'v1', kind: 'Service', metadata: { name: 'r', namespace: 'a' }, spec: { selector: { app: 'r' }, ports: [{ name: 'http', port: 80 }] } },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'r', namespace: 'a' },
      spec: { selector: { matchLabels: { app: 'r' } }, template: { metadata: { labels: { app: 'r', version: 'v1' } }, spec: { containers: [{ name: 'r', image: 'r' }] } } },
    },
  ];

  /** Replaces the value at a path (chosen by index among the template's paths) with `value`. */
  function mutate(manifest: any, pick: number, value: unknown): any {
    const copy = JSON.parse(JSON.stringify(manifest));
    const paths: Array<Array<string | number>> = [];
    const walk = (node: any, path: Array<string | number>) => {
      if (path.length > 0) paths.push(path);
      if (node && typeof node === 'object') for (const [k, v] of Object.entries(node)) walk(v, [...path, Array.isArray(node) ? Number(k) : k]);
    };
    walk(copy, []);
    const path = paths[pick % paths.length];
    let parent = copy;
    for (const key of path.slice(0, -1)) parent = parent[key];
    parent[path[path.length - 1]] = value;
    return copy;
  }

  test('property', () => {
    fc.assert(fc.property(fc.array(fc.tuple(fc.nat(templates.length - 1), fc.nat(), fc.anything()), { minLength: 1, maxLength: 4 }), (mutations) => {
      const manifests = [...templates, ...mutations.map(([t, pick, value]) => mutate(templates[t], pick, value))];
      IstioAnalyzer.analyzeManifests(manifests);
    }), { seed: Number(process.env.FUZZ_SEED ?? SEED), numRuns: Number(process.env.FUZZ_RUNS ?? 300) });
  });
});
