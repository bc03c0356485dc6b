import { X509Certificate } from 'crypto';
import { isIP } from 'net';
import { checkDuration } from './common';
import { Findings } from './findings';
import { checkPolicyTargets, textAt } from './policy-targets';
import { asList, isRecord } from './shape';

// Istio 1.30.3's admission rules for RequestAuthentication (pkg/config/validation
// ValidateRequestAuthentication): the selector / targetRef / targetRefs one-of,
// validateWorkloadSelector, validatePolicyTargetReference(s), validateJwtRule and
// warnPrivateJwksKeys. The jwksUri rule is security.ParseJwksURI over Go's url.Parse (Go 1.25);
// the jwks rule is jwk.Parse of lestrrat-go/jwx v1. Both are re-implemented here, error paths only.
// The spec is hand-written YAML: values of the wrong type are reported, never thrown on.

const JWKS_URI_FIX = 'write the URL of the JWKS document, e.g. "https://issuer.example.com/.well-known/jwks.json"';

// ---------------------------------------------------------------------------------------------
// jwksUri: security.ParseJwksURI, i.e. Go's url.Parse, then an http(s) scheme and a readable port.

type EscapeMode = 'host' | 'zone' | 'other';

const HEX = /^[0-9A-Fa-f]$/;
/** ASCII characters Go's url package leaves in a host as they are (besides letters and digits). */
const HOST_CHARACTERS = new Set("!$&'()*+,;=:[]<>\"-_.~");
const USERINFO = /^[A-Za-z0-9\-._:~!$&'()*+,;=%@]*$/;
const MAX_INT64 = '9223372036854775807';

function allowedInHost(code: number): boolean {
  return code >= 0x80 || /[A-Za-z0-9]/.test(String.fromCharCode(code)) || HOST_CHARACTERS.has(String.fromCharCode(code));
}

/** Why Go's url.unescape refuses `s`, the part of a URL named by `where`, or undefined. */
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

/** Go's net/netip ParseAddr of a bracketed host, which must be IPv6 (a zone after "%" allowed). */
function ipLiteralProblem(address: string): string | undefined {
  const pct = address.indexOf('%');
  const ip = pct < 0 ? address : address.slice(0, pct);
  if (pct >= 0 && pct === address.length - 1) return 'must not have an empty IPv6 zone after "%25"';
  return isIP(ip) === 6 ? undefined : `must have an IPv6 address inside "[...]" (found "${address}")`;
}

/** Go's url.parseHost (Go 1.25): the host (unescaped), or why it is invalid. */
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

/** Go's url.parseAuthority: the host, or why the authority is invalid. */
function parseAuthority(authority: string): { host: string } | string {
  const at = authority.lastIndexOf('@');
  const host = parseHost(at < 0 ? authority : authority.slice(at + 1));
  if (typeof host === 'string' || at < 0) return host;
  const userinfo = authority.slice(0, at);
  if (!USERINFO.test(userinfo)) return 'must have only letters, digits and -._~!$&\'()*+,;=:%@ in the user info before "@"';
  return escapeProblem(userinfo, 'other', 'the user info') ?? host;
}

/** Go's url.Parse (Go 1.25), reduced to what ParseJwksURI reads: scheme and host, or why it fails. */
function parseGoUrl(raw: string): { scheme: string; host: string } | string {
  const hash = raw.indexOf('#');
  const main = hash < 0 ? raw : raw.slice(0, hash);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(main)) return 'must not contain control characters';
  const parsed = parseGoUrlBeforeFragment(main);
  if (typeof parsed === 'string' || hash < 0) return parsed;
  return escapeProblem(raw.slice(hash + 1), 'other', 'the fragment') ?? parsed;
}

