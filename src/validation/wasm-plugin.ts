import { Findings } from './findings';
import { goParseRequestUri, goUrlParse } from './go-url';
import { checkPolicyTargets, textAt } from './policy-targets';
import { asList, asRecord, isRecord } from './shape';

// Istio 1.30.3's admission rules for WasmPlugin (pkg/config/validation ValidateWasmPlugin):
// the selector / targetRef / targetRefs one-of, validateWorkloadSelector,
// validatePolicyTargetReference(s), then validateWasmPluginURL (strictParseURL over Go's
// net/url, Go 1.25: ./go-url), validateWasmPluginSHA, validateWasmPluginImagePullSecret,
// validateWasmPluginName, validateWasmPluginVMConfig and validateWasmPluginMatch. Istio stops at
// the first problem of each rule; every problem is reported here. Lengths are in bytes, as Go's
// len() counts them. The spec is hand-written YAML: values of the wrong type are reported, never
// thrown on.

/** The URL schemes Istio accepts for a Wasm module ("" is read as oci). */
const WASM_SCHEMES = ['', 'file', 'http', 'https', 'oci'];
const MAX_IMAGE_PULL_SECRET = 253;
const MAX_NAME = 256;

/**
 * Istio's strictParseURL: ParseRequestURI, else the same with "http://" in front (a host and
 * path without scheme); the URL used must also pass url.Parse. The scheme, or why it fails.
 */
export function strictParseUrl(raw: string): { readonly scheme: string } | string {
  const direct = goParseRequestUri(raw);
  const url = typeof direct === 'string' ? `http://${raw}` : raw;
  const parsed = typeof direct === 'string' ? goParseRequestUri(url) : direct;
  if (typeof parsed === 'string') return direct;
  const strict = goUrlParse(url);
  return typeof strict === 'string' ? strict : { scheme: parsed.scheme };
}

// ---------------------------------------------------------------------------------------------

/** Istio's admission rules for a WasmPlugin spec. */
export function validateWasmPluginSpec(spec: any): Findings {
  const f = new Findings();
  if (!isRecord(spec)) return f;
  checkPolicyTargets(f, spec);
  checkUrl(f, spec.url);
  const sha = textAt(f, 'spec.sha256', spec.sha256);
  if (sha) {
    if (sha.length !== 64) f.error('spec.sha256', sha, `must be 64 characters long (it has ${sha.length})`, 'give the SHA-256 of the module as 64 lower-case hex digits');
    else if (!/^[a-f0-9]{64}$/.test(sha)) f.error('spec.sha256', sha, 'must match [a-f0-9]{64}', 'write the checksum in lower-case hex digits');
  }
  const secret = textAt(f, 'spec.imagePullSecret', spec.imagePullSecret);
  if (secret && Buffer.byteLength(secret) > MAX_IMAGE_PULL_SECRET) {
    f.error('spec.imagePullSecret', secret, `must be at most ${MAX_IMAGE_PULL_SECRET} bytes long`, 'give the name of a Secret in the namespace of the WasmPlugin');
  }
  const pluginName = textAt(f, 'spec.pluginName', spec.pluginName);
  if (pluginName && Buffer.byteLength(pluginName) > MAX_NAME) {
    f.error('spec.pluginName', pluginName, `must be at most ${MAX_NAME} bytes long`, 'give the root ID the module expects');
  }
  checkVmConfig(f, spec.vmConfig);
  checkMatch(f, spec.match);
  return f;
}

/** validateWasmPluginURL: set, a URL strictParseURL reads, with a scheme Istio can fetch from. */
function checkUrl(f: Findings, value: unknown): void {
  const url = textAt(f, 'spec.url', value);
  if (url === undefined) return;
  if (url === '') {
    f.error('spec.url', value, 'must be set', 'give the module\'s URL: oci://registry/image@sha256:<digest>, https://host/module.wasm or file:///path/module.wasm');
    return;
  }
  const parsed = strictParseUrl(url);
  if (typeof parsed === 'string') {
    f.error('spec.url', url, `must be a URL Go's url parser reads (the URL ${parsed})`, 'escape the offending characters, or fix the host and port');
  } else if (!WASM_SCHEMES.includes(parsed.scheme)) {
    f.error('spec.url', url, `must use the oci, https, http or file scheme, not "${parsed.scheme}"`,
      'write oci://registry/image@sha256:<digest> for an OCI image (a "host:port/..." URL needs the oci:// in front), https://... or file://...');
  }
}

/** validateWasmPluginVMConfig: each env variable named, uniquely, with a value only when INLINE. */
function checkVmConfig(f: Findings, vmConfig: unknown): void {
  if (!asRecord(f, 'spec.vmConfig', vmConfig)) return;
  const names = new Set<string>();
  asList(f, 'spec.vmConfig.env', vmConfig.env).forEach((env, i) => {
    const field = `spec.vmConfig.env[${i}]`;
    if (env === null || env === undefined || !asRecord(f, field, env)) return;
    const name = textAt(f, `${field}.name`, env.name);
    if (name === '') f.error(`${field}.name`, env.name, 'must be set', 'name the environment variable');
    if (name && Buffer.byteLength(name) > MAX_NAME) f.error(`${field}.name`, name, `must be at most ${MAX_NAME} bytes long`, 'shorten the name');
    if (name) {
      if (names.has(name)) f.error(`${field}.name`, name, 'must be unique: another env entry has this name', 'remove one of them');
      names.add(name);
    }
    const inline = env.valueFrom === undefined || env.valueFrom === null || env.valueFrom === 'INLINE' || env.valueFrom === 0;
    const value = textAt(f, `${field}.value`, env.value);
    if (!inline && value) {
      f.error(`${field}.value`, value, `may only be set when valueFrom is INLINE (it is ${String(env.valueFrom)})`,
        'remove the value to read the proxy\'s own environment variable, or remove valueFrom to give the value inline');
    }
  });
}

/** validateWasmPluginMatch: no empty selectors or ports, port numbers 1-65535. */
function checkMatch(f: Findings, match: unknown): void {
  asList(f, 'spec.match', match).forEach((selector, i) => {
    const field = `spec.match[${i}]`;
    if (selector === null || selector === undefined) {
      f.error(field, selector, 'must not be empty (null)', 'give a mode and ports, or remove the entry');
      return;
    }
    if (!asRecord(f, field, selector)) return;
    asList(f, `${field}.ports`, selector.ports).forEach((port, j) => {
      const portField = `${field}.ports[${j}]`;
      if (port === null || port === undefined) {
        f.error(portField, port, 'must not be empty (null)', 'give {number: <port>}, or remove the entry');
        return;
      }
      if (!asRecord(f, portField, port)) return;
      const number = port.number ?? 0;
      if (typeof number !== 'number' || !Number.isInteger(number) || number <= 0 || number > 65535) {
        f.error(`${portField}.number`, port.number, 'must be a port number from 1 to 65535', 'give the destination port the plugin applies to');
      }
    });
  });
}
