import { RE2JS } from 're2js';

// The CRD schemas' `pattern`s and the CEL rules' `matches()` arguments are constants of the
// vendored CRDs: a bounded set, each compiled once instead of once per checked value.
const compiled = new Map<string, RE2JS>();

/** The RE2 pattern `source` of a vendored CRD, compiled once. Not for user input (unbounded). */
export function crdPattern(source: string): RE2JS {
  let re = compiled.get(source);
  if (!re) compiled.set(source, re = RE2JS.compile(source));
  return re;
}
