import { parseDuration } from './duration';
import { crdPattern } from './re2-cache';

// The functions the CEL rules of the vendored CRDs call, for the JavaScript that
// build-tools/generate-validators.ts compiles those rules into. Semantics follow CEL as the
// Kubernetes API server runs it: a missing field is an error, which fails the rule unless a
// logical operator absorbs it.

/**
 * A CEL evaluation error (a missing field, a bad conversion). Rules such as
 * `!has(self.a) || self.a.b == 1` raise and absorb them on valid objects all the time, and the
 * error never leaves the rule, so it is made without a stack trace (capturing one was most of
 * the cost of checking Gateway API routes).
 */
export class CelError extends Error {
  public constructor(message: string) {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(message);
    Error.stackTraceLimit = limit;
  }
}

/** `a.b`: the field, or an error when it is missing. */
/** Whether `value` is a map (or message) with its own field `field`. */
function hasKey(value: any, field: string): boolean {
  return value !== null && typeof value === 'object' && Object.prototype.hasOwnProperty.call(value, field);
}

export function sel(value: any, field: string): any {
  if (!hasKey(value, field)) throw new CelError(`no such key: ${field}`);
  return value[field];
}

/** `has(a.b)`. */
export function has(value: any, field: string): boolean {
  return hasKey(value, field) && value[field] !== undefined;
}

/** `size(x)` / `x.size()`: characters of a string, items of a list, keys of a map. */
export function size(value: any): number {
  if (typeof value === 'string') return [...value].length;
  if (Array.isArray(value)) return value.length;
  if (value && typeof value === 'object') return Object.keys(value).length;
  throw new CelError('size() of a value without a size');
}

/** The elements a comprehension walks: list items, or map keys. */
export function range(value: any): any[] {
  if (Array.isArray(value)) return value;
  if (value && typeof value === 'object') return Object.keys(value);
  throw new CelError('comprehension over a value that is not a list or a map');
}

/** `==` with CEL's value equality for lists and maps. */
export function eq(a: any, b: any): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  return JSON.stringify(a) === JSON.stringify(b);
}

/** `x in list` / `key in map`. */
export function isIn(value: any, container: any): boolean {
  if (Array.isArray(container)) return container.some((c) => eq(c, value));
  if (container && typeof container === 'object') return typeof value === 'string' && hasKey(container, value);
  throw new CelError('in over a value that is not a list or a map');
}

/** `a + b` for numbers, strings and lists. */
export function add(a: any, b: any): any {
  if (Array.isArray(a) && Array.isArray(b)) return [...a, ...b];
  if (typeof a !== typeof b) throw new CelError('+ of values of different types');
  return a + b;
}

/** `x.matches(re)`: RE2, searched anywhere in the string like CEL. */
export function matches(text: any, re: string): boolean {
  if (typeof text !== 'string') throw new CelError('matches() on a value that is not a string');
  return crdPattern(re).matcher(text).find();
}

/** `duration(text)` in nanoseconds. */
export function duration(text: any): number {
  const nanos = typeof text === 'string' ? parseDuration(text) : undefined;
  if (nanos === undefined) throw new CelError(`not a duration: ${String(text)}`);
  return nanos;
}

/** `int(x)`: CEL's strict conversion of a string or number to an integer. */
export function int(value: any): number {
  if (typeof value === 'number' && Number.isFinite(value)) return Math.trunc(value);
  if (typeof value === 'string' && /^[+-]?\d+$/.test(value)) return Number(value);
  throw new CelError(`cannot convert ${String(value)} to int`);
}

/**
 * `isURL(text)`: Kubernetes' URL library, which accepts what Go's `url.ParseRequestURI` does: an
 * absolute URL (a scheme, then anything without spaces or control characters) or an absolute path.
 */
export function isUrl(text: any): boolean {
  const s = String(text);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0020\u007f]/.test(s)) return false;
  return s.startsWith('/') || /^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(s);
}

/** `url(text).getScheme()`: Kubernetes' URL library (an absolute path has the empty scheme). */
export function urlScheme(text: any): string {
  if (!isUrl(text)) throw new CelError(`not a URL: ${String(text)}`);
  const s = String(text);
  return s.startsWith('/') ? '' : s.slice(0, s.indexOf(':')).toLowerCase();
}

/** `s.substring(start, end)` on code points. */
export function substring(text: any, start: number, end: number): string {
  const chars = [...String(text)];
  if (start < 0 || end > chars.length || start > end) throw new CelError('substring out of range');
  return chars.slice(start, end).join('');
}

/** `s.split(separator)` (Kubernetes' strings library): every piece, empty ones included. */
export function split(text: any, separator: any): string[] {
  if (typeof separator !== 'string') throw new CelError('split() with a separator that is not a string');
  // An empty separator splits into code points, as Go's strings.Split does.
  return separator === '' ? [...str(text)] : str(text).split(separator);
}

/** `list[i]` / `map[key]`: the item, or an error when it is missing. */
export function index(container: any, key: any): any {
  if (Array.isArray(container)) {
    if (typeof key !== 'number' || !Number.isInteger(key) || key < 0 || key >= container.length) throw new CelError(`index out of range: ${String(key)}`);
    return container[key];
  }
  if (container !== null && typeof container === 'object' && typeof key === 'string') return sel(container, key);
  throw new CelError('[] on a value that is not a list or a map');
}

/**
 * `a && b` / `a || b` with CEL's error absorption: an error loses to a deciding value. A
 * deciding left side decides without evaluating the right one (the result is the same).
 */
export function and(a: () => any, b: () => any): boolean {
  const x = attempt(a);
  if (x === false) return false;
  const y = attempt(b);
  if (y === false) return false;
  if (x instanceof CelError) throw x;
  if (y instanceof CelError) throw y;
  return true;
}

/** See `and`. */
export function or(a: () => any, b: () => any): boolean {
  const x = attempt(a);
  if (x === true) return true;
  const y = attempt(b);
  if (y === true) return true;
  if (x instanceof CelError) throw x;
  if (y instanceof CelError) throw y;
  return false;
}

function attempt(f: () => any): any {
  try {
    return f();
  } catch (e) {
    if (e instanceof CelError) return e;
    throw e;
  }
}

/** A comprehension's loop condition: go on unless the result is already decided false. */
export function notStrictlyFalse(f: () => any): boolean {
  return attempt(f) !== false;
}

/** The string a string method is called on. */
export function str(value: any): string {
  if (typeof value !== 'string') throw new CelError('a string method on a value that is not a string');
  return value;
}

/**
 * Runs a compiled rule: true when it holds; a CEL evaluation error fails it, as in the API
 * server. Any other exception is a bug of the compiled rule and is not hidden as a refusal.
 */
export function holds(rule: (self: any) => any, self: any): boolean {
  try {
    return rule(self) === true;
  } catch (e) {
    if (e instanceof CelError) return false;
    throw e;
  }
}
