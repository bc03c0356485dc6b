import { verdictOf, WebhookCase } from './verdict';
import { AnalysisLevel } from '../../src/analysis/finding';
import { admissionFindings } from '../../src/validation/admission';
import { strictParseUrl, validateWasmPluginSpec } from '../../src/validation/wasm-plugin';

// One row per case of Istio 1.30.3's TestValidateWasmPlugin (pkg/config/validation), with
// inputs of our own that exercise the same rule, then rows written from the source of
// ValidateWasmPlugin and the functions it calls, for the rules the table does not reach.
const T = 'TestValidateWasmPlugin';
const SHA = '3f9a6c1e0b7d24e58a1f6c3d9e0b2a7c4d5e6f708192a3b4c5d6e7f8091a2b3c';
const HTTP_URL = 'http://plugins.example.org/filters/add-header.wasm';
const GATEWAY_REF = { group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'public' };

const CASES: WebhookCase[] = [
  { mirrors: `${T} "empty"`, spec: {}, verdict: 'refuse', field: 'spec.url' },
  // The Go case hands the function another message type; its YAML analogue is another kind's
  // spec (a Gateway server), which has no url.
  {
    mirrors: `${T} "invalid message"`,
    spec: { port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['shop.example.org'] },
    verdict: 'refuse',
    field: 'spec.url',
  },
  { mirrors: `${T} "wrong scheme"`, spec: { url: 'gopher://mirror.example.org/filters/add-header.wasm' }, verdict: 'refuse', field: 'spec.url' },
  { mirrors: `${T} "valid http"`, spec: { url: HTTP_URL }, verdict: 'accept' },
  { mirrors: `${T} "valid http w/ sha"`, spec: { url: HTTP_URL, sha256: SHA }, verdict: 'accept' },
  { mirrors: `${T} "short sha"`, spec: { url: HTTP_URL, sha256: '3f9a6c1e' }, verdict: 'refuse', field: 'spec.sha256' },
  { mirrors: `${T} "invalid sha"`, spec: { url: HTTP_URL, sha256: 'unknown' }, verdict: 'refuse', field: 'spec.sha256' },
  { mirrors: `${T} "invalid sha characters"`, spec: { url: HTTP_URL, sha256: SHA.replace('f', 'F') }, verdict: 'refuse', field: 'spec.sha256' },
  { mirrors: `${T} "valid oci"`, spec: { url: 'oci://registry.example.org/filters/add-header:1.2.0' }, verdict: 'accept' },
  { mirrors: `${T} "valid oci no scheme"`, spec: { url: 'registry.example.org/filters/add-header' }, verdict: 'accept' },
  {
    mirrors: `${T} "invalid vm config - invalid env name"`,
    spec: { url: 'registry.example.org/filters/add-header', vmConfig: { env: [{ name: '', valueFrom: 'HOST' }] } },
    verdict: 'refuse',
    field: 'spec.vmConfig.env[0].name',
  },
  {
    mirrors: `${T} "invalid vm config - duplicate env"`,
    spec: { url: 'registry.example.org/filters/add-header', vmConfig: { env: [{ name: 'REGION', value: 'eu' }, { name: 'REGION', value: 'eu' }] } },
    verdict: 'refuse',
    field: 'spec.vmConfig.env[1].name',
  },
  { mirrors: `${T} "target-ref-good"`, spec: { url: HTTP_URL, targetRef: GATEWAY_REF }, verdict: 'accept' },
  { mirrors: `${T} "target-ref-good-service"`, spec: { url: HTTP_URL, targetRef: { group: '', kind: 'Service', name: 'reviews' } }, verdict: 'accept' },
  {
    mirrors: `${T} "target-ref-non-empty-namespace"`,
    spec: { url: HTTP_URL, targetRef: { ...GATEWAY_REF, namespace: 'edge' } },
    verdict: 'refuse',
    field: 'spec.targetRef.namespace',
  },
  {
    mirrors: `${T} "target-ref-empty-name"`,
    spec: { url: HTTP_URL, targetRef: { group: 'gateway.networking.k8s.io', kind: 'Gateway' } },
    verdict: 'refuse',
    field: 'spec.targetRef.name',
  },
  {
    mirrors: `${T} "target-ref-wrong-group"`,
    spec: { url: HTTP_URL, targetRef: { ...GATEWAY_REF, group: 'gateways.example.org' } },
    verdict: 'refuse',
    field: 'spec.targetRef.group',
  },
  {
    mirrors: `${T} "target-ref-wrong-kind"`,
    spec: { url: HTTP_URL, targetRef: { ...GATEWAY_REF, kind: 'Listener' } },
    verdict: 'refuse',
    field: 'spec.targetRef.kind',
  },
  {
    mirrors: `${T} "target-ref-and-selector-cannot-both-be-set"`,
    spec: { url: HTTP_URL, targetRef: GATEWAY_REF, selector: { matchLabels: { app: 'storefront' } } },
    verdict: 'refuse',
    field: 'spec',
  },

  // validateWasmPluginURL / strictParseURL (Go's url.ParseRequestURI, then with "http://" in front):
  { mirrors: 'validateWasmPluginURL file scheme', spec: { url: 'file:///opt/filters/add-header.wasm' }, verdict: 'accept' },
  { mirrors: 'validateWasmPluginURL https scheme', spec: { url: 'https://plugins.example.org/add-header.wasm', sha256: SHA }, verdict: 'accept' },
  { mirrors: 'validateWasmPluginURL absolute path (empty scheme)', spec: { url: '/opt/filters/add-header.wasm' }, verdict: 'accept' },
  { mirrors: 'validateWasmPluginURL host:port without scheme reads as scheme "localhost"', spec: { url: 'localhost:5000/filters/add-header' }, verdict: 'refuse', field: 'spec.url' },
  { mirrors: 'validateWasmPluginURL upper-case scheme is lowered', spec: { url: 'OCI://registry.example.org/filters/add-header:1.2.0' }, verdict: 'accept' },
  { mirrors: 'strictParseURL bad escape in the path', spec: { url: 'oci://registry.example.org/filters/%zz' }, verdict: 'refuse', field: 'spec.url' },
  { mirrors: 'strictParseURL control character', spec: { url: 'oci://registry.example.org/filters/add-header\n' }, verdict: 'refuse', field: 'spec.url' },
  { mirrors: 'strictParseURL bad escape in the fragment (url.Parse)', spec: { url: 'oci:filters#%zz' }, verdict: 'refuse', field: 'spec.url' },
  // A host ParseRequestURI refuses is read, after the "http://" fallback, as part of a path.
  { mirrors: 'strictParseURL fallback: a bad port is accepted', spec: { url: 'oci://registry.example.org:https/filters/add-header' }, verdict: 'accept' },
  { mirrors: 'validateWasmPluginURL url of another type', spec: { url: 42 }, verdict: 'refuse', field: 'spec.url' },

  // validateWasmPluginImagePullSecret, validateWasmPluginName (lengths in bytes):
  { mirrors: 'validateWasmPluginImagePullSecret 253 bytes', spec: { url: HTTP_URL, imagePullSecret: 's'.repeat(253) }, verdict: 'accept' },
  { mirrors: 'validateWasmPluginImagePullSecret 254 bytes', spec: { url: HTTP_URL, imagePullSecret: 's'.repeat(254) }, verdict: 'refuse', field: 'spec.imagePullSecret' },
  { mirrors: 'validateWasmPluginName 256 bytes', spec: { url: HTTP_URL, pluginName: 'p'.repeat(256) }, verdict: 'accept' },
  { mirrors: 'validateWasmPluginName 257 bytes', spec: { url: HTTP_URL, pluginName: 'p'.repeat(257) }, verdict: 'refuse', field: 'spec.pluginName' },
  { mirrors: 'validateWasmPluginName 129 two-byte characters', spec: { url: HTTP_URL, pluginName: 'é'.repeat(129) }, verdict: 'refuse', field: 'spec.pluginName' },

  // validateWasmPluginVMConfig:
  { mirrors: 'validateWasmPluginVMConfig HOST without value', spec: { url: HTTP_URL, vmConfig: { env: [{ name: 'POD_NAME', valueFrom: 'HOST' }] } }, verdict: 'accept' },
  {
    mirrors: 'validateWasmPluginVMConfig value with HOST',
    spec: { url: HTTP_URL, vmConfig: { env: [{ name: 'POD_NAME', valueFrom: 'HOST', value: 'storefront' }] } },
    verdict: 'refuse',
    field: 'spec.vmConfig.env[0].value',
  },
  {
    mirrors: 'validateWasmPluginVMConfig name of 257 bytes',
    spec: { url: HTTP_URL, vmConfig: { env: [{ name: 'E'.repeat(257), value: 'x' }] } },
    verdict: 'refuse',
    field: 'spec.vmConfig.env[0].name',
  },
  { mirrors: 'validateWasmPluginVMConfig null entry skipped', spec: { url: HTTP_URL, vmConfig: { env: [null, { name: 'REGION', value: 'eu' }] } }, verdict: 'accept' },

  // validateWasmPluginMatch:
  { mirrors: 'validateWasmPluginMatch ports in range', spec: { url: HTTP_URL, match: [{ mode: 'SERVER', ports: [{ number: 1 }, { number: 65535 }] }] }, verdict: 'accept' },
  { mirrors: 'validateWasmPluginMatch null selector', spec: { url: HTTP_URL, match: [null] }, verdict: 'refuse', field: 'spec.match[0]' },
  { mirrors: 'validateWasmPluginMatch null port', spec: { url: HTTP_URL, match: [{ ports: [null] }] }, verdict: 'refuse', field: 'spec.match[0].ports[0]' },
  { mirrors: 'validateWasmPluginMatch port 0', spec: { url: HTTP_URL, match: [{ ports: [{ number: 0 }] }] }, verdict: 'refuse', field: 'spec.match[0].ports[0].number' },
  { mirrors: 'validateWasmPluginMatch port without number', spec: { url: HTTP_URL, match: [{ ports: [{}] }] }, verdict: 'refuse', field: 'spec.match[0].ports[0].number' },
  { mirrors: 'validateWasmPluginMatch port 65536', spec: { url: HTTP_URL, match: [{}, { ports: [{ number: 65536 }] }] }, verdict: 'refuse', field: 'spec.match[1].ports[0].number' },

  // validateWorkloadSelector, validatePolicyTargetReferences:
  { mirrors: 'validateWorkloadSelector no labels', spec: { url: HTTP_URL, selector: {} }, verdict: 'warn' },
  { mirrors: 'validateWorkloadSelector wildcard', spec: { url: HTTP_URL, selector: { matchLabels: { app: 'store*' } } }, verdict: 'refuse', field: 'spec.selector.matchLabels' },
  { mirrors: 'validatePolicyTargetReferences GatewayClass', spec: { url: HTTP_URL, targetRefs: [{ ...GATEWAY_REF, kind: 'GatewayClass', name: 'istio' }] }, verdict: 'accept' },
  {
    mirrors: 'validatePolicyTargetReferences wrong kind',
    spec: { url: HTTP_URL, targetRefs: [GATEWAY_REF, { group: 'apps', kind: 'Deployment', name: 'storefront' }] },
    verdict: 'refuse',
    field: 'spec.targetRefs[1].kind',
  },
];