function parseGoUrlBeforeFragment(raw: string): { scheme: string; host: string } | string {
  if (raw === '*') return { scheme: '', host: '' };
  if (raw.startsWith(':')) return 'must start with a scheme such as https before ":"';
  const schemeMatch = /^[A-Za-z][A-Za-z0-9+.-]*:/.exec(raw);
  const scheme = schemeMatch ? schemeMatch[0].slice(0, -1).toLowerCase() : '';
  let rest = schemeMatch ? raw.slice(schemeMatch[0].length) : raw;
  if (rest.endsWith('?') && rest.indexOf('?') === rest.length - 1) {
    rest = rest.slice(0, -1);
  } else if (rest.includes('?')) {
    rest = rest.slice(0, rest.indexOf('?'));
  }
  if (!rest.startsWith('/')) {
    // "scheme:rest" without "//" is an opaque URL: no host, and nothing more is checked.
    if (scheme !== '') return { scheme, host: '' };
    if (rest.split('/')[0].includes(':')) return 'must start with http:// or https:// (without a scheme, the first path segment cannot contain ":")';
  }
  let host = '';
  if ((scheme !== '' || !rest.startsWith('///')) && rest.startsWith('//')) {
    const slash = rest.indexOf('/', 2);
    const authority = slash < 0 ? rest.slice(2) : rest.slice(2, slash);
    rest = slash < 0 ? '' : rest.slice(slash);
    const parsed = parseAuthority(authority);
    if (typeof parsed === 'string') return parsed;
    host = parsed.host;
  }
  return escapeProblem(rest, 'other', 'the path') ?? { scheme, host };
}

/** What Istio reads from a jwksUri (security.JwksInfo). */
export interface JwksUriInfo {
  /** The host name, without brackets for an IPv6 address; may be empty (Istio accepts that). */
  readonly hostname: string;
  readonly scheme: 'http' | 'https';
  /** The port given in the URL, else 80 for http and 443 for https. Istio does not check its range. */
  readonly port: number;
  readonly useSsl: boolean;
}

/**
 * Istio's reading of a jwksUri (security.ParseJwksURI): what it connects to, or why Istio refuses
 * the URL (the rule, starting with "must").
 */
export function parseJwksUri(uri: unknown): JwksUriInfo | string {
  if (typeof uri !== 'string') return 'must be a string';
  const parsed = parseGoUrl(uri);
  if (typeof parsed === 'string') return parsed;
  if (parsed.scheme !== 'http' && parsed.scheme !== 'https') {
    return parsed.scheme === '' ? 'must start with http:// or https://' : `must use the http or https scheme, not "${parsed.scheme}"`;
  }
  // url.Hostname() and url.Port(): a trailing ":digits" is the port.
  let hostname = parsed.host;
  let portText = '';
  const colon = hostname.lastIndexOf(':');
  if (colon >= 0 && validOptionalPort(hostname.slice(colon))) {
    portText = hostname.slice(colon + 1);
    hostname = hostname.slice(0, colon);
  }
  if (hostname.startsWith('[') && hostname.endsWith(']')) hostname = hostname.slice(1, -1);
  const useSsl = parsed.scheme === 'https';
  if (portText === '') return { hostname, scheme: parsed.scheme, port: useSsl ? 443 : 80, useSsl };
  // strconv.Atoi: only a number beyond int64 fails.
  const digits = portText.replace(/^0+(?=.)/, '');
  if (digits.length > MAX_INT64.length || (digits.length === MAX_INT64.length && digits > MAX_INT64)) {
    return `must have a port number Istio can read (${portText} does not fit in 64 bits)`;
  }
  return { hostname, scheme: parsed.scheme, port: Number(digits), useSsl };
}

/** Why Istio refuses a jwksUri (the rule, starting with "must"), or undefined. */
export function jwksUriProblem(uri: unknown): string | undefined {
  const info = parseJwksUri(uri);
  return typeof info === 'string' ? info : undefined;
}

// ---------------------------------------------------------------------------------------------
// jwks: jwk.Parse of lestrrat-go/jwx v1 (a JWK Set, or a single JWK), and the private-key warning.

/** A JSON value as Go's token-based decoders see it: object members in order, duplicates kept. */
type Json =
  | { readonly kind: 'object'; readonly members: Array<readonly [string, Json]> }
  | { readonly kind: 'array'; readonly items: Json[] }
  | { readonly kind: 'string'; readonly text: string }
  | { readonly kind: 'number'; readonly finite: boolean }
  | { readonly kind: 'true' | 'false' | 'null' };

/** encoding/json's nesting limit. */
const MAX_JSON_DEPTH = 10000;
const JSON_ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', 'b': '\b', 'f': '\f', 'n': '\n', 'r': '\r', 't': '\t' };

/** A strict JSON reader (RFC 8259, as encoding/json); throws an Error with the reason. */
class JsonReader {
  private pos = 0;
  constructor(private readonly text: string) {}

  public document(): Json {
    const value = this.value(1);
    this.space();
    if (this.pos < this.text.length) throw new Error(`has ${JSON.stringify(this.text[this.pos])} after the top-level value`);
    return value;
  }

  private space(): void {
    while (this.pos < this.text.length && ' \t\n\r'.includes(this.text[this.pos])) this.pos++;
  }

