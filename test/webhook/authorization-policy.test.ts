import { verdictOf, WebhookCase } from './verdict';
import { validateAuthorizationPolicySpec } from '../../src/validation/authorization-policy';
import { validateIstioMetadata } from '../../src/validation/istio-metadata';

// One row per case of Istio 1.30.3's TestValidateAuthorizationPolicy (pkg/config/validation),
// then the condition, wildcard, trust domain and path template tables of pkg/config/security,
// with inputs of our own that exercise the same rule.

/** A row that may carry annotations: the dry-run cases are decided by the object's metadata. */
type Case = WebhookCase & { readonly annotations?: Record<string, string> };

const T = 'TestValidateAuthorizationPolicy';
const SOURCE = 'spec.rules[0].from[0].source';
const OPERATION = 'spec.rules[0].to[0].operation';
const WHEN = 'spec.rules[0].when[0]';
const FRONTEND = 'cluster.local/ns/web/sa/frontend';
const LEDGER = { selector: { matchLabels: { app: 'ledger' } } };

const rule = (r: any, extra: any = {}) => ({ ...extra, rules: [r] });
const source = (s: any) => rule({ from: [{ source: s }] });
const operation = (o: any) => rule({ to: [{ operation: o }] });
const condition = (c: any, extra: any = {}) => rule({ when: [c] }, extra);
/** A DENY policy that names a port, so it covers only HTTP traffic and draws no warning. */
const denyWith = (target: any) => ({
  action: 'DENY',
  ...target,
  rules: [{ from: [{ source: { principals: [FRONTEND] } }], to: [{ operation: { ports: ['8443'], methods: ['DELETE', 'PATCH'] } }] }],
});
const gatewayRef = { group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'public' };
const custom = { action: 'CUSTOM', provider: { name: 'opa-ext-authz' } };

