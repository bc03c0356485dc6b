import {
  checkDestination, checkDuration, checkExportTo, checkHeaderOperations, checkLabels, checkPercentage, checkPort,
  checkRegex, checkStringMatch,
} from './common';
import { parseDuration } from './duration';
import { Findings } from './findings';
import { corsHeaderNameProblem, isAuthorityHeader, isJwtClaimHeader, isKnownStatusCode, matchHeaderNameProblem } from './http';
import { fqdnProblem, hostCoveredBy, hostsOverlap, isDns1123Label, isIpAddress, subnetProblem, wildcardDomainProblem } from './names';

/** The retryOn policies Envoy understands (x-envoy-retry-on and x-envoy-retry-grpc-on). */
const RETRY_ON_POLICIES = [
  '5xx', 'gateway-error', 'reset', 'reset-before-request', 'connect-failure', 'retriable-4xx', 'refused-stream',
  'retriable-status-codes', 'retriable-headers', 'envoy-ratelimited', 'http3-post-connect-failure',
  'cancelled', 'deadline-exceeded', 'internal', 'resource-exhausted', 'unavailable',
];

/** The gRPC status names Istio accepts for fault aborts. */
const GRPC_STATUS_CODES = [
  'OK', 'CANCELLED', 'UNKNOWN', 'INVALID_ARGUMENT', 'DEADLINE_EXCEEDED', 'NOT_FOUND', 'ALREADY_EXISTS',
  'PERMISSION_DENIED', 'RESOURCE_EXHAUSTED', 'FAILED_PRECONDITION', 'ABORTED', 'OUT_OF_RANGE', 'UNIMPLEMENTED',
  'INTERNAL', 'UNAVAILABLE', 'DATA_LOSS', 'UNAUTHENTICATED',
];

const CORS_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', '*'];
const MESH = 'mesh';
const KB = 1024;

/** Gateway references: `name` (FQDN style) or `namespace/name`, each part a DNS label. */
function checkGatewayNames(f: Findings, field: string, names: string[] | undefined): void {
  for (const name of names ?? []) {
    const slash = name.indexOf('/');
    if (slash < 0) {
      const problem = fqdnProblem(name);
      if (problem) f.error(field, name, problem, 'reference the gateway as "<namespace>/<name>"');
      if (name.includes('.')) {
        const [gw, ns] = name.split('.');
        f.warning(field, name, 'uses the legacy "<name>.<namespace>" form', `write "${ns}/${gw}"`);
      }
      continue;
    }
    const [ns, gw] = [name.slice(0, slash), name.slice(slash + 1)];
    if (!isDns1123Label(ns) || !isDns1123Label(gw)) {
      f.error(field, name, 'must be "<namespace>/<name>" with both parts DNS-1123 labels', 'fix the gateway reference');
    }
  }
}

function checkRouteDestinations(f: Findings, field: string, route: any[] | undefined): void {
  if (!route) return;
  let total = 0;
  route.forEach((dest, i) => {
    if (!dest) {
      f.error(`${field}[${i}]`, dest, 'must not be null', 'remove the empty entry');
      return;
    }
    checkDestination(f, `${field}[${i}].destination`, dest.destination);
    checkHeaderOperations(f, `${field}[${i}].headers`, dest.headers);
    const weight = dest.weight ?? 0;
    if (!Number.isInteger(weight) || weight < 0) {
      f.error(`${field}[${i}].weight`, weight, 'must be a whole number of at least 0', 'give a non-negative integer weight');
    }
    total += weight;
  });
  if (route.length > 1 && total === 0) {
    f.error(field, route.map((d) => d?.weight ?? 0), 'must not all be 0 when there are several destinations (total destination weight = 0)',
      'give at least one destination a positive weight, or remove the destinations that get no traffic');
  }
}

