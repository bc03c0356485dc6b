/**
 * A small model of how Istio 1.30 decides whether one request reaches a workload's sidecar, over
 * synthesized AuthorizationPolicy manifests, so tests can assert "productpage may call reviews,
 * details may not" rather than which strings the YAML holds.
 *
 * It follows Istio 1.30.3:
 * - which policies apply (pilot/pkg/model/authorization.go ListAuthorizationPolicies and
 *   policyattachment.go ShouldAttachPolicy): policies of the root namespace and of the workload's
 *   namespace whose `selector.matchLabels` is a subset of the workload's labels (or which have no
 *   selector). A root-namespace policy WITH a selector applies to matching workloads in every
 *   namespace (the API doc: "If the authorization policy is in the root namespace, the selector will
 *   additionally match with workloads in all namespaces"; the "selector only in the root namespace"
 *   rule is PeerAuthentication's, not AuthorizationPolicy's). Policies with targetRef(s) are skipped
 *   for sidecars; for a Gateway API gateway pod (label gateway.networking.k8s.io/gateway-name) a
 *   targetRef to that Gateway in the pod's namespace attaches as well.
 * - the order of evaluation (pilot/pkg/security/authz/builder/builder.go, Envoy RBAC filters):
 *   CUSTOM (not modelled: treated as not deciding), then DENY, then ALLOW; AUDIT never decides;
 *   policies annotated `istio.io/dry-run: "true"` are shadow rules and never decide either. An
 *   ALLOW or DENY policy without rules matches nothing (rbacPolicyMatchNever).
 * - rule matching (pilot/pkg/security/authz/model/model.go, generator.go, matcher/*.go): a rule is
 *   (any `from` or none) AND (any `to` or none) AND every `when`; within a source or an operation
 *   every set field must hold; a list holds when any value matches, a `not…` list when none does.
 *
 * Attributes a request lacks never match a value, so they always satisfy a `not…` list. That is
 * what Envoy does: principals and namespaces are `authenticated` matchers over the peer certificate,
 * and Envoy's AuthenticatedMatcher returns false when the connection has no TLS, so the generated
 * `not_id` is true — `notPrincipals: [x]` holds for plain text, a DENY policy with
 * `notPrincipals: ["*"]` denies plain text and an ALLOW policy with `notPrincipals: [bad]` lets plain
 * text in. Likewise JWT attributes are dynamic-metadata matchers that are false without a verified
 * token, so `notRequestPrincipals: ["*"]` holds exactly when no token was presented.
 *
 * Only HTTP is modelled (TCP filter chains drop HTTP-only fields), as are IPv4 addresses, no trust
 * domain aliases, no ambient/waypoints, no ext-authz providers.
 */

/** A JWT claim value: a string, a list of strings, or a nested object of claims. */
export type ClaimValue = string | string[] | { [name: string]: ClaimValue };

/** Who sends the request. */
export interface Caller {
  /**
   * The mTLS peer identity, e.g. `cluster.local/ns/shop/sa/productpage` (a leading `spiffe://` is
   * accepted); undefined for plain text, where no principal, namespace, service account or trust
   * domain can match.
   */
  readonly principal?: string;
  /**
   * The caller's namespace. Istio takes `source.namespace` from the principal (`/ns/<ns>/`), not from
   * here: without a principal no namespace matches. When both are given they must agree.
   */
  readonly namespace?: string;
  /** The peer address (`source.ip`, `ipBlocks`). */
  readonly ip?: string;
  /** The original client address from X-Forwarded-For / PROXY (`remote.ip`); defaults to `ip`, as in Envoy. */
  readonly remoteIp?: string;
  /** `<iss>/<sub>` of a verified JWT; undefined = no token. */
  readonly requestPrincipal?: string;
  /** Further claims of that JWT (only with `requestPrincipal`); `iss` and `sub` come from it. */
  readonly claims?: Record<string, ClaimValue>;
  /** Request headers; names are case-insensitive. */
  readonly headers?: Record<string, string>;
}

/** The request, as the target workload's sidecar sees it. */
export interface Call {
  /** Namespace of the target workload's pod. */
  readonly namespace: string;
  /** Labels of the target workload's pod. */
  readonly labels: Record<string, string>;
  /** The `:authority` as sent (may carry `:port`); undefined = absent. */
  readonly host?: string;
  /** The destination (container) port; undefined = unknown, matching no `ports`. */
  readonly port?: number;
  /** Defaults to `GET`. */
  readonly method?: string;
  /** Defaults to `/`; the query string is not part of the matched path. */
  readonly path?: string;
}