const POLICY_CASES: Case[] = [
  {
    mirrors: `${T} "good"`,
    spec: {
      selector: { matchLabels: { app: 'ledger', tier: 'api' } },
      rules: [{
        from: [{ source: { principals: [FRONTEND] } }, { source: { principals: ['cluster.local/ns/batch/sa/cron'] } }],
        to: [{ operation: { methods: ['GET'] } }, { operation: { methods: ['HEAD'] } }],
        when: [{ key: 'source.ip', values: ['10.0.0.1', '192.168.0.0/16'] }, { key: 'request.headers[x-tenant]', values: ['acme', 'globex'] }],
      }],
    },
    verdict: 'accept',
  },
  {
    mirrors: `${T} "good serviceAccounts"`,
    spec: { ...LEDGER, rules: [{ from: [{ source: { serviceAccounts: ['web/frontend', 'batch/cron'] } }, { source: { principals: [FRONTEND] } }] }] },
    verdict: 'accept',
  },
  {
    mirrors: `${T} "serviceAccounts and namespaces"`,
    spec: { ...LEDGER, ...source({ serviceAccounts: ['web/frontend'], namespaces: ['web'] }) },
    verdict: 'refuse',
    field: `${SOURCE}.serviceAccounts`,
  },
  { mirrors: `${T} "custom-good"`, spec: { ...custom, rules: [{}] }, verdict: 'accept' },
  { mirrors: `${T} "custom-empty-provider"`, spec: { action: 'CUSTOM', provider: { name: '' }, rules: [{}] }, verdict: 'refuse', field: 'spec.provider.name' },
  { mirrors: `${T} "custom-nil-provider"`, spec: { action: 'CUSTOM', rules: [{}] }, verdict: 'refuse', field: 'spec.provider.name' },
  {
    mirrors: `${T} "custom-invalid-rule"`,
    spec: {
      ...custom,
      rules: [{
        from: [{ source: { namespaces: ['web'], notPrincipals: [FRONTEND], requestPrincipals: ['https://issuer.example.com/alice'] } }],
        when: [{ key: 'source.principal', values: [FRONTEND] }, { key: 'request.auth.claims[group]', notValues: ['guests'] }],
      }],
    },
    verdict: 'refuse',
    field: `${SOURCE}.namespaces`,
  },
  { mirrors: `${T} "provider-wrong-action"`, spec: { action: 'DENY', provider: { name: 'opa-ext-authz' }, rules: [{}] }, verdict: 'refuse', field: 'spec.provider' },
  { mirrors: `${T} "allow-rules-nil"`, spec: { action: 'ALLOW' }, verdict: 'accept' },
  { mirrors: `${T} "dry-run-valid-allow"`, annotations: { 'istio.io/dry-run': 'True' }, spec: { action: 'ALLOW' }, verdict: 'accept' },
  { mirrors: `${T} "dry-run-valid-deny"`, annotations: { 'istio.io/dry-run': '0' }, spec: { action: 'DENY', rules: [{}] }, verdict: 'accept' },
  {
    mirrors: `${T} "dry-run-invalid-value"`,
    annotations: { 'istio.io/dry-run': 'yes' },
    spec: {},
    verdict: 'refuse',
    field: 'metadata.annotations.istio.io/dry-run',
  },
  {
    mirrors: `${T} "dry-run-invalid-action-custom"`,
    annotations: { 'istio.io/dry-run': 'true' },
    spec: { ...custom, rules: [{}] },
    verdict: 'refuse',
    field: 'metadata.annotations.istio.io/dry-run',
  },
  {
    mirrors: `${T} "dry-run-invalid-action-audit"`,
    annotations: { 'istio.io/dry-run': 'true' },
    spec: { action: 'AUDIT', rules: [{}] },
    verdict: 'refuse',
    field: 'metadata.annotations.istio.io/dry-run',
  },
  { mirrors: `${T} "deny-rules-nil"`, spec: { action: 'DENY', ...LEDGER }, verdict: 'refuse', field: 'spec.rules' },
  { mirrors: `${T} "selector-empty-value"`, spec: { selector: { matchLabels: { app: 'ledger', canary: '' } } }, verdict: 'accept' },
  { mirrors: `${T} "selector-empty-key"`, spec: { selector: { matchLabels: { 'app': 'ledger', '': 'x' } } }, verdict: 'refuse', field: 'spec.selector.matchLabels' },
  { mirrors: `${T} "selector-empty-labels"`, spec: { selector: { matchLabels: {} } }, verdict: 'warn' },
  { mirrors: `${T} "selector-wildcard-value"`, spec: { selector: { matchLabels: { app: 'ledger*' } } }, verdict: 'refuse', field: 'spec.selector.matchLabels' },
  { mirrors: `${T} "selector-wildcard-key"`, spec: { selector: { matchLabels: { '*app': 'ledger' } } }, verdict: 'refuse', field: 'spec.selector.matchLabels' },
  { mirrors: `${T} "target-ref-good"`, spec: denyWith({ targetRef: gatewayRef }), verdict: 'accept' },
  {
    mirrors: `${T} "target-refs-good"`,
    spec: denyWith({ targetRefs: [{ group: 'gateway.networking.k8s.io', kind: 'GatewayClass', name: 'istio' }] }),
    verdict: 'accept',
  },
  { mirrors: `${T} "target-refs-good-service"`, spec: denyWith({ targetRefs: [{ kind: 'Service', name: 'ledger' }] }), verdict: 'accept' },
  {
    mirrors: `${T} "target-ref-non-empty-namespace"`,
    spec: denyWith({ targetRef: { ...gatewayRef, namespace: 'edge' } }),
    verdict: 'refuse',
    field: 'spec.targetRef.namespace',
  },
  {
    mirrors: `${T} "target-ref-empty-name"`,
    spec: denyWith({ targetRef: { group: 'gateway.networking.k8s.io', kind: 'Gateway' } }),
    verdict: 'refuse',
    field: 'spec.targetRef.name',
  },
  { mirrors: `${T} "target-ref-wrong-group"`, spec: denyWith({ targetRef: { ...gatewayRef, group: 'networking.istio.io' } }), verdict: 'refuse', field: 'spec.targetRef.group' },
  { mirrors: `${T} "target-ref-wrong-kind"`, spec: denyWith({ targetRef: { ...gatewayRef, kind: 'HTTPRoute' } }), verdict: 'refuse', field: 'spec.targetRef.kind' },
  {
    mirrors: `${T} "target-ref-and-selector-cannot-both-be-set"`,
    spec: denyWith({ ...LEDGER, targetRef: gatewayRef }),
    verdict: 'refuse',
    field: 'spec',
  },
  {
    mirrors: `${T} "target-refs-and-selector-cannot-both-be-set"`,
    spec: denyWith({ ...LEDGER, targetRefs: [{ kind: 'Service', name: 'ledger' }] }),
    verdict: 'refuse',
    field: 'spec',
  },
  // Istio's case builds a non-nil empty list in Go. From YAML, the webhook decodes `from: []` (and
  // `to: []`) with protobuf JSON, which leaves an empty list unset: the webhook accepts it.
  { mirrors: `${T} "from-empty"`, spec: rule({ from: [] }), verdict: 'accept' },
  { mirrors: `${T} "source-nil"`, spec: rule({ from: [{}] }), verdict: 'refuse', field: 'spec.rules[0].from[0].source' },
  { mirrors: `${T} "source-empty"`, spec: source({}), verdict: 'refuse', field: SOURCE },
  { mirrors: `${T} "to-empty"`, spec: rule({ to: [] }), verdict: 'accept' },
  { mirrors: `${T} "operation-nil"`, spec: rule({ to: [{}] }), verdict: 'refuse', field: OPERATION },
  { mirrors: `${T} "operation-empty"`, spec: operation({}), verdict: 'refuse', field: OPERATION },
  ...([
    ['Principals-empty', 'principals', FRONTEND],
    ['NotPrincipals-empty', 'notPrincipals', FRONTEND],
    ['RequestPrincipals-empty', 'requestPrincipals', 'https://issuer.example.com/alice'],
    ['NotRequestPrincipals-empty', 'notRequestPrincipals', 'https://issuer.example.com/bob'],
    ['Namespaces-empty', 'namespaces', 'web'],
    ['ServiceAccounts-empty', 'serviceAccounts', 'web/frontend'],
    ['NotNamespaces-empty', 'notNamespaces', 'batch'],
    ['IpBlocks-empty', 'ipBlocks', '10.8.0.0/14'],
    ['NotIpBlocks-empty', 'notIpBlocks', '10.8.1.1'],
    ['RemoteIpBlocks-empty', 'remoteIpBlocks', '2001:db8::/32'],
    ['NotRemoteIpBlocks-empty', 'notRemoteIpBlocks', '2001:db8::7'],
  ] as const).map(([name, key, good]): Case => (
    { mirrors: `${T} "${name}"`, spec: source({ [key]: [good, ''] }), verdict: 'refuse', field: `${SOURCE}.${key}[1]` })),
  ...([
    ['Hosts-empty', 'hosts', 'ledger.example.com'],
    ['NotHosts-empty', 'notHosts', 'admin.example.com'],
    ['Ports-empty', 'ports', '8443'],
    ['NotPorts-empty', 'notPorts', '15000'],
    ['Methods-empty', 'methods', 'PUT'],
    ['NotMethods-empty', 'notMethods', 'TRACE'],
    ['Paths-empty', 'paths', '/accounts/*'],
    ['NotPaths-empty', 'notPaths', '/healthz'],
  ] as const).map(([name, key, good]): Case => (
    { mirrors: `${T} "${name}"`, spec: operation({ [key]: ['', good] }), verdict: 'refuse', field: `${OPERATION}.${key}[0]` })),
  {
    mirrors: `${T} "value-empty"`,
    spec: condition({ key: 'request.headers[x-tenant]', values: ['acme', ''] }),
    verdict: 'refuse',
    field: `${WHEN}.values[1]`,
  },
  {
    mirrors: `${T} "invalid ip and port in ipBlocks"`,
    spec: rule({ from: [{ source: { ipBlocks: ['10.1.2.3', 'gateway'], notIpBlocks: ['db'] } }], to: [{ operation: { ports: ['https'], notPorts: ['22', 'ssh'] } }] }),
    verdict: 'refuse',
    field: `${SOURCE}.ipBlocks[1]`,
  },
  {
    mirrors: `${T} "invalid ip and port in remoteIpBlocks"`,
    spec: rule({ from: [{ source: { remoteIpBlocks: ['203.0.113.0/33'], notRemoteIpBlocks: ['::1/129'] } }], to: [{ operation: { ports: ['70000'] } }] }),
    verdict: 'refuse',
    field: `${SOURCE}.remoteIpBlocks[0]`,
  },
  { mirrors: `${T} "condition-key-missing"`, spec: condition({ values: ['acme'] }, LEDGER), verdict: 'refuse', field: `${WHEN}.key` },
  { mirrors: `${T} "condition-key-empty"`, spec: condition({ key: '', values: ['acme'] }, LEDGER), verdict: 'refuse', field: `${WHEN}.key` },
  { mirrors: `${T} "condition-value-missing"`, spec: condition({ key: 'request.auth.principal' }, LEDGER), verdict: 'refuse', field: WHEN },
  { mirrors: `${T} "condition-value-invalid"`, spec: condition({ key: 'destination.ip', values: ['10.0.0.300'] }), verdict: 'refuse', field: `${WHEN}.values[0]` },
  { mirrors: `${T} "condition-notValue-invalid"`, spec: condition({ key: 'remote.ip', notValues: ['localhost'] }), verdict: 'refuse', field: `${WHEN}.notValues[0]` },
  { mirrors: `${T} "condition-unknown"`, spec: condition({ key: 'request.method', values: ['GET'] }, LEDGER), verdict: 'refuse', field: `${WHEN}.key` },
  { mirrors: `${T} "L7DenyWithFrom"`, spec: { action: 'DENY', ...LEDGER, ...source({ notRequestPrincipals: ['*'] }) }, verdict: 'warn' },
  { mirrors: `${T} "L7DenyWithTo"`, spec: { action: 'DENY', ...LEDGER, ...operation({ paths: ['/admin/*'] }) }, verdict: 'warn' },
  {
    mirrors: `${T} "L7DenyWithFromAndTo"`,
    spec: { action: 'DENY', ...LEDGER, ...rule({ from: [{ source: { namespaces: ['web'] } }], to: [{ operation: { notMethods: ['GET'] } }] }) },
    verdict: 'warn',
  },
  {
    mirrors: `${T} "L7DenyWithFromAndToWithPort"`,
    spec: { action: 'DENY', ...LEDGER, ...rule({ from: [{ source: { namespaces: ['web'] } }], to: [{ operation: { notMethods: ['GET'], ports: ['8080'] } }] }) },
    verdict: 'accept',
  },
];