function checkMatchRequest(f: Findings, field: string, match: any): void {
  for (const [name, header] of Object.entries<any>(match.headers ?? {})) {
    const problem = matchHeaderNameProblem(name);
    if (problem) f.error(`${field}.headers`, name, `header name ${problem}`, 'fix the header name');
    checkStringMatch(f, `${field}.headers.${name}`, header);
  }
  for (const [name, header] of Object.entries<any>(match.withoutHeaders ?? {})) {
    const problem = matchHeaderNameProblem(name);
    if (problem) f.error(`${field}.withoutHeaders`, name, `header name ${problem}`, 'fix the header name');
    // `*` is not a regex here: it means "header present".
    if (header && header.regex !== '*') checkStringMatch(f, `${field}.withoutHeaders.${name}`, header);
  }
  if (match.uri?.regex !== undefined) checkRegex(f, `${field}.uri.regex`, match.uri.regex);
  for (const key of ['scheme', 'method', 'authority']) checkStringMatch(f, `${field}.${key}`, match[key]);
  for (const [name, param] of Object.entries<any>(match.queryParams ?? {})) {
    checkStringMatch(f, `${field}.queryParams.${name}`, param);
  }
  checkPort(f, `${field}.port`, match.port);
  checkLabels(f, `${field}.sourceLabels`, match.sourceLabels);
  checkGatewayNames(f, `${field}.gateways`, match.gateways);
  if (match.sourceNamespace !== undefined && !isDns1123Label(match.sourceNamespace)) {
    f.error(`${field}.sourceNamespace`, match.sourceNamespace, 'must be a namespace name (DNS-1123 label)', 'fix the namespace name');
  }
}

function checkRouteShape(f: Findings, field: string, http: any, delegateVirtualService: boolean): void {
  const hasRoute = (http.route?.length ?? 0) > 0;
  if (http.delegate) {
    if (delegateVirtualService) {
      f.error(`${field}.delegate`, http.delegate, 'must not be set in a delegate VirtualService', 'delegate only from the root VirtualService');
    }
    if (http.redirect) f.error(`${field}.redirect`, http.redirect, 'must not be set on a route that delegates', 'remove the redirect or the delegate');
    if (http.route) f.error(`${field}.route`, http.route, 'must not be set on a route that delegates', 'remove the destinations or the delegate');
    return;
  }
  const conflict = (a: string, b: string) => f.error(field, `${a} + ${b}`, `must not have both ${a} and ${b}`, `keep either ${a} or ${b}`);
  if (http.redirect) {
    if (hasRoute) conflict('route', 'redirect');
    if (http.fault) conflict('fault', 'redirect');
    if (http.rewrite) conflict('rewrite', 'redirect');
    if (http.directResponse) conflict('directResponse', 'redirect');
  } else if (http.directResponse) {
    if (hasRoute) conflict('route', 'directResponse');
    if (http.fault) conflict('fault', 'directResponse');
    if (http.rewrite) conflict('rewrite', 'directResponse');
  } else if (!hasRoute) {
    f.error(field, http.name ?? 'unnamed rule', 'must have a route, a redirect or a directResponse (Envoy rejects it otherwise and breaks other routes)',
      'add a destination, a redirect or a direct response');
  }
  if (http.mirror && http.mirrors) conflict('mirror', 'mirrors');
}

function checkCors(f: Findings, field: string, cors: any): void {
  if (!cors) return;
  (cors.allowOrigins ?? []).forEach((origin: any, i: number) => {
    const value = origin?.exact ?? origin?.prefix ?? origin?.regex;
    if (!value) {
      f.error(`${field}.allowOrigins[${i}]`, origin, 'must be a non-empty exact, prefix or regex match', 'give the origin to allow');
    } else if (origin.regex !== undefined) {
      checkRegex(f, `${field}.allowOrigins[${i}].regex`, origin.regex);
    }
  });
  for (const method of cors.allowMethods ?? []) {
    if (!CORS_METHODS.includes(method)) {
      f.error(`${field}.allowMethods`, method, `must be one of ${CORS_METHODS.join(', ')}`, 'use an upper-case HTTP method');
    }
  }
  for (const key of ['allowHeaders', 'exposeHeaders']) {
    for (const name of cors[key] ?? []) {
      const problem = corsHeaderNameProblem(name);
      if (problem) f.error(`${field}.${key}`, name, problem, 'fix the header name');
    }
  }
  if (cors.maxAge !== undefined) {
    checkDuration(f, `${field}.maxAge`, cors.maxAge);
    const nanos = parseDuration(cors.maxAge);
    if (nanos !== undefined && nanos % 1e9 !== 0) {
      f.error(`${field}.maxAge`, cors.maxAge, 'must be a whole number of seconds', 'use Duration.seconds()');
    }
  }
}

