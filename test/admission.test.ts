/**
 * What the API server checks, at synth: the CRD schema and CEL rules generated from the vendored
 * CRDs, and the API server's object rules. The first cases are the ones users hit (each used to
 * synthesize and then fail at `kubectl apply`).
 */
import { ApiObject, Duration, Testing } from 'cdk8s';
import {
  CanaryService, DestinationRule, IstioAnalyzer, RedirectPortSelection, VirtualService,
} from '../src';
import { synthError, synthValid } from './support/schema';
import { validateAgainstCrdSchema } from '../src/validation/crd-schema';
import { validateKubernetesObject } from '../src/validation/kubernetes-object';

const drError = (props: any) => {
  const chart = Testing.chart();
  new DestinationRule(chart, 'dr', { host: 'reviews', ...props });
  return synthError(chart);
};

describe('CRD schema at synth (types, formats, bounds, oneOf)', () => {
  test('int32 bound (connectionPool.tcp.maxConnections)', () => {
    expect(drError({ trafficPolicy: { connectionPool: { tcp: { maxConnections: 3e9 } } } }))
      .toContain("[test/dr] 'spec.trafficPolicy.connectionPool.tcp.maxConnections' (3000000000) must be a whole number from -2147483648 to 2147483647 (int32)");
  });

  test('uint32 bound (outlierDetection.consecutive5xxErrors)', () => {
    expect(drError({ trafficPolicy: { outlierDetection: { consecutive5xxErrors: 5e9 } } }))
      .toContain("'spec.trafficPolicy.outlierDetection.consecutive5xxErrors' (5000000000) must be at most 4294967295");
  });

  test('integers must be whole (outlierDetection.maxEjectionPercent)', () => {
    expect(drError({ trafficPolicy: { outlierDetection: { maxEjectionPercent: 12.5 } } }))
      .toContain("'spec.trafficPolicy.outlierDetection.maxEjectionPercent' (12.5) must be a whole number");
  });

  test('oneOf: a redirect with both port and derivePort', () => {
    const chart = Testing.chart();
    new VirtualService(chart, 'vs', { hosts: ['reviews'], http: [{ redirect: { port: 8443, derivePort: RedirectPortSelection.FROM_REQUEST_PORT } }] });
    expect(synthError(chart)).toContain("'spec.http[0].redirect' ([\"port\",\"derivePort\"]) must set at most one of port, derivePort");
  });

  test('an unknown field in an Istio object written by hand is refused (IST0106)', () => {
    const chart = Testing.chart();
    new ApiObject(chart, 'raw', {
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: { name: 'raw' },
      spec: { hosts: ['reviews'], http: [{ timout: '5s', route: [{ destination: { host: 'reviews' } }] }] },
    });
    IstioAnalyzer.of(chart);
    expect(synthError(chart)).toContain("[test/raw] IST0106: 'spec.http[0].timout' (5s) is not a field of this object; remove it, or check its spelling");
  });

  test('CEL rules, compiled from the CRD: durations of at least 1ms where the webhook rules do not look', () => {
    const manifest = (interval: string) => ({
      apiVersion: 'networking.istio.io/v1',
      kind: 'DestinationRule',
      metadata: { name: 'r' },
      spec: { host: 'r', trafficPolicy: { outlierDetection: { interval, baseEjectionTime: '30s' } } },
    });
    expect(validateAgainstCrdSchema(manifest('1ms')).messages).toEqual([]);
    expect(validateAgainstCrdSchema(manifest('0.5ms')).messages).toEqual([
      "'spec.trafficPolicy.outlierDetection.interval' (0.5ms) must be a valid duration greater than 1ms; the API server refuses it (CRD rule `duration(self) >= duration('1ms')`)",
    ]);
  });

  test('valid objects pass: every L2 test object is checked this way already', () => {
    const chart = Testing.chart();
    new DestinationRule(chart, 'dr', { host: 'reviews', trafficPolicy: { connectionPool: { tcp: { maxConnections: 2 ** 31 - 1 } } } });
    expect(synthValid(chart)[0].spec.trafficPolicy.connectionPool.tcp.maxConnections).toBe(2147483647);
  });
});