/** The verdict, with the policy that decided it. */
export interface Decision {
  readonly allowed: boolean;
  /** e.g. `DENY shop/deny-x rule 0`, `ALLOW shop/allow-x rule 1`, `no ALLOW policy matched (shop/allow-nothing applies)`, `no policy`. */
  readonly reason: string;
}

const GATEWAY_NAME_LABEL = 'gateway.networking.k8s.io/gateway-name';
const DRY_RUN_ANNOTATION = 'istio.io/dry-run';
/** Istio's jwt_authn config splits these top-level string claims on spaces (policy_applier.go buildSpaceDelimitedClaims). */
const SPACE_DELIMITED_CLAIMS = ['scope', 'permission'];

/** What the matchers read: the caller's and the call's attributes, resolved once. */
interface Attributes {
  readonly principal?: string;
  readonly ip?: number;
  readonly remoteIp?: number;
  readonly jwt?: { iss: string; sub: string; payload: Record<string, ClaimValue> };
  readonly headers: Record<string, string>;
  readonly host?: string;
  readonly port?: number;
  readonly method: string;
  readonly path: string;
}

type Test = (value: string) => boolean;

export class AuthorizationModel {
  private readonly rootNamespace: string;

  public constructor(private readonly manifests: any[], options: { rootNamespace?: string } = {}) {
    this.rootNamespace = options.rootNamespace ?? 'istio-system';
  }

  /** Whether the target's sidecar lets the request through, and which policy said so. */
  public decide(caller: Caller, call: Call): Decision {
    const attributes = resolve(caller, call);
    const applied = this.policiesFor(call).filter((p) => !isDryRun(p));
    const byAction = (action: string) => applied.filter((p) => (p.spec?.action ?? 'ALLOW') === action);
    const deny = byAction('DENY');
    const allow = byAction('ALLOW');
    for (const policy of deny) {
      const index = this.matchingRule(policy, attributes);
      if (index >= 0) return { allowed: false, reason: `DENY ${nameOf(policy)} rule ${index}` };
    }
    if (allow.length === 0) {
      return { allowed: true, reason: deny.length === 0 ? 'no policy' : 'no DENY rule matched and no ALLOW policy applies' };
    }
    for (const policy of allow) {
      const index = this.matchingRule(policy, attributes);
      if (index >= 0) return { allowed: true, reason: `ALLOW ${nameOf(policy)} rule ${index}` };
    }
    return { allowed: false, reason: `no ALLOW policy matched (${allow.map(nameOf).join(', ')} ${allow.length === 1 ? 'applies' : 'apply'})` };
  }

  /** The policies Istio attaches to the target pod, root namespace first, in manifest order. */
  private policiesFor(call: Call): any[] {
    const policies = this.manifests.filter((m) => m?.kind === 'AuthorizationPolicy' && String(m.apiVersion ?? '').startsWith('security.istio.io/'));
    const namespaces = [...new Set([this.rootNamespace, call.namespace])];
    const gatewayName = call.labels[GATEWAY_NAME_LABEL];
    return namespaces.flatMap((ns) => policies.filter((p) => (p.metadata?.namespace ?? 'default') === ns)).filter((policy) => {
      const spec = policy.spec ?? {};
      const action = spec.action ?? 'ALLOW';
      if (!['ALLOW', 'DENY', 'AUDIT', 'CUSTOM'].includes(action)) throw new Error(`${nameOf(policy)}: unknown action ${action}`);
      const targetRefs: any[] = spec.targetRefs?.length ? spec.targetRefs : spec.targetRef ? [spec.targetRef] : [];
      const selected = Object.entries<string>(spec.selector?.matchLabels ?? {}).every(([k, v]) => call.labels[k] === v);
      if (gatewayName === undefined) return targetRefs.length === 0 && selected;
      if (targetRefs.length === 0) return selected; // ENABLE_SELECTOR_BASED_K8S_GATEWAY_POLICY defaults to true
      return policy.metadata?.namespace === call.namespace && targetRefs.some((ref) => ref.kind === 'Gateway'
        && ref.group === 'gateway.networking.k8s.io' && ref.name === gatewayName && (!ref.namespace || ref.namespace === call.namespace));
    });
  }

  /** The index of the first rule of the policy that matches, or -1. */
  private matchingRule(policy: any, attributes: Attributes): number {
    const rules: any[] = policy.spec?.rules ?? [];
    return rules.findIndex((rule) => rule != null && this.ruleMatches(policy, rule, attributes));
  }

