import { ApiObjectMetadata, Duration } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { BackendRef, HeaderModifier, IGatewayApiParent, MirrorOptions, RouteHeaderMatch } from './route-types';
import * as gw from '../imports/gateway.networking.k8s.io';
import { HttpMethod } from '../networking/cors';
import { RedirectScheme } from '../networking/http-route';
import {
  MAX_MATCHES, MAX_RULES, MAX_TOTAL_MATCHES, checkFilterRepeats, checkHeaderName, checkHostnames, checkRuleName, prune, renderBackends,
  externalGatewayReferences, renderGatewayDuration, renderHeaderMatches, renderHeaderModifier, renderMirror, renderParents,
} from '../private/gateway-api-route';
import { checkPort, invalid } from '../private/invalid';
import { createL1Resource, noWebhookRules } from '../private/l1-resource';

/** How an HTTPRoute path match compares. */
export enum HttpPathMatchType {
  /** The path must be equal. */
  EXACT = 'Exact',
  /** The path must start with the value, element by element (`/api` matches `/api/x`, not `/apix`). */
  PATH_PREFIX = 'PathPrefix',
  /** The path must match a regular expression. */
  REGULAR_EXPRESSION = 'RegularExpression',
}

/** The path a request must have. */
export class HttpPathMatch {
  /** The path must be equal to `path`. */
  public static exact(path: string): HttpPathMatch {
    return new HttpPathMatch(HttpPathMatchType.EXACT, path);
  }

  /** The path must start with `prefix`, element by element. */
  public static prefix(prefix: string): HttpPathMatch {
    return new HttpPathMatch(HttpPathMatchType.PATH_PREFIX, prefix);
  }

  /** The path must match the regular expression `regex`. */
  public static regex(regex: string): HttpPathMatch {
    return new HttpPathMatch(HttpPathMatchType.REGULAR_EXPRESSION, regex);
  }

  private constructor(
    /** How to compare. */
    public readonly type: HttpPathMatchType,
    /** The path, prefix or regular expression. */
    public readonly value: string) {}
}

/** What a request must have for a rule to apply. Every given field must match. */
export interface HttpRouteMatch {
  /**
   * The path.
   *
   * @default HttpPathMatch.prefix('/')
   */
  readonly path?: HttpPathMatch;

  /**
   * Headers the request must have.
   *
   * @default - any headers
   */
  readonly headers?: RouteHeaderMatch[];

  /**
   * Query parameters the request must have.
   *
   * @default - any query
   */
  readonly queryParams?: RouteHeaderMatch[];

  /**
   * The request method.
   *
   * @default - any method
   */
  readonly method?: HttpMethod;
}

/** A RequestRedirect filter: answer with a redirect instead of forwarding. */
export interface HttpRequestRedirect {
  /**
   * Scheme of the redirect.
   *
   * @default - the request's scheme
   */
  readonly scheme?: RedirectScheme;

  /**
   * Host name of the redirect.
   *
   * @default - the request's Host
   */
  readonly hostname?: string;

  /**
   * The whole path of the redirect. Give this or `replacePrefixMatch`.
   *
   * @default - the request's path
   */
  readonly replaceFullPath?: string;

  /**
   * Replaces the prefix the rule's PathPrefix match matched. The rule needs exactly one match, a PathPrefix.
   *
   * @default - the request's path
   */
  readonly replacePrefixMatch?: string;

  /**
   * Port of the redirect.
   *
   * @default - the scheme's well-known port
   */
  readonly port?: number;

  /**
   * HTTP status of the redirect: 301, 302, 303, 307 or 308.
   *
   * @default 302
   */
  readonly statusCode?: number;
}

/** A URLRewrite filter: change the Host and path before forwarding. */
export interface HttpUrlRewrite {
  /**
   * The Host to forward with.
   *
   * @default - unchanged
   */
  readonly hostname?: string;