function checkFault(f: Findings, field: string, fault: any): void {
  if (!fault) return;
  if (!fault.abort && !fault.delay) {
    f.error(field, fault, 'must have an abort and/or a delay', 'add an abort or a delay, or remove the fault');
  }
  const abort = fault.abort;
  if (abort) {
    checkPercentage(f, `${field}.abort.percentage.value`, abort.percentage);
    if (abort.grpcStatus !== undefined) {
      if (!GRPC_STATUS_CODES.includes(abort.grpcStatus)) {
        f.error(`${field}.abort.grpcStatus`, abort.grpcStatus, `must be a gRPC status name (${GRPC_STATUS_CODES.join(', ')})`, "use a name such as 'UNAVAILABLE'");
      }
    } else if (abort.http2Error !== undefined) {
      f.error(`${field}.abort.http2Error`, abort.http2Error, 'is not supported by Istio', 'abort with an httpStatus or grpcStatus');
    } else if (abort.httpStatus !== undefined) {
      checkHttpStatus(f, `${field}.abort.httpStatus`, abort.httpStatus);
    } else {
      f.warning(`${field}.abort`, abort, 'has no error type, so it aborts nothing', 'set httpStatus or grpcStatus');
    }
  }
  const delay = fault.delay;
  if (delay) {
    checkPercentage(f, `${field}.delay.percentage.value`, delay.percentage);
    checkDuration(f, `${field}.delay.fixedDelay`, delay.fixedDelay);
    if (delay.exponentialDelay !== undefined) {
      f.error(`${field}.delay.exponentialDelay`, delay.exponentialDelay, 'is not supported by Istio', 'use fixedDelay');
    }
  }
}

function checkHttpStatus(f: Findings, field: string, status: unknown): void {
  if (!Number.isInteger(status) || (status as number) < 200 || (status as number) > 600) {
    f.error(field, status, 'must be an HTTP status from 200 to 599', 'use a status such as 503');
  }
}

function checkRetries(f: Findings, field: string, retries: any): void {
  if (!retries) return;
  const attempts = retries.attempts ?? 0;
  if (attempts < 0) f.error(`${field}.attempts`, attempts, 'must not be negative', 'use 0 to disable retries');
  if (attempts === 0 && (retries.perTryTimeout !== undefined || retries.retryOn !== undefined || retries.retryRemoteLocalities !== undefined)) {
    f.error(`${field}.attempts`, attempts, 'must be at least 1 when perTryTimeout, retryOn or retryRemoteLocalities is set (retry policy configured while retries are disabled)',
      'raise attempts, or remove the other retry settings');
  }
  checkDuration(f, `${field}.perTryTimeout`, retries.perTryTimeout);
  checkDuration(f, `${field}.backoff`, retries.backoff);
  if (retries.retryOn !== undefined) {
    for (const policy of String(retries.retryOn).split(',')) {
      const status = /^[0-9]+$/.test(policy) ? Number(policy) : NaN;
      if (!RETRY_ON_POLICIES.includes(policy) && !isKnownStatusCode(status)) {
        f.error(`${field}.retryOn`, policy, `must be an HTTP status code or one of ${RETRY_ON_POLICIES.join(', ')}`, 'use the RetryOn constants');
      }
    }
  }
}

function checkRedirect(f: Findings, field: string, redirect: any): void {
  if (!redirect) return;
  if (!redirect.uri && !redirect.authority && redirect.port === undefined && redirect.derivePort === undefined && !redirect.scheme) {
    f.error(field, redirect, 'must set at least one of uri, authority, scheme or port', 'say where to redirect to');
  }
  if (redirect.redirectCode !== undefined && (redirect.redirectCode < 300 || redirect.redirectCode > 399)) {
    f.error(`${field}.redirectCode`, redirect.redirectCode, 'must be a 3xx status', 'use 301, 302, 307 or 308');
  }
  if (redirect.scheme !== undefined && redirect.scheme !== 'http' && redirect.scheme !== 'https') {
    f.error(`${field}.scheme`, redirect.scheme, 'must be "http" or "https"', 'use RedirectScheme.HTTP or RedirectScheme.HTTPS');
  }
  checkPort(f, `${field}.port`, redirect.port);
}

