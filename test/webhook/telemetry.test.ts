import { verdictOf, WebhookCase } from './verdict';
import { admissionFindings } from '../../src/validation/admission';
import { validateTelemetrySpec } from '../../src/validation/telemetry';

// One row per case of Istio 1.30.3's TestValidateTelemetry and TestValidateTelemetryFilter
// (pkg/config/validation), with inputs of our own that exercise the same rule, then rows
// written from the source of ValidateTelemetry and the functions it calls, for the rules the
// tables do not reach.
const T = 'TestValidateTelemetry';
const F = 'TestValidateTelemetryFilter';
const GATEWAY = 'gateway.networking.k8s.io';
const ZONE_TAG = { zone: { environment: { name: 'NODE_ZONE' } } };

interface TelemetryCase extends WebhookCase {
  /** Judged by the whole admission chain (CRD schema included), not by the webhook rules alone. */
  readonly admission?: boolean;
}

const CASES: TelemetryCase[] = [
  { mirrors: `${T} "empty"`, spec: {}, verdict: 'accept' },
  // The Go case hands the function another message type; its YAML analogue is another kind's
  // spec (a Gateway server), which the CRD schema refuses before the webhook could.
  { mirrors: `${T} "invalid message"`, spec: { port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['shop.example.org'] }, verdict: 'refuse', admission: true },
  {
    mirrors: `${T} "multiple providers"`,
    spec: { tracing: [{ providers: [{ name: 'zipkin' }, { name: 'otel-traces' }] }] },
    verdict: 'warn',
    field: 'spec.tracing[0].providers',
  },
  { mirrors: `${T} "multiple tracers"`, spec: { tracing: [{ randomSamplingPercentage: 5 }, { disableSpanReporting: true }] }, verdict: 'warn', field: 'spec.tracing' },
  {
    mirrors: `${T} "bad randomSamplingPercentage"`,
    spec: { tracing: [{ randomSamplingPercentage: 100.5 }] },
    verdict: 'refuse',
    field: 'spec.tracing[0].randomSamplingPercentage',
  },
  { mirrors: `${T} "tracing with a good custom tag"`, spec: { tracing: [{ customTags: ZONE_TAG }] }, verdict: 'accept' },
  { mirrors: `${T} "tracing with a nil custom tag"`, spec: { tracing: [{ customTags: { zone: null } }] }, verdict: 'refuse', field: 'spec.tracing[0].customTags.zone' },
  {
    mirrors: `${T} "bad metrics operation"`,
    spec: { metrics: [{ overrides: [{ tagOverrides: { destination_zone: { operation: 'UPSERT', value: '' } } }] }] },
    verdict: 'refuse',
    field: 'spec.metrics[0].overrides[0].tagOverrides.destination_zone.value',
  },
  {
    mirrors: `${T} "good metrics operation"`,
    spec: { metrics: [{ overrides: [{ tagOverrides: { destination_zone: { operation: 'UPSERT', value: 'upstream_peer.labels["zone"]' } } }] }] },
    verdict: 'accept',
  },
  {
    mirrors: `${T} "multi-accessloggings"`,
    spec: { accessLogging: [{ providers: [{ name: 'envoy' }] }, { providers: [{ name: 'otel-logs' }] }] },
    verdict: 'accept',
  },
  { mirrors: `${T} "multi-accesslogging-providers"`, spec: { accessLogging: [{ providers: [{ name: 'envoy' }, { name: 'otel-logs' }] }] }, verdict: 'accept' },
  {
    mirrors: `${T} "good targetRef"`,
    spec: { tracing: [{ customTags: ZONE_TAG }], targetRef: { group: GATEWAY, kind: 'Gateway', name: 'public' } },
    verdict: 'accept',
  },
  {
    mirrors: `${T} "bad targetRef - empty name"`,
    spec: { tracing: [{ customTags: ZONE_TAG }], targetRef: { group: GATEWAY, kind: 'Gateway' } },
    verdict: 'refuse',
    field: 'spec.targetRef.name',
  },
  {
    mirrors: `${T} "bad targetRef - non-empty namespace"`,
    spec: { tracing: [{ customTags: ZONE_TAG }], targetRef: { group: GATEWAY, kind: 'Gateway', name: 'public', namespace: 'edge' } },
    verdict: 'refuse',
    field: 'spec.targetRef.namespace',
  },
  {
    mirrors: `${T} "bad targetRef - wrong group"`,
    spec: { tracing: [{ customTags: ZONE_TAG }], targetRef: { group: 'apps', kind: 'Gateway', name: 'public' } },
    verdict: 'refuse',
    field: 'spec.targetRef.group',
  },
  {
    mirrors: `${T} "bad targetRef - wrong kind"`,
    spec: { tracing: [{ customTags: ZONE_TAG }], targetRef: { group: GATEWAY, kind: 'HTTPRoute', name: 'public' } },
    verdict: 'refuse',
    field: 'spec.targetRef.kind',
  },
  {
    mirrors: `${T} "targetRef and selector cannot both be set"`,
    spec: { tracing: [{ customTags: ZONE_TAG }], targetRef: { group: GATEWAY, kind: 'HTTPRoute', name: 'public' }, selector: { matchLabels: { app: 'web' } } },
    verdict: 'refuse',
    field: 'spec',
  },

  // validateTelemetryFilter (TestValidateTelemetryFilter has unnamed rows: numbered here).
  { mirrors: `${F} #1 (a comparison)`, spec: { accessLogging: [{ filter: { expression: 'response.code >= 500' } }] }, verdict: 'accept' },
  {
    mirrors: `${F} #2 (a conjunction with a method call)`,
    spec: { accessLogging: [{ filter: { expression: "connection.mtls && request.url_path.startsWith('/admin')" } }] },
    verdict: 'accept',
  },
  { mirrors: `${F} #3 (not a boolean, but it parses)`, spec: { accessLogging: [{ filter: { expression: 'request.size' } }] }, verdict: 'accept' },
  {
    mirrors: `${F} #4 (not CEL)`,
    spec: { accessLogging: [{ filter: { expression: ']--(' } }] },
    verdict: 'refuse',
    field: 'spec.accessLogging[0].filter.expression',
  },

  // From the source: the rules the tables do not reach.
  { mirrors: 'validateTelemetryFilter: an empty expression does not parse', spec: { accessLogging: [{ filter: {} }] }, verdict: 'refuse', field: 'spec.accessLogging[0].filter.expression' },
  {
    mirrors: 'validateTelemetryFilter: the parser\'s visitor refuses has() of an identifier',
    spec: { accessLogging: [{ filter: { expression: 'has(request)' } }] },
    verdict: 'refuse',
    field: 'spec.accessLogging[0].filter.expression',
  },
  {
    mirrors: 'validateTelemetryProviders: access logging provider without a name',
    spec: { accessLogging: [{ providers: [{ name: 'envoy' }, { name: '' }] }] },
    verdict: 'refuse',
    field: 'spec.accessLogging[0].providers[1].name',
  },
  { mirrors: 'validateTelemetryProviders: a null provider', spec: { metrics: [{ providers: [null] }] }, verdict: 'refuse', field: 'spec.metrics[0].providers[0].name' },
  { mirrors: 'validateTelemetryProviders: tracing provider without a name', spec: { tracing: [{ providers: [{}] }] }, verdict: 'refuse', field: 'spec.tracing[0].providers[0].name' },
  {
    mirrors: 'validateTelemetryTracing: a negative randomSamplingPercentage',
    spec: { tracing: [{ randomSamplingPercentage: -1 }] },
    verdict: 'refuse',
    field: 'spec.tracing[0].randomSamplingPercentage',
  },
  { mirrors: 'validateTelemetryTracing: 0 and 100 are percentages', spec: { tracing: [{ randomSamplingPercentage: 0 }] }, verdict: 'accept' },
  { mirrors: 'validateTelemetryTracing: a tag without a name', spec: { tracing: [{ customTags: { '': { literal: { value: 'x' } } } }] }, verdict: 'refuse', field: 'spec.tracing[0].customTags' },
  {
    mirrors: 'validateTelemetryTracing: an empty literal tag',
    spec: { tracing: [{ customTags: { team: { literal: { value: '' } } } }] },
    verdict: 'refuse',
    field: 'spec.tracing[0].customTags.team.literal.value',
  },
  {
    mirrors: 'validateTelemetryTracing: a header tag without a header name',
    spec: { tracing: [{ customTags: { tenant: { header: { defaultValue: 'none' } } } }] },
    verdict: 'refuse',
    field: 'spec.tracing[0].customTags.tenant.header.name',
  },
  {
    mirrors: 'validateTelemetryTracing: an environment tag without a variable name',
    spec: { tracing: [{ customTags: { zone: { environment: { name: '' } } } }] },
    verdict: 'refuse',
    field: 'spec.tracing[0].customTags.zone.environment.name',
  },
  {
    mirrors: 'validateTelemetryMetrics: a null override',
    spec: { metrics: [{ overrides: [null] }] },
    verdict: 'refuse',
    field: 'spec.metrics[0].overrides[0]',
  },
  {
    mirrors: 'validateTelemetryMetrics: a null tag override',
    spec: { metrics: [{ overrides: [{ tagOverrides: { destination_zone: null } }] }] },
    verdict: 'refuse',
    field: 'spec.metrics[0].overrides[0].tagOverrides.destination_zone',
  },
  {
    mirrors: 'validateTelemetryMetrics: UPSERT is the default operation',
    spec: { metrics: [{ overrides: [{ tagOverrides: { destination_zone: {} } }] }] },
    verdict: 'refuse',
    field: 'spec.metrics[0].overrides[0].tagOverrides.destination_zone.value',
  },
  {
    mirrors: 'validateTelemetryMetrics: REMOVE with a value',
    spec: { metrics: [{ overrides: [{ tagOverrides: { request_protocol: { operation: 'REMOVE', value: 'request.protocol' } } }] }] },
    verdict: 'refuse',
    field: 'spec.metrics[0].overrides[0].tagOverrides.request_protocol.value',
  },
  { mirrors: 'validateTelemetryMetrics: REMOVE without a value', spec: { metrics: [{ overrides: [{ tagOverrides: { request_protocol: { operation: 'REMOVE' } } }] }] }, verdict: 'accept' },
  {
    mirrors: 'validateTelemetryMetrics: a tag override without a tag name (a warning)',
    spec: { metrics: [{ overrides: [{ tagOverrides: { '': { operation: 'REMOVE' } } }] }] },
    verdict: 'warn',
    field: 'spec.metrics[0].overrides[0].tagOverrides',
  },
  {
    mirrors: 'validateTelemetryMetrics: an empty customMetric',
    spec: { metrics: [{ overrides: [{ match: { customMetric: '' }, disabled: true }] }] },
    verdict: 'refuse',
    field: 'spec.metrics[0].overrides[0].match.customMetric',
  },
  { mirrors: 'validateWorkloadSelector: a wildcard', spec: { selector: { matchLabels: { app: 'web-*' } } }, verdict: 'refuse', field: 'spec.selector.matchLabels' },
  { mirrors: 'validateWorkloadSelector: an empty key', spec: { selector: { matchLabels: { '': 'web' } } }, verdict: 'refuse', field: 'spec.selector.matchLabels' },
  { mirrors: 'validateWorkloadSelector: no labels (a warning)', spec: { selector: {} }, verdict: 'warn', field: 'spec.selector' },
  {
    mirrors: 'validatePolicyTargetReferences: each of targetRefs',
    spec: { targetRefs: [{ group: GATEWAY, kind: 'Gateway', name: 'public' }, { kind: 'Service', name: 'reviews', namespace: 'other' }] },
    verdict: 'refuse',
    field: 'spec.targetRefs[1].namespace',
  },
  {
    mirrors: 'validateOneOfSelectorType: selector and targetRefs',
    spec: { selector: { matchLabels: { app: 'web' } }, targetRefs: [{ kind: 'Service', name: 'web' }] },
    verdict: 'refuse',
    field: 'spec',
  },
];