  /**
   * The whole path to forward with. Give this or `replacePrefixMatch`.
   *
   * @default - unchanged
   */
  readonly replaceFullPath?: string;

  /**
   * Replaces the prefix the rule's PathPrefix match matched. The rule needs exactly one match, a PathPrefix.
   *
   * @default - unchanged
   */
  readonly replacePrefixMatch?: string;
}

/** A CORS filter (standard since Gateway API v1.5). */
export interface HttpCors {
  /**
   * Allowed origins (`https://shop.example.com`, `https://*.example.com`), or `*` alone.
   *
   * @default - no origin
   */
  readonly allowOrigins?: string[];

  /**
   * Allowed methods.
   *
   * @default - GET, HEAD and POST (the CORS-safelisted methods)
   */
  readonly allowMethods?: HttpMethod[];

  /**
   * Allowed request headers, or `*` alone.
   *
   * @default - CORS-safelisted headers only
   */
  readonly allowHeaders?: string[];

  /**
   * Response headers the browser may expose.
   *
   * @default - CORS-safelisted headers only
   */
  readonly exposeHeaders?: string[];

  /**
   * Whether credentials (cookies, authorization) may be sent.
   *
   * @default false
   */
  readonly allowCredentials?: boolean;

  /**
   * How long browsers may cache a preflight answer (whole seconds, at least 1s).
   *
   * @default Duration.seconds(5)
   */
  readonly maxAge?: Duration;
}

/** A step applied to requests or responses of an HTTPRoute rule (or of one backend). */
export class HttpRouteFilter {
  /** Sets, adds or removes request headers. */
  public static requestHeaders(modifier: HeaderModifier): HttpRouteFilter {
    return new HttpRouteFilter('RequestHeaderModifier', (s, f) => ({ requestHeaderModifier: renderHeaderModifier(s, `${f}.requestHeaderModifier`, modifier) }));
  }

  /** Sets, adds or removes response headers. */
  public static responseHeaders(modifier: HeaderModifier): HttpRouteFilter {
    return new HttpRouteFilter('ResponseHeaderModifier', (s, f) => ({ responseHeaderModifier: renderHeaderModifier(s, `${f}.responseHeaderModifier`, modifier) }));
  }

  /** Copies requests to another backend; its answers are dropped. */
  public static requestMirror(backend: BackendRef, options: MirrorOptions = {}): HttpRouteFilter {
    return new HttpRouteFilter('RequestMirror', (s, f, ns) => ({ requestMirror: renderMirror(s, `${f}.requestMirror`, backend, options, ns) }), false, backend);
  }

  /** Answers with a redirect (a rule with this filter has no backends). */
  public static requestRedirect(redirect: HttpRequestRedirect): HttpRouteFilter {
    return new HttpRouteFilter('RequestRedirect', (s, f) => {
      const field = `${f}.requestRedirect`;
      if (redirect.port !== undefined) checkPort(s, `${field}.port`, redirect.port);
      if (redirect.statusCode !== undefined && ![301, 302, 303, 307, 308].includes(redirect.statusCode)) {
        invalid(s, `${field}.statusCode`, redirect.statusCode, 'must be 301, 302, 303, 307 or 308', 'use 301 (permanent) or 302 (temporary)');
      }
      checkHostname(s, `${field}.hostname`, redirect.hostname);
      const p = pathModifier(s, field, redirect);
      const { scheme, hostname, port, statusCode } = redirect;
      return { requestRedirect: { scheme, hostname, path: p, port, statusCode } };
    }, redirect.replacePrefixMatch !== undefined);
  }

  /** Rewrites the Host and path before forwarding. */
  public static urlRewrite(rewrite: HttpUrlRewrite): HttpRouteFilter {
    return new HttpRouteFilter('URLRewrite', (s, f) => {
      const field = `${f}.urlRewrite`;
      checkHostname(s, `${field}.hostname`, rewrite.hostname);
      const p = pathModifier(s, field, rewrite);
      if (!rewrite.hostname && !p) invalid(s, field, rewrite, 'rewrites nothing', 'give hostname, replaceFullPath or replacePrefixMatch');
      return { urlRewrite: { hostname: rewrite.hostname, path: p } };
    }, rewrite.replacePrefixMatch !== undefined);
  }