function checkDirectResponse(f: Findings, field: string, direct: any): void {
  if (!direct) return;
  const body = direct.body?.string ?? direct.body?.bytes;
  const size = body === undefined ? 0 : Buffer.byteLength(body);
  if (size > 1024 * KB) {
    f.error(`${field}.body`, `${size} bytes`, 'must be smaller than 1MB', 'serve large bodies from a service');
  } else if (size > 100 * KB) {
    f.warning(`${field}.body`, `${size} bytes`, 'is large and may slow down the control plane', 'serve large bodies from a service');
  }
  checkHttpStatus(f, `${field}.status`, direct.status);
}

function checkRewrite(f: Findings, field: string, rewrite: any, headers: any): void {
  if (rewrite) {
    if (rewrite.uri && rewrite.uriRegexRewrite) {
      f.error(field, rewrite, 'must not set both uri and uriRegexRewrite', 'keep one of them');
    }
    if (!rewrite.uri && !rewrite.uriRegexRewrite && !rewrite.authority) {
      f.error(field, rewrite, 'must set uri, uriRegexRewrite or authority', 'say what to rewrite, or remove the rewrite');
    }
    const regex = rewrite.uriRegexRewrite;
    if (regex) {
      if (!regex.match || !regex.rewrite) {
        f.error(`${field}.uriRegexRewrite`, regex, 'must set both match and rewrite', 'give the regex and its replacement');
      } else {
        checkRegex(f, `${field}.uriRegexRewrite.match`, regex.match);
      }
    }
  }
  // The authority may be changed in one place only.
  let authority: string | undefined = rewrite?.authority;
  for (const op of ['set', 'add']) {
    for (const [name, value] of Object.entries<any>(headers?.request?.[op] ?? {})) {
      if (!isAuthorityHeader(name)) continue;
      if (authority) {
        f.error(`headers.request.${op}.${name}`, value, `must not change the authority again (already set to ${authority})`, 'set the authority once, with rewrite.authority');
      }
      authority = value;
    }
  }
}

function checkMirrors(f: Findings, field: string, http: any): void {
  if (http.mirror !== undefined) checkDestination(f, `${field}.mirror`, http.mirror);
  const mirrorPercentage = http.mirrorPercentage?.value;
  if (mirrorPercentage !== undefined && (mirrorPercentage < 0 || mirrorPercentage > 100)) {
    f.error(`${field}.mirrorPercentage.value`, mirrorPercentage, 'must be within 0-100', 'give a percentage between 0 and 100');
  }
  if (http.mirrorPercent !== undefined) {
    f.warning(`${field}.mirrorPercent`, http.mirrorPercent, 'is deprecated', 'use mirrorPercentage');
  }
  (http.mirrors ?? []).forEach((mirror: any, i: number) => {
    if (!mirror?.destination) {
      f.error(`${field}.mirrors[${i}].destination`, undefined, 'is required', 'give the mirror destination');
      return;
    }
    checkDestination(f, `${field}.mirrors[${i}].destination`, mirror.destination);
    const value = mirror.percentage?.value;
    if (value !== undefined && (value < 0 || value > 100)) {
      f.error(`${field}.mirrors[${i}].percentage.value`, value, 'must be within 0-100', 'give a percentage between 0 and 100');
    }
  });
}

function checkHttpRoute(f: Findings, field: string, http: any, delegateVirtualService: boolean): void {
  checkRouteShape(f, field, http, delegateVirtualService);
  (http.match ?? []).forEach((match: any, i: number) => {
    if (match) checkMatchRequest(f, `${field}.match[${i}]`, match);
  });
  checkHeaderOperations(f, `${field}.headers`, http.headers);
  checkCors(f, `${field}.corsPolicy`, http.corsPolicy);
  checkFault(f, `${field}.fault`, http.fault);
  checkMirrors(f, field, http);
  checkRedirect(f, `${field}.redirect`, http.redirect);
  checkDirectResponse(f, `${field}.directResponse`, http.directResponse);
  checkRetries(f, `${field}.retries`, http.retries);
  checkRewrite(f, `${field}.rewrite`, http.rewrite, http.headers);
  checkRouteDestinations(f, `${field}.route`, http.route);
  checkDuration(f, `${field}.timeout`, http.timeout);
}