  private ruleMatches(policy: any, rule: any, a: Attributes): boolean {
    const from: any[] = rule.from ?? [];
    const to: any[] = rule.to ?? [];
    const when: any[] = rule.when ?? [];
    return (from.length === 0 || from.some((f) => this.sourceMatches(policy, f.source ?? {}, a)))
      && (to.length === 0 || to.some((t) => operationMatches(t.operation ?? {}, a)))
      && when.every((c) => this.conditionMatches(policy, c, a));
  }

  private sourceMatches(policy: any, source: any, a: Attributes): boolean {
    const tests: Record<string, Test> = {
      principals: (v) => principalMatches(v, a),
      requestPrincipals: (v) => requestPrincipalMatches(v, a),
      namespaces: (v) => namespaceMatches(v, a),
      serviceAccounts: (v) => serviceAccountMatches(v, policy.metadata?.namespace ?? 'default', a),
      trustDomains: (v) => trustDomainMatches(v, a),
      ipBlocks: (v) => cidrContains(v, a.ip),
      remoteIpBlocks: (v) => cidrContains(v, a.remoteIp),
    };
    return fieldsMatch('source', source, tests);
  }

  private conditionMatches(policy: any, condition: any, a: Attributes): boolean {
    const key: string = condition.key;
    const values: string[] = condition.values ?? [];
    const notValues: string[] = condition.notValues ?? [];
    if (values.length === 0 && notValues.length === 0) throw new Error(`when ${key}: needs values or notValues`);
    const test = conditionTest(key, policy, a);
    return listMatches(values, notValues, test);
  }
}

function nameOf(policy: any): string {
  return `${policy.metadata?.namespace ?? 'default'}/${policy.metadata?.name}`;
}

/** strconv.ParseBool, as builder.go isDryRun reads the annotation. */
function isDryRun(policy: any): boolean {
  const value = policy.metadata?.annotations?.[DRY_RUN_ANNOTATION];
  return value !== undefined && ['1', 't', 'T', 'true', 'TRUE', 'True'].includes(String(value));
}

function resolve(caller: Caller, call: Call): Attributes {
  const principal = caller.principal?.replace(/^spiffe:\/\//, '');
  if (principal !== undefined && caller.namespace !== undefined) {
    const fromPrincipal = /\/ns\/([^/]+)\//.exec(`/${principal}/`)?.[1];
    if (fromPrincipal !== caller.namespace) throw new Error(`caller namespace ${caller.namespace} disagrees with principal ${principal}`);
  }
  let jwt: Attributes['jwt'];
  if (caller.requestPrincipal !== undefined) {
    const at = caller.requestPrincipal.lastIndexOf('/');
    if (at < 0) throw new Error(`requestPrincipal ${caller.requestPrincipal} is not <iss>/<sub>`);
    const iss = caller.requestPrincipal.slice(0, at);
    const sub = caller.requestPrincipal.slice(at + 1);
    const payload: Record<string, ClaimValue> = { ...caller.claims, iss, sub };
    for (const claim of ['iss', 'sub'] as const) {
      if (caller.claims?.[claim] !== undefined && caller.claims[claim] !== payload[claim]) {
        throw new Error(`claims.${claim} disagrees with requestPrincipal ${caller.requestPrincipal}`);
      }
    }
    for (const claim of SPACE_DELIMITED_CLAIMS) {
      const value = payload[claim];
      if (typeof value === 'string') payload[claim] = value.split(' ').filter((s) => s !== '');
    }
    jwt = { iss, sub, payload };
  } else if (caller.claims !== undefined) {
    throw new Error('claims without a requestPrincipal: Istio only sees the claims of a verified JWT');
  }
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(caller.headers ?? {})) headers[name.toLowerCase()] = value;
  const ip = caller.ip === undefined ? undefined : parseIPv4(caller.ip, 'caller ip');
  const remoteIp = caller.remoteIp === undefined ? ip : parseIPv4(caller.remoteIp, 'caller remoteIp');
  const path = (call.path ?? '/').split('?')[0];
  return { principal, ip, remoteIp, jwt, headers, host: call.host, port: call.port, method: call.method ?? 'GET', path };
}

/** A `values` / `notValues` pair: any value matches (when given) and no notValue matches. */
function listMatches(values: string[] | undefined, notValues: string[] | undefined, test: Test): boolean {
  return (!values?.length || values.some(test)) && (!notValues?.length || !notValues.some(test));
}