describe.each(CASES)('$mirrors', ({ spec, verdict, field }) => {
  test(verdict, () => {
    const findings = validateWasmPluginSpec(spec);
    expect({ verdict: verdictOf(findings), messages: findings.messages }).toEqual({ verdict, messages: expect.anything() });
    if (field) {
      const errors = findings.all.filter((x) => x.severity === AnalysisLevel.ERROR).map((x) => x.message);
      expect(errors.some((m) => m.startsWith(`'${field}' `))).toBe(true);
    }
  });
});

test('messages name the field, the value, the rule and the fix', () => {
  expect(validateWasmPluginSpec({ url: HTTP_URL, sha256: '3f9a6c1e' }).messages).toEqual([
    "'spec.sha256' (3f9a6c1e) must be 64 characters long (it has 8); give the SHA-256 of the module as 64 lower-case hex digits",
  ]);
  expect(validateWasmPluginSpec({ url: 'gopher://mirror.example.org/x.wasm' }).messages[0]).toBe(
    "'spec.url' (gopher://mirror.example.org/x.wasm) must use the oci, https, http or file scheme, not \"gopher\"; "
    + 'write oci://registry/image@sha256:<digest> for an OCI image (a "host:port/..." URL needs the oci:// in front), https://... or file://...');
});

test('strictParseURL: the scheme Istio reads', () => {
  expect(strictParseUrl('oci://registry.example.org/a:1')).toEqual({ scheme: 'oci' });
  expect(strictParseUrl('registry.example.org/a')).toEqual({ scheme: 'http' });
  expect(strictParseUrl('oci://[fe80::1%25eth0]:5000/a')).toEqual({ scheme: 'oci' });
  // A bracketed host that is not IPv6 fails ParseRequestURI; the fallback reads "oci:" as the host.
  expect(strictParseUrl('oci://[registry]/a')).toEqual({ scheme: 'http' });
  expect(typeof strictParseUrl('oci://registry.example.org/%2')).toBe('string');
});