function checkL4Match(f: Findings, field: string, match: any): void {
  (match.destinationSubnets ?? []).forEach((subnet: string, i: number) => {
    const problem = subnetProblem(subnet);
    if (problem) f.error(`${field}.destinationSubnets[${i}]`, subnet, problem, 'fix the subnet');
  });
  checkPort(f, `${field}.port`, match.port);
  checkLabels(f, `${field}.sourceLabels`, match.sourceLabels);
  checkGatewayNames(f, `${field}.gateways`, match.gateways);
}

function checkTlsRoute(f: Findings, field: string, tls: any, spec: any): void {
  if (!tls.match || tls.match.length === 0) {
    f.error(`${field}.match`, tls.match, 'must have at least one match', 'match on the SNI host(s) of the connection');
  }
  (tls.match ?? []).forEach((match: any, i: number) => {
    const mfield = `${field}.match[${i}]`;
    if (!match?.sniHosts || match.sniHosts.length === 0) {
      f.error(`${mfield}.sniHosts`, match?.sniHosts, 'must list at least one SNI host', 'add the host name clients connect to');
    }
    for (const sni of match?.sniHosts ?? []) {
      const problem = wildcardDomainProblem(sni);
      if (problem) {
        if (isIpAddress(sni)) {
          f.warning(`${mfield}.sniHosts`, sni, 'is an IP address, which goes against the SNI spec', 'match on a host name');
        } else {
          f.error(`${mfield}.sniHosts`, sni, problem, 'fix the host name');
        }
      } else if (!(spec.hosts ?? []).some((h: string) => hostCoveredBy(sni, h))) {
        f.error(`${mfield}.sniHosts`, sni, `must be covered by one of the VirtualService hosts (${(spec.hosts ?? []).join(', ')})`,
          'add the host to the VirtualService hosts, or fix the SNI host');
      }
    }
    if (match) checkL4Match(f, mfield, match);
  });
  if (!tls.route || tls.route.length === 0) f.error(`${field}.route`, tls.route, 'is required', 'add a destination');
  checkRouteDestinations(f, `${field}.route`, tls.route);
}

function checkTcpRoute(f: Findings, field: string, tcp: any): void {
  (tcp.match ?? []).forEach((match: any, i: number) => checkL4Match(f, `${field}.match[${i}]`, match ?? {}));
  if (!tcp.route || tcp.route.length === 0) f.error(`${field}.route`, tcp.route, 'is required', 'add a destination');
  checkRouteDestinations(f, `${field}.route`, tcp.route);
}

/** JSON with object keys sorted at every level, so equal objects give equal text. */
function canonicalJson(value: any): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Identity of a match for duplicate detection; its name does not take part in matching. */
function matchKey(match: any): string {
  const { name: _name, ...rest } = match ?? {};
  return canonicalJson(rest);
}

/** Istio's unreachable-rule analysis (IST0130 / IST0131): reported as warnings, like Istio does. */
function checkReachability(f: Findings, kind: string, routes: any[] | undefined): void {
  const seen = new Map<string, number>();
  let catchAll = -1;
  (routes ?? []).forEach((route, i) => {
    const field = `spec.${kind}[${i}]`;
    const matches: any[] = route?.match ?? [];
    if (matches.length === 0) {
      if (catchAll >= 0) {
        f.warning(field, route?.name ?? `#${i}`, `is unreachable: only the last rule can have no matches (rule #${catchAll} already matches everything)`,
          'remove the rule, or give it a match');
      }
      catchAll = i;
      return;
    }
    let duplicates = 0;
    matches.forEach((match, j) => {
      if (catchAll >= 0) {
        f.warning(`${field}.match[${j}]`, route?.name ?? `#${i}`, `is unreachable: rule #${catchAll} before it has no matches and takes all traffic`,
          'move the rule without matches to the end');
        return;
      }
      const key = matchKey(match);
      const earlier = seen.get(key);
      if (earlier !== undefined) {
        f.warning(`${field}.match[${j}]`, match, `is never used: rule #${earlier} has the same match`, 'remove the duplicate match');
        duplicates++;
      } else {
        seen.set(key, i);
      }
    });
    if (catchAll < 0 && duplicates === matches.length) {
      f.warning(field, route?.name ?? `#${i}`, 'is unreachable: all its matches are used by earlier rules', 'remove the rule');
    }
  });
}

