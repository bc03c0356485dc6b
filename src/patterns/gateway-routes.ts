import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import { GatewayRouteTarget } from './gateway-route-target';
import { ResilientRoute } from './resilient-route';
import { SecureGatewayRouteOptions } from './secure-gateway-route';
import { HttpMatch, HttpRouteOptions } from '../networking/http-route';
import { RetryPolicy } from '../networking/retry';
import { StringMatch } from '../networking/string-match';
import { ReferenceScope, resolvedHost } from '../private/host-reference';
import { checkPort, invalid } from '../private/invalid';
import { registered } from '../private/registry';
import { renderDuration } from '../private/render';
import { checkTimeoutAndRetries, retryBudgetProblem } from '../private/resilience-check';

// How a SecureGateway turns its route options into VirtualService rules, and the checks on them.

/** The timeout and retries a service has, and where they come from (for messages). */
export interface ServicePolicy {
  readonly timeout?: Duration;
  readonly retries?: RetryPolicy;
  /** e.g. `CanaryService shop/reviews 'resilience'`. */
  readonly source?: string;
}

/** Checks on the options alone; thrown from `addRoute()`. */
export function checkRouteOptions(scope: IConstruct, options: SecureGatewayRouteOptions, passthrough: boolean, gatewayApi = false): void {
  const actions = [
    options.destination && 'destination', options.destinations && 'destinations', options.redirect && 'redirect', options.directResponse && 'directResponse',
  ].filter((a): a is string => !!a);
  if (actions.length !== 1) {
    invalid(scope, 'addRoute()', actions, 'must set exactly one of destination, destinations, redirect and directResponse', 'say what the route does with its requests');
  }
  if (passthrough) {
    if (options.destination) checkPort(scope, 'destination.port', options.destination.port);
    const http = Object.entries(options).filter(([k, v]) => v !== undefined && k !== 'destination' && k !== 'host').map(([k]) => k);
    if (http.length > 0 || !options.destination) {
      invalid(scope, http[0] ?? actions[0], http.length > 0 ? http : actions, 'is not available with PASSTHROUGH: the gateway does not see HTTP',
        'route by host to one destination only, or terminate TLS at the gateway');
    }
    return;
  }
  checkSplit(scope, options);
  if (options.destination) checkPort(scope, 'destination.port', options.destination.port);
  (options.destinations ?? []).forEach((d, i) => checkPort(scope, `destinations[${i}].target.port`, d.target.port));
  const path = options.path;
  if (options.stripPathPrefix) {
    if (!path || path.kind !== 'prefix' || path.value.replace(/\/+$/, '') === '') {
      invalid(scope, 'stripPathPrefix', path?.value ?? '/', 'needs a path prefix other than /', "give 'path: StringMatch.prefix(\"/nginx\")'");
    }
    if (options.rewriteUri !== undefined) invalid(scope, 'rewriteUri', options.rewriteUri, 'cannot be combined with stripPathPrefix', 'use one of them');
  }
  // Istio replaces exactly the matched characters: prefix /nginx + rewrite / makes //index.html.
  // (The Gateway API's ReplacePrefixMatch replaces whole path segments: no such trap.)
  if (!gatewayApi && path?.kind === 'prefix' && !path.value.endsWith('/') && options.rewriteUri?.endsWith('/')) {
    invalid(scope, 'rewriteUri', options.rewriteUri, `turns ${path.value}/index.html into ${options.rewriteUri}/index.html: Istio replaces only the matched prefix '${path.value}'`,
      `set 'stripPathPrefix: true' instead (forwards ${path.value}/index.html as /index.html), or drop the trailing slash of 'rewriteUri'`);
  }
  if ((options.redirect || options.directResponse) && (options.rewriteUri || options.stripPathPrefix || options.timeout || options.retries)) {
    invalid(scope, 'addRoute()', options.redirect ? 'redirect' : 'directResponse', 'answers at the gateway, so rewrites, timeouts and retries do not apply',
      'remove rewriteUri, stripPathPrefix, timeout and retries from this route');
  }
  checkTimeoutAndRetries(scope, '', options.timeout, options.retries, "the route's");
}

function checkSplit(scope: IConstruct, options: SecureGatewayRouteOptions): void {
  const split = options.destinations;
  if (!split) return;
  if (split.length === 0) invalid(scope, 'destinations', split, 'must not be empty', 'list the services and their weights');
  split.forEach((d, i) => {
    if (!Number.isInteger(d.weight) || d.weight < 0 || d.weight > 100) {
      invalid(scope, `destinations[${i}].weight`, d.weight, 'must be a whole percentage from 0 to 100', 'give the share of traffic in percent');
    }
    if (d.target._canary) {
      invalid(scope, `destinations[${i}].target`, d.target.host, 'must not be a CanaryService: it has a split of its own',
        "route to the CanaryService with 'destination', and move weights between its versions");
    }
  });
  const total = split.reduce((sum, d) => sum + d.weight, 0);
  if (total !== 100) invalid(scope, 'destinations[*].weight', total, 'must sum to 100', 'adjust the weights so that every request has a destination');
}