  /** Answers CORS preflights and adds CORS headers. */
  public static cors(cors: HttpCors): HttpRouteFilter {
    return new HttpRouteFilter('CORS', (s, f) => {
      const field = `${f}.cors`;
      for (const [key, list] of [['allowOrigins', cors.allowOrigins], ['allowHeaders', cors.allowHeaders]] as const) {
        if (list && list.includes('*') && list.length > 1) invalid(s, `${field}.${key}`, list, "has '*' alongside other values", "give '*' alone, or only the values");
      }
      let maxAge: number | undefined;
      if (cors.maxAge !== undefined) {
        maxAge = cors.maxAge.toSeconds({ integral: false });
        if (!Number.isInteger(maxAge) || maxAge < 1) invalid(s, `${field}.maxAge`, `${maxAge}s`, 'must be a whole number of seconds, at least 1', 'e.g. Duration.hours(1)');
      }
      [...cors.allowHeaders ?? [], ...cors.exposeHeaders ?? []].filter((h) => h !== '*').forEach((h) => checkHeaderName(s, field, h));
      return {
        cors: {
          allowOrigins: cors.allowOrigins && [...cors.allowOrigins],
          allowMethods: cors.allowMethods && [...cors.allowMethods],
          allowHeaders: cors.allowHeaders && [...cors.allowHeaders],
          exposeHeaders: cors.exposeHeaders && [...cors.exposeHeaders],
          allowCredentials: cors.allowCredentials,
          maxAge,
        },
      };
    });
  }

  /** An implementation-specific filter (a custom resource the implementation understands). */
  public static extension(group: string, kind: string, name: string): HttpRouteFilter {
    return new HttpRouteFilter('ExtensionRef', () => ({ extensionRef: { group, kind, name } }));
  }

  /** The filter type, as the CRD writes it (e.g. `RequestRedirect`). */
  public readonly type: string;

  /** @internal */
  public readonly _usesPrefix: boolean;

  /**
   * The backend a RequestMirror filter copies requests to.
   *
   * @internal
   */
  public readonly _mirrorBackend?: BackendRef;

  private readonly body: (scope: IConstruct, field: string, namespace: string | undefined) => any;

  private constructor(type: string, body: (scope: IConstruct, field: string, namespace: string | undefined) => any, usesPrefix = false,
    mirror?: BackendRef) {
    this.type = type;
    this.body = body;
    this._usesPrefix = usesPrefix;
    this._mirrorBackend = mirror;
  }

  /** @internal */
  public _render(scope: IConstruct, field: string, namespace: string | undefined): any {
    return { type: this.type, ...this.body(scope, field, namespace) };
  }
}

function checkHostname(scope: IConstruct, field: string, hostname: string | undefined): void {
  if (hostname !== undefined && (hostname.length > 253 || !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(hostname))) {
    invalid(scope, field, hostname, 'must be a lower-case DNS name without wildcard or port', 'e.g. shop.example.com');
  }
}

function pathModifier(scope: IConstruct, field: string, p: { replaceFullPath?: string; replacePrefixMatch?: string }): any {
  if (p.replaceFullPath !== undefined && p.replacePrefixMatch !== undefined) {
    invalid(scope, `${field}.path`, p, 'has both replaceFullPath and replacePrefixMatch', 'give one of them');
  }
  if (p.replaceFullPath !== undefined) return { type: 'ReplaceFullPath', replaceFullPath: p.replaceFullPath };
  if (p.replacePrefixMatch !== undefined) return { type: 'ReplacePrefixMatch', replacePrefixMatch: p.replacePrefixMatch };
  return undefined;
}