/** TestValidateCondition (pkg/config/security), through a `when` condition: [key, values, refused field]. */
const CONDITIONS: Array<[string, string[], string?]> = [
  ['request.headers[x-tenant]', ['acme', ''], 'values[1]'],
  ['request.headers[x-tenant]', ['acme']],
  ['request.headers[]', ['acme'], 'key'],
  ['source.ip', ['172.16.0.9', '172.16.0.0/12']],
  ['source.ip', ['172.16.0'], 'values[0]'],
  ['remote.ip', ['198.51.100.4', '198.51.100.0/24']],
  ['remote.ip', ['proxy'], 'values[0]'],
  ['source.namespace', ['payments']],
  ['source.user', ['payments'], 'key'],
  ['source.principal', [FRONTEND]],
  ['source.serviceAccount', ['a/b/c'], 'values[0]'],
  ['source.serviceAccount', ['/frontend'], 'values[0]'],
  ['source.serviceAccount', ['web/'], 'values[0]'],
  ['source.serviceAccount', ['web/frontend']],
  ['source.serviceAccount', ['frontend']],
  ['source.trustDomain', ['mesh.example.org']],
  ['source.trustDomain', ['*']],
  ['source.trustDomain', ['mesh-*']],
  ['source.trustDomain', ['*.example.org']],
  ['source.trustDomain', ['mesh*.org'], 'values[0]'],
  ['source.trustDomain', ['*mesh*'], 'values[0]'],
  ['source.trustDomain', [''], 'values[0]'],
  ['request.auth.principal', ['https://issuer.example.com/alice']],
  ['request.auth.audiences', ['ledger-api']],
  ['request.auth.presenter', ['mobile-app']],
  ['request.auth.claims[groups]', ['admins']],
  ['request.auth.claims[]', ['admins'], 'key'],
  ['destination.ip', ['10.96.0.10', '10.96.0.0/12']],
  ['destination.ip', ['10.96.0.10.1'], 'values[0]'],
  ['destination.port', ['8080', '0']],
  ['destination.port', ['8080', 'http'], 'values[1]'],
  ['destination.labels[version]', ['v2'], 'key'],
  ['destination.name', ['ledger'], 'key'],
  ['destination.namespace', ['payments'], 'key'],
  ['destination.user', ['ledger'], 'key'],
  ['connection.sni', ['ledger.example.com']],
  ['experimental.envoy.filters.network.mysql_proxy[db.table]', ['[update]']],
  ['experimental.envoy.filters.network.mysql_proxy', ['[update]'], 'key'],
];

