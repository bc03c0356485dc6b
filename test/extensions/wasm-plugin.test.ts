import { Chart, JsonPatch, Testing } from 'cdk8s';
import { Construct } from 'constructs';
import {
  extensions, PolicyTarget, WasmPlugin, WasmPluginEnvSource, WasmPluginFailStrategy, WasmPluginPhase, WasmPluginProps, WasmPluginPullPolicy,
  WasmPluginType, WasmPluginWorkloadMode,
} from '../../src';
import { only, synthError, synthValid } from '../support/schema';

const DIGEST = '9b1c4e7a2d5f8036c1e4a7d0b3f6925e8c1b4a7d0e3f6a9c2b5e8d1f4a7c0b3e';
const SHA = '5e2d8a1c4f7b0e3a6d9c2f5b8e1a4d7c0f3b6e9a2d5c8f1b4e7a0d3c6f9b2e5a';
const PINNED = `oci://registry.example.org/filters/add-header@sha256:${DIGEST}`;

function plugin(props: WasmPluginProps, chart: Chart = Testing.chart()): WasmPlugin {
  return new WasmPlugin(chart, 'wp', { metadata: { name: 'add-header' }, ...props });
}

function warnings(scope: Construct): unknown[] {
  return scope.node.metadata.filter((m) => m.type === 'cdk8s-istio:warning').map((m) => m.data);
}

/** Builds the plugin, silencing the console, and returns its warnings. */
function warningsOf(props: WasmPluginProps): unknown[] {
  const spy = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
  try {
    return warnings(plugin(props));
  } finally {
    spy.mockRestore();
  }
}

