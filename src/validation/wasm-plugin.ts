import { isIP } from 'net';
import { Findings } from './findings';
import { checkPolicyTargets, textAt } from './policy-targets';
import { asList, asRecord, isRecord } from './shape';

// Istio 1.30.3's admission rules for WasmPlugin (pkg/config/validation ValidateWasmPlugin):
// the selector / targetRef / targetRefs one-of, validateWorkloadSelector,
// validatePolicyTargetReference(s), then validateWasmPluginURL (strictParseURL over Go's
// net/url, Go 1.25), validateWasmPluginSHA, validateWasmPluginImagePullSecret,
// validateWasmPluginName, validateWasmPluginVMConfig and validateWasmPluginMatch. Istio stops at
// the first problem of each rule; every problem is reported here. Lengths are in bytes, as Go's
// len() counts them. The spec is hand-written YAML: values of the wrong type are reported, never
// thrown on.

/** The URL schemes Istio accepts for a Wasm module ("" is read as oci). */
const WASM_SCHEMES = ['', 'file', 'http', 'https', 'oci'];
const MAX_IMAGE_PULL_SECRET = 253;
const MAX_NAME = 256;

// ---------------------------------------------------------------------------------------------
// Go's net/url (Go 1.25): url.Parse and url.ParseRequestURI, error paths only.

type Parsed = { readonly scheme: string } | string;

const HOST_PUNCTUATION = "-_.~!$&'()*+,;=:[]<>\"";
const USERINFO_PUNCTUATION = "-._:~!$&'()*+,;=%@";
const isAlnum = (c: string) => /^[A-Za-z0-9]$/.test(c);
const isHex = (c: string | undefined) => c !== undefined && /^[0-9A-Fa-f]$/.test(c);

/** Whether a host may hold the ASCII character `c` as it is (Go's shouldEscape in host mode, negated). */
function hostKeeps(c: string): boolean {
  return isAlnum(c) || HOST_PUNCTUATION.includes(c);
}

/**
 * Go's url.unescape: why `text` (a part of a URL named `part`) does not unescape, or undefined.
 * In a host, only non-ASCII bytes may be %-escaped (and %25); a zone may escape what a host can
 * hold; elsewhere any %XX is fine.
 */
function unescapeProblem(text: string, mode: 'host' | 'zone' | 'other', part: string): string | undefined {
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '%') {
      if (!isHex(text[i + 1]) || !isHex(text[i + 2])) return `has a "%" in ${part} that is not followed by two hex digits`;
      const escape = text.slice(i, i + 3);
      const byte = parseInt(escape.slice(1), 16);
      if (mode === 'host' && byte < 0x80 && escape !== '%25') return `%-escapes an ASCII character (${escape}) in ${part}`;
      if (mode === 'zone' && escape !== '%25' && byte !== 0x20 && byte < 0x80 && !hostKeeps(String.fromCharCode(byte))) {
        return `%-escapes a character a zone cannot hold (${escape}) in ${part}`;
      }
      i += 2;
    } else if (mode !== 'other' && c.charCodeAt(0) < 0x80 && !hostKeeps(c)) {
      return `has ${JSON.stringify(c)} in ${part}`;
    }
  }
  return undefined;
}

/** Go's validOptionalPort: empty, or ":" followed by digits only. */
function optionalPort(port: string): boolean {
  return /^(:[0-9]*)?$/.test(port);
}