test('the "invalid message" row: the CRD schema refuses another kind\'s spec too', () => {
  const manifest = {
    apiVersion: 'extensions.istio.io/v1alpha1',
    kind: 'WasmPlugin',
    metadata: { name: 'server', namespace: 'shop' },
    spec: { port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['shop.example.org'] },
  };
  expect(verdictOf(admissionFindings(manifest))).toBe('refuse');
});

test('rules never throw on wrong types', () => {
  const specs = [null, 'x', [], { url: [] }, { url: HTTP_URL, vmConfig: 'x' }, { url: HTTP_URL, vmConfig: { env: 'x' } }, { url: HTTP_URL, vmConfig: { env: [7, { name: 3 }] } },
    { url: HTTP_URL, match: 'x' }, { url: HTTP_URL, match: [7, { ports: 'x' }, { ports: [7, { number: 'x' }] }] }, { url: HTTP_URL, sha256: 7, pluginName: {}, imagePullSecret: [] },
    { url: HTTP_URL, selector: 'x', targetRefs: 'x', targetRef: 7 }];
  for (const spec of specs) expect(() => validateWasmPluginSpec(spec)).not.toThrow();
});

test('cases mirrored', () => {
  expect(new Set(CASES.filter((c) => c.mirrors.startsWith(`${T} `)).map((c) => c.mirrors)).size).toBe(19);
});
