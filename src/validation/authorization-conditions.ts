import { isIP } from 'net';

// The value rules of Istio 1.30.3's AuthorizationPolicy webhook (pkg/config/security): `when`
// condition keys and their values, IP blocks, ports, service accounts, trust domains and path
// templates. Each returns why a single value is refused, or undefined; the L2 construct and
// validateAuthorizationPolicySpec share them.

/** Istio refuses more service accounts than this in one list. */
export const MAX_SERVICE_ACCOUNTS = 16;
const MAX_SERVICE_ACCOUNT_LENGTH = 320;

/** Keys whose value is one name, matched as written (apart from the empty-value rule). */
const PLAIN_KEYS = ['source.namespace', 'source.principal', 'request.auth.principal', 'request.auth.audiences', 'request.auth.presenter', 'connection.sni'];
const IP_KEYS = ['source.ip', 'remote.ip', 'destination.ip'];
/** Keys that name a header, claim or filter state in brackets: `request.headers[User-Agent]`. */
const BRACKET_PREFIXES = ['request.headers', 'request.auth.claims', 'experimental.envoy.filters.'];

/** The `when` keys Istio supports as written (the bracket keys aside). */
const EXACT_KEYS = [...IP_KEYS, ...PLAIN_KEYS, 'source.serviceAccount', 'source.trustDomain', 'destination.port'];

/** Whether `key` is `a[b]`: a name, then a non-empty part in brackets at the end. */
function isBracketKey(key: string): boolean {
  const open = key.indexOf('[');
  return key.endsWith(']') && open > 0 && open < key.length - 2;
}

/** Why a `when` key is refused, or undefined. */
export function conditionKeyProblem(key: unknown): string | undefined {
  if (typeof key !== 'string') return 'must be a string';
  if (key === '') return 'must not be empty';
  const prefix = BRACKET_PREFIXES.find((p) => key.startsWith(p));
  if (prefix) return isBracketKey(key) ? undefined : `must name a ${prefix === 'request.headers' ? 'header' : 'claim or key'} in brackets, e.g. ${prefix}[name]`;
  if (EXACT_KEYS.includes(key)) return undefined;
  if (key === 'destination.namespace') return 'is no longer supported: the policy applies in its own namespace (metadata.namespace)';
  if (key.startsWith('destination.labels')) return 'is no longer supported: the workload selector replaced it';
  if (key === 'destination.name' || key === 'destination.user') return 'is deprecated and only supported in v1alpha1';
  return 'must be a supported attribute';
}

/** Why one value of the `when` condition with key `key` is refused, or undefined. The key itself is checked by conditionKeyProblem. */
export function conditionValueProblem(key: string, value: unknown): string | undefined {
  if (typeof value !== 'string') return 'must be a string';
  if (value === '') return 'must not be empty';
  if (IP_KEYS.includes(key)) return ipBlockProblem(value);
  if (key === 'destination.port') return portProblem(value);
  if (key === 'source.serviceAccount') return serviceAccountProblem(value);
  if (key === 'source.trustDomain') return wildcardValueProblem(value);
  return undefined;
}

/** Why a value is not an IP address or CIDR block as Go's net/netip parses them, or undefined. */
export function ipBlockProblem(value: unknown): string | undefined {
  if (typeof value !== 'string') return 'must be a string';
  if (value === '') return 'must not be empty';
  const slash = value.lastIndexOf('/');
  if (slash < 0) return isIP(value) ? undefined : 'must be an IP address or a CIDR block';
  const address = value.slice(0, slash);
  const bits = value.slice(slash + 1);
  const family = isIP(address);
  // netip.ParsePrefix: no zone, prefix length in decimal without sign or leading zeros.
  if (family === 0 || address.includes('%') || !/^(0|[1-9][0-9]*)$/.test(bits) || Number(bits) > (family === 4 ? 32 : 128)) {
    return 'must be a CIDR block such as 10.0.0.0/16';
  }
  return undefined;
}

