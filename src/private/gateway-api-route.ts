import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import { checkPort, invalid } from './invalid';
import type { BackendRef, HeaderModifier, IGatewayApiParent, MirrorOptions, RouteHeaderMatch } from '../gateway-api/route-types';

const HOSTNAME = /^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+\-.^_`|~]+$/;
const RULE_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Gateway API limits (v1.6.1 standard channel). */
export const MAX_RULES = 16;
export const MAX_MATCHES = 64;
export const MAX_TOTAL_MATCHES = 127;
export const MAX_BACKENDS = 16;
export const MAX_WEIGHT = 1_000_000;

/** Refuses route hostnames the CRD refuses: at most 16 RFC 1123 names, optionally `*.`-prefixed, no IPs. */
export function checkHostnames(scope: IConstruct, hostnames: string[]): void {
  if (hostnames.length > 16) invalid(scope, 'hostnames', hostnames.length, 'must have at most 16 entries', 'split the route');
  hostnames.forEach((h, i) => {
    if (h.length > 253 || !HOSTNAME.test(h) || /^[0-9.]+$/.test(h)) {
      invalid(scope, `hostnames[${i}]`, h, 'must be a lower-case DNS name, optionally prefixed with "*." (no IP, port or upper case)',
        'give a name such as shop.example.com or *.example.com');
    }
  });
}

/** Refuses a rule name the CRD refuses (a DNS subdomain) or a name used twice. */
export function checkRuleName(scope: IConstruct, field: string, name: string | undefined, seen: Set<string>): void {
  if (name === undefined) return;
  if (name.length > 253 || !RULE_NAME.test(name)) invalid(scope, field, name, 'must be a lower-case DNS subdomain', 'use letters, digits, - and .');
  if (seen.has(name)) invalid(scope, field, name, 'must be unique within the route', 'give each rule its own name');
  seen.add(name);
}

/** Refuses a header name the CRD refuses. */
export function checkHeaderName(scope: IConstruct, field: string, name: string): void {
  if (name.length > 256 || !HEADER_NAME.test(name)) invalid(scope, field, name, 'must be an HTTP header name (RFC 7230 token)', 'remove spaces and separators');
}

/**
 * The Gateways a route names only (`ParentRef.gateway()`), as `namespace/name`: defined outside
 * the app, so the analyzer does not report them as missing (as `Gateway.fromGatewayName()`).
 */
export function externalGatewayReferences(parents: IGatewayApiParent[], namespace: string | undefined): string[] {
  return parents.filter((p) => (p as { _byName?: boolean })._byName === true)
    .map((p) => `${p.parentReference.namespace ?? namespace ?? 'default'}/${p.parentReference.name}`);
}

/** The `parentRefs` of a route, namespaces written only when they differ from the route's. */
export function renderParents(scope: IConstruct, parents: IGatewayApiParent[], namespace: string | undefined): any[] | undefined {
  if (parents.length === 0) return undefined;
  const refs = parents.map((p, i) => {
    const r = p.parentReference;
    if (r.port !== undefined) checkPort(scope, `parentRefs[${i}].port`, r.port);
    return {
      group: r.group,
      kind: r.kind,
      name: r.name,
      namespace: r.namespace && r.namespace !== namespace ? r.namespace : undefined,
      sectionName: r.sectionName,
      port: r.port,
    };
  });
  // The CRD's CEL rules: several references to one parent need distinct section names.
  refs.forEach((a, i) => refs.forEach((b, j) => {
    if (j <= i || a.group !== b.group || a.kind !== b.kind || a.name !== b.name || (a.namespace ?? '') !== (b.namespace ?? '')) return;
    if (a.sectionName === undefined || b.sectionName === undefined || a.sectionName === b.sectionName) {
      invalid(scope, `parentRefs[${j}]`, `${b.kind} ${b.name}`, 'refers to the same parent as parentRefs[' + i + '] without a distinct sectionName',
        'give each reference to one parent its own sectionName, or attach once');
    }
  }));
  return refs;
}

/** One backendRef as the CRD writes it: the port resolved and checked, the namespace written when it differs. */
export function renderBackend(scope: IConstruct, field: string, backend: BackendRef, namespace: string | undefined, withWeight: boolean): any {
  let port = backend.port;
  const known = backend._knownPorts ?? [];
  if (port === undefined) {
    if (known.length !== 1) {
      invalid(scope, `${field}.port`, undefined, `must be given: Service ${backend.name} exposes ${known.length === 0 ? 'no port' : `ports ${known.join(', ')}`}`,
        'pass the Service port to BackendRef.service()');
    }
    port = known[0];
  }
  checkPort(scope, `${field}.port`, port);
  if (known.length > 0 && !known.includes(port)) {
    invalid(scope, `${field}.port`, port, `is not a port of Service ${backend.name} (${known.join(', ')})`, 'use one of the ports the Service exposes');
  }
  if (backend.weight !== undefined && (!Number.isInteger(backend.weight) || backend.weight < 0 || backend.weight > MAX_WEIGHT)) {
    invalid(scope, `${field}.weight`, backend.weight, 'must be an integer from 0 to 1000000', 'give a relative weight, e.g. 90 and 10');
  }
  return {
    group: '',
    kind: 'Service',
    name: backend.name,
    namespace: backend.namespace && backend.namespace !== namespace ? backend.namespace : undefined,
    port,
    weight: withWeight ? backend.weight : undefined,
  };
}

/** The `backendRefs` of a rule: at most 16, weights 0-1,000,000 and not all zero. */
export function renderBackends(scope: IConstruct, field: string, backends: BackendRef[], namespace: string | undefined,
  filtersOf: (i: number) => any[] | undefined): any[] | undefined {
  if (backends.length === 0) return undefined;
  if (backends.length > MAX_BACKENDS) invalid(scope, field, backends.length, 'must have at most 16 backends', 'split the traffic over fewer Services');
  const rendered = backends.map((b, i) => ({ ...renderBackend(scope, `${field}[${i}]`, b, namespace, true), filters: filtersOf(i) }));
  if (backends.every((b) => b.weight === 0)) {
    invalid(scope, field, backends.map((b) => b.weight), 'all have weight 0, so every request fails with a 500',
      'give at least one backend a positive weight, or remove the rule');
  }
  return rendered;
}

/** Header matches of a rule. */
export function renderHeaderMatches(scope: IConstruct, field: string, headers: RouteHeaderMatch[] | undefined,
  caseInsensitive = true): any[] | undefined {
  if (!headers || headers.length === 0) return undefined;
  if (headers.length > 16) invalid(scope, field, headers.length, 'must have at most 16 entries', 'match on fewer headers');
  const seen = new Set<string>();
  return headers.map((h, i) => {
    checkHeaderName(scope, `${field}[${i}].name`, h.name);
    const key = caseInsensitive ? h.name.toLowerCase() : h.name;
    if (seen.has(key)) invalid(scope, `${field}[${i}].name`, h.name, 'is matched twice; implementations use only the first', 'match each header once');
    seen.add(key);
    return { name: h.name, value: h.value, type: h.type };
  });
}

/** A RequestHeaderModifier / ResponseHeaderModifier body. */
export function renderHeaderModifier(scope: IConstruct, field: string, modifier: HeaderModifier): any {
  const entries = (record: { [name: string]: string } | undefined, what: string) => {
    const names = Object.keys(record ?? {}).sort();
    if (names.length > 16) invalid(scope, `${field}.${what}`, names.length, 'must have at most 16 entries', 'change fewer headers');
    names.forEach((n) => checkHeaderName(scope, `${field}.${what}`, n));
    return names.length > 0 ? names.map((name) => ({ name, value: record![name] })) : undefined;
  };
  const set = entries(modifier.set, 'set');
  const add = entries(modifier.add, 'add');
  const remove = modifier.remove && modifier.remove.length > 0 ? [...modifier.remove] : undefined;
  if (remove && remove.length > 16) invalid(scope, `${field}.remove`, remove.length, 'must have at most 16 entries', 'remove fewer headers');
  remove?.forEach((n) => checkHeaderName(scope, `${field}.remove`, n));
  if (!set && !add && !remove) invalid(scope, field, modifier, 'changes no header', 'give set, add or remove');
  const lower = (names: string[]) => names.map((n) => n.toLowerCase());
  const all = [...lower(set?.map((e) => e.name) ?? []), ...lower(add?.map((e) => e.name) ?? []), ...lower(remove ?? [])];
  const twice = all.find((n, i) => all.indexOf(n) !== i);
  if (twice) invalid(scope, field, twice, 'is changed twice (set, add and remove must name different headers)', 'change each header once');
  return { set, add, remove };
}

/** A RequestMirror body. */
export function renderMirror(scope: IConstruct, field: string, backend: BackendRef, options: MirrorOptions, namespace: string | undefined): any {
  if (backend.weight !== undefined) invalid(scope, `${field}.backendRef.weight`, backend.weight, 'means nothing on a mirror', 'use percent or fraction');
  if (options.percent !== undefined && options.fraction !== undefined) {
    invalid(scope, field, options, 'has both percent and fraction', 'give one of them');
  }
  if (options.percent !== undefined && (!Number.isInteger(options.percent) || options.percent < 0 || options.percent > 100)) {
    invalid(scope, `${field}.percent`, options.percent, 'must be an integer from 0 to 100', 'give a whole percentage, or a fraction');
  }
  let fraction: any;
  if (options.fraction) {
    const numerator = options.fraction.numerator;
    const denominator = options.fraction.denominator ?? 100;
    if (!Number.isInteger(numerator) || !Number.isInteger(denominator) || numerator < 0 || denominator < 1 || numerator > denominator) {
      invalid(scope, `${field}.fraction`, options.fraction, 'must be whole numbers with 0 <= numerator <= denominator and denominator >= 1',
        'e.g. { numerator: 1, denominator: 1000 } for 0.1%');
    }
    fraction = { numerator, denominator };
  }
  const { weight: _weight, ...ref } = renderBackend(scope, `${field}.backendRef`, backend, namespace, false);
  return { backendRef: ref, percent: options.percent, fraction };
}

/**
 * A Gateway API Duration (GEP-2257): `1h`, `30s`, `1m30s`, `500ms`; whole milliseconds, each
 * unit at most 5 digits.
 */
export function renderGatewayDuration(scope: IConstruct, field: string, duration: Duration | undefined): string | undefined {
  if (duration === undefined) return undefined;
  const millis = duration.toMilliseconds({ integral: false });
  if (!Number.isInteger(millis) || millis < 0) {
    invalid(scope, field, `${millis}ms`, 'must be a whole, non-negative number of milliseconds', 'round to milliseconds');
  }
  if (millis === 0) return '0s';
  const h = Math.floor(millis / 3_600_000);
  const m = Math.floor((millis % 3_600_000) / 60_000);
  const s = Math.floor((millis % 60_000) / 1000);
  const ms = millis % 1000;
  if (h > 99_999) invalid(scope, field, `${h}h`, 'must be at most 99999h', 'give a shorter duration');
  return `${h ? `${h}h` : ''}${m ? `${m}m` : ''}${s ? `${s}s` : ''}${ms ? `${ms}ms` : ''}`;
}

/** Refuses a filter kind used twice in one list (the CRD allows one of each, mirrors excepted). */
export function checkFilterRepeats(scope: IConstruct, field: string, types: string[], repeatable: string[]): void {
  types.forEach((t, i) => {
    if (!repeatable.includes(t) && types.indexOf(t) !== i) {
      invalid(scope, `${field}[${i}]`, t, `filter is given twice (at most one ${t} filter per list)`, 'merge them into one filter');
    }
  });
}

/** Drops undefined values from a rendered object, recursively for plain objects and arrays. */
export function prune<T>(value: T): T {
  if (Array.isArray(value)) return value.map(prune) as any;
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined).map(([k, v]) => [k, prune(v)])) as any;
  }
  return value;
}