  private expect(ch: string): void {
    this.space();
    if (this.text[this.pos] !== ch) throw new Error(this.pos < this.text.length ? `has ${JSON.stringify(this.text[this.pos])} where ${JSON.stringify(ch)} belongs` : 'ends too early');
    this.pos++;
  }

  private value(depth: number): Json {
    if (depth > MAX_JSON_DEPTH) throw new Error(`nests deeper than ${MAX_JSON_DEPTH} levels`);
    this.space();
    const ch = this.text[this.pos];
    if (ch === '{') return this.object(depth);
    if (ch === '[') return this.array(depth);
    if (ch === '"') return { kind: 'string', text: this.string() };
    const number = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
    number.lastIndex = this.pos;
    const match = ch === '-' || (ch >= '0' && ch <= '9') ? number.exec(this.text) : null;
    if (match) {
      this.pos += match[0].length;
      return { kind: 'number', finite: Number.isFinite(Number(match[0])) };
    }
    for (const literal of ['true', 'false', 'null'] as const) {
      if (this.text.startsWith(literal, this.pos)) {
        this.pos += literal.length;
        return { kind: literal };
      }
    }
    throw new Error(this.pos < this.text.length ? `has the invalid character ${JSON.stringify(ch)} where a value belongs` : 'ends too early');
  }

  private object(depth: number): Json {
    const members: Array<readonly [string, Json]> = [];
    this.pos++;
    this.space();
    if (this.text[this.pos] === '}') {
      this.pos++;
      return { kind: 'object', members };
    }
    for (;;) {
      this.space();
      if (this.text[this.pos] !== '"') throw new Error('has an object key that is not a quoted string');
      const key = this.string();
      this.expect(':');
      members.push([key, this.value(depth + 1)]);
      this.space();
      if (this.text[this.pos] === '}') {
        this.pos++;
        return { kind: 'object', members };
      }
      this.expect(',');
    }
  }

  private array(depth: number): Json {
    const items: Json[] = [];
    this.pos++;
    this.space();
    if (this.text[this.pos] === ']') {
      this.pos++;
      return { kind: 'array', items };
    }
    for (;;) {
      items.push(this.value(depth + 1));
      this.space();
      if (this.text[this.pos] === ']') {
        this.pos++;
        return { kind: 'array', items };
      }
      this.expect(',');
    }
  }

  private string(): string {
    let out = '';
    this.pos++;
    for (;;) {
      const ch = this.text[this.pos];
      if (ch === undefined) throw new Error('has an unterminated string');
      if (ch === '"') {
        this.pos++;
        return out;
      }
      if (ch === '\\') {
        const esc = this.text[this.pos + 1];
        if (esc === 'u') {
          const hex = this.text.slice(this.pos + 2, this.pos + 6);
          if (!/^[0-9A-Fa-f]{4}$/.test(hex)) throw new Error('has an invalid \\u escape in a string');
          out += String.fromCharCode(parseInt(hex, 16));
          this.pos += 6;
        } else if (esc !== undefined && JSON_ESCAPES[esc] !== undefined) {
          out += JSON_ESCAPES[esc];
          this.pos += 2;
        } else {
          throw new Error(`has the invalid escape "\\${esc ?? ''}" in a string`);
        }
      } else if (ch.charCodeAt(0) < 0x20) {
        throw new Error('has a control character inside a string');
      } else {
        out += ch;
        this.pos++;
      }
    }
  }
}

/** Whether decoding `value` into interface{} succeeds (encoding/json fails on numbers beyond float64). */
function decodesAsAny(value: Json): boolean {
  switch (value.kind) {
    case 'number': return value.finite;
    case 'array': return value.items.every(decodesAsAny);
    case 'object': return value.members.every(([, v]) => decodesAsAny(v));
    default: return true;
  }
}

/** Why Go's base64 decoding as jwx picks it (URL or standard alphabet, padded or not) fails, or undefined. */
function base64Problem(text: string): string | undefined {
  const raw = !text.endsWith('=');
  const alphabet = /[+/]/.test(text) ? /^[A-Za-z0-9+/]*$/ : /^[A-Za-z0-9\-_]*$/;
  const chars = text.replace(/[\r\n]/g, '');
  if (raw) {
    if (!alphabet.test(chars) || chars.length % 4 === 1) return 'is not valid base64';
    return undefined;
  }
  const match = /^([^=]*)(=*)$/.exec(chars);
  if (!match || !alphabet.test(match[1])) return 'is not valid base64';
  const rest = match[1].length % 4;
  return (rest === 2 && match[2] === '==') || (rest === 3 && match[2] === '=') ? undefined : 'is not valid base64 (wrong "=" padding)';
}