/** Every field of a source or operation that is set must hold; unknown fields throw. */
function fieldsMatch(what: string, object: any, tests: Record<string, Test>): boolean {
  for (const field of Object.keys(object)) {
    const positive = field.startsWith('not') ? field[3].toLowerCase() + field.slice(4) : field;
    if (!(positive in tests)) throw new Error(`${what}.${field} is not modelled`);
  }
  return Object.entries(tests).every(([field, test]) => {
    const not = `not${field[0].toUpperCase()}${field.slice(1)}`;
    return listMatches(object[field], object[not], test);
  });
}

function operationMatches(operation: any, a: Attributes): boolean {
  return fieldsMatch('operation', operation, {
    hosts: (v) => stringMatches(v, a.host, { ignoreCase: true, star: 'present' }),
    ports: (v) => a.port !== undefined && parsePort(v) === a.port,
    methods: (v) => stringMatches(v, a.method, { star: 'present' }),
    paths: (v) => pathMatches(v, a.path),
  });
}

/** The test of one `when` key (model.go New: the attributes it knows; anything else throws here). */
function conditionTest(key: string, policy: any, a: Attributes): Test {
  const bracketed = (prefix: string) => key.startsWith(prefix) ? key.slice(prefix.length) : undefined;
  const header = bracketed('request.headers');
  if (header !== undefined) {
    const name = /^\[(.+)\]$/.exec(header)?.[1];
    if (!name) throw new Error(`when ${key}: expecting request.headers[<name>]`);
    return (v) => stringMatches(v, a.headers[name.toLowerCase()], { star: 'present' });
  }
  const claims = bracketed('request.auth.claims');
  if (claims !== undefined) {
    const path = claimPath(claims);
    if (!path) throw new Error(`when ${key}: expecting request.auth.claims[<name>]...`);
    return (v) => claimMatches(a, path, v);
  }
  switch (key) {
    case 'source.ip': return (v) => cidrContains(v, a.ip);
    case 'remote.ip': return (v) => cidrContains(v, a.remoteIp);
    case 'source.namespace': return (v) => namespaceMatches(v, a);
    case 'source.principal': return (v) => principalMatches(v, a);
    case 'source.serviceAccount': return (v) => serviceAccountMatches(v, policy.metadata?.namespace ?? 'default', a);
    case 'source.trustDomain': return (v) => trustDomainMatches(v, a);
    case 'request.auth.principal': return (v) => requestPrincipalMatches(v, a);
    case 'request.auth.audiences': return (v) => claimMatches(a, ['aud'], v);
    case 'request.auth.presenter': return (v) => claimMatches(a, ['azp'], v);
    case 'destination.port': return (v) => a.port !== undefined && parsePort(v) === a.port;
    default: throw new Error(`when ${key}: attribute not modelled`);
  }
}

/** `[a][b]` is the nested claim a.b; anything else in one pair of brackets is one claim name (util.go extractNameInNestedBrackets). */
function claimPath(s: string): string[] | undefined {
  if (/^(\[[^[\]]+\])+$/.test(s)) return [...s.matchAll(/\[([^[\]]+)\]/g)].map((m) => m[1]);
  const single = /^\[(.*)\]$/.exec(s)?.[1];
  return single ? [single] : undefined;
}

/**
 * Istio's value matching (matcher.StringMatcher / HeaderMatcher): `*` alone is presence (non-empty for
 * string matchers, merely present for header matchers), `*x` is a suffix, `x*` a prefix, anything else
 * exact. Hosts ignore case.
 */
function stringMatches(pattern: string, value: string | undefined, opts: { ignoreCase?: boolean; star?: 'present' | 'nonEmpty' } = {}): boolean {
  if (value === undefined) return false;
  if (pattern === '*') return opts.star === 'present' || value.length > 0;
  const p = opts.ignoreCase ? pattern.toLowerCase() : pattern;
  const v = opts.ignoreCase ? value.toLowerCase() : value;
  if (p.startsWith('*')) return v.endsWith(p.slice(1));
  if (p.endsWith('*')) return v.startsWith(p.slice(0, -1));
  return v === p;
}

/** Paths: string matching, or a `{*}` / `{**}` URI template (one segment / any remaining segments). */
function pathMatches(pattern: string, path: string): boolean {
  if (!pattern.includes('{*}') && !pattern.includes('{**}')) return stringMatches(pattern, path);
  const regex = pattern.split(/(\{\*\*\}|\{\*\})/).map((part) => part === '{**}' ? '.*' : part === '{*}' ? '[^/]+' : escapeRegex(part)).join('');
  return new RegExp(`^${regex}$`).test(path);
}

/** `principals` match the peer's URI SAN `spiffe://<principal>`: the same as string matching on the principal. */
function principalMatches(pattern: string, a: Attributes): boolean {
  return stringMatches(pattern, a.principal);
}