/** The request conditions of a route: one match, or two when a path prefix is stripped. */
export function routeMatches(options: SecureGatewayRouteOptions): HttpMatch[] {
  const conditions = { headers: options.matchHeaders, method: options.method, queryParams: options.queryParams };
  const path = options.path ?? StringMatch.prefix('/');
  if (!options.stripPathPrefix) return [{ uri: path, ...conditions }];
  const base = path.value.replace(/\/+$/, '');
  return [{ uri: StringMatch.prefix(`${base}/`), ...conditions }, { uri: StringMatch.exact(base), ...conditions }];
}

/** Whether a route matches on more than its path (then it shadows no later route). */
export function hasConditions(options: SecureGatewayRouteOptions): boolean {
  return [options.matchHeaders, options.method, options.queryParams].some((c) => c !== undefined);
}

/** The targets a route forwards to. */
function targetsOf(options: SecureGatewayRouteOptions): GatewayRouteTarget[] {
  return options.destination ? [options.destination] : (options.destinations ?? []).map((d) => d.target);
}

/**
 * The timeout and retries of the service(s) a route forwards to: a CanaryService's
 * `resilience`, or the ResilientRoute of the app for the same host (compared as Istio resolves
 * them). A split across services with different policies has none (the route must set one).
 */
export function servicePolicy(root: IConstruct, options: SecureGatewayRouteOptions, from: ReferenceScope): ServicePolicy | 'conflict' {
  const resilientRoutes = registered<ResilientRoute>(ResilientRoute._KIND, root);
  const policies = targetsOf(options).map((target): ServicePolicy => {
    if (target._canary) {
      const { timeout, retries } = target._canary._resilience;
      return { timeout, retries, source: `CanaryService ${target._canary.node.path} 'resilience'` };
    }
    const host = target._resolvedHost(from);
    const rr = resilientRoutes.find((r) => resolvedHost(r.host, r._routeNamespace, from.clusterDomain) === host);
    return rr ? { timeout: rr.timeout, retries: rr.retries, source: `ResilientRoute ${rr.node.path}` } : {};
  });
  const distinct = [...new Set(policies.map((p) => p.source))];
  if (distinct.length > 1) return 'conflict';
  return policies[0] ?? {};
}

/** The VirtualService rules for a route, with the policy of its target unless it sets its own. */
export function gatewayHttpRoutes(options: SecureGatewayRouteOptions, matches: HttpMatch[], policy: ServicePolicy): HttpRouteOptions[] {
  const shared = {
    rewrite: options.stripPathPrefix ? { uri: '/' } : options.rewriteUri !== undefined ? { uri: options.rewriteUri } : undefined,
    corsPolicy: options.corsPolicy,
    headers: options.headers,
  };
  if (options.redirect || options.directResponse) {
    const { redirect, directResponse, corsPolicy, headers } = options;
    return [{ match: matches, redirect, directResponse, corsPolicy, headers }];
  }
  const timeout = options.timeout ?? policy.timeout;
  const retries = options.retries ?? policy.retries;
  const canary = options.destination?._canary;
  if (canary) return canary._httpRoutes(matches).map((route) => ({ ...route, ...shared, timeout, retries }));
  const destinations = options.destination
    ? [{ destination: options.destination._destination() }]
    : (options.destinations ?? []).map((d) => ({ destination: d.target._destination(), weight: d.weight }));
  return [{ match: matches, destinations, timeout, retries, ...shared }];
}

/** Why a route's effective timeout and retries do not fit together, or undefined. */
export function routePolicyProblem(options: SecureGatewayRouteOptions, policy: ServicePolicy | 'conflict', host: string): string | undefined {
  if (policy === 'conflict') {
    return options.timeout && options.retries ? undefined
      : `'destinations' of the route for ${host} have different resilience policies (ResilientRoute or CanaryService); give the route its own 'timeout' and 'retries'`;
  }
  const timeout = options.timeout ?? policy.timeout;
  const retries = options.retries ?? policy.retries;
  const problem = retryBudgetProblem(timeout, retries);
  if (!problem || (options.timeout === undefined && options.retries === undefined)) return undefined;
  const which = options.timeout !== undefined ? `'timeout' (${renderDuration(timeout)}) of the route for ${host}` : `the timeout of ${policy.source} (${renderDuration(timeout)})`;
  const retriesFrom = options.retries !== undefined ? "the route's 'retries'" : `the retries of ${policy.source}`;
  return `${which} ${problem} (with ${retriesFrom}); raise the route's 'timeout', or give the route its own 'retries'`;
}