/** Go's url.parseHost (Go 1.25.9: a bracketed host must be an IPv6 address). */
function hostProblem(host: string): string | undefined {
  const open = host.lastIndexOf('[');
  if (open > 0) return 'has "[" inside the host (only an IPv6 address may be in brackets, at its start)';
  if (open === 0) {
    const close = host.lastIndexOf(']');
    if (close < 0) return 'has no "]" after the "[" of an IPv6 host';
    const port = host.slice(close + 1);
    if (!optionalPort(port)) return `has "${port}" after the host, which is not a port`;
    const inside = host.slice(1, close);
    const zoneAt = inside.indexOf('%25');
    const problem = zoneAt < 0 ? unescapeProblem(inside, 'host', 'the host')
      : unescapeProblem(inside.slice(0, zoneAt), 'host', 'the host') ?? unescapeProblem(inside.slice(zoneAt), 'zone', 'the IPv6 zone');
    if (problem) return problem;
    const address = zoneAt < 0 ? decodeURIComponentLenient(inside) : decodeURIComponentLenient(inside.slice(0, zoneAt));
    if (zoneAt >= 0 && inside.length === zoneAt + 3) return 'has an empty IPv6 zone after "%25"';
    return isIP(address) === 6 ? undefined : `has "[${inside}]" as its host, which is not an IPv6 address`;
  }
  const colon = host.lastIndexOf(':');
  if (colon >= 0 && !optionalPort(host.slice(colon))) return `has "${host.slice(colon)}" after the host, which is not a port`;
  return unescapeProblem(host, 'host', 'the host');
}

function decodeURIComponentLenient(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** Go's url.parseAuthority: userinfo "@" host. */
function authorityProblem(authority: string): string | undefined {
  const at = authority.lastIndexOf('@');
  const problem = hostProblem(at < 0 ? authority : authority.slice(at + 1));
  if (problem || at < 0) return problem;
  const userinfo = authority.slice(0, at);
  if (![...userinfo].every((c) => isAlnum(c) || USERINFO_PUNCTUATION.includes(c))) return 'has a character the user info before "@" cannot hold';
  return unescapeProblem(userinfo, 'other', 'the user info');
}

/** Go's url.parse: the scheme (lower case), or why the text is not a URL. `request` is ParseRequestURI's mode. */
function goParse(raw: string, request: boolean): Parsed {
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(raw)) return 'has a control character';
  if (raw === '' && request) return 'is empty';
  if (raw === '*') return { scheme: '' };
  const schemeEnd = /^[A-Za-z][A-Za-z0-9+.-]*:/.exec(raw);
  if (raw.startsWith(':')) return 'starts with ":" (no scheme before it)';
  const scheme = schemeEnd ? schemeEnd[0].slice(0, -1).toLowerCase() : '';
  let rest = schemeEnd ? raw.slice(schemeEnd[0].length) : raw;
  const question = rest.indexOf('?');
  if (question >= 0) rest = rest.slice(0, question);
  if (!rest.startsWith('/')) {
    // A scheme and a rootless path: an opaque URL, not checked further.
    if (scheme !== '') return { scheme };
    if (request) return 'is neither an absolute URL nor an absolute path';
    if (rest.split('/')[0].includes(':')) return 'has ":" in its first path segment';
  }
  if ((scheme !== '' || (!request && !rest.startsWith('///'))) && rest.startsWith('//')) {
    const slash = rest.indexOf('/', 2);
    const problem = authorityProblem(slash < 0 ? rest.slice(2) : rest.slice(2, slash));
    if (problem) return problem;
    rest = slash < 0 ? '' : rest.slice(slash);
  }
  return unescapeProblem(rest, 'other', 'the path') ?? { scheme };
}

/** Go's url.Parse: the fragment after "#" is cut off first, and checked on its own. */
function goUrlParse(raw: string): Parsed {
  const hash = raw.indexOf('#');
  const parsed = goParse(hash < 0 ? raw : raw.slice(0, hash), false);
  if (typeof parsed === 'string' || hash < 0) return parsed;
  return unescapeProblem(raw.slice(hash + 1), 'other', 'the fragment') ?? parsed;
}

/**
 * Istio's strictParseURL: ParseRequestURI, else the same with "http://" in front (a host and
 * path without scheme); the URL used must also pass url.Parse. The scheme, or why it fails.
 */
export function strictParseUrl(raw: string): Parsed {
  const direct = goParse(raw, true);
  const url = typeof direct === 'string' ? `http://${raw}` : raw;
  const parsed = typeof direct === 'string' ? goParse(url, true) : direct;
  if (typeof parsed === 'string') return direct;
  const strict = goUrlParse(url);
  return typeof strict === 'string' ? strict : parsed;
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
    f.error('spec.url', url, `must be a URL (Go's url parser refuses it: it ${parsed})`, 'escape the offending characters, or fix the host and port');
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