/** TestCheckWildcardValues, through `when` key source.trustDomain (the rule the webhook applies to it). */
const WILDCARDS: Array<[string, string, boolean]> = [
  ['exact', 'corp.example', true],
  ['presence', '*', true],
  ['prefix', 'corp*', true],
  ['suffix', '*example', true],
  ['empty', '', false],
  ['middle wildcard', 'corp*example', false],
  ['multiple wildcards', '*corp*', false],
];

/** TestCheckTrustDomainValues, through from.source.trustDomains. */
const TRUST_DOMAINS: Array<[string, string, boolean]> = [
  ['exact', 'mesh.example.org', true],
  ['presence wildcard', '*', true],
  ['prefix wildcard', 'east-*', true],
  ['suffix wildcard', '*-west', true],
  ['empty', '', false],
  ['slash', 'mesh.example.org/ns/web', false],
  ['spiffe uri', 'spiffe://mesh.example.org', false],
];

/** TestCheckValidPathTemplate, through to.operation.paths. */
const PATHS: Array<[string, string, boolean]> = [
  ['valid path template - matchOneTemplate', '/{*}/orders', true],
  ['valid path template - matchOneTemplate with trailing slash', '/{*}/orders/', true],
  ['valid path template - matchAnyTemplate', '/shop/{**}/receipt', true],
  ['valid path template - matchAnyTemplate at end', '/shop/cart/{**}', true],
  ['unsupported path template - matchAnyTemplate with additional chars', '/shop/{**}x/cart', false],
  ['unsupported path template - empty curly braces', '/{*}/shop/{}/cart', false],
  ['unsupported path template - matchOneTemplate with `*`', '/shop/{*}/cart/*', false],
  ['unsupported path template - matchOneTemplate with `**`', '/shop/{*}/cart/**/items', false],
  ['unsupported path/path template - named var: {buzz}', '/shop/{id}/cart', false],
  ['unsupported path/path template - only named var: {buzz}', '/{id}', false],
  ['unsupported path template - matchAnyTemplate with named var: {buzz}', '/shop/{id}/cart/{**}', false],
  ['unsupported path template - matchAnyTemplate with named var: {buzz=*}', '/shop/{id=*}/cart/{**}', false],
  ['unsupported path template - matchAnyTemplate with named var: {buzz=**}', '/{*}/shop/{id=**}/cart', false],
  ['unsupported path template - matchAnyTemplate with additional chars at end', '/{*}/shop/{**}cart', false],
  ['unsupported path template - matchOneTemplate with file extension', '/{*}/shop/{*}.json', false],
  ['unsupported path template - matchOneTemplate with unmatched open curly brace', '/{*}/shop/{id', false],
  ['unsupported path template - matchOneTemplate with unmatched closed curly brace', '/{*}/shop/id}/cart', false],
  ['unsupported path template - matchOneTemplate with unmatched closed curly brace and `*`', '/{*}/shop/id}/*', false],
  ['unsupported path template - matchAnyTemplate is not the last operator in the template', '/{**}/shop/cart/{*}/items', false],
  ['unsupported path template - simple multiple matchAnyTemplates', '/{**}/{**}', false],
  ['unsupported path template - multiple matchAnyTemplates', '/{**}/shop/cart/{**}/items', false],
  ['unsupported path template - invalid literal in path template', '/{*}/shop/#top', false],
];

