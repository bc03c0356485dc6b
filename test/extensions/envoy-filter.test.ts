import { Testing } from 'cdk8s';
import {
  EnvoyConfigPatch, EnvoyFilter, EnvoyFilterApplyTo, EnvoyFilterClass, EnvoyFilterContext, EnvoyFilterOperation, EnvoyFilterProps,
  IstioAnalyzer, PolicyTarget,
} from '../../src';
import { only, synthError, synthValid } from '../support/schema';

const HCM = 'envoy.filters.network.http_connection_manager';
const ROUTER = 'envoy.filters.http.router';
const LUA_TYPE = 'type.googleapis.com/envoy.extensions.filters.http.lua.v3.Lua';
const ISTIO_1_30 = '^1\\.30\\.';

/** An HTTP filter inserted before the router of the inbound HTTP connection managers. */
function luaBeforeRouter(code = 'function envoy_on_request(h) h:headers():add("x-shop", "1") end'): EnvoyConfigPatch {
  return {
    applyTo: EnvoyFilterApplyTo.HTTP_FILTER,
    match: {
      context: EnvoyFilterContext.SIDECAR_INBOUND,
      listener: { filterChain: { filter: { name: HCM, subFilter: { name: ROUTER } } } },
    },
    patch: {
      operation: EnvoyFilterOperation.INSERT_BEFORE,
      value: { name: 'shop.lua', typed_config: { '@type': LUA_TYPE, 'defaultSourceCode': { inlineString: code } } },
    },
  };
}

function build(props: EnvoyFilterProps): EnvoyFilter {
  return new EnvoyFilter(Testing.chart(), 'ef', props);
}