/** x5c: base64 DER certificates. */
function certificateChainProblem(value: Json): string | undefined {
  if (value.kind === 'null') return undefined;
  if (value.kind !== 'array') return '"x5c" must be a list of base64 certificates';
  for (const [i, item] of value.items.entries()) {
    if (item.kind !== 'string' && item.kind !== 'null') return `"x5c"[${i}] must be a string`;
    const text = item.kind === 'string' ? item.text : '';
    const problem = base64Problem(text);
    if (problem) return `"x5c"[${i}] ${problem}`;
    const der = Buffer.from(text.replace(/[\r\n]/g, ''), 'base64');
    try {
      // Node also reads PEM text; Go's x509.ParseCertificate reads only DER (a SEQUENCE, 0x30).
      if (der[0] !== 0x30) throw new Error('not DER');
      new X509Certificate(der);
    } catch {
      return `"x5c"[${i}] must be a DER certificate`;
    }
  }
  return undefined;
}

interface KeyShape {
  /** Members holding base64 bytes. */
  readonly bytes: readonly string[];
  readonly required: readonly string[];
  /** Whether Istio warns about the key (warnPrivateJwksKeys). */
  readonly secret: boolean;
}

/** Members read as strings by every jwx v1 key ("x58" is how jwx v1 spells the x5u member). */
const STRING_MEMBERS = ['alg', 'kid', 'use', 'x5t', 'x5t#S256', 'x58'];

function keyShape(kty: string, hasD: boolean): KeyShape | undefined {
  switch (kty) {
    case 'RSA': return hasD
      ? { bytes: ['d', 'dp', 'dq', 'e', 'n', 'p', 'q', 'qi'], required: ['d', 'e', 'n'], secret: true }
      : { bytes: ['e', 'n'], required: ['e', 'n'], secret: false };
    case 'EC': return hasD
      ? { bytes: ['d', 'x', 'y'], required: ['crv', 'd', 'x', 'y'], secret: true }
      : { bytes: ['x', 'y'], required: ['crv', 'x', 'y'], secret: false };
    case 'OKP': return hasD
      ? { bytes: ['d', 'x'], required: ['crv', 'd', 'x'], secret: true }
      : { bytes: ['x'], required: ['crv', 'x'], secret: false };
    case 'oct': return { bytes: ['k'], required: ['k'], secret: true };
    default: return undefined;
  }
}

/** jwk.ParseKey: the key's type and whether it holds secret material, or why it does not parse. */
function readKey(key: Json): { kty: string; secret: boolean } | string {
  if (key.kind !== 'object' && key.kind !== 'null') return 'must be a JSON object';
  const members = key.kind === 'object' ? key.members : [];
  // The type hint is decoded into a Go struct: member names match in any case.
  let kty = '';
  let hasD = false;
  for (const [name, value] of members) {
    const folded = name.toLowerCase();
    if (folded === 'd') hasD = true;
    if (folded !== 'kty' || value.kind === 'null') continue;
    if (value.kind !== 'string') return '"kty" must be a string';
    kty = value.text;
  }
  const shape = keyShape(kty, hasD);
  if (!shape) return `"kty" must be RSA, EC, OKP or oct (found "${kty}")`;
  const seen = new Set<string>();
  for (const [name, value] of members) {
    seen.add(name);
    const text = value.kind === 'string' ? value.text : value.kind === 'null' ? '' : undefined;
    const stringLike = name === 'kty' || (name === 'crv' && kty !== 'RSA' && kty !== 'oct') || STRING_MEMBERS.includes(name);
    if (name === 'kty' && text !== undefined && text !== kty) return `"kty" must be "${kty}" (found "${text}")`;
    if ((stringLike || shape.bytes.includes(name)) && text === undefined) return `"${name}" must be a string`;
    if (shape.bytes.includes(name)) {
      const problem = base64Problem(text!);
      if (problem) return `"${name}" ${problem}`;
    } else if (name === 'key_ops') {
      const ok = value.kind === 'null' || (value.kind === 'array' && value.items.every((op) => op.kind === 'string' || op.kind === 'null'));
      if (!ok) return '"key_ops" must be a list of strings';
    } else if (name === 'x5c') {
      const problem = certificateChainProblem(value);
      if (problem) return problem;
    } else if (!stringLike && !decodesAsAny(value)) {
      return `"${name}" has a number beyond the range of a 64-bit float`;
    }
  }
  const missing = shape.required.find((name) => !seen.has(name));
  if (missing) return `must have the member "${missing}" (a ${kty}${shape.secret && kty !== 'oct' ? ' private' : ''} key)`;
  return { kty, secret: shape.secret };
}