describe("the API server's object rules", () => {
  test('metadata.name must be a DNS subdomain', () => {
    expect(drError({ metadata: { name: 'Bad_Name' } }))
      .toContain("[test/dr] 'metadata.name' (Bad_Name) must be a DNS subdomain: at most 253 lower-case letters, digits, \"-\" and \".\", starting and ending with a letter or digit; "
        + "the API server refuses it; rename it, e.g. 'bad-name'");
  });

  test('label keys and values, annotation keys', () => {
    const findings = validateKubernetesObject({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'c', namespace: 'Shop', labels: { 'bad key': 'v', 'ok': 'x'.repeat(64) }, annotations: { '/x': 'y' } },
    });
    expect(findings.all.map((f) => f.field)).toEqual([
      'metadata.namespace', 'metadata.labels.bad key', 'metadata.labels.ok', 'metadata.annotations./x',
    ]);
  });

  test('a Service name must be a DNS label; ports 1-65535', () => {
    const chart = Testing.chart();
    new ApiObject(chart, 'svc', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web.api' }, spec: { ports: [{ port: 70000 }] } });
    IstioAnalyzer.of(chart);
    const message = synthError(chart);
    expect(message).toContain("[test/svc] CKI0003: 'metadata.name' (web.api) must be a DNS label");
    expect(message).toContain("[test/svc] CKI0003: 'spec.ports[0].port' (70000) must be a port number from 1 to 65535");
  });

  test('a workload whose selector does not select its pods (written by hand)', () => {
    const findings = validateKubernetesObject({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'd' },
      spec: { replicas: -1, selector: { matchLabels: { app: 'a' } }, template: { metadata: { labels: { app: 'b' } }, spec: { containers: [{ name: 'c', image: 'i', ports: [{ containerPort: 0 }] }] } } },
    });
    expect(findings.all.map((f) => f.field)).toEqual(['spec.replicas', 'spec.selector.matchLabels.app', 'spec.template.spec.containers[0].ports[0].containerPort']);
  });

  test("the patterns' objects are covered: a CanaryService whose serviceName the props check lets through still meets the Service rules", () => {
    // A 64-character name passes nothing: refused at the props already, with the prop named.
    expect(() => new CanaryService(Testing.chart(), 'r', { serviceName: 'a'.repeat(64), versions: [{ name: 'v1', image: 'a' }, { name: 'v2', image: 'b' }] }))
      .toThrow("'serviceName' (" + 'a'.repeat(64) + ') must be a lower-case DNS-1123 label');
  });
});

test('a pattern timeout of Duration.millis(0.5) names the prop, not a crash inside cdk8s', () => {
  expect(() => new CanaryService(Testing.chart(), 'r', {
    versions: [{ name: 'v1', image: 'a' }, { name: 'v2', image: 'b' }], resilience: { timeout: Duration.millis(0.5) },
  })).toThrow("[test/r] 'resilience.timeout' (0.0005s, written to the VirtualService rules' timeout) must be at least 1ms");
});

describe('objects of any shape reach the analyzer: findings, never a crash', () => {
  const vs = (spec: any) => ({ apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'vs', namespace: 'shop' }, spec });
  test.each([
    ['VirtualService hosts: 1', vs({ hosts: 1, http: [{ route: [{ destination: { host: 'a' } }] }] })],
    ['VirtualService gateways: 1', vs({ hosts: ['a'], gateways: 1, http: [{ route: [{ destination: { host: 'a' } }] }] })],
    ['VirtualService http[0].route: 1', vs({ hosts: ['a'], http: [{ route: 1 }] })],
    ['VirtualService exportTo: [null]', vs({ hosts: ['a'], exportTo: [null], http: [{ route: [{ destination: { host: 'a' } }] }] })],
    ['DestinationRule subsets: "x"', { apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule', metadata: { name: 'dr' }, spec: { host: 'a', subsets: 'x' } }],
    ['ServiceEntry hosts: 1', { apiVersion: 'networking.istio.io/v1', kind: 'ServiceEntry', metadata: { name: 'se' }, spec: { hosts: 1, ports: [{ number: 80, name: 'http', protocol: 'HTTP' }] } }],
    ['Service ports: 1', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'svc' }, spec: { ports: 1 } }],
    // A shrunk counterexample of the any-shape property test (test/fuzz/differential.test.ts):
    ['a list item that is absent', vs({ hosts: [undefined], http: [{ route: [{ destination: { host: 'a' } }] }] })],
  ])('%s', (_name, manifest) => {
    const errors = IstioAnalyzer.analyzeManifests([manifest]).filter((f) => f.level === 'Error');
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.every((f) => f.code === 'IST0106' || f.code === 'CKI0003')).toBe(true);
  });

  test('an apiVersion that is a mapping with a toString key (a shrunk counterexample) is no object the checks know', () => {
    expect(IstioAnalyzer.analyzeManifests([{ ...vs({ hosts: ['a'] }), apiVersion: { toString: {} } }])).toEqual([]);
  });

  test('metadata.generateName instead of a name', () => {
    const manifest = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { generateName: 'web-' }, spec: {} };
    expect(IstioAnalyzer.analyzeManifests([manifest]).filter((f) => f.level === 'Error')).toEqual([]);
  });
});

// The API server prunes a null in an object field that is not nullable and has no default
// before validating (apiextensions PruneNonNullableNullsWithoutDefaults): `match:` with nothing
// after it is accepted as no match. A null list item is not pruned.
describe('nulls as the API server reads them', () => {
  const filter = (patch: string) => ({
    apiVersion: 'networking.istio.io/v1alpha3',
    kind: 'EnvoyFilter',
    metadata: { name: 'f', namespace: 'shop' },
    spec: { configPatches: [patch === 'null item' ? null : { applyTo: 'NETWORK_FILTER', match: null, patch: { operation: 'REMOVE' } }] },
  });

  test('a null object field is pruned, not refused', () => {
    expect(validateAgainstCrdSchema(filter('null match')).messages).toEqual([]);
  });

  test('a null list item is refused', () => {
    expect(validateAgainstCrdSchema(filter('null item')).messages.join('\n')).toContain("'spec.configPatches[0]' (null) must not be null");
  });
});