describe('EnvoyFilter', () => {
  test('a Lua filter before the router, pinned to one Istio version', () => {
    const chart = Testing.chart();
    new EnvoyFilter(chart, 'ef', {
      metadata: { name: 'shop-lua' },
      workloadSelector: { app: 'shop' },
      priority: 10,
      proxyVersion: ISTIO_1_30,
      configPatches: [luaBeforeRouter()],
    });
    const ef = only(synthValid(chart), 'EnvoyFilter');
    expect(ef.apiVersion).toBe('networking.istio.io/v1alpha3');
    expect(ef.spec).toEqual({
      workloadSelector: { labels: { app: 'shop' } },
      priority: 10,
      configPatches: [{
        applyTo: 'HTTP_FILTER',
        match: {
          context: 'SIDECAR_INBOUND',
          proxy: { proxyVersion: ISTIO_1_30 },
          listener: { filterChain: { filter: { name: HCM, subFilter: { name: ROUTER } } } },
        },
        patch: {
          operation: 'INSERT_BEFORE',
          value: { name: 'shop.lua', typed_config: { '@type': LUA_TYPE, 'defaultSourceCode': { inlineString: expect.any(String) } } },
        },
      }],
    });
    expect(ef).toMatchSnapshot();
  });

  test("the EnvoyFilter's proxyVersion goes into every patch that has none; a patch's own wins", () => {
    const chart = Testing.chart();
    const ef = new EnvoyFilter(chart, 'ef', { priority: -10, proxyVersion: ISTIO_1_30 });
    ef.addPatch({
      applyTo: EnvoyFilterApplyTo.CLUSTER,
      match: { cluster: { service: 'reviews.shop.svc.cluster.local', portNumber: 9080 } },
      patch: { operation: EnvoyFilterOperation.MERGE, value: { per_connection_buffer_limit_bytes: 32768 } },
    })
      .addPatch({ ...luaBeforeRouter(), match: { ...luaBeforeRouter().match, proxyVersion: '^1\\.30\\.3$', proxyMetadata: { ROLE: 'edge' } } });
    const spec = only(synthValid(chart), 'EnvoyFilter').spec;
    expect(spec.priority).toBe(-10);
    expect(spec.configPatches.map((p: any) => p.match.proxy)).toEqual([
      { proxyVersion: ISTIO_1_30 },
      { proxyVersion: '^1\\.30\\.3$', metadata: { ROLE: 'edge' } },
    ]);
    expect(spec.configPatches[0].match.cluster).toEqual({ service: 'reviews.shop.svc.cluster.local', portNumber: 9080 });
  });

  test('absolute operations (MERGE, ADD) need neither a priority nor a proxy version', () => {
    const chart = Testing.chart();
    new EnvoyFilter(chart, 'ef', {
      targetRefs: [PolicyTarget.gateway('ingress')],
      configPatches: [
        { applyTo: EnvoyFilterApplyTo.CLUSTER, patch: { operation: EnvoyFilterOperation.ADD, value: { name: 'ext-authz', type: 'STRICT_DNS', connect_timeout: '1s' } } },
        {
          applyTo: EnvoyFilterApplyTo.NETWORK_FILTER,
          match: { context: EnvoyFilterContext.GATEWAY, listener: { portNumber: 443, filterChain: { sni: 'shop.example.com', filter: { name: HCM } } } },
          patch: { operation: EnvoyFilterOperation.MERGE, value: { typed_config: { '@type': `type.googleapis.com/${HCM.replace('envoy.filters.network.', 'envoy.extensions.filters.network.')}.v3.HttpConnectionManager`, 'server_name': 'shop' } } },
        },
      ],
    });
    const spec = only(synthValid(chart), 'EnvoyFilter').spec;
    expect(spec.targetRefs).toEqual([{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'ingress' }]);
    expect(spec.priority).toBeUndefined();
    expect(spec.configPatches.map((p: any) => p.match?.proxy)).toEqual([undefined, undefined]);
  });

  test('allowUnversionedPatches: relative patches without a proxy version (a priority is still required)', () => {
    const chart = Testing.chart();
    new EnvoyFilter(chart, 'ef', { priority: 10, allowUnversionedPatches: true, configPatches: [luaBeforeRouter()] });
    expect(only(synthValid(chart), 'EnvoyFilter').spec.configPatches[0].match.proxy).toBeUndefined();
    expect(() => build({ allowUnversionedPatches: true, configPatches: [luaBeforeRouter()] })).toThrow(/'priority' \(0\) must be set/);
  });

  describe('refused at construction', () => {
    test('a relative operation without a priority (IST0151)', () => {
      expect(() => build({ proxyVersion: ISTIO_1_30, configPatches: [luaBeforeRouter()] })).toThrow(
        "[test/ef] 'priority' (0) must be set (non-zero) for an INSERT_BEFORE patch (configPatches[0]): Istio applies the relative patches "
        + 'of EnvoyFilters without a priority in creation order, so the filters they are relative to may not be there yet (Istio\'s '
        + 'analyzer warns: IST0151 EnvoyFilterUsesRelativeOperation); set priority, e.g. 10 (positive: after EnvoyFilters without one; '
        + 'negative: before them)');
    });

    test('a relative operation without a proxy version match', () => {
      expect(() => build({ priority: 10, configPatches: [luaBeforeRouter()] })).toThrow(
        "[test/ef] 'configPatches[0].match.proxyVersion' (unset) must be set for an INSERT_BEFORE patch: it depends on the names and "
        + 'order of the filters one Istio version generates, and without a version match it applies unchanged after an upgrade '
        + "(Istio's analyzers IST0151 and IST0155 warn about such patches); match the Istio version it was written for, e.g. "
        + "proxyVersion: '^1\\.30\\.' (on the EnvoyFilter, for all its patches), or set allowUnversionedPatches: true if you re-test "
        + 'it on every upgrade');
    });

    test.each([EnvoyFilterOperation.INSERT_FIRST, EnvoyFilterOperation.INSERT_AFTER, EnvoyFilterOperation.REPLACE, EnvoyFilterOperation.REMOVE])(
      '%s is relative too', (operation) => {
        const patch = luaBeforeRouter();
        const match = { ...patch.match, listener: { filterChain: { filter: { name: HCM, subFilter: { name: 'envoy.filters.http.cors' } } } } };
        const value = operation === EnvoyFilterOperation.REMOVE ? undefined : patch.patch.value;
        const relative = { applyTo: patch.applyTo, match, patch: { operation, value } };
        expect(() => build({ proxyVersion: ISTIO_1_30, configPatches: [relative] })).toThrow(`for a${operation.startsWith('I') ? 'n' : ''} ${operation} patch (configPatches[0])`);
        expect(() => build({ priority: 10, configPatches: [relative] })).toThrow("'configPatches[0].match.proxyVersion' (unset) must be set");
        expect(() => build({ priority: 10, proxyVersion: ISTIO_1_30, configPatches: [relative] })).not.toThrow();
      });

    test('REPLACE where Istio ignores it (IST0152)', () => {
      expect(() => build({
        priority: 10,
        proxyVersion: ISTIO_1_30,
        configPatches: [{ applyTo: EnvoyFilterApplyTo.CLUSTER, patch: { operation: EnvoyFilterOperation.REPLACE, value: { name: 'c' } } }],
      })).toThrow("[test/ef] 'configPatches[0].patch.operation' (REPLACE) is ignored on CLUSTER: Istio replaces only HTTP filters, network "
        + 'filters and virtual hosts (its analyzer reports IST0152 EnvoyFilterUsesReplaceOperationIncorrectly); use MERGE, or REMOVE and ADD');
    });

    test('ADD and REMOVE on routes (IST0153, IST0154)', () => {
      expect(() => build({
        configPatches: [{ applyTo: EnvoyFilterApplyTo.HTTP_ROUTE, patch: { operation: EnvoyFilterOperation.ADD, value: { name: 'r' } } }],
      })).toThrow("[test/ef] 'configPatches[0].patch.operation' (ADD) is ignored on HTTP_ROUTE (Istio's analyzer reports IST0153 "
        + 'EnvoyFilterUsesAddOperationIncorrectly); use MERGE to change the route, or change the routes with a VirtualService');
      expect(() => build({
        priority: 10,
        proxyVersion: ISTIO_1_30,
        configPatches: [{ applyTo: EnvoyFilterApplyTo.ROUTE_CONFIGURATION, patch: { operation: EnvoyFilterOperation.REMOVE } }],
      })).toThrow("[test/ef] 'configPatches[0].patch.operation' (REMOVE) is ignored on ROUTE_CONFIGURATION (Istio's analyzer reports "
        + 'IST0154 EnvoyFilterUsesRemoveOperationIncorrectly); use MERGE to change the route configuration, or change the routes with a VirtualService');
    });

    test('ADD of an HTTP or network filter: it lands after the terminal filter', () => {
      const add = { ...luaBeforeRouter(), patch: { ...luaBeforeRouter().patch, operation: EnvoyFilterOperation.ADD } };
      expect(() => build({ configPatches: [add] })).toThrow("[test/ef] 'configPatches[0].patch.operation' (ADD) appends the HTTP filter after "
        + 'the terminal filter (envoy.filters.http.router), and Envoy rejects the whole listener ("terminal filter ... must be the last '
        + "filter\"); use INSERT_BEFORE with match.listener.filterChain.filter.subFilter.name: 'envoy.filters.http.router' (with a priority and a proxyVersion)");
      expect(() => build({
        configPatches: [{ applyTo: EnvoyFilterApplyTo.NETWORK_FILTER, patch: { operation: EnvoyFilterOperation.ADD, value: { name: 'f', typed_config: {} } } }],
      })).toThrow('appends the network filter after the terminal filter (envoy.filters.network.http_connection_manager)');
    });

    test('INSERT_AFTER the router', () => {
      const after = { ...luaBeforeRouter(), patch: { ...luaBeforeRouter().patch, operation: EnvoyFilterOperation.INSERT_AFTER } };
      expect(() => build({ priority: 10, proxyVersion: ISTIO_1_30, configPatches: [after] })).toThrow(
        "[test/ef] 'configPatches[0].match.listener.filterChain.filter.subFilter.name' (envoy.filters.http.router) is the terminal HTTP "
        + 'filter: a filter inserted after it makes Envoy reject the whole listener; use INSERT_BEFORE it');
    });

    test('relative operations on filter lists name their filter', () => {
      const unanchored = { ...luaBeforeRouter(), match: { listener: { filterChain: { filter: { name: HCM } } } } };
      expect(() => build({ priority: 10, proxyVersion: ISTIO_1_30, configPatches: [unanchored] })).toThrow(
        "[test/ef] 'configPatches[0].match.listener.filterChain.filter.subFilter.name' (unset) must name the HTTP filter that INSERT_BEFORE "
        + 'is relative to: without it Istio inserts first; name the filter, or use INSERT_FIRST to say "first"');
      expect(() => build({
        priority: 10,
        proxyVersion: ISTIO_1_30,
        configPatches: [{
          applyTo: EnvoyFilterApplyTo.LISTENER_FILTER, match: { listener: { portNumber: 15006 } }, patch: { operation: EnvoyFilterOperation.REMOVE },
        }],
      })).toThrow("'configPatches[0].match.listener.listenerFilter' (unset) must name the listener filter that REMOVE is relative to: without it Istio changes nothing");
    });

    test('a value is required, except for REMOVE, which takes none', () => {
      expect(() => build({ configPatches: [{ applyTo: EnvoyFilterApplyTo.CLUSTER, patch: { operation: EnvoyFilterOperation.MERGE } }] })).toThrow(
        "[test/ef] 'configPatches[0].patch.value' (unset) is required for MERGE: Istio refuses a patch without a value unless it is a REMOVE; "
        + 'give the Envoy configuration to apply, as the v3 xDS API spells it');
      expect(() => build({
        priority: 10,
        proxyVersion: ISTIO_1_30,
        configPatches: [{ applyTo: EnvoyFilterApplyTo.CLUSTER, match: { cluster: { name: 'c' } }, patch: { operation: EnvoyFilterOperation.REMOVE, value: { name: 'c' } } }],
      })).toThrow("[test/ef] 'configPatches[0].patch.value' ({\"name\":\"c\"}) is ignored by REMOVE, which removes whatever the match selects; "
        + 'remove the value, and narrow the match to the object to remove');
    });

    test('a proxy version that matches every version, or is not RE2', () => {
      expect(() => build({ proxyVersion: '.*' })).toThrow("[test/ef] 'proxyVersion' (.*) matches every Istio version (it matches the empty "
        + "text), so it pins the patches to none; match the version they were written for, e.g. '^1\\.30\\.'");
      expect(() => build({ proxyVersion: '' })).toThrow("'proxyVersion' (\"\") matches every Istio version");
      expect(() => build({ configPatches: [{ ...luaBeforeRouter(), match: { proxyVersion: '^1\\.30(?=\\.)' } }] })).toThrow(
        "[test/ef] 'configPatches[0].match.proxyVersion' (^1\\.30(?=\\.)) must be an RE2 regular expression (error parsing regexp: invalid "
        + "or unsupported Perl syntax: `(?=`); write e.g. '^1\\.30\\.' (no lookarounds or backreferences)");
    });

    test('workloadSelector and targetRefs together', () => {
      expect(() => build({ workloadSelector: { app: 'shop' }, targetRefs: [PolicyTarget.gateway('ingress')] })).toThrow(
        "[test/ef] 'targetRefs' ([\"Gateway/ingress\"]) cannot be set together with workloadSelector; keep one of them");
    });

    test('a match of several object types, ports, priority', () => {
      expect(() => build({
        configPatches: [{
          applyTo: EnvoyFilterApplyTo.CLUSTER, match: { listener: {}, cluster: {} }, patch: { operation: EnvoyFilterOperation.MERGE, value: {} },
        }],
      })).toThrow("[test/ef] 'configPatches[0].match' ([\"listener\",\"cluster\"]) must match at most one of listener, routeConfiguration and cluster");
      expect(() => build({
        configPatches: [{
          applyTo: EnvoyFilterApplyTo.LISTENER, match: { listener: { portNumber: 0 } }, patch: { operation: EnvoyFilterOperation.MERGE, value: {} },
        }],
      })).toThrow("[test/ef] 'configPatches[0].match.listener.portNumber' (0) must be a port number from 1 to 65535");
      expect(() => build({ priority: 1.5 })).toThrow("[test/ef] 'priority' (1.5) must be a 32-bit integer");
    });
  });

  test('filterClass, which Istio 1.30 does not read, draws a warning', () => {
    const chart = Testing.chart();
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      const ef = new EnvoyFilter(chart, 'ef', {
        configPatches: [{ applyTo: EnvoyFilterApplyTo.CLUSTER, patch: { operation: EnvoyFilterOperation.MERGE, value: { name: 'c' }, filterClass: EnvoyFilterClass.AUTHZ } }],
      });
      expect(ef.node.metadata.map((m) => m.data)).toEqual([
        "'configPatches[0].patch.filterClass' (AUTHZ) is not read by Istio 1.30's control plane: the filter lands where the MERGE operation "
        + 'puts it; place it with INSERT_BEFORE or INSERT_AFTER a named filter instead',
      ]);
      expect(only(synthValid(chart), 'EnvoyFilter').spec.configPatches[0].patch.filterClass).toBe('AUTHZ');
    } finally {
      warn.mockRestore();
    }
  });

  describe('refused at synth', () => {
    test('an EnvoyFilter without patches', () => {
      const chart = Testing.chart();
      new EnvoyFilter(chart, 'ef');
      expect(synthError(chart)).toContain("[test/ef] 'spec.configPatches' ([]) is empty: the EnvoyFilter changes nothing; add a patch with addPatch(), or remove the EnvoyFilter");
    });

    // mirrors TestValidateEnvoyFilter "listener with sub filter match and invalid filter name"
    test("Istio's admission rules, under the construct's path", () => {
      const chart = Testing.chart();
      const patch = luaBeforeRouter();
      new EnvoyFilter(chart, 'ef', {
        priority: 10,
        proxyVersion: ISTIO_1_30,
        configPatches: [{ ...patch, match: { listener: { filterChain: { filter: { name: 'envoy.filters.network.tcp_proxy', subFilter: { name: ROUTER } } } } } }],
      });
      expect(synthError(chart)).toContain("[test/ef] 'spec.configPatches[0].match.listener.filterChain.filter.name' (envoy.filters.network.tcp_proxy) "
        + 'must be envoy.filters.network.http_connection_manager with a subFilter match');
    });

    test('what Istio accepts with a warning: an empty workload selector, a value without typed_config', () => {
      const chart = Testing.chart();
      new EnvoyFilter(chart, 'ef', {
        workloadSelector: {},
        priority: 10,
        proxyVersion: ISTIO_1_30,
        configPatches: [{ ...luaBeforeRouter(), patch: { operation: EnvoyFilterOperation.INSERT_BEFORE, value: { name: 'envoy.filters.http.cors' } } }],
      });
      const error = synthError(chart);
      expect(error).toContain("[test/ef] 'spec.workloadSelector' ({\"labels\":{}}) has no labels");
      expect(error).toContain("[test/ef] 'spec.configPatches[0].patch.value' ({\"name\":\"envoy.filters.http.cors\"}) configures envoy.filters.http.cors by name without typed_config");
    });
  });
});