/** jwk.Parse: the keys of a JWK Set (or of a single JWK), or why it does not parse. */
function readJwks(jwks: string): Array<{ kty: string; secret: boolean }> | string {
  let doc: Json;
  try {
    doc = new JsonReader(jwks).document();
  } catch (e) {
    return `must be JSON, but it ${(e as Error).message}`;
  }
  if (doc.kind !== 'object') return 'must be a JSON object: a JWK Set {"keys": [...]} or a single JWK';
  let keys: Json[] | undefined;
  for (const [name, value] of doc.members) {
    if (name === 'keys') {
      if (value.kind !== 'array' && value.kind !== 'null') return 'must have a list of JWKs in "keys"';
      keys = [...(keys ?? []), ...(value.kind === 'array' ? value.items : [])];
    } else if (!decodesAsAny(value)) {
      return `must not have a number beyond the range of a 64-bit float in "${name}"`;
    }
  }
  const single = keys === undefined;
  const read: Array<{ kty: string; secret: boolean }> = [];
  for (const [i, key] of (keys ?? [doc]).entries()) {
    const result = readKey(key);
    if (typeof result === 'string') return single ? `must be a valid JWK (${result})` : `must hold valid JWKs (keys[${i}] ${result})`;
    read.push(result);
  }
  return read;
}

/** Why Istio refuses inline jwks (the rule, starting with "must"), or undefined. */
export function jwksProblem(jwks: unknown): string | undefined {
  if (typeof jwks !== 'string') return 'must be a string';
  if (jwks === '') return undefined;
  try {
    const keys = readJwks(jwks);
    return typeof keys === 'string' ? keys : undefined;
  } catch {
    // A stack overflow on absurdly deep nesting: Go refuses such input as well.
    return 'must be JSON of reasonable nesting depth';
  }
}

/** The indexes of the keys of inline jwks that hold private or symmetric key material (Istio warns about them). */
export function jwksPrivateKeys(jwks: unknown): number[] {
  if (typeof jwks !== 'string' || jwks === '') return [];
  try {
    const keys = readJwks(jwks);
    return typeof keys === 'string' ? [] : keys.flatMap((k, i) => (k.secret ? [i] : []));
  } catch {
    return [];
  }
}

// ---------------------------------------------------------------------------------------------
// jwtRules: validateJwtRule.

const STRICT_HEADER_NAME = /^[-_A-Za-z0-9]+$/;

/** Why a header name is refused in outputClaimToHeaders (ValidateStrictHTTPHeaderName), or undefined. */
export function claimHeaderProblem(header: string): string | undefined {
  if (header === '') return 'must not be empty';
  return STRICT_HEADER_NAME.test(header) ? undefined : 'must be a header name of letters, digits, "-" and "_" only';
}

/** The rule broken by an unset or empty required string. */
function setRule(value: unknown): string {
  return value === undefined || value === null ? 'must be set' : 'must not be empty';
}

/** A list of names where none may be empty (audiences, fromParams, fromCookies). */
function checkNames(f: Findings, field: string, value: unknown, fix: string): void {
  asList(f, field, value).forEach((item, i) => {
    if (typeof item !== 'string') f.error(`${field}[${i}]`, item, 'must be a string', 'quote the value');
    else if (item === '') f.error(`${field}[${i}]`, item, 'must not be empty', fix);
  });
}

function checkJwks(f: Findings, field: string, jwks: string): void {
  const problem = jwksProblem(jwks);
  if (problem) {
    f.error(field, jwks, problem, 'give the public keys of the issuer as a JWK Set, {"keys": [{"kty": "RSA", "e": ..., "n": ...}]}, or use jwksUri');
    return;
  }
  const keys = readJwks(jwks);
  if (typeof keys === 'string') return;
  keys.forEach((key, i) => {
    if (!key.secret) return;
    if (key.kty === 'oct') {
      f.warning(field, `key ${i} (kty oct)`, 'is a symmetric key: a secret that every proxy receives, though verifying tokens needs only public keys',
        'sign the tokens with an RSA, EC or OKP key, and give only its public half');
    } else {
      f.warning(field, `key ${i} (kty ${key.kty})`, 'holds private key material ("d"), though verifying tokens needs only the public key',
        'give only the public half of the key: remove "d" (and "p", "q", "dp", "dq", "qi" of an RSA key)');
    }
  });
}