const CASES: Case[] = [
  ...POLICY_CASES,
  ...CONDITIONS.map(([key, values, field], n): Case => ({
    mirrors: `TestValidateCondition #${n + 1} (${key})`,
    spec: condition({ key, values }),
    verdict: field ? 'refuse' : 'accept',
    field: field && `${WHEN}.${field}`,
  })),
  ...WILDCARDS.map(([name, value, valid]): Case => ({
    mirrors: `TestCheckWildcardValues "${name}"`,
    spec: condition({ key: 'source.trustDomain', values: [value] }),
    verdict: valid ? 'accept' : 'refuse',
    field: valid ? undefined : `${WHEN}.values[0]`,
  })),
  ...TRUST_DOMAINS.map(([name, value, valid]): Case => ({
    mirrors: `TestCheckTrustDomainValues "${name}"`,
    spec: source({ trustDomains: [value] }),
    verdict: valid ? 'accept' : 'refuse',
    field: valid ? undefined : `${SOURCE}.trustDomains[0]`,
  })),
  ...PATHS.map(([name, value, valid]): Case => ({
    mirrors: `TestCheckValidPathTemplate "${name}"`,
    spec: operation({ paths: [value] }),
    verdict: valid ? 'accept' : 'refuse',
    field: valid ? undefined : `${OPERATION}.paths[0]`,
  })),
];

