import { X509Certificate } from 'crypto';

// Inline jwks of a RequestAuthentication JWT rule: jwk.Parse of lestrrat-go/jwx v1 (a JWK Set, or a
// single JWK), as Istio 1.30.3's validateJwtRule reads it, and the keys warnPrivateJwksKeys warns
// about. Error paths only.

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
function readKey(key: Json): JwksKey | string {
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

/** A key of inline jwks: its type, and whether it holds private or symmetric key material. */
export interface JwksKey {
  readonly kty: string;
  readonly secret: boolean;
}

/** jwk.Parse: the keys of a JWK Set (or of a single JWK), or why it does not parse. May throw on absurdly deep nesting. */
export function readJwks(jwks: string): JwksKey[] | string {
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
  const read: JwksKey[] = [];
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
