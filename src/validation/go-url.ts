import { isIP } from 'net';

// Go's net/url (Go 1.25): url.Parse and url.ParseRequestURI, error paths only, plus what
// URL.Hostname() and URL.Port() read. Shared by the jwksUri rule of RequestAuthentication
// (security.ParseJwksURI) and the url rule of WasmPlugin (strictParseURL). A problem is the rule
// broken, starting with "must".

/** What a parsed URL holds that Istio's rules read. */
export interface GoUrl {
  /** The scheme, in lower case ("" when there is none). */
  readonly scheme: string;
  /** The host with its ":port", unescaped ("" for an opaque URL or one without authority). */
  readonly host: string;
}

type EscapeMode = 'host' | 'zone' | 'other';

const HEX = /^[0-9A-Fa-f]$/;
/** ASCII characters Go's url package leaves in a host as they are (besides letters and digits). */
const HOST_CHARACTERS = new Set("!$&'()*+,;=:[]<>\"-_.~");
const USERINFO = /^[A-Za-z0-9\-._:~!$&'()*+,;=%@]*$/;

/** Whether a host may hold the character with this code as it is (Go's shouldEscape in host mode, negated; non-ASCII is kept). */
function allowedInHost(code: number): boolean {
  return code >= 0x80 || /[A-Za-z0-9]/.test(String.fromCharCode(code)) || HOST_CHARACTERS.has(String.fromCharCode(code));
}

/**
 * Why Go's url.unescape refuses `s`, the part of a URL named by `where`, or undefined. In a host,
 * only non-ASCII bytes may be %-escaped (and %25); a zone may escape what a host can hold;
 * elsewhere any %XX is fine.
 */
function escapeProblem(s: string, mode: EscapeMode, where: string): string | undefined {
  for (let i = 0; i < s.length;) {
    if (s[i] === '%') {
      const escape = s.slice(i, i + 3);
      if (i + 2 >= s.length || !HEX.test(s[i + 1]) || !HEX.test(s[i + 2])) {
        return `must use "%" in ${where} only to start an escape of two hex digits (found "${escape}")`;
      }
      const byte = parseInt(s.slice(i + 1, i + 3), 16);
      if (mode === 'host' && byte < 0x80 && escape !== '%25') {
        return `must not %-escape an ASCII character in ${where} (found "${escape}")`;
      }
      if (mode === 'zone' && escape !== '%25' && byte !== 0x20 && !allowedInHost(byte)) {
        return `must not escape a character that a host cannot hold in ${where} (found "${escape}")`;
      }
      i += 3;
    } else {
      if (mode !== 'other' && !allowedInHost(s.charCodeAt(i))) return `must not contain ${JSON.stringify(s[i])} in ${where}`;
      i++;
    }
  }
  return undefined;
}

/** Whether `port` is empty or ":" and digits (Go's validOptionalPort). */
function validOptionalPort(port: string): boolean {
  return port === '' || /^:[0-9]*$/.test(port);
}

/** Decodes %XX escapes already checked by escapeProblem (as bytes, then UTF-8 leniently). */
function decodePercent(s: string): string {
  if (!s.includes('%')) return s;
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '%') {
      bytes.push(parseInt(s.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      for (const b of Buffer.from(s[i], 'utf8')) bytes.push(b);
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/** Go's net/netip ParseAddr of a bracketed host, which must be IPv6 (a zone after "%" allowed). */
function ipLiteralProblem(address: string): string | undefined {
  const pct = address.indexOf('%');
  const ip = pct < 0 ? address : address.slice(0, pct);
  if (pct >= 0 && pct === address.length - 1) return 'must not have an empty IPv6 zone after "%25"';
  return isIP(ip) === 6 ? undefined : `must have an IPv6 address inside "[...]" (found "${address}")`;
}

/** Go's url.parseHost (Go 1.25: a bracketed host must be an IPv6 address): the host (unescaped), or why it is invalid. */
function parseHost(host: string): { host: string } | string {
  const open = host.lastIndexOf('[');
  if (open > 0) return 'must have "[" only at the start of the host, around an IPv6 address';
  if (open === 0) {
    const close = host.lastIndexOf(']');
    if (close < 0) return 'must close the "[" of an IPv6 address with "]"';
    const colonPort = host.slice(close + 1);
    if (!validOptionalPort(colonPort)) return `must have only digits after the ":" that follows the host (found "${colonPort}")`;
    const hostname = host.slice(1, close);
    const zone = hostname.indexOf('%25');
    const problem = zone >= 0
      ? escapeProblem(hostname.slice(0, zone), 'host', 'the host') ?? escapeProblem(hostname.slice(zone), 'zone', 'the IPv6 zone')
      : escapeProblem(hostname, 'host', 'the host');
    if (problem) return problem;
    const unescaped = decodePercent(hostname);
    return ipLiteralProblem(unescaped) ?? { host: `[${unescaped}]${colonPort}` };
  }
  const colon = host.lastIndexOf(':');
  if (colon >= 0 && !validOptionalPort(host.slice(colon))) {
    return `must have only digits after the ":" that follows the host (found "${host.slice(colon)}")`;
  }
  return escapeProblem(host, 'host', 'the host') ?? { host: decodePercent(host) };
}

/** Go's url.parseAuthority: userinfo "@" host; the host, or why the authority is invalid. */
function parseAuthority(authority: string): { host: string } | string {
  const at = authority.lastIndexOf('@');
  const host = parseHost(at < 0 ? authority : authority.slice(at + 1));
  if (typeof host === 'string' || at < 0) return host;
  const userinfo = authority.slice(0, at);
  if (!USERINFO.test(userinfo)) return 'must have only letters, digits and -._~!$&\'()*+,;=:%@ in the user info before "@"';
  return escapeProblem(userinfo, 'other', 'the user info') ?? host;
}

/** Go's url.parse: the URL, or why the text is not one. `viaRequest` is ParseRequestURI's mode. */
function parse(raw: string, viaRequest: boolean): GoUrl | string {
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(raw)) return 'must not contain control characters';
  if (raw === '' && viaRequest) return 'must not be empty';
  if (raw === '*') return { scheme: '', host: '' };
  if (raw.startsWith(':')) return 'must start with a scheme such as https before ":"';
  const schemeMatch = /^[A-Za-z][A-Za-z0-9+.-]*:/.exec(raw);
  const scheme = schemeMatch ? schemeMatch[0].slice(0, -1).toLowerCase() : '';
  let rest = schemeMatch ? raw.slice(schemeMatch[0].length) : raw;
  // The query after the first "?" is not checked.
  const question = rest.indexOf('?');
  if (question >= 0) rest = rest.slice(0, question);
  if (!rest.startsWith('/')) {
    // "scheme:rest" without "/" is an opaque URL: no host, and nothing more is checked.
    if (scheme !== '') return { scheme, host: '' };
    if (viaRequest) return 'must be an absolute URL or an absolute path';
    if (rest.split('/')[0].includes(':')) return 'must start with http:// or https:// (without a scheme, the first path segment cannot contain ":")';
  }
  let host = '';
  if ((scheme !== '' || (!viaRequest && !rest.startsWith('///'))) && rest.startsWith('//')) {
    const slash = rest.indexOf('/', 2);
    const authority = slash < 0 ? rest.slice(2) : rest.slice(2, slash);
    rest = slash < 0 ? '' : rest.slice(slash);
    const parsed = parseAuthority(authority);
    if (typeof parsed === 'string') return parsed;
    host = parsed.host;
  }
  return escapeProblem(rest, 'other', 'the path') ?? { scheme, host };
}

/** Go's url.Parse: the fragment after "#" is cut off first, and checked on its own. The URL, or why it fails. */
export function goUrlParse(raw: string): GoUrl | string {
  const hash = raw.indexOf('#');
  const parsed = parse(hash < 0 ? raw : raw.slice(0, hash), false);
  if (typeof parsed === 'string' || hash < 0) return parsed;
  return escapeProblem(raw.slice(hash + 1), 'other', 'the fragment') ?? parsed;
}

/** Go's url.ParseRequestURI: an absolute URL or an absolute path, no fragment cut off. The URL, or why it fails. */
export function goParseRequestUri(raw: string): GoUrl | string {
  return parse(raw, true);
}

/** Go's URL.Hostname() and URL.Port() of a parsed host: a trailing ":digits" is the port; brackets are removed. */
export function goSplitHostPort(host: string): { hostname: string; port: string } {
  let hostname = host;
  let port = '';
  const colon = hostname.lastIndexOf(':');
  if (colon >= 0 && validOptionalPort(hostname.slice(colon))) {
    port = hostname.slice(colon + 1);
    hostname = hostname.slice(0, colon);
  }
  if (hostname.startsWith('[') && hostname.endsWith(']')) hostname = hostname.slice(1, -1);
  return { hostname, port };
}