describe.each(CASES)('$mirrors', ({ spec, verdict, field, annotations }) => {
  test(verdict, () => {
    const manifest = { apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: { name: 'policy', annotations }, spec };
    const findings = validateIstioMetadata(manifest).merge(validateAuthorizationPolicySpec(spec));
    expect({ verdict: verdictOf(findings), messages: findings.messages }).toEqual({ verdict, messages: expect.anything() });
    if (field) expect(findings.messages.join('\n')).toContain(`'${field}'`);
  });
});

test('hand-written YAML of any shape is reported, never thrown on', () => {
  const junk = [null, 'ALLOW', [], 7, { action: {} }, { rules: 'all' }, { rules: [null, 'x', { from: 'x', to: [1], when: [null, { key: 5, values: 'x' }] }] },
    { selector: [], targetRef: 'gw', targetRefs: [null, { kind: 3 }] }, { rules: [{ from: [{ source: { principals: [{}], serviceAccounts: 'web' } }] }] },
    { action: 'CUSTOM', provider: 'opa', rules: [{ when: [{ key: {}, values: [null] }] }] }];
  for (const spec of junk) expect(() => validateAuthorizationPolicySpec(spec)).not.toThrow();
  expect(verdictOf(validateAuthorizationPolicySpec({ rules: [{ to: [{ operation: { ports: [8080] } }] }] }))).toBe('refuse');
});

test('cases mirrored', () => {
  const count = (test: string) => new Set(CASES.filter((c) => c.mirrors.startsWith(test)).map((c) => c.mirrors)).size;
  expect(count(`${T} `)).toBe(67);
  expect(count('TestValidateCondition ')).toBe(38);
  expect(count('TestCheckWildcardValues ')).toBe(7);
  expect(count('TestCheckTrustDomainValues ')).toBe(7);
  expect(count('TestCheckValidPathTemplate ')).toBe(22);
});
