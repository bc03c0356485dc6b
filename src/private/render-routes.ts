import { ReferenceScope } from './host-reference';
import { compact, mapRecord, nonEmpty, renderDuration, renderPercent } from './render';
import * as networking from '../imports/networking.istio.io';
import { CorsPolicy } from '../networking/cors';
import { FaultInjection } from '../networking/fault';
import { Headers, HeaderOperations } from '../networking/headers';
import { HttpMatch, HttpRouteDestination, HttpRouteOptions } from '../networking/http-route';
import { L4Match, RouteDestination, TcpRouteOptions, TlsMatch, TlsRouteOptions } from '../networking/l4-route';
import { RetryPolicy } from '../networking/retry';

function renderOperations(ops: HeaderOperations | undefined): any {
  if (!ops) return undefined;
  return compact({
    set: mapRecord(ops.set, (v) => v),
    add: mapRecord(ops.add, (v) => v),
    remove: nonEmpty(ops.remove),
  });
}

function renderHeaders(headers: Headers | undefined): any {
  if (!headers) return undefined;
  return compact({ request: renderOperations(headers.request), response: renderOperations(headers.response) });
}

function renderMatch(match: HttpMatch): networking.VirtualServiceSpecHttpMatch {
  return {
    name: match.name,
    uri: match.uri?._toIstio(),
    scheme: match.scheme?._toIstio(),
    method: match.method?._toIstio(),
    authority: match.authority?._toIstio(),
    headers: mapRecord(match.headers, (m) => m._toIstio()),
    withoutHeaders: mapRecord(match.withoutHeaders, (m) => m._toIstio()),
    queryParams: mapRecord(match.queryParams, (m) => m._toIstio()),
    ignoreUriCase: match.ignoreUriCase,
    port: match.port,
    sourceLabels: mapRecord(match.sourceLabels, (v) => v),
    sourceNamespace: match.sourceNamespace,
    gateways: nonEmpty(match.gateways?.map((g) => g.gatewayName)),
    statPrefix: match.statPrefix,
  };
}

function renderHttpDestination(d: HttpRouteDestination, from: ReferenceScope): networking.VirtualServiceSpecHttpRoute {
  return { destination: d.destination._toIstio(from), weight: d.weight, headers: renderHeaders(d.headers) };
}

function renderRetries(retries: RetryPolicy | undefined): networking.VirtualServiceSpecHttpRetries | undefined {
  if (!retries) return undefined;
  return {
    attempts: retries.attempts,
    perTryTimeout: renderDuration(retries.perTryTimeout),
    retryOn: retries.retryOn && retries.retryOn.length > 0 ? retries.retryOn.map((r) => r.value).join(',') : undefined,
    retryRemoteLocalities: retries.retryRemoteLocalities,
    retryIgnorePreviousHosts: retries.retryIgnorePreviousHosts,
    backoff: renderDuration(retries.backoff),
  };
}

function renderFault(fault: FaultInjection | undefined): networking.VirtualServiceSpecHttpFault | undefined {
  if (!fault) return undefined;
  return {
    delay: fault.delay && { fixedDelay: renderDuration(fault.delay.fixedDelay), percentage: renderPercent(fault.delay.percentage) },
    abort: fault.abort && {
      httpStatus: fault.abort.httpStatus,
      grpcStatus: fault.abort.grpcStatus,
      percentage: renderPercent(fault.abort.percentage),
    },
  };
}

function renderCors(cors: CorsPolicy | undefined): networking.VirtualServiceSpecHttpCorsPolicy | undefined {
  if (!cors) return undefined;
  return {
    allowOrigins: cors.allowOrigins.map((o) => o._toIstio()),
    allowMethods: nonEmpty(cors.allowMethods),
    allowHeaders: nonEmpty(cors.allowHeaders),
    exposeHeaders: nonEmpty(cors.exposeHeaders),
    maxAge: renderDuration(cors.maxAge),
    allowCredentials: cors.allowCredentials,
    unmatchedPreflights: cors.unmatchedPreflights as any,
  };
}

/** Renders an HTTP rule of a VirtualService whose namespace and cluster domain are `from`. */
export function renderHttpRoute(route: HttpRouteOptions, from: ReferenceScope): networking.VirtualServiceSpecHttp {
  const mirrors = route.mirrors ?? [];
  return {
    name: route.name,
    match: nonEmpty(route.match?.map(renderMatch)),
    route: nonEmpty(route.destinations?.map((d) => renderHttpDestination(d, from))),
    redirect: route.redirect && {
      uri: route.redirect.uri,
      authority: route.redirect.authority,
      port: route.redirect.port,
      derivePort: route.redirect.derivePort as any,
      scheme: route.redirect.scheme,
      redirectCode: route.redirect.redirectCode,
    },
    directResponse: route.directResponse && {
      status: route.directResponse.status,
      body: route.directResponse.body !== undefined ? { string: route.directResponse.body } : undefined,
    },
    delegate: route.delegate && { name: route.delegate.name, namespace: route.delegate.namespace },
    rewrite: route.rewrite && {
      uri: route.rewrite.uri,
      uriRegexRewrite: route.rewrite.uriRegexRewrite && {
        match: route.rewrite.uriRegexRewrite.match,
        rewrite: route.rewrite.uriRegexRewrite.rewrite,
      },
      authority: route.rewrite.authority,
    },
    timeout: renderDuration(route.timeout),
    retries: renderRetries(route.retries),
    fault: renderFault(route.fault),
    // One mirror is written in the long-established single-mirror form, several as `mirrors`.
    mirror: mirrors.length === 1 ? mirrors[0].destination._toIstio(from) : undefined,
    mirrorPercentage: mirrors.length === 1 ? renderPercent(mirrors[0].percentage) : undefined,
    mirrors: mirrors.length > 1
      ? mirrors.map((m) => ({ destination: m.destination._toIstio(from), percentage: renderPercent(m.percentage) }))
      : undefined,
    corsPolicy: renderCors(route.corsPolicy),
    headers: renderHeaders(route.headers),
  };
}

function renderL4Match(match: L4Match): networking.VirtualServiceSpecTcpMatch {
  return {
    destinationSubnets: nonEmpty(match.destinationSubnets),
    port: match.port,
    sourceLabels: mapRecord(match.sourceLabels, (v) => v),
    sourceNamespace: match.sourceNamespace,
    gateways: nonEmpty(match.gateways?.map((g) => g.gatewayName)),
  };
}

function renderRouteDestination(d: RouteDestination, from: ReferenceScope): networking.VirtualServiceSpecTcpRoute {
  return { destination: d.destination._toIstio(from), weight: d.weight };
}

/** Renders a TCP rule of a VirtualService whose namespace and cluster domain are `from`. */
export function renderTcpRoute(route: TcpRouteOptions, from: ReferenceScope): networking.VirtualServiceSpecTcp {
  return { match: nonEmpty(route.match?.map(renderL4Match)), route: route.destinations.map((d) => renderRouteDestination(d, from)) };
}

/** Renders a TLS rule of a VirtualService whose namespace and cluster domain are `from`. */
export function renderTlsRoute(route: TlsRouteOptions, from: ReferenceScope): networking.VirtualServiceSpecTls {
  return {
    match: route.match.map((m: TlsMatch) => ({ sniHosts: [...m.sniHosts], ...renderL4Match(m) })),
    route: route.destinations.map((d) => renderRouteDestination(d, from)),
  };
}