/** Timeouts of an HTTPRoute rule. */
export interface HttpRouteTimeouts {
  /**
   * How long the whole request may take, from the gateway receiving it to the last response byte
   * (retries included). Zero disables the timeout.
   *
   * @default - the implementation's (none in Istio)
   */
  readonly request?: Duration;

  /**
   * How long one request to a backend may take. At most `request`.
   *
   * @default - the implementation's
   */
  readonly backendRequest?: Duration;
}

/** One rule of an HTTPRoute. */
export interface HttpRouteRule {
  /**
   * Name of the rule (a DNS subdomain), for policies and status to refer to it.
   *
   * @default - none
   */
  readonly name?: string;

  /**
   * Requests the rule applies to: any one match (OR).
   *
   * @default - every request (a PathPrefix `/` match)
   */
  readonly matches?: HttpRouteMatch[];

  /**
   * Filters applied to every request of the rule, in order.
   *
   * @default - none
   */
  readonly filters?: HttpRouteFilter[];

  /**
   * Where requests go; weighted when there are several.
   *
   * @default - none (only valid with a RequestRedirect filter)
   */
  readonly backendRefs?: BackendRef[];

  /**
   * Filters applied only to the requests sent to one backend, by index in `backendRefs`.
   *
   * @default - none
   */
  readonly backendFilters?: { [index: string]: HttpRouteFilter[] };

  /**
   * Timeouts.
   *
   * @default - the implementation's
   */
  readonly timeouts?: HttpRouteTimeouts;
}

/** Properties of an HTTPRoute. */
export interface HttpRouteProps {
  /**
   * Metadata of the HTTPRoute object.
   *
   * @default - a name generated by cdk8s, in the chart's namespace
   */
  readonly metadata?: ApiObjectMetadata;

  /**
   * What the route attaches to: Gateways (north-south) or Services (mesh, GAMMA).
   *
   * @default - none; add them with `addParent()`
   */
  readonly parentRefs?: IGatewayApiParent[];

  /**
   * Host names the route answers for (lower-case, optionally `*.`-prefixed).
   *
   * @default - every host name the parent accepts
   */
  readonly hostnames?: string[];

  /**
   * Rules, in order of precedence as the Gateway API defines it (most specific match first).
   *
   * @default - none; add them with `addRule()`
   */
  readonly rules?: HttpRouteRule[];
}

/**
 * A Gateway API HTTPRoute (gateway.networking.k8s.io/v1): HTTP routing for a Gateway or, with
 * a Service parent, for mesh traffic. What the CRD refuses is refused at construction.
 *
 * @see https://gateway-api.sigs.k8s.io/reference/spec/#httproute
 */
export class HttpRoute extends Construct {
  /** The underlying L1 object; use it as an escape hatch (e.g. `resource.addJsonPatch()`). */
  public readonly resource: gw.HttpRoute;

  private readonly parents: IGatewayApiParent[] = [];
  private readonly hostnames: string[];
  private readonly rules: any[] = [];
  private readonly ruleNames = new Set<string>();
  private totalMatches = 0;
  private readonly ruleProducers = new Map<number, () => HttpRouteRule>();

  /** Defines an HTTPRoute in `scope`. */
  public constructor(scope: Construct, id: string, props: HttpRouteProps = {}) {
    super(scope, id);
    this.hostnames = [...props.hostnames ?? []];
    checkHostnames(this, this.hostnames);
    this.resource = createL1Resource(this, gw.HttpRoute, props.metadata, () => this._toSpec(), noWebhookRules);
    for (const parent of props.parentRefs ?? []) this.addParent(parent);
    for (const rule of props.rules ?? []) this.addRule(rule);
  }

  /** The name of the HTTPRoute object. */
  public get name(): string {
    return this.resource.name;
  }

  /**
   * Gateways named only (`ParentRef.gateway()`), as `namespace/name`: defined outside this app,
   * so the analyzer does not report them as missing (CKI0008).
   *
   * @internal
   */
  public _externalGatewayReferences(): string[] {
    return externalGatewayReferences(this.parents, this.resource.metadata.namespace);
  }