/** Istio's admission rules for a VirtualService spec (networking.istio.io/v1), as emitted YAML. */
export function validateVirtualServiceSpec(spec: any, namespace?: string): Findings {
  const f = new Findings();
  spec = spec ?? {};
  const hosts: string[] = spec.hosts ?? [];
  const gateways: string[] = spec.gateways ?? [];
  const delegate = hosts.length === 0;
  if (delegate) {
    if (gateways.length > 0) f.error('spec.gateways', gateways, 'must be empty in a delegate VirtualService (one without hosts)', 'bind the root VirtualService to the gateways instead');
    if (spec.tls?.length) f.error('spec.tls', spec.tls.length, 'must be empty in a delegate VirtualService (one without hosts)', 'give the VirtualService hosts');
    if (spec.tcp?.length) f.error('spec.tcp', spec.tcp.length, 'must be empty in a delegate VirtualService (one without hosts)', 'give the VirtualService hosts');
  }
  checkGatewayNames(f, 'spec.gateways', gateways);
  const boundToGateway = gateways.length > 0 && !gateways.includes(MESH);
  if (!boundToGateway) {
    (spec.http ?? []).forEach((http: any, i: number) => (http?.match ?? []).forEach((m: any, j: number) => {
      for (const key of [...Object.keys(m?.headers ?? {}), ...Object.keys(m?.withoutHeaders ?? {})]) {
        if (isJwtClaimHeader(key)) {
          f.error(`spec.http[${i}].match[${j}].headers`, key, 'routes on a JWT claim, which works only on a gateway', 'bind the VirtualService to a Gateway (not the mesh)');
        }
      }
    }));
  }

  let hostsValid = true;
  hosts.forEach((host, i) => {
    const problem = wildcardDomainProblem(host);
    if (problem && !isIpAddress(host)) {
      f.error(`spec.hosts[${i}]`, host, problem, 'use a DNS name such as "reviews" or "bookinfo.example.com"');
      hostsValid = false;
    } else if (!problem && !boundToGateway && host === '*') {
      f.error(`spec.hosts[${i}]`, host, 'must not be "*" on a VirtualService bound to the mesh', 'name the hosts, or bind the VirtualService to a Gateway');
      hostsValid = false;
    }
  });
  if (hostsValid) {
    for (let i = 0; i < hosts.length; i++) {
      for (let j = i + 1; j < hosts.length; j++) {
        if (hostsOverlap(hosts[i], hosts[j])) {
          f.error('spec.hosts', `${hosts[i]} & ${hosts[j]}`, 'must not overlap (duplicate hosts)', 'remove one of them');
        }
      }
    }
  }

  if (!spec.http?.length && !spec.tcp?.length && !spec.tls?.length) {
    f.error('spec', 'no routes', 'must have http, tcp or tls routes', 'add a route with addHttpRoute(), addTcpRoute() or addTlsRoute()');
  }
  (spec.http ?? []).forEach((http: any, i: number) => {
    if (!http) f.error(`spec.http[${i}]`, http, 'must not be null', 'remove the empty rule');
    else checkHttpRoute(f, `spec.http[${i}]`, http, delegate);
  });
  (spec.tls ?? []).forEach((tls: any, i: number) => tls && checkTlsRoute(f, `spec.tls[${i}]`, tls, spec));
  (spec.tcp ?? []).forEach((tcp: any, i: number) => tcp && checkTcpRoute(f, `spec.tcp[${i}]`, tcp));
  checkExportTo(f, 'spec.exportTo', spec.exportTo, namespace, false);
  checkReachability(f, 'http', spec.http);
  checkReachability(f, 'tcp', spec.tcp);
  checkReachability(f, 'tls', spec.tls);
  return f;
}

