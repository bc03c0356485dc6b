import { analyze, messagesOf, reported } from './support';

// Parity with Istio 1.30.3's analyzer test grid for envoyfilter.EnvoyPatchAnalyzer
// (pkg/config/analysis/analyzers/analyzers_test.go), on inputs of our own.

const CODES = ['IST0151', 'IST0152', 'IST0153', 'IST0154', 'IST0155'];

/** An EnvoyFilter in namespace bookinfo with the given spec (YAML, indented by two). */
function envoyFilter(name: string, spec: string): string {
  return `apiVersion: networking.istio.io/v1alpha3
kind: EnvoyFilter
metadata:
  name: ${name}
  namespace: bookinfo
spec:
${spec}
---
`;
}

const HTTP_FILTER_MATCH = `    match:
      context: SIDECAR_INBOUND
      listener:
        portNumber: 9080
        filterChain:
          filter:
            name: envoy.filters.network.http_connection_manager
            subFilter:
              name: envoy.filters.http.router`;

function httpFilterPatch(operation: string, filterName: string, extraMatch = ''): string {
  return `  - applyTo: HTTP_FILTER
${HTTP_FILTER_MATCH}${extraMatch}
    patch:
      operation: ${operation}
      value:
        name: ${filterName}
        typed_config:
          "@type": type.googleapis.com/envoy.extensions.filters.http.lua.v3.Lua
          defaultSourceCode:
            inlineString: "function envoy_on_request(h) end"`;
}

const ADD_CLUSTER = `  - applyTo: CLUSTER
    match:
      context: SIDECAR_OUTBOUND
    patch:
      operation: ADD
      value:
        name: auth_cluster
        type: STRICT_DNS
        connect_timeout: 1s`;

const PROXY_VERSION = `
      proxy:
        proxyVersion: '^1\\.2[0-9].*'`;