  /** Attaches the route to a Gateway or Service. Returns this route. */
  public addParent(parent: IGatewayApiParent): HttpRoute {
    this.parents.push(parent);
    if (this.parents.length > 32) invalid(this, 'parentRefs', this.parents.length, 'must have at most 32 entries', 'split the route');
    renderParents(this, this.parents, this.resource.metadata.namespace);
    return this;
  }

  /** Adds a rule. Returns this route. */
  public addRule(rule: HttpRouteRule): HttpRoute {
    this.rules.push(this.renderRule(rule, this.rules.length, true));
    return this;
  }

  /**
   * Adds a rule produced again at synth, for rules that read constructs defined later (a
   * timeout from a ResilientRoute); it is checked now with what is known, and its names and
   * matches must not change.
   *
   * @internal
   */
  public _addRuleProducer(produce: () => HttpRouteRule): void {
    const index = this.rules.length;
    this.rules.push(this.renderRule(produce(), index, true));
    this.ruleProducers.set(index, produce);
  }

  /** A rule as the CRD writes it; `first` counts its name and matches towards the route's limits. */
  private renderRule(rule: HttpRouteRule, i: number, first: boolean): any {
    const field = `rules[${i}]`;
    const ns = this.resource.metadata.namespace;
    if (i >= MAX_RULES) invalid(this, 'rules', i + 1, 'must have at most 16 rules', 'merge rules with the same backends, or split the route');
    if (first) checkRuleName(this, `${field}.name`, rule.name, this.ruleNames);
    // The API server defaults a rule without matches to one PathPrefix `/` match, and a match
    // without a path to PathPrefix `/`: written out here, so the manifest says what applies.
    const matches = rule.matches && rule.matches.length > 0 ? rule.matches : [{}];
    if (matches.length > MAX_MATCHES) invalid(this, `${field}.matches`, matches.length, 'must have at most 64 matches', 'split the rule');
    if (first && this.totalMatches + matches.length > MAX_TOTAL_MATCHES) {
      invalid(this, `${field}.matches`, this.totalMatches + matches.length, 'brings the route over 127 matches in all', 'split the route');
    }
    const renderedMatches = matches.map((m, j) => this.renderMatch(`${field}.matches[${j}]`, m));
    const filters = rule.filters ?? [];
    const types = filters.map((f) => f.type);
    checkFilterRepeats(this, `${field}.filters`, types, ['RequestMirror', 'ExtensionRef']);
    if (types.includes('RequestRedirect') && types.includes('URLRewrite')) {
      invalid(this, `${field}.filters`, types, 'has both RequestRedirect and URLRewrite', 'a redirect answers the request; drop the rewrite');
    }
    const backends = rule.backendRefs ?? [];
    if (types.includes('RequestRedirect') && backends.length > 0) {
      invalid(this, `${field}.backendRefs`, backends.map((b) => b.name), 'are given with a RequestRedirect filter, which answers every request itself',
        'remove the backends, or the redirect');
    }
    const onePrefix = matches.length === 1 && (matches[0].path?.type ?? HttpPathMatchType.PATH_PREFIX) === HttpPathMatchType.PATH_PREFIX;
    if (filters.some((f) => f._usesPrefix) && !onePrefix) {
      invalid(this, `${field}.matches`, matches.length, 'must be exactly one PathPrefix match when a filter uses replacePrefixMatch',
        'match one path prefix in this rule');
    }
    const backendFilters = rule.backendFilters ?? {};
    for (const key of Object.keys(backendFilters)) {
      const k = Number(key);
      if (!Number.isInteger(k) || k < 0 || k >= backends.length) {
        invalid(this, `${field}.backendFilters`, key, `is not the index of a backendRef (0-${backends.length - 1})`, 'key the filters by backend index');
      }
      const bt = backendFilters[key].map((f) => f.type);
      checkFilterRepeats(this, `${field}.backendRefs[${k}].filters`, bt, ['RequestMirror', 'ExtensionRef']);
      if (backendFilters[key].some((f) => f._usesPrefix || f.type === 'RequestRedirect')) {
        invalid(this, `${field}.backendRefs[${k}].filters`, bt, 'has a redirect or prefix rewrite, which only a rule can have', 'move it to the rule filters');
      }
    }
    if (backends.length === 0 && !types.includes('RequestRedirect')) {
      invalid(this, `${field}.backendRefs`, [], 'are empty, so every request is answered with a 500', 'give backendRefs, or a RequestRedirect filter');
    }
    const timeouts = rule.timeouts;
    let renderedTimeouts: any;
    if (timeouts) {
      const request = renderGatewayDuration(this, `${field}.timeouts.request`, timeouts.request);
      const backendRequest = renderGatewayDuration(this, `${field}.timeouts.backendRequest`, timeouts.backendRequest);
      if (timeouts.request && timeouts.backendRequest && timeouts.request.toMilliseconds() !== 0
        && timeouts.backendRequest.toMilliseconds() > timeouts.request.toMilliseconds()) {
        invalid(this, `${field}.timeouts.backendRequest`, backendRequest, `is longer than the request timeout (${request})`,
          'make backendRequest at most request');
      }
      renderedTimeouts = { request, backendRequest };
    }
    const rendered = {
      name: rule.name,
      matches: renderedMatches,
      filters: filters.length > 0 ? filters.map((f, j) => f._render(this, `${field}.filters[${j}]`, ns)) : undefined,
      backendRefs: renderBackends(this, `${field}.backendRefs`, backends, ns, (j) => {
        const list = backendFilters[String(j)];
        return list && list.length > 0 ? list.map((f, k) => f._render(this, `${field}.backendRefs[${j}].filters[${k}]`, ns)) : undefined;
      }),
      timeouts: renderedTimeouts,
    };
    if (first) this.totalMatches += matches.length;
    return prune(rendered);
  }

