import { verdictOf, WebhookCase } from './verdict';
import { validateEnvoyFilterSpec } from '../../src/validation/envoy-filter';

// One row per case of Istio 1.30.3's TestValidateEnvoyFilter and TestRecurseMissingTypedConfig
// (pkg/config/validation/envoyfilter), with inputs of our own that exercise the same rule.

const HCM = 'envoy.filters.network.http_connection_manager';
const LUA = 'type.googleapis.com/envoy.extensions.filters.http.lua.v3.Lua';

const CASES: WebhookCase[] = [
  { mirrors: 'TestValidateEnvoyFilter "empty filters"', spec: {}, verdict: 'accept' },
  {
    mirrors: 'TestValidateEnvoyFilter "labels not defined in workload selector"',
    spec: { workloadSelector: {} },
    verdict: 'warn',
    field: 'spec.workloadSelector',
  },
  { mirrors: 'TestValidateEnvoyFilter "invalid applyTo"', spec: { configPatches: [{ patch: { operation: 'MERGE', value: {} } }] }, verdict: 'refuse', field: 'spec.configPatches[0].applyTo' },
  { mirrors: 'TestValidateEnvoyFilter "nil patch"', spec: { configPatches: [{ applyTo: 'CLUSTER' }] }, verdict: 'refuse', field: 'spec.configPatches[0].patch' },
  {
    mirrors: 'TestValidateEnvoyFilter "invalid patch operation"',
    spec: { configPatches: [{ applyTo: 'CLUSTER', patch: { value: { name: 'c' } } }] },
    verdict: 'refuse',
    field: 'spec.configPatches[0].patch.operation',
  },
  {
    mirrors: 'TestValidateEnvoyFilter "nil patch value"',
    spec: { configPatches: [{ applyTo: 'CLUSTER', patch: { operation: 'MERGE' } }] },
    verdict: 'refuse',
    field: 'spec.configPatches[0].patch.value',
  },
  {
    mirrors: 'TestValidateEnvoyFilter "match with invalid regex"',
    spec: { configPatches: [{ applyTo: 'CLUSTER', match: { proxy: { proxyVersion: '^1\\.30(?!\\.0)' } }, patch: { operation: 'REMOVE' } }] },
    verdict: 'refuse',
    field: 'spec.configPatches[0].match.proxy.proxyVersion',
  },
  {
    mirrors: 'TestValidateEnvoyFilter "match with valid regex"',
    spec: { configPatches: [{ applyTo: 'CLUSTER', match: { proxy: { proxyVersion: '^1\\.30\\.[0-9]+$' } }, patch: { operation: 'REMOVE' } }] },
    verdict: 'accept',
  },
  {
    mirrors: 'TestValidateEnvoyFilter "listener with invalid match"',
    spec: { configPatches: [{ applyTo: 'FILTER_CHAIN', match: { routeConfiguration: { name: 'http_proxy' } }, patch: { operation: 'REMOVE' } }] },
    verdict: 'refuse',
    field: 'spec.configPatches[0].match',
  },
  {
    mirrors: 'TestValidateEnvoyFilter "listener with invalid filter match"',
    spec: {
      configPatches: [{
        applyTo: 'HTTP_FILTER',
        match: { listener: { portNumber: 8080, filterChain: { transportProtocol: 'tls', filter: { subFilter: { name: 'envoy.filters.http.router' } } } } },
        patch: { operation: 'REMOVE' },
      }],
    },
    verdict: 'refuse',
    field: 'spec.configPatches[0].match.listener.filterChain.filter.name',
  },
  {
    mirrors: 'TestValidateEnvoyFilter "listener with sub filter match and invalid applyTo"',
    spec: {
      configPatches: [{
        applyTo: 'NETWORK_FILTER',
        match: { listener: { filterChain: { filter: { name: HCM, subFilter: { name: 'envoy.filters.http.cors' } } } } },
        patch: { operation: 'REMOVE' },
      }],
    },
    verdict: 'refuse',
    field: 'spec.configPatches[0].match.listener.filterChain.filter.subFilter',
  },
  {
    mirrors: 'TestValidateEnvoyFilter "listener with sub filter match and invalid filter name"',
    spec: {
      configPatches: [{
        applyTo: 'HTTP_FILTER',
        match: { listener: { filterChain: { filter: { name: 'envoy.filters.network.tcp_proxy', subFilter: { name: 'envoy.filters.http.cors' } } } } },
        patch: { operation: 'REMOVE' },
      }],
    },
    verdict: 'refuse',
    field: 'spec.configPatches[0].match.listener.filterChain.filter.name',
  },
  {
    mirrors: 'TestValidateEnvoyFilter "listener with sub filter match and no sub filter name"',
    spec: {
      configPatches: [{
        applyTo: 'HTTP_FILTER',
        match: { listener: { filterChain: { filter: { name: HCM, subFilter: { name: '' } } } } },
        patch: { operation: 'REMOVE' },
      }],
    },
    verdict: 'refuse',
    field: 'spec.configPatches[0].match.listener.filterChain.filter.subFilter.name',
  },
  {
    mirrors: 'TestValidateEnvoyFilter "route configuration with invalid match"',
    spec: { configPatches: [{ applyTo: 'HTTP_ROUTE', match: { listener: { portNumber: 80 } }, patch: { operation: 'MERGE', value: { decorator: { operation: 'x' } } } }] },
    verdict: 'refuse',
    field: 'spec.configPatches[0].match',
  },
  {
    mirrors: 'TestValidateEnvoyFilter "cluster with invalid match"',
    spec: { configPatches: [{ applyTo: 'CLUSTER', match: { routeConfiguration: {} }, patch: { operation: 'REMOVE' } }] },
    verdict: 'refuse',
    field: 'spec.configPatches[0].match',
  },
  {
    mirrors: 'TestValidateEnvoyFilter "invalid patch value"',
    spec: { configPatches: [{ applyTo: 'LISTENER', match: { listener: { portNumber: 15001 } }, patch: { operation: 'MERGE', value: { name: 15001 } } }] },
    verdict: 'refuse',
    field: 'spec.configPatches[0].patch.value.name',
  },
  {
    mirrors: 'TestValidateEnvoyFilter "happy config"',
    spec: {
      configPatches: [
        { applyTo: 'CLUSTER', match: { cluster: { service: 'reviews.shop.svc.cluster.local' } }, patch: { operation: 'MERGE', value: { lb_policy: 'LEAST_REQUEST' } } },
        {
          applyTo: 'HTTP_FILTER',
          match: { listener: { filterChain: { filter: { name: HCM, subFilter: { name: 'envoy.filters.http.router' } } } } },
          patch: { operation: 'INSERT_BEFORE', value: { name: 'shop.lua', typed_config: { '@type': LUA } } },
        },
        {
          applyTo: 'NETWORK_FILTER',
          match: { listener: { filterChain: { name: 'tcp-chain' } } },
          patch: { operation: 'INSERT_FIRST', value: { typed_config: { '@type': 'type.googleapis.com/envoy.extensions.filters.network.rbac.v3.RBAC' } } },
        },
      ],
    },
    verdict: 'accept',
  },
  {
    mirrors: 'TestValidateEnvoyFilter "deprecated config"',
    spec: {
      configPatches: [{
        applyTo: 'HTTP_FILTER',
        match: { listener: { filterChain: { filter: { name: HCM } } } },
        patch: { operation: 'INSERT_FIRST', value: { name: 'old.auth', typed_config: { '@type': 'type.googleapis.com/envoy.config.filter.http.ext_authz.v2.ExtAuthz' } } },
      }],
    },
    verdict: 'refuse',
    field: 'spec.configPatches[0].patch.value.typed_config.@type',
  },
  {
    mirrors: 'TestValidateEnvoyFilter "deprecated type"',
    spec: {
      configPatches: [{
        applyTo: 'NETWORK_FILTER',
        match: { listener: { filterChain: { filter: { name: 'envoy.tcp_proxy' } } } },
        patch: { operation: 'MERGE', value: { typed_config: { '@type': 'type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy' } } },
      }],
    },
    verdict: 'warn',
    field: 'spec.configPatches[0].match.listener.filterChain.filter.name',
  },
  {
    mirrors: 'TestValidateEnvoyFilter "duration marshal"',
    spec: { configPatches: [{ applyTo: 'CLUSTER', patch: { operation: 'ADD', value: { name: 'ext-auth', connect_timeout: '250ms' } } }] },
    verdict: 'accept',
  },
  {
    mirrors: 'TestRecurseMissingTypedConfig "typed config set"',
    spec: {
      configPatches: [{
        applyTo: 'NETWORK_FILTER',
        match: { listener: { filterChain: { filter: { name: HCM } } } },
        patch: {
          operation: 'INSERT_BEFORE',
          value: { name: 'envoy.filters.network.tcp_proxy', typed_config: { '@type': 'type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy' } },
        },
      }],
    },
    verdict: 'accept',
  },
  {
    mirrors: 'TestRecurseMissingTypedConfig "config discovery set"',
    spec: {
      configPatches: [{
        applyTo: 'HTTP_FILTER',
        match: { listener: { filterChain: { filter: { name: HCM, subFilter: { name: 'envoy.filters.http.router' } } } } },
        patch: { operation: 'INSERT_BEFORE', value: { name: 'shop.ecds', config_discovery: { type_urls: [LUA] } } },
      }],
    },
    verdict: 'accept',
  },
  {
    mirrors: 'TestRecurseMissingTypedConfig "typed config not set"',
    spec: {
      configPatches: [{
        applyTo: 'NETWORK_FILTER',
        match: { listener: { filterChain: { filter: { name: HCM } } } },
        patch: { operation: 'INSERT_BEFORE', value: { name: 'envoy.filters.network.tcp_proxy' } },
      }],
    },
    verdict: 'warn',
    field: 'spec.configPatches[0].patch.value',
  },
  // Rules of validateEnvoyFilter and ValidateAlphaWorkloadSelector without a case in the tables (written from the source):
  { mirrors: 'ValidateAlphaWorkloadSelector wildcard', spec: { workloadSelector: { labels: { app: 'shop-*' } } }, verdict: 'refuse', field: 'spec.workloadSelector.labels' },
  { mirrors: 'ValidateAlphaWorkloadSelector empty key', spec: { workloadSelector: { labels: { '': 'shop' } } }, verdict: 'refuse', field: 'spec.workloadSelector.labels' },
  { mirrors: 'validateEnvoyFilter null config patch', spec: { configPatches: [null] }, verdict: 'refuse', field: 'spec.configPatches[0]' },
  {
    mirrors: 'validateEnvoyFilter waypoint patches are not validated',
    spec: { configPatches: [{ match: { context: 'WAYPOINT', waypoint: { portNumber: 8080 } } }] },
    verdict: 'accept',
  },
  {
    mirrors: 'validateEnvoyFilter filter match with applyTo LISTENER (a warning)',
    spec: { configPatches: [{ applyTo: 'LISTENER', match: { listener: { filterChain: { filter: { name: HCM } } } }, patch: { operation: 'MERGE', value: { per_connection_buffer_limit_bytes: 32768 } } }] },
    verdict: 'warn',
    field: 'spec.configPatches[0].match.listener.filterChain.filter',
  },
  {
    mirrors: 'validateListenerMatchName deprecated sub-filter name',
    spec: {
      configPatches: [{
        applyTo: 'HTTP_FILTER',
        match: { listener: { filterChain: { filter: { name: HCM, subFilter: { name: 'envoy.router' } } } } },
        patch: { operation: 'INSERT_BEFORE', value: { name: 'shop.lua', typed_config: { '@type': LUA } } },
      }],
    },
    verdict: 'warn',
    field: 'spec.configPatches[0].match.listener.filterChain.filter.subFilter.name',
  },
  {
    mirrors: 'BuildXDSObjectFromStruct typed config without @type',
    spec: { configPatches: [{ applyTo: 'EXTENSION_CONFIG', patch: { operation: 'ADD', value: { name: 'shop.lua', typed_config: { defaultSourceCode: { inlineString: 'x' } } } } }] },
    verdict: 'refuse',
    field: 'spec.configPatches[0].patch.value.typed_config',
  },
  {
    mirrors: 'BuildXDSObjectFromStruct typed config without @type, even empty',
    spec: { configPatches: [{ applyTo: 'LISTENER_FILTER', patch: { operation: 'INSERT_FIRST', value: { name: 'shop.inspector', typedConfig: {} } } }] },
    verdict: 'refuse',
    field: 'spec.configPatches[0].patch.value.typedConfig',
  },
  {
    mirrors: 'BuildXDSObjectFromStruct unregistered Envoy API version',
    spec: {
      configPatches: [{
        applyTo: 'CLUSTER',
        patch: {
          operation: 'ADD',
          value: { name: 'c', transport_socket: { name: 'tls', typed_config: { '@type': 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v4alpha.UpstreamTlsContext' } } },
        },
      }],
    },
    verdict: 'refuse',
    field: 'spec.configPatches[0].patch.value.transport_socket.typed_config.@type',
  },
  {
    mirrors: 'recurseMissingTypedConfig transport socket without typed_config',
    spec: { configPatches: [{ applyTo: 'CLUSTER', patch: { operation: 'ADD', value: { name: 'c', transport_socket: { name: 'envoy.transport_sockets.tls' } } } }] },
    verdict: 'warn',
    field: 'spec.configPatches[0].patch.value.transport_socket',
  },
  {
    mirrors: 'BuildXDSObjectFromStruct types outside Envoy are not judged',
    spec: {
      configPatches: [{
        applyTo: 'HTTP_FILTER',
        match: { listener: { filterChain: { filter: { name: HCM, subFilter: { name: 'envoy.filters.http.router' } } } } },
        patch: { operation: 'INSERT_BEFORE', value: { name: 'shop.wasm', typed_config: { '@type': 'type.googleapis.com/udpa.type.v1.TypedStruct', 'type_url': 'x', 'value': {} } } },
      }],
    },
    verdict: 'accept',
  },
];

describe.each(CASES)('$mirrors', ({ spec, verdict, field }) => {
  test(verdict, () => {
    const findings = validateEnvoyFilterSpec(spec);
    expect({ verdict: verdictOf(findings), messages: findings.messages }).toEqual({ verdict, messages: expect.anything() });
    if (field) expect(findings.messages.join('\n')).toContain(`'${field}'`);
  });
});

test('messages name the field, the value and the fix', () => {
  const findings = validateEnvoyFilterSpec(CASES.find((c) => c.mirrors.endsWith('"deprecated config"'))!.spec);
  expect(findings.messages).toEqual([
    "'spec.configPatches[0].patch.value.typed_config.@type' (type.googleapis.com/envoy.config.filter.http.ext_authz.v2.ExtAuthz) is a type Istio "
    + "does not know: Envoy's v2 API was removed; use the v3 xDS API type (e.g. envoy.extensions.filters.network.ext_authz.v3.ExtAuthz for "
    + 'envoy.config.filter.network.ext_authz.v2.ExtAuthz)',
  ]);
  expect(validateEnvoyFilterSpec(CASES[1].spec).messages).toEqual([
    "'spec.workloadSelector' ({}) has no labels, so the EnvoyFilter applies to every workload of the namespace; give the labels of the workloads, "
    + 'or remove workloadSelector (Istio accepts this with a warning)',
  ]);
});

test('untrusted input: wrong shapes are reported, never thrown on', () => {
  for (const spec of [null, 'x', { configPatches: 'x' }, { configPatches: [1, 'x', []] }, { workloadSelector: 'x' },
    { configPatches: [{ applyTo: 'CLUSTER', patch: { operation: 'ADD', value: 'x' } }] },
    { configPatches: [{ applyTo: 'CLUSTER', patch: { operation: 'ADD', value: { a: { '@type': 5 } } } }] }]) {
    expect(() => validateEnvoyFilterSpec(spec)).not.toThrow();
  }
  expect(verdictOf(validateEnvoyFilterSpec({ configPatches: [{ applyTo: 'CLUSTER', patch: { operation: 'ADD', value: 'x' } }] }))).toBe('refuse');
});

test('cases mirrored', () => {
  expect(CASES.filter((c) => c.mirrors.startsWith('TestValidateEnvoyFilter'))).toHaveLength(20);
  expect(CASES.filter((c) => c.mirrors.startsWith('TestRecurseMissingTypedConfig'))).toHaveLength(3);
});