describe('envoyfilter.EnvoyPatchAnalyzer', () => {
  test('mirrors "EnvoyFilterUsesRelativeOperation" (envoyfilter.EnvoyPatchAnalyzer)', () => {
    const findings = analyze(
      envoyFilter('test-relative-1', `  configPatches:\n${httpFilterPatch('INSERT_BEFORE', 'example.auth')}\n${ADD_CLUSTER}`)
      + envoyFilter('test-relative-2', `  configPatches:\n${httpFilterPatch('INSERT_AFTER', 'example.auth2')}\n${ADD_CLUSTER}`)
      // The first patch matches a proxy version; the second patches the same name without one.
      + envoyFilter('test-relative-3', `  configPatches:\n${httpFilterPatch('INSERT_AFTER', 'example.versioned', PROXY_VERSION)}
  - applyTo: CLUSTER
    match:
      context: SIDECAR_INBOUND
    patch:
      operation: INSERT_AFTER
      value:
        name: example.versioned`),
    );
    expect(reported(findings, ...CODES)).toEqual([
      ['IST0151', 'EnvoyFilter bookinfo/test-relative-1'],
      ['IST0151', 'EnvoyFilter bookinfo/test-relative-2'],
      ['IST0151', 'EnvoyFilter bookinfo/test-relative-3'],
      ['IST0155', 'EnvoyFilter bookinfo/test-relative-3'],
    ]);
    const relative = findings.find((f) => f.code === 'IST0151' && f.name === 'test-relative-1')!;
    expect(relative.level).toBe('Warning');
    expect(relative.message).toMatch(/^This EnvoyFilter does not have a priority and has a relative patch operation set/);
    expect(relative.message).toContain('configPatches[0] (INSERT_BEFORE on HTTP_FILTER): set spec.priority');
    expect(messagesOf(findings, 'IST0155')[0]).toMatch(/^This EnvoyFilter does not have a priority and has a relative patch operation \(NSTERT_BEFORE/);
    expect(messagesOf(findings, 'IST0155')[0]).toContain('configPatches[1] (INSERT_AFTER on CLUSTER)');
  });

  test('mirrors "EnvoyFilterFilterChainMatch" (envoyfilter.EnvoyPatchAnalyzer)', () => {
    const findings = analyze(envoyFilter('test-patch-filter-chain', `  configPatches:
  - applyTo: FILTER_CHAIN
    match:
      listener:
        filterChain:
          sni: shop.example.com
    patch:
      operation: MERGE
      value:
        transportSocket:
          name: envoy.transport_sockets.tls
          typedConfig:
            "@type": type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext
            commonTlsContext:
              alpnProtocols: [h2, http/1.1]`));
    expect(reported(findings, ...CODES)).toEqual([]);
  });

  test('mirrors "EnvoyFilterUsesAbsoluteOperation" (envoyfilter.EnvoyPatchAnalyzer)', () => {
    const findings = analyze(
      envoyFilter('test-reviews-lua-1', `  configPatches:\n${httpFilterPatch('INSERT_FIRST', 'example.auth')}\n${ADD_CLUSTER}`)
      // A relative operation with a priority.
      + envoyFilter('test-reviews-lua-2', `  priority: 10\n  configPatches:\n${httpFilterPatch('INSERT_BEFORE', 'example.auth')}\n${ADD_CLUSTER}`),
    );
    expect(reported(findings, ...CODES)).toEqual([]);
  });

  test('mirrors "EnvoyFilterUsesReplaceOperation" (envoyfilter.EnvoyPatchAnalyzer)', () => {
    const findings = analyze(
      envoyFilter('test-replace-1', `  priority: 10
  configPatches:
  - applyTo: CLUSTER
    match:
      context: SIDECAR_OUTBOUND
    patch:
      operation: REPLACE
      value:
        name: auth_cluster
        type: STRICT_DNS`)
      + envoyFilter('test-replace-2', `  priority: 10\n  configPatches:\n${httpFilterPatch('REPLACE', 'example.auth')}`)
      + envoyFilter('test-replace-3', `  configPatches:
${httpFilterPatch('REPLACE', 'example.auth', PROXY_VERSION)}
  - applyTo: HTTP_FILTER
    match:
      context: SIDECAR_INBOUND
    patch:
      operation: REPLACE
      value:
        name: example.auth
  - applyTo: NETWORK_FILTER
    match:
      context: SIDECAR_OUTBOUND
    patch:
      operation: REPLACE
      value:
        name: example.tcp
  - applyTo: VIRTUAL_HOST
    match:
      context: SIDECAR_INBOUND
      routeConfiguration:
        vhost:
          name: inbound|http|9080
    patch:
      operation: REPLACE
      value:
        name: inbound|http|9080
        domains: ['*']`),
    );
    expect(reported(findings, ...CODES)).toEqual([
      ['IST0151', 'EnvoyFilter bookinfo/test-replace-3'],
      ['IST0152', 'EnvoyFilter bookinfo/test-replace-1'],
      ['IST0155', 'EnvoyFilter bookinfo/test-replace-3'],
    ]);
    const replace = findings.find((f) => f.code === 'IST0152')!;
    expect(replace.level).toBe('Error');
    expect(replace.message).toMatch(/^The REPLACE operation is only valid for HTTP_FILTER and NETWORK_FILTER; configPatches\[0\] \(REPLACE on CLUSTER\)/);
    // Istio reports the same message once per object: the three relative patches are listed in one finding.
    expect(messagesOf(findings, 'IST0151')[0]).toContain('configPatches[0] (REPLACE on HTTP_FILTER), configPatches[2] (REPLACE on NETWORK_FILTER), '
      + 'configPatches[3] (REPLACE on VIRTUAL_HOST)');
  });

  test('mirrors "EnvoyFilterUsesAddOperation" (envoyfilter.EnvoyPatchAnalyzer)', () => {
    const extAuthz = (applyTo: string, extraMatch = '') => `  configPatches:
  - applyTo: ${applyTo}
    match:
      context: SIDECAR_INBOUND${extraMatch}
    patch:
      operation: ADD
      filterClass: AUTHZ
      value:
        name: envoy.filters.http.ext_authz
        typed_config:
          "@type": type.googleapis.com/envoy.extensions.filters.http.ext_authz.v3.ExtAuthz
          grpc_service:
            envoy_grpc:
              cluster_name: outbound|9000||authz.auth.svc.cluster.local`;
    const findings = analyze(
      envoyFilter('test-auth-1', extAuthz('HTTP_FILTER'))
      + envoyFilter('test-auth-2', extAuthz('ROUTE_CONFIGURATION'))
      + envoyFilter('test-auth-3', extAuthz('HTTP_ROUTE'))
      + envoyFilter('test-auth-4', extAuthz('HTTP_FILTER', PROXY_VERSION))
      + envoyFilter('test-auth-5', extAuthz('HTTP_FILTER')),
    );
    expect(reported(findings, ...CODES)).toEqual([
      ['IST0153', 'EnvoyFilter bookinfo/test-auth-2'],
      ['IST0153', 'EnvoyFilter bookinfo/test-auth-3'],
    ]);
    expect(messagesOf(findings, 'IST0153')[0]).toMatch(/^The ADD operation will be ignored when applyTo is set to ROUTE_CONFIGURATION, or HTTP_ROUTE; /);
  });

  test('mirrors "EnvoyFilterUsesRemoveOperation" (envoyfilter.EnvoyPatchAnalyzer)', () => {
    // Route objects are matched by route configuration: Istio's webhook refuses a listener match for them.
    const remove = (applyTo: string) => `  configPatches:
  - applyTo: ${applyTo}
    match:
      context: GATEWAY
${applyTo === 'NETWORK_FILTER' ? `      listener:
        filterChain:
          sni: shop.example.com
          filter:
            name: envoy.filters.network.http_connection_manager` : `      routeConfiguration:
        vhost:
          name: shop.example.com:443`}
    patch:
      operation: REMOVE`;
    const findings = analyze(
      envoyFilter('test-remove-1', remove('NETWORK_FILTER'))
      + envoyFilter('test-remove-2', remove('ROUTE_CONFIGURATION'))
      + envoyFilter('test-remove-3', remove('HTTP_ROUTE'))
      // No patch at all: nothing to check.
      + envoyFilter('test-remove-4', '  configPatches:\n  - applyTo: NETWORK_FILTER\n    match: {}\n    patch: {}')
      + envoyFilter('test-remove-5', '  configPatches:\n  - applyTo: NETWORK_FILTER\n    match: {}\n    patch:\n      operation: REMOVE'),
    );
    // Only the patch without an operation is refused by Istio's webhook.
    expect(reported(findings, 'IST0106')).toEqual([['IST0106', 'EnvoyFilter bookinfo/test-remove-4']]);
    expect(reported(findings, ...CODES)).toEqual([
      ['IST0151', 'EnvoyFilter bookinfo/test-remove-1'],
      ['IST0151', 'EnvoyFilter bookinfo/test-remove-5'],
      ['IST0154', 'EnvoyFilter bookinfo/test-remove-2'],
      ['IST0154', 'EnvoyFilter bookinfo/test-remove-3'],
    ]);
    expect(messagesOf(findings, 'IST0154')[0]).toMatch(/^The REMOVE operation will be ignored when applyTo is set to ROUTE_CONFIGURATION, or HTTP_ROUTE; /);
  });

  describe('beyond the grid', () => {
    test('a name patched with a proxyVersion match makes a later EnvoyFilter patching it IST0155', () => {
      const findings = analyze(
        envoyFilter('versioned', `  priority: 5\n  configPatches:\n${httpFilterPatch('INSERT_BEFORE', 'example.shared', PROXY_VERSION)}`)
        + envoyFilter('unversioned', `  configPatches:\n${httpFilterPatch('INSERT_BEFORE', 'example.shared')}`),
      );
      expect(reported(findings, ...CODES)).toEqual([['IST0155', 'EnvoyFilter bookinfo/unversioned']]);
    });

    test('without a name in the value, the filter name of the listener match is compared', () => {
      const patch = (extra: string) => `  - applyTo: NETWORK_FILTER
    match:
      listener:
        filterChain:
          filter:
            name: envoy.filters.network.tcp_proxy${extra}
    patch:
      operation: REPLACE
      value:
        typed_config:
          "@type": type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy
          stat_prefix: tcp`;
      const findings = analyze(envoyFilter('by-match', `  configPatches:\n${patch(PROXY_VERSION)}\n${patch('')}`));
      expect(reported(findings, ...CODES)).toEqual([['IST0151', 'EnvoyFilter bookinfo/by-match'], ['IST0155', 'EnvoyFilter bookinfo/by-match']]);
    });

    test('a configPatch without a patch ends the checks of the EnvoyFilter, as in Istio', () => {
      const findings = analyze(envoyFilter('cut-short', `  configPatches:
  - applyTo: CLUSTER
    match:
      context: SIDECAR_OUTBOUND
  - applyTo: CLUSTER
    patch:
      operation: REPLACE
      value:
        name: c`));
      expect(reported(findings, ...CODES)).toEqual([]);
    });

    test('valid patches are not reported: MERGE, INSERT_FIRST, ADD of filters and clusters, relative operations with a priority', () => {
      const findings = analyze(
        envoyFilter('merge-route', `  configPatches:
  - applyTo: HTTP_ROUTE
    match:
      routeConfiguration:
        vhost:
          name: shop.example.com:443
    patch:
      operation: MERGE
      value:
        route:
          timeout: 5s`)
        + envoyFilter('first', `  configPatches:\n${httpFilterPatch('INSERT_FIRST', 'example.first')}\n${ADD_CLUSTER}`)
        + envoyFilter('prioritised', `  priority: -1
  configPatches:
${httpFilterPatch('INSERT_AFTER', 'example.after', PROXY_VERSION)}
${httpFilterPatch('REPLACE', 'example.after')}
  - applyTo: LISTENER_FILTER
    patch:
      operation: REMOVE`),
      );
      expect(reported(findings, ...CODES)).toEqual([]);
    });

    test('malformed EnvoyFilters are read without throwing, and an EnvoyFilter of another API group is not checked', () => {
      // odd-2's second patch is not an object, which ends its patches; odd-3's priority is not a number (0).
      const findings = analyze(
        envoyFilter('odd-1', '  configPatches: not-a-list')
        + envoyFilter('odd-2', '  configPatches:\n  - applyTo: [HTTP_ROUTE]\n    patch: {operation: {a: 1}, value: 7}\n  - 42\n  - applyTo: HTTP_ROUTE\n    patch: {operation: ADD}')
        + envoyFilter('odd-3', '  priority: high\n  configPatches:\n  - applyTo: CLUSTER\n    patch:\n      operation: REPLACE\n      value: [1]')
        + `apiVersion: example.com/v1
kind: EnvoyFilter
metadata:
  name: lookalike
  namespace: bookinfo
spec:
  configPatches:
  - applyTo: HTTP_ROUTE
    patch:
      operation: ADD
`,
      );
      // The API server refuses them all (IST0106, the vendored CRD's schema); nothing throws.
      expect([...new Set(reported(findings, 'IST0106').map(([, object]) => object))]).toEqual(['EnvoyFilter bookinfo/odd-1', 'EnvoyFilter bookinfo/odd-2', 'EnvoyFilter bookinfo/odd-3']);
      expect(reported(findings, ...CODES)).toEqual([]);
    });
  });
});