function checkJwtRule(f: Findings, field: string, rule: Record<string, any>): void {
  checkNames(f, `${field}.audiences`, rule.audiences, 'give the audience (aud claim) the tokens must carry, or remove the entry');
  const issuer = textAt(f, `${field}.issuer`, rule.issuer);
  // jwks_uri is the proto name of jwksUri; Istio reads either.
  const uriField = (rule.jwksUri === undefined || rule.jwksUri === null) && rule.jwks_uri !== undefined && rule.jwks_uri !== null
    ? `${field}.jwks_uri` : `${field}.jwksUri`;
  const jwksUri = textAt(f, uriField, rule.jwksUri ?? rule.jwks_uri);
  if (issuer === '' && jwksUri === '') {
    f.error(`${field}.issuer`, rule.issuer, 'must be set when jwksUri is not: a JWT rule needs an issuer or a JWKS URL',
      'give the iss claim of the tokens, e.g. "https://accounts.example.com", or the jwksUri of the issuer');
  }
  if (jwksUri) {
    const problem = jwksUriProblem(jwksUri);
    if (problem) f.error(uriField, jwksUri, problem, JWKS_URI_FIX);
  }
  const jwks = textAt(f, `${field}.jwks`, rule.jwks);
  if (jwks) checkJwks(f, `${field}.jwks`, jwks);

  asList(f, `${field}.fromHeaders`, rule.fromHeaders).forEach((location, i) => {
    const at = `${field}.fromHeaders[${i}]`;
    if (location === null || location === undefined) {
      f.error(at, location ?? null, 'must not be null', 'give the header that carries the token, e.g. {name: Authorization, prefix: "Bearer "}');
    } else if (!isRecord(location)) {
      f.error(at, location, 'must be a mapping with name and prefix', 'write e.g. {name: Authorization, prefix: "Bearer "}');
    } else if (textAt(f, `${at}.name`, location.name) === '') {
      f.error(`${at}.name`, location.name, setRule(location.name), 'name the header that carries the token, e.g. "Authorization"');
    }
  });
  checkNames(f, `${field}.fromParams`, rule.fromParams, 'name the query parameter that carries the token, e.g. "access_token"');
  checkNames(f, `${field}.fromCookies`, rule.fromCookies, 'name the cookie that carries the token, e.g. "session"');

  asList(f, `${field}.outputClaimToHeaders`, rule.outputClaimToHeaders).forEach((output, i) => {
    const at = `${field}.outputClaimToHeaders[${i}]`;
    if (!isRecord(output)) {
      f.error(at, output ?? null, output === null || output === undefined ? 'must not be null' : 'must be a mapping with claim and header',
        'write e.g. {claim: sub, header: x-jwt-sub}');
      return;
    }
    const claim = textAt(f, `${at}.claim`, output.claim);
    const header = textAt(f, `${at}.header`, output.header);
    if (claim === '') f.error(`${at}.claim`, output.claim, setRule(output.claim), 'name the claim to copy, e.g. "sub"');
    if (header === '') f.error(`${at}.header`, output.header, setRule(output.header), 'name the request header to copy the claim to, e.g. "x-jwt-sub"');
    if (!claim || !header) return;
    const problem = claimHeaderProblem(header);
    if (problem) f.error(`${at}.header`, header, problem, 'use a header name such as "x-jwt-sub"');
  });
  if (rule.timeout !== undefined && rule.timeout !== null) checkDuration(f, `${field}.timeout`, rule.timeout);
}

/** Istio's admission rules for a RequestAuthentication spec (security.istio.io/v1). */
export function validateRequestAuthenticationSpec(spec: any): Findings {
  const f = new Findings();
  if (!isRecord(spec)) return f;
  checkPolicyTargets(f, spec);
  asList(f, 'spec.jwtRules', spec.jwtRules).forEach((rule, i) => {
    const field = `spec.jwtRules[${i}]`;
    if (rule === null || rule === undefined) return;
    if (!isRecord(rule)) {
      f.error(field, rule, 'must be a mapping', 'write the rule as a YAML mapping with issuer and jwksUri');
      return;
    }
    checkJwtRule(f, field, rule);
  });
  return f;
}