function telemetryManifest(spec: any): any {
  return { apiVersion: 'telemetry.istio.io/v1', kind: 'Telemetry', metadata: { name: 'mesh-default', namespace: 'istio-system' }, spec };
}

describe.each(CASES)('$mirrors', ({ spec, verdict, field, admission }) => {
  test(verdict, () => {
    const findings = admission
      ? admissionFindings(telemetryManifest(spec), (manifest) => validateTelemetrySpec(manifest.spec))
      : validateTelemetrySpec(spec);
    expect({ verdict: verdictOf(findings), messages: findings.messages }).toEqual({ verdict, messages: expect.anything() });
    if (field) expect(findings.all.map((f) => f.field)).toContain(field);
  });
});

test('a filter that does not parse: the message names the field, the value, where the parser stops, and a fix', () => {
  const findings = validateTelemetrySpec({ accessLogging: [{ filter: { expression: 'response.code >= ' } }] });
  expect(findings.messages).toEqual([
    "'spec.accessLogging[0].filter.expression' (response.code >= ) must be a valid CEL expression: unexpected end of the expression (at column 18); "
    + 'write a CEL condition on request, response or connection attributes, e.g. response.code >= 400',
  ]);
});

test('one finding per providers list, for the first provider without a name (as Istio returns on the first)', () => {
  const findings = validateTelemetrySpec({ metrics: [{ providers: [{ name: '' }, {}] }] });
  expect(findings.all.map((f) => f.field)).toEqual(['spec.metrics[0].providers[0].name']);
});

test('rules never throw on wrong types', () => {
  const specs = [null, 'x', [], { tracing: 'x', metrics: 7, accessLogging: {} }, { tracing: [null, 7, { providers: 'x', customTags: [] }] },
    { tracing: [{ customTags: { a: 'x', b: { literal: 'x' }, c: { header: 7 } }, randomSamplingPercentage: 'x' }] },
    { metrics: [null, { providers: [7, 'x'], overrides: 'x' }, { overrides: [7, { tagOverrides: 'x', match: 'x' }, { tagOverrides: { a: 7 }, match: { customMetric: 7 } }] }] },
    { accessLogging: [null, { filter: 'x', providers: {} }, { filter: { expression: 7 } }, { filter: { expression: '('.repeat(5000) } }] },
    { selector: 'x', targetRefs: 'x', targetRef: 7 }];
  for (const spec of specs) expect(() => validateTelemetrySpec(spec)).not.toThrow();
});

test('cases mirrored', () => {
  expect(new Set(CASES.filter((c) => c.mirrors.startsWith(`${T} `)).map((c) => c.mirrors)).size).toBe(17);
  expect(new Set(CASES.filter((c) => c.mirrors.startsWith(`${F} `)).map((c) => c.mirrors)).size).toBe(4);
});