  private renderMatch(field: string, match: HttpRouteMatch): any {
    const p = match.path;
    if (p && p.type !== HttpPathMatchType.REGULAR_EXPRESSION) {
      const v = p.value;
      const bad = !v.startsWith('/') ? "must start with '/'"
        : ['//', '/./', '/../', '%2f', '%2F', '#'].find((s) => v.includes(s)) ? 'must not contain //, /./, /../, %2f or #'
          : v.endsWith('/..') || v.endsWith('/.') ? "must not end with '/.' or '/..'"
            : !/^(?:[-A-Za-z0-9/._~!$&'()*+,;=:@]|[%][0-9a-fA-F]{2})+$/.test(v) ? 'must only contain URL path characters' : undefined;
      if (bad) invalid(this, `${field}.path.value`, v, bad, 'give a normalized absolute path such as /api/v1');
    }
    if (p && p.value.length > 1024) invalid(this, `${field}.path.value`, p.value.length, 'must be at most 1024 characters', 'shorten the path');
    return {
      path: p ? { type: p.type, value: p.value } : { type: HttpPathMatchType.PATH_PREFIX, value: '/' },
      headers: renderHeaderMatches(this, `${field}.headers`, match.headers),
      queryParams: renderHeaderMatches(this, `${field}.queryParams`, match.queryParams, false),
      method: match.method,
    };
  }

  /** @internal */
  public _toSpec(): gw.HttpRouteSpec {
    return prune({
      parentRefs: renderParents(this, this.parents, this.resource.metadata.namespace),
      hostnames: this.hostnames.length > 0 ? [...this.hostnames] : undefined,
      rules: this.rules.length > 0 ? this.rules.map((r, i) => {
        const produce = this.ruleProducers.get(i);
        return produce ? this.renderRule(produce(), i, false) : r;
      }) : undefined,
    }) as gw.HttpRouteSpec;
  }
}