/** `namespaces` become the regex `.*\/ns\/<ns, * as .*>\/.*` over the peer's SAN (srcNamespaceGenerator). */
function namespaceMatches(pattern: string, a: Attributes): boolean {
  if (a.principal === undefined) return false;
  const ns = pattern.split('*').map(escapeRegex).join('.*');
  return new RegExp(`^.*/ns/${ns}/.*$`).test(`spiffe://${a.principal}`);
}

/** `serviceAccounts`: `<sa>` (in the policy's namespace) or `<ns>/<sa>`, matched against the SAN's /ns/ and /sa/ segments. */
function serviceAccountMatches(value: string, policyNamespace: string, a: Attributes): boolean {
  if (a.principal === undefined) return false;
  const [ns, sa] = value.includes('/') ? [value.slice(0, value.indexOf('/')), value.slice(value.indexOf('/') + 1)] : [policyNamespace, value];
  return new RegExp(`^spiffe://.+/ns/${escapeRegex(ns)}/(.+/|)sa/${escapeRegex(sa)}(/.+)?$`).test(`spiffe://${a.principal}`);
}

/** `trustDomains`: the first segment of the principal; `*` any, `x*` / `*x` within the segment. */
function trustDomainMatches(value: string, a: Attributes): boolean {
  if (a.principal === undefined) return false;
  const san = `spiffe://${a.principal}`;
  if (value === '*') return true;
  if (!value.includes('*')) return san.startsWith(`spiffe://${value}/`);
  const star = value.indexOf('*');
  return new RegExp(`^spiffe://${escapeRegex(value.slice(0, star))}[^/]*${escapeRegex(value.slice(star + 1))}/.*$`).test(san);
}

/**
 * `requestPrincipals` split at the last `/` into issuer and subject, each matched against the JWT's
 * `iss` / `sub` claims (requestPrincipalGenerator): `*` = both non-empty; `*x` = issuer suffix (exact
 * subject), or with no `/` any issuer and subject suffix; `x*` = exact issuer and subject prefix, or
 * with no `/` issuer prefix and any subject.
 */
function requestPrincipalMatches(pattern: string, a: Attributes): boolean {
  if (!a.jwt) return false;
  const { iss, sub } = a.jwt;
  const any = (s: string) => s.length > 0;
  const at = pattern.lastIndexOf('/');
  const found = at >= 0;
  const pIss = found ? pattern.slice(0, at) : pattern;
  const pSub = found ? pattern.slice(at + 1) : '';
  if (pattern === '*') return any(iss) && any(sub);
  if (pattern.startsWith('*')) {
    if (found) return (pIss === '*' ? any(iss) : iss.endsWith(pIss.slice(1))) && sub === pSub;
    return any(iss) && sub.endsWith(pattern.slice(1));
  }
  if (pattern.endsWith('*')) {
    if (found) return iss === pIss && (pSub === '*' ? any(sub) : sub.startsWith(pSub.slice(0, -1)));
    return iss.startsWith(pattern.slice(0, -1)) && any(sub);
  }
  return iss === pIss && sub === pSub;
}

/** A claim at a (nested) path matches when it is a matching string or a list with a matching string. */
function claimMatches(a: Attributes, path: string[], pattern: string): boolean {
  let value: ClaimValue | undefined = a.jwt?.payload;
  for (const key of path) {
    if (value === undefined || typeof value === 'string' || Array.isArray(value)) return false;
    value = value[key];
  }
  if (typeof value === 'string') return stringMatches(pattern, value);
  if (Array.isArray(value)) return value.some((e) => typeof e === 'string' && stringMatches(pattern, e));
  return false;
}

function parsePort(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) > 65535) throw new Error(`invalid port ${value}`);
  return Number(value);
}

function parseIPv4(value: string, what: string): number {
  const parts = value.split('.');
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) throw new Error(`${what}: ${value} is not an IPv4 address`);
  return parts.reduce((acc, p) => acc * 256 + Number(p), 0);
}

/** An IP or CIDR block (AddrStrToCidrRange: a bare address is a /32) containing the address. */
function cidrContains(block: string, ip: number | undefined): boolean {
  const [address, bits] = block.split('/');
  const prefix = bits === undefined ? 32 : Number(bits);
  if (!/^\d+$/.test(bits ?? '32') || prefix > 32) throw new Error(`invalid CIDR ${block}`);
  const base = parseIPv4(address, 'ipBlock');
  if (ip === undefined) return false;
  const size = 2 ** (32 - prefix);
  return Math.floor(ip / size) === Math.floor(base / size);
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