/** Why a port value (a string) is refused: it must be a decimal number from 0 to 65535. */
export function portProblem(value: unknown): string | undefined {
  if (typeof value !== 'string') return 'must be a string';
  if (value === '') return 'must not be empty';
  return /^[0-9]+$/.test(value) && Number(value) <= 65535 ? undefined : 'must be a port number from 0 to 65535';
}

/** Why a service account is refused: `<name>` or `<namespace>/<name>`, no wildcards, at most 320 characters. */
export function serviceAccountProblem(value: unknown): string | undefined {
  if (typeof value !== 'string') return 'must be a string';
  if (value === '') return 'must not be empty';
  if (value.includes('*')) return 'must not contain a wildcard';
  const parts = value.split('/');
  if (parts.length > 2) return 'must be "<service account>" or "<namespace>/<service account>" (one "/" at most)';
  if (value.length > MAX_SERVICE_ACCOUNT_LENGTH) return `must be at most ${MAX_SERVICE_ACCOUNT_LENGTH} characters long`;
  if (parts.length === 2 && parts[0] === '') return 'must name the namespace before the "/"';
  if (parts.length === 2 && parts[1] === '') return 'must name the service account after the "/"';
  return undefined;
}

/** Why a value with an optional wildcard is refused: one "*" at most, at the start or the end. */
export function wildcardValueProblem(value: unknown): string | undefined {
  if (typeof value !== 'string') return 'must be a string';
  if (value === '') return 'must not be empty';
  const stars = value.split('*').length - 1;
  if (stars > 1) return 'must have at most one wildcard "*"';
  if (stars === 1 && !value.startsWith('*') && !value.endsWith('*')) return 'must have its wildcard "*" at the start or the end';
  return undefined;
}

/** Why a trust domain is refused: a wildcard value without "/" (a trust domain, not a SPIFFE ID). */
export function trustDomainProblem(value: unknown): string | undefined {
  const problem = wildcardValueProblem(value);
  if (problem) return problem;
  return (value as string).includes('/') ? 'must not contain "/": give the trust domain alone, e.g. cluster.local' : undefined;
}

/**
 * Why one value of a `from.source` or `to.operation` list (named by its field, e.g. `notIpBlocks`
 * or `paths`) is refused, or undefined. Every value must be a non-empty string.
 */
export function fieldValueProblem(name: string, value: unknown): string | undefined {
  const base = name.replace(/^not(.)/, (_, first: string) => first.toLowerCase());
  if (base === 'ipBlocks' || base === 'remoteIpBlocks') return ipBlockProblem(value);
  if (base === 'serviceAccounts') return serviceAccountProblem(value);
  if (base === 'trustDomains') return trustDomainProblem(value);
  if (base === 'ports') return portProblem(value);
  if (base === 'paths') return pathTemplateProblem(value);
  if (typeof value !== 'string') return 'must be a string';
  return value === '' ? 'must not be empty' : undefined;
}

const MATCH_ONE = '{*}';
const MATCH_ANY = '{**}';
/** A path segment of a template: RFC 3986 pchar (unreserved, pct-encoded, sub-delims but "*", ":" and "@"). */
const LITERAL_SEGMENT = /^[a-zA-Z0-9\-._~%!$&'()+,;:@=]+$/;

/** Why a path or path template is refused, or undefined. Templates use `{*}` for a segment and `{**}` (last) for the rest. */
export function pathTemplateProblem(value: unknown): string | undefined {
  if (typeof value !== 'string') return 'must be a string';
  if (value === '') return 'must not be empty';
  const template = value.includes(MATCH_ONE) || value.includes(MATCH_ANY);
  let matchAny = false;
  for (const segment of value.replace(/^\/+|\/+$/g, '').split('/')) {
    if (segment === MATCH_ONE || segment === MATCH_ANY) {
      if (matchAny) return 'must have {**} as the last operator of the template';
      matchAny = segment === MATCH_ANY;
      continue;
    }
    if (/[{}]/.test(segment)) return `must not use "{" or "}" outside a whole {*} or {**} segment (segment "${segment}")`;
    if (template && !LITERAL_SEGMENT.test(segment)) return `must have only literal segments next to {*} and {**} (segment "${segment}" is not)`;
  }
  return undefined;
}
