import { Findings } from './findings';

// Istio's unreachable-rule analysis of a VirtualService (IST0130 VirtualServiceUnreachableRule and
// IST0131 VirtualServiceIneffectiveMatch). Istio's webhook reports these as warnings, and so do we.

/** JSON with object keys sorted at every level, so equal objects give equal text. */
function canonicalJson(value: any): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/** Identity of a match for duplicate detection; its name does not take part in matching. */
function matchKey(match: any): string {
  if (!match || typeof match !== 'object') return canonicalJson(match);
  const { name: _name, ...rest } = match;
  return canonicalJson(rest);
}

/** A StringMatch reduced to what the overlap analysis compares: exact or prefix text ('' for regex or none). */
function exactOrPrefix(m: any): string {
  if (typeof m?.exact === 'string' && m.exact !== '') return `exact:${m.exact}`;
  if (typeof m?.prefix === 'string' && m.prefix !== '') return `prefix:${m.prefix}`;
  return '';
}

function stringMatchMap(value: unknown): Map<string, string> {
  const map = new Map<string, string>();
  if (value && typeof value === 'object') for (const [k, v] of Object.entries<any>(value)) map.set(k, exactOrPrefix(v));
  return map;
}

/** An HTTP match on a URI prefix, in the form the overlap analysis compares. */
interface PrefixMatch {
  readonly field: string;
  readonly rule: number;
  readonly prefix: string;
  readonly port: number;
  readonly method: string;
  readonly authority: string;
  readonly headers: Map<string, string>;
  readonly queryParams: Map<string, string>;
  readonly withoutHeaders: Map<string, string>;
}

function prefixMatch(field: string, rule: number, match: any): PrefixMatch | undefined {
  const prefix = match?.uri?.prefix;
  if (typeof prefix !== 'string' || prefix === '') return undefined;
  return {
    field,
    rule,
    prefix,
    port: typeof match.port === 'number' ? match.port : 0,
    // Without a method match the analysis assumes GET.
    method: exactOrPrefix(match.method) || 'exact:GET',
    authority: exactOrPrefix(match.authority),
    headers: stringMatchMap(match.headers),
    queryParams: stringMatchMap(match.queryParams),
    withoutHeaders: stringMatchMap(match.withoutHeaders),
  };
}

/** Whether every value of `a` has a counterpart in `b` that it starts with (same key count). */
function mapCovered(a: Map<string, string>, b: Map<string, string>): boolean {
  if (a.size !== b.size) return false;
  for (const [key, value] of a) {
    const other = b.get(key);
    if (other === undefined || (value !== other && !value.startsWith(other))) return false;
  }
  return true;
}

/** Whether the earlier match `a` takes all the traffic of the later match `b` (Istio's heuristic). */
function covers(a: PrefixMatch, b: PrefixMatch): boolean {
  if (!b.prefix.startsWith(a.prefix) || a.port !== b.port) return false;
  if (a.method !== b.method && !a.method.startsWith(b.method)) return false;
  if (a.authority !== b.authority && !a.authority.startsWith(b.authority)) return false;
  return mapCovered(a.headers, b.headers) && mapCovered(a.queryParams, b.queryParams) && mapCovered(a.withoutHeaders, b.withoutHeaders);
}

/** Rules that can never match: after a rule without matches, or whose matches all repeat earlier ones. */
export function checkReachability(f: Findings, kind: string, routes: unknown): void {
  if (!Array.isArray(routes)) return;
  const seen = new Map<string, number>();
  const prefixes: PrefixMatch[] = [];
  let catchAll = -1;
  routes.forEach((route, i) => {
    if (!route || typeof route !== 'object') return;
    const field = `spec.${kind}[${i}]`;
    const matches: any[] = Array.isArray(route.match) ? route.match : [];
    if (matches.length === 0) {
      if (catchAll >= 0) {
        f.warning(field, route.name ?? `#${i}`, `is unreachable: only the last rule can have no matches (rule #${catchAll} already matches everything)`,
          'remove the rule, or give it a match');
      }
      catchAll = i;
      return;
    }
    let duplicates = 0;
    matches.forEach((match, j) => {
      if (catchAll >= 0) {
        f.warning(`${field}.match[${j}]`, route.name ?? `#${i}`, `is unreachable: rule #${catchAll} before it has no matches and takes all traffic`,
          'move the rule without matches to the end');
        return;
      }
      const key = matchKey(match);
      const earlier = seen.get(key);
      if (earlier !== undefined) {
        f.warning(`${field}.match[${j}]`, match, `is never used: rule #${earlier} has the same match`, 'remove the duplicate match');
        duplicates++;
        return;
      }
      seen.set(key, i);
      if (kind === 'http') {
        const p = prefixMatch(`${field}.match[${j}]`, i, match);
        if (p) prefixes.push(p);
      }
    });
    if (catchAll < 0 && duplicates === matches.length) {
      f.warning(field, route.name ?? `#${i}`, 'is unreachable: all its matches are used by earlier rules', 'remove the rule');
    }
  });
  // A URI prefix match is ineffective when an earlier prefix match with the same conditions covers it.
  for (let a = 0; a < prefixes.length; a++) {
    for (let b = a + 1; b < prefixes.length; b++) {
      const [earlier, later] = [prefixes[a], prefixes[b]];
      if (earlier.prefix === later.prefix || !covers(earlier, later)) continue;
      f.warning(later.field, `prefix ${later.prefix}`, `is never used: the earlier match ${earlier.field} on prefix ${earlier.prefix} takes its traffic`,
        'put the longer prefix first');
    }
  }
}