describe("the construct's refusals and Istio's EnvoyFilter analyzers (IST0151-IST0155) agree", () => {
  const CODES = ['IST0151', 'IST0152', 'IST0153', 'IST0154', 'IST0155'];

  /** A match that names what each kind of object is relative to (a non-terminal filter). */
  function matchFor(applyTo: EnvoyFilterApplyTo): EnvoyConfigPatch['match'] {
    switch (applyTo) {
      case EnvoyFilterApplyTo.HTTP_FILTER: return { listener: { filterChain: { filter: { name: HCM, subFilter: { name: 'envoy.filters.http.cors' } } } } };
      case EnvoyFilterApplyTo.NETWORK_FILTER: return { listener: { filterChain: { filter: { name: 'envoy.filters.network.rbac' } } } };
      case EnvoyFilterApplyTo.LISTENER_FILTER: return { listener: { listenerFilter: 'envoy.filters.listener.tls_inspector' } };
      case EnvoyFilterApplyTo.LISTENER:
      case EnvoyFilterApplyTo.FILTER_CHAIN: return { listener: { portNumber: 8080 } };
      case EnvoyFilterApplyTo.ROUTE_CONFIGURATION:
      case EnvoyFilterApplyTo.VIRTUAL_HOST:
      case EnvoyFilterApplyTo.HTTP_ROUTE: return { routeConfiguration: { vhost: { name: 'shop.example.com:80', route: { name: 'default' } } } };
      case EnvoyFilterApplyTo.CLUSTER: return { cluster: { service: 'reviews.shop.svc.cluster.local' } };
      default: return undefined;
    }
  }

  /** The manifest the construct makes of one patch, or the refusal. */
  function attempt(applyTo: EnvoyFilterApplyTo, operation: EnvoyFilterOperation, priority: number, proxyVersion?: string): any | Error {
    const value = operation === EnvoyFilterOperation.REMOVE ? undefined : { name: 'shop.patch', typed_config: { '@type': LUA_TYPE } };
    try {
      const ef = new EnvoyFilter(Testing.chart(), 'ef', { priority, proxyVersion, configPatches: [{ applyTo, match: matchFor(applyTo), patch: { operation, value } }] });
      return ef.resource.toJson();
    } catch (e) {
      return e as Error;
    }
  }

  const combinations = Object.values(EnvoyFilterApplyTo)
    .flatMap((applyTo) => Object.values(EnvoyFilterOperation).map((operation) => ({ applyTo, operation })));

  test.each(combinations)('$operation on $applyTo', ({ applyTo, operation }) => {
    const accepted = [attempt(applyTo, operation, 0), attempt(applyTo, operation, 10), attempt(applyTo, operation, 10, ISTIO_1_30)]
      .filter((m) => !(m instanceof Error));
    for (const manifest of accepted) {
      const findings = IstioAnalyzer.analyzeManifests([manifest]).filter((f) => CODES.includes(f.code));
      expect(findings.map((f) => f.message)).toEqual([]);
    }
  });

  test('and what the analyzers flag, the construct refuses', () => {
    const flagged = combinations.filter(({ applyTo, operation }) => {
      // The same patch, written by hand with no priority: what Istio's analyzers say of it.
      const manifest = {
        apiVersion: 'networking.istio.io/v1alpha3',
        kind: 'EnvoyFilter',
        metadata: { name: 'by-hand', namespace: 'shop' },
        spec: { configPatches: [{ applyTo, match: matchFor(applyTo), patch: { operation, value: { name: 'shop.patch', typed_config: { '@type': LUA_TYPE } } } }] },
      };
      return IstioAnalyzer.analyzeManifests([manifest]).some((f) => CODES.includes(f.code));
    });
    expect(flagged.length).toBeGreaterThan(20);
    for (const { applyTo, operation } of flagged) expect(attempt(applyTo, operation, 0)).toBeInstanceOf(Error);
    // With a priority and a proxy version, only the misuses (IST0152-IST0154) stay refused.
    const misused = flagged.filter(({ applyTo, operation }) => !(attempt(applyTo, operation, 10, ISTIO_1_30) instanceof Error));
    expect(misused.every(({ operation }) => [EnvoyFilterOperation.INSERT_BEFORE, EnvoyFilterOperation.INSERT_AFTER,
      EnvoyFilterOperation.REPLACE, EnvoyFilterOperation.REMOVE].includes(operation))).toBe(true);
  });
});