describe('WasmPlugin', () => {
  test('defaults: a pinned OCI image, Istio\'s phase, failing closed', () => {
    const chart = Testing.chart();
    const wp = plugin({ url: PINNED }, chart);
    const manifest = only(synthValid(chart), 'WasmPlugin');
    expect(manifest.apiVersion).toBe('extensions.istio.io/v1alpha1');
    expect(manifest.spec).toEqual({ url: PINNED, phase: 'UNSPECIFIED_PHASE', failStrategy: 'FAIL_CLOSE' });
    expect(wp.phase).toBe(WasmPluginPhase.UNSPECIFIED_PHASE);
    expect(wp.failStrategy).toBe(WasmPluginFailStrategy.FAIL_CLOSE);
    expect(wp.name).toBe('add-header');
    expect(warnings(wp)).toEqual([]);
    expect(manifest).toMatchSnapshot();
  });

  test('every field', () => {
    const chart = Testing.chart();
    plugin({
      url: 'https://plugins.example.org/filters/authz.wasm',
      sha256: SHA,
      imagePullPolicy: WasmPluginPullPolicy.IF_NOT_PRESENT,
      pluginName: 'authz',
      pluginConfig: { audience: 'shop', rules: [{ path: '/admin', roles: ['admin'] }], strict: true, limits: [1, null] },
      phase: WasmPluginPhase.AUTHZ,
      priority: 100,
      failStrategy: WasmPluginFailStrategy.FAIL_CLOSE,
      match: [{ mode: WasmPluginWorkloadMode.SERVER, ports: [8080, 8443] }, { mode: WasmPluginWorkloadMode.CLIENT }],
      env: [{ name: 'POD_NAME', valueFrom: WasmPluginEnvSource.HOST }, { name: 'REGION', value: 'eu-west-1' }],
      type: WasmPluginType.HTTP,
      selector: { app: 'storefront' },
    }, chart);
    // As written to the YAML file (a null in a list is kept).
    const spec = JSON.parse(JSON.stringify(only(synthValid(chart), 'WasmPlugin').spec));
    expect(spec).toEqual({
      selector: { matchLabels: { app: 'storefront' } },
      url: 'https://plugins.example.org/filters/authz.wasm',
      sha256: SHA,
      imagePullPolicy: 'IfNotPresent',
      pluginName: 'authz',
      pluginConfig: { audience: 'shop', rules: [{ path: '/admin', roles: ['admin'] }], strict: true, limits: [1, null] },
      phase: 'AUTHZ',
      priority: 100,
      failStrategy: 'FAIL_CLOSE',
      vmConfig: { env: [{ name: 'POD_NAME', valueFrom: 'HOST' }, { name: 'REGION', value: 'eu-west-1' }] },
      match: [{ mode: 'SERVER', ports: [{ number: 8080 }, { number: 8443 }] }, { mode: 'CLIENT' }],
      type: 'HTTP',
    });
  });

  test('on a Gateway API gateway, with addMatch and addEnv', () => {
    const chart = Testing.chart();
    plugin({ url: PINNED, targetRefs: [PolicyTarget.gateway('public')], imagePullSecret: 'registry-credentials' }, chart)
      .addMatch({ ports: [443] })
      .addEnv({ name: 'TIER', value: 'edge' });
    const spec = only(synthValid(chart), 'WasmPlugin').spec;
    expect(spec.targetRefs).toEqual([{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'public' }]);
    expect(spec.imagePullSecret).toBe('registry-credentials');
    expect(spec.match).toEqual([{ ports: [{ number: 443 }] }]);
    expect(spec.vmConfig).toEqual({ env: [{ name: 'TIER', value: 'edge' }] });
  });

  test('pluginConfig is copied: later changes of the object do not leak in', () => {
    const chart = Testing.chart();
    const config: { [key: string]: any } = { header: 'x-shop' };
    plugin({ url: PINNED, pluginConfig: config, pluginName: 'headers' }, chart);
    config.header = 'changed';
    expect(only(synthValid(chart), 'WasmPlugin').spec.pluginConfig).toEqual({ header: 'x-shop' });
  });

  describe('where the module comes from', () => {
    test('the scheme must be written out', () => {
      expect(() => plugin({ url: 'registry.example.org/filters/add-header:1.0' })).toThrow(
        "[test/wp] 'url' (registry.example.org/filters/add-header:1.0) must start with oci://, https://, http:// or file://; "
        + 'write oci://registry.example.org/filters/add-header:1.0 for an OCI image (Istio reads a URL without scheme as one)');
      expect(() => plugin({ url: 'ftp://plugins.example.org/a.wasm' })).toThrow("'url' (ftp://plugins.example.org/a.wasm) must start with oci://, https://, http:// or file://; use one of these schemes");
    });

    test('https and http downloads need sha256', () => {
      expect(() => plugin({ url: 'https://plugins.example.org/a.wasm' })).toThrow(
        "[test/wp] 'sha256' (unset) must be set for a module downloaded over https://: without it, whoever controls what the URL serves controls the code your proxies run; "
        + 'give the SHA-256 of the module (sha256sum module.wasm), or set allowUnverifiedDownload: true to accept an unverified module');
      expect(() => plugin({ url: 'http://plugins.example.org/a.wasm' })).toThrow("'sha256' (unset) must be set for a module downloaded over http://");
      expect(warningsOf({ url: 'http://plugins.example.org/a.wasm', sha256: SHA })).toEqual([]);
    });

    test('allowUnverifiedDownload waives the checksum, and only where one is missing', () => {
      const chart = Testing.chart();
      const wp = plugin({ url: 'https://plugins.example.org/a.wasm', allowUnverifiedDownload: true }, chart);
      expect(only(synthValid(chart), 'WasmPlugin').spec.sha256).toBeUndefined();
      expect(warnings(wp)).toEqual([]);
      expect(() => plugin({ url: 'https://plugins.example.org/a.wasm', sha256: SHA, allowUnverifiedDownload: true }))
        .toThrow("[test/wp] 'allowUnverifiedDownload' (true) has no effect: the module is verified by sha256; remove it");
      expect(() => plugin({ url: PINNED, allowUnverifiedDownload: true })).toThrow("'allowUnverifiedDownload' (true) has no effect: the image is pinned by its digest");
      expect(() => plugin({ url: 'file:///opt/filters/a.wasm', allowUnverifiedDownload: true })).toThrow("'allowUnverifiedDownload' (true) has no effect: a file:// module is not downloaded");
    });

    test('an OCI image by tag is advised to be pinned', () => {
      expect(warningsOf({ url: 'oci://registry.example.org/filters/add-header:1.2.0' })).toEqual([
        "'url' (oci://registry.example.org/filters/add-header:1.2.0) names the image by its tag 1.2.0, which is not pinned: a tag can be moved, "
        + 'so proxies that pull it later (a new pod, a cleared cache) may run another module than the others, and behaviour changes on the next pull; '
        + 'pin it with a digest (oci://...@sha256:<digest>) or sha256, or set allowUnverifiedDownload: true to accept it',
      ]);
      // A registry port is not a tag.
      expect(warningsOf({ url: 'oci://registry.example.org:5000/filters/add-header' })[0]).toContain('names no tag (so the registry serves latest), which is not pinned');
      expect(warningsOf({ url: 'oci://registry.example.org/filters/add-header:1.2.0', sha256: SHA })).toEqual([]);
      expect(warningsOf({ url: 'oci://registry.example.org/filters/add-header:1.2.0', allowUnverifiedDownload: true })).toEqual([]);
    });

    test('an OCI image by tag pulled Always is warned about, waiver or not', () => {
      const always = "'url' (oci://registry.example.org/filters/add-header:1.2.0) names the image by its tag 1.2.0 and the pull policy is Always: "
        + 'every change of this WasmPlugin, even of its metadata, pulls the tag again, so the proxies run whatever the tag points to at that moment; '
        + 'pin it with a digest (oci://...@sha256:<digest>) or sha256, or use IfNotPresent';
      expect(warningsOf({ url: 'oci://registry.example.org/filters/add-header:1.2.0', imagePullPolicy: WasmPluginPullPolicy.ALWAYS })).toEqual([always]);
      expect(warningsOf({ url: 'oci://registry.example.org/filters/add-header:1.2.0', imagePullPolicy: WasmPluginPullPolicy.ALWAYS, allowUnverifiedDownload: true }))
        .toEqual([always]);
      // Istio pulls `latest` Always unless told otherwise.
      expect(warningsOf({ url: 'oci://registry.example.org/filters/add-header:latest' })[0])
        .toContain("and the pull policy is Always (Istio's default for latest): every change of this WasmPlugin");
      expect(warningsOf({ url: 'oci://registry.example.org/filters/add-header:latest', imagePullPolicy: WasmPluginPullPolicy.IF_NOT_PRESENT })[0])
        .toContain('which is not pinned');
      expect(warningsOf({ url: PINNED, imagePullPolicy: WasmPluginPullPolicy.ALWAYS })).toEqual([]);
    });

    test('an OCI digest must be well formed, and agree with sha256', () => {
      expect(() => plugin({ url: 'oci://registry.example.org/filters/add-header@sha256:9b1c' })).toThrow(
        "[test/wp] 'url' (oci://registry.example.org/filters/add-header@sha256:9b1c) must have a digest of the form @sha256:<64 lower-case hex digits> after \"@\"");
      expect(() => plugin({ url: PINNED, sha256: SHA })).toThrow(`[test/wp] 'sha256' (${SHA}) must be the digest of the url (${DIGEST}): the proxy would refuse the image; remove sha256, or make the two the same`);
      expect(warningsOf({ url: PINNED, sha256: DIGEST })).toEqual([]);
    });

    test('settings that have no effect on the module are refused', () => {
      expect(() => plugin({ url: 'https://plugins.example.org/a.wasm', sha256: SHA, imagePullSecret: 'registry-credentials' }))
        .toThrow("[test/wp] 'imagePullSecret' (registry-credentials) is only used to pull oci:// images, not https:// modules; remove it");
      expect(() => plugin({ url: 'file:///opt/filters/a.wasm', imagePullPolicy: WasmPluginPullPolicy.ALWAYS }))
        .toThrow("[test/wp] 'imagePullPolicy' (Always) has no effect on a file:// module; remove it");
    });

    test('a file:// module: no checksum needed, and a checksum is not checked', () => {
      const chart = Testing.chart();
      plugin({ url: 'file:///opt/filters/a.wasm' }, chart);
      expect(only(synthValid(chart), 'WasmPlugin').spec.url).toBe('file:///opt/filters/a.wasm');
      expect(warningsOf({ url: 'file:///opt/filters/a.wasm', sha256: SHA })).toEqual([
        "'sha256' is not checked for a file:// module: Istio hands the file to Envoy without it; remove it, or serve the module over oci:// or https:// to have it verified",
      ]);
    });
  });

  describe('props', () => {
    test('selector or targetRefs, not both', () => {
      expect(() => plugin({ url: PINNED, selector: { app: 'storefront' }, targetRefs: [PolicyTarget.gateway('public')] }))
        .toThrow("[test/wp] 'targetRefs' ([\"Gateway/public\"]) cannot be set together with selector; keep one of them");
    });

    test('priority is a 32-bit integer', () => {
      expect(() => plugin({ url: PINNED, priority: 1.5 })).toThrow("[test/wp] 'priority' (1.5) must be a 32-bit integer; give a whole number; higher runs first");
      expect(() => plugin({ url: PINNED, priority: 2 ** 31 })).toThrow("'priority' (2147483648) must be a 32-bit integer");
      const chart = Testing.chart();
      plugin({ url: PINNED, priority: -(2 ** 31) }, chart);
      expect(only(synthValid(chart), 'WasmPlugin').spec.priority).toBe(-(2 ** 31));
    });

    test('pluginConfig is JSON', () => {
      expect(() => plugin({ url: PINNED, pluginConfig: { retries: [1, NaN] } })).toThrow("[test/wp] 'pluginConfig.retries[1]' (NaN) must be a finite number; give strings, numbers, booleans, lists and objects only (null only in lists)");
      expect(() => plugin({ url: PINNED, pluginConfig: { limit: null } })).toThrow("'pluginConfig.limit' (null) would be left out of the manifest: cdk8s drops null members of objects");
      expect(() => plugin({ url: PINNED, pluginConfig: { since: new Date(0) } })).toThrow("'pluginConfig.since' (");
      expect(() => plugin({ url: PINNED, pluginConfig: { hook: () => 1 } })).toThrow("'pluginConfig.hook' (() => 1) must be a JSON value");
      const cyclic: { [key: string]: any } = {};
      cyclic.self = cyclic;
      expect(() => plugin({ url: PINNED, pluginConfig: cyclic })).toThrow("'pluginConfig.self' ([circular]) must not refer to itself");
      const chart = Testing.chart();
      plugin({ url: PINNED, pluginConfig: { header: 'x-shop', optional: undefined } }, chart);
      expect(only(synthValid(chart), 'WasmPlugin').spec.pluginConfig).toEqual({ header: 'x-shop' });
    });

    test('match: port numbers, and something to match', () => {
      expect(() => plugin({ url: PINNED, match: [{ ports: [8080, 0] }] })).toThrow("[test/wp] 'match[0].ports[1]' (0) must be a port number from 1 to 65535");
      expect(() => plugin({ url: PINNED, match: [{ mode: WasmPluginWorkloadMode.CLIENT }, {}] }))
        .toThrow("[test/wp] 'match[1]' ({}) selects all traffic, as no match at all does; give a mode or ports, or leave match out");
      expect(() => plugin({ url: PINNED, match: [{ mode: WasmPluginWorkloadMode.UNDEFINED }] })).toThrow("'match[0]' ({\"mode\":\"UNDEFINED\"}) selects all traffic");
    });

    test('match: SERVER never matches on a gateway', () => {
      expect(() => plugin({ url: PINNED, targetRefs: [PolicyTarget.gateway('public')], match: [{ mode: WasmPluginWorkloadMode.SERVER }] })).toThrow(
        "[test/wp] 'match[0].mode' (SERVER) never matches on a gateway: Istio counts all gateway traffic as CLIENT traffic; use CLIENT (or leave mode out)");
      // A waypoint (Service target) has server traffic.
      const chart = Testing.chart();
      plugin({ url: PINNED, targetRefs: [PolicyTarget.service('reviews')], match: [{ mode: WasmPluginWorkloadMode.SERVER }] }, chart);
      expect(only(synthValid(chart), 'WasmPlugin').spec.match).toEqual([{ mode: 'SERVER' }]);
    });

    test('FAIL_OPEN on an authentication or authorization plugin is advised against', () => {
      expect(warningsOf({ url: PINNED, phase: WasmPluginPhase.AUTHN, failStrategy: WasmPluginFailStrategy.FAIL_OPEN })).toEqual([
        "'failStrategy' (FAIL_OPEN) lets requests bypass this AUTHN plugin whenever it cannot be fetched or fails: "
        + 'requests then skip the authentication or authorization it does; use FAIL_CLOSE',
      ]);
      expect(warningsOf({ url: PINNED, phase: WasmPluginPhase.STATS, failStrategy: WasmPluginFailStrategy.FAIL_OPEN })).toEqual([]);
    });
  });

  describe('Istio\'s admission rules, at synth', () => {
    // mirrors TestValidateWasmPlugin "short sha"
    test('sha256 is 64 hex digits', () => {
      const chart = Testing.chart();
      plugin({ url: 'https://plugins.example.org/a.wasm', sha256: '5e2d8a1c' }, chart);
      expect(synthError(chart)).toContain("[test/wp] 'spec.sha256' (5e2d8a1c) must be 64 characters long (it has 8); give the SHA-256 of the module as 64 lower-case hex digits");
    });

    // mirrors TestValidateWasmPlugin "invalid vm config - duplicate env"
    test('env names are unique', () => {
      const chart = Testing.chart();
      plugin({ url: PINNED, env: [{ name: 'REGION', value: 'eu' }, { name: 'REGION', value: 'us' }] }, chart);
      expect(synthError(chart)).toContain("[test/wp] 'spec.vmConfig.env[1].name' (REGION) must be unique: another env entry has this name; remove one of them");
    });

    // mirrors validateWasmPluginVMConfig (value only when INLINE)
    test('a HOST variable has no value', () => {
      const chart = Testing.chart();
      plugin({ url: PINNED, env: [{ name: 'POD_NAME', valueFrom: WasmPluginEnvSource.HOST, value: 'storefront' }] }, chart);
      expect(synthError(chart)).toContain("[test/wp] 'spec.vmConfig.env[0].value' (storefront) may only be set when valueFrom is INLINE (it is HOST)");
    });

    // mirrors validateWorkloadSelector (no labels: Istio warns)
    test('an empty selector is refused (Istio warns: it selects the whole namespace)', () => {
      const chart = Testing.chart();
      plugin({ url: PINNED, selector: {} }, chart);
      expect(synthError(chart)).toContain("[test/wp] 'spec.selector' ({}) has no labels, so it selects every workload of the namespace");
    });

    test('escape-hatch patches are checked too', () => {
      const chart = Testing.chart();
      plugin({ url: PINNED }, chart).resource.addJsonPatch(JsonPatch.replace('/spec/url', 'gopher://mirror.example.org/a.wasm'));
      expect(synthError(chart)).toContain("[test/wp] 'spec.url' (gopher://mirror.example.org/a.wasm) must use the oci, https, http or file scheme, not \"gopher\"");
    });

    test('the analyzer checks WasmPlugins not built by the L2 (IST0106)', () => {
      const chart = Testing.chart();
      plugin({ url: PINNED }, chart); // any library construct attaches the analyzer
      new extensions.WasmPlugin(chart, 'raw', { metadata: { name: 'raw' }, spec: { url: PINNED, sha256: 'short' } });
      expect(synthError(chart)).toContain("[test/raw] IST0106: 'spec.sha256' (short) must be 64 characters long (it has 5)");
    });
  });
});
