import {
  checkDestination, checkDuration, checkHeaderOperations, checkLabels, checkPercentage, checkPort, checkRegex, checkStringMatch,
} from './common';
import { parseDuration } from './duration';
import { Findings } from './findings';
import { corsHeaderNameProblem, isAuthorityHeader, isKnownStatusCode, matchHeaderNameProblem } from './http';
import { fqdnProblem, isDns1123Label } from './names';

// The HTTP route rules of Istio's VirtualService webhook (validateHTTPRoute and what it calls).

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
const KB = 1024;

/** Gateway references: `name` (FQDN style) or `namespace/name`, each part a DNS label. */
export function checkGatewayNames(f: Findings, field: string, names: unknown): void {
  for (const item of Array.isArray(names) ? names : []) {
    const name = String(item);
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

export function checkRouteDestinations(f: Findings, field: string, route: unknown): void {
  if (!Array.isArray(route)) return;
  let total = 0;
  route.forEach((dest, i) => {
    if (!dest) {
      f.error(`${field}[${i}]`, dest, 'must not be null', 'remove the empty entry');
      return;
    }
    checkDestination(f, `${field}[${i}].destination`, dest.destination);
    checkHeaderOperations(f, `${field}[${i}].headers`, dest.headers);
    const weight = dest.weight ?? 0;
    // Stricter than Istio only for fractions, which the API server refuses for this integer field anyway.
    if (!Number.isInteger(weight) || weight < 0) {
      f.error(`${field}[${i}].weight`, weight, 'must be a whole number of at least 0', 'give a non-negative integer weight');
    } else {
      total += weight;
    }
  });
  if (route.length > 1 && total === 0) {
    f.error(field, route.map((d) => d?.weight ?? 0), 'must not all be 0 when there are several destinations (total destination weight = 0)',
      'give at least one destination a positive weight, or remove the destinations that get no traffic');
  }
}

const entries = (value: unknown): [string, any][] => (value && typeof value === 'object' ? Object.entries(value) : []);

function checkMatchRequest(f: Findings, field: string, match: any): void {
  for (const [name, header] of entries(match.headers)) {
    const problem = matchHeaderNameProblem(name);
    if (problem) f.error(`${field}.headers`, name, `header name ${problem}`, 'fix the header name');
    checkStringMatch(f, `${field}.headers.${name}`, header);
  }
  for (const [name, header] of entries(match.withoutHeaders)) {
    const problem = matchHeaderNameProblem(name);
    if (problem) f.error(`${field}.withoutHeaders`, name, `header name ${problem}`, 'fix the header name');
    // `*` is not a regex here: it means "header present".
    if (header && header.regex !== '*') checkStringMatch(f, `${field}.withoutHeaders.${name}`, header);
  }
  if (match.uri?.regex !== undefined) checkRegex(f, `${field}.uri.regex`, match.uri.regex);
  for (const key of ['scheme', 'method', 'authority']) checkStringMatch(f, `${field}.${key}`, match[key]);
  for (const [name, param] of entries(match.queryParams)) {
    checkStringMatch(f, `${field}.queryParams.${name}`, param);
  }
  // Port 0 and an empty sourceNamespace mean "any".
  if (match.port !== 0) checkPort(f, `${field}.port`, match.port);
  checkLabels(f, `${field}.sourceLabels`, match.sourceLabels);
  checkGatewayNames(f, `${field}.gateways`, match.gateways);
  if (match.sourceNamespace !== undefined && match.sourceNamespace !== '' && !isDns1123Label(String(match.sourceNamespace))) {
    f.error(`${field}.sourceNamespace`, match.sourceNamespace, 'must be a namespace name (DNS-1123 label)', 'fix the namespace name');
  }
}

function checkRouteShape(f: Findings, field: string, http: any, delegateVirtualService: boolean): void {
  const hasRoute = Array.isArray(http.route) && http.route.length > 0;
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
  (Array.isArray(cors.allowOrigins) ? cors.allowOrigins : []).forEach((origin: any, i: number) => {
    const value = origin?.exact ?? origin?.prefix ?? origin?.regex;
    if (!value) {
      f.error(`${field}.allowOrigins[${i}]`, origin, 'must be a non-empty exact, prefix or regex match', 'give the origin to allow');
    } else if (origin.regex !== undefined) {
      checkRegex(f, `${field}.allowOrigins[${i}].regex`, origin.regex);
    }
  });
  for (const method of Array.isArray(cors.allowMethods) ? cors.allowMethods : []) {
    if (!CORS_METHODS.includes(method)) {
      f.error(`${field}.allowMethods`, method, `must be one of ${CORS_METHODS.join(', ')}`, 'use an upper-case HTTP method');
    }
  }
  for (const key of ['allowHeaders', 'exposeHeaders']) {
    for (const name of Array.isArray(cors[key]) ? cors[key] : []) {
      const problem = corsHeaderNameProblem(String(name));
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
  const retryOn = retries.retryOn === undefined || retries.retryOn === '' ? undefined : String(retries.retryOn);
  if (attempts === 0 && (retries.perTryTimeout !== undefined || retryOn !== undefined || retries.retryRemoteLocalities !== undefined)) {
    f.error(`${field}.attempts`, attempts, 'must be at least 1 when perTryTimeout, retryOn or retryRemoteLocalities is set (retry policy configured while retries are disabled)',
      'raise attempts, or remove the other retry settings');
  }
  checkDuration(f, `${field}.perTryTimeout`, retries.perTryTimeout);
  checkDuration(f, `${field}.backoff`, retries.backoff);
  if (retryOn !== undefined) {
    for (const policy of retryOn.split(',')) {
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
  // redirectCode 0 means the default (301); port 0 means the request's port.
  const code = redirect.redirectCode;
  if (code !== undefined && code !== 0 && !(Number.isInteger(code) && code >= 300 && code <= 399)) {
    f.error(`${field}.redirectCode`, redirect.redirectCode, 'must be a 3xx status', 'use 301, 302, 307 or 308');
  }
  if (redirect.scheme !== undefined && redirect.scheme !== '' && redirect.scheme !== 'http' && redirect.scheme !== 'https') {
    f.error(`${field}.scheme`, redirect.scheme, 'must be "http" or "https"', 'use RedirectScheme.HTTP or RedirectScheme.HTTPS');
  }
  if (redirect.port !== 0) checkPort(f, `${field}.port`, redirect.port);
}

function checkDirectResponse(f: Findings, field: string, direct: any): void {
  if (!direct) return;
  // The size is that of the body Envoy sends: `bytes` is base64 in YAML, so it is decoded first.
  const text = direct.body?.string;
  const bytes = direct.body?.bytes;
  const size = typeof text === 'string' ? Buffer.byteLength(text) : typeof bytes === 'string' ? Buffer.from(bytes, 'base64').length : 0;
  if (size > 1024 * KB) {
    f.error(`${field}.body`, `${size} bytes`, 'must be smaller than 1MB', 'serve large bodies from a service');
  } else if (size > 100 * KB) {
    f.warning(`${field}.body`, `${size} bytes`, 'is large and may slow down the control plane', 'serve large bodies from a service');
  }
  checkHttpStatus(f, `${field}.status`, direct.status);
}

function checkRewrite(f: Findings, routeField: string, rewrite: any, headers: any): void {
  const field = `${routeField}.rewrite`;
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
    for (const [name, value] of entries(headers?.request?.[op])) {
      if (!isAuthorityHeader(name)) continue;
      if (authority) {
        f.error(`${routeField}.headers.request.${op}.${name}`, value, `must not change the authority again (already set to ${authority})`, 'set the authority once, with rewrite.authority');
      }
      authority = value;
    }
  }
}

function checkMirrors(f: Findings, field: string, http: any): void {
  if (http.mirror) checkDestination(f, `${field}.mirror`, http.mirror);
  const mirrorPercentage = http.mirrorPercentage?.value;
  if (mirrorPercentage !== undefined && (mirrorPercentage < 0 || mirrorPercentage > 100)) {
    f.error(`${field}.mirrorPercentage.value`, mirrorPercentage, 'must be within 0-100', 'give a percentage between 0 and 100');
  }
  if (http.mirrorPercent !== undefined && http.mirrorPercent !== null) {
    f.warning(`${field}.mirrorPercent`, http.mirrorPercent, 'is deprecated', 'use mirrorPercentage');
    if (typeof http.mirrorPercent === 'number' && http.mirrorPercent > 100) {
      f.error(`${field}.mirrorPercent`, http.mirrorPercent, 'must be at most 100', 'use mirrorPercentage with a value between 0 and 100');
    }
  }
  (Array.isArray(http.mirrors) ? http.mirrors : []).forEach((mirror: any, i: number) => {
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

export function checkHttpRoute(f: Findings, field: string, http: any, delegateVirtualService: boolean): void {
  checkRouteShape(f, field, http, delegateVirtualService);
  (Array.isArray(http.match) ? http.match : []).forEach((match: any, i: number) => {
    if (match && typeof match === 'object') checkMatchRequest(f, `${field}.match[${i}]`, match);
  });
  checkHeaderOperations(f, `${field}.headers`, http.headers);
  checkCors(f, `${field}.corsPolicy`, http.corsPolicy);
  checkFault(f, `${field}.fault`, http.fault);
  checkMirrors(f, field, http);
  checkRedirect(f, `${field}.redirect`, http.redirect);
  checkDirectResponse(f, `${field}.directResponse`, http.directResponse);
  checkRetries(f, `${field}.retries`, http.retries);
  checkRewrite(f, field, http.rewrite, http.headers);
  checkRouteDestinations(f, `${field}.route`, http.route);
  checkDuration(f, `${field}.timeout`, http.timeout);
}
