import { Duration } from 'cdk8s';
import { CorsPolicy } from './cors';
import { Destination } from './destination';
import { FaultInjection } from './fault';
import { IGateway } from './gateway-ref';
import { Headers } from './headers';
import { RetryPolicy } from './retry';
import { StringMatch } from './string-match';

/**
 * Conditions a request must meet for an HTTP route to apply. All conditions in one match must
 * hold (AND); a route with several matches applies when any of them holds (OR).
 *
 * @see https://istio.io/latest/docs/reference/config/networking/virtual-service/#HTTPMatchRequest
 */
export interface HttpMatch {
  /**
   * Name of the match, added to the route name in access logs.
   *
   * @default - unnamed
   */
  readonly name?: string;

  /**
   * Request path.
   *
   * @default - any path
   */
  readonly uri?: StringMatch;

  /**
   * URI scheme (`http` or `https`).
   *
   * @default - any scheme
   */
  readonly scheme?: StringMatch;

  /**
   * HTTP method.
   *
   * @default - any method
   */
  readonly method?: StringMatch;

  /**
   * Authority (Host header).
   *
   * @default - any authority
   */
  readonly authority?: StringMatch;

  /**
   * Request headers that must match, by lower-case name. On a gateway, keys of the form
   * `@request.auth.claims.<claim>` match JWT claims.
   *
   * @default - no header conditions
   */
  readonly headers?: { [name: string]: StringMatch };

  /**
   * Request headers that must not match. `StringMatch.regex('*')` means "header absent".
   *
   * @default - no conditions
   */
  readonly withoutHeaders?: { [name: string]: StringMatch };

  /**
   * Query parameters that must match.
   *
   * @default - no conditions
   */
  readonly queryParams?: { [name: string]: StringMatch };

  /**
   * Whether `uri` matches case-insensitively.
   *
   * @default false
   */
  readonly ignoreUriCase?: boolean;

  /**
   * Port the request was sent to.
   *
   * @default - any port
   */
  readonly port?: number;

  /**
   * Labels the calling workload must have (mesh traffic only).
   *
   * @default - any workload
   */
  readonly sourceLabels?: { [key: string]: string };

  /**
   * Namespace the calling workload must run in (mesh traffic only).
   *
   * @default - any namespace
   */
  readonly sourceNamespace?: string;

  /**
   * Gateways the match applies to, narrowing the VirtualService's gateways.
   *
   * @default - all gateways of the VirtualService
   */
  readonly gateways?: IGateway[];

  /**
   * Prefix for the route's statistics.
   *
   * @default - none
   */
  readonly statPrefix?: string;
}

/** A destination with a traffic weight, for an HTTP route. */
export interface HttpRouteDestination {
  /** Where to send the traffic. */
  readonly destination: Destination;

  /**
   * Relative share of traffic (Istio normalises the weights; they need not sum to 100). With a
   * single destination it gets all traffic.
   *
   * @default - all traffic when it is the only destination, else 0
   */
  readonly weight?: number;

  /**
   * Header changes for traffic to this destination only.
   *
   * @default - none
   */
  readonly headers?: Headers;
}

/** Which port a redirect derives when `port` is not given. */
export enum RedirectPortSelection {
  /** 80 for http, 443 for https. */
  FROM_PROTOCOL_DEFAULT = 'FROM_PROTOCOL_DEFAULT',
  /** The port the request arrived on. */
  FROM_REQUEST_PORT = 'FROM_REQUEST_PORT',
}

/** URI scheme of a redirect. */
export enum RedirectScheme {
  /** http */
  HTTP = 'http',
  /** https */
  HTTPS = 'https',
}

/**
 * Answers with a redirect instead of forwarding the request.
 *
 * @see https://istio.io/latest/docs/reference/config/networking/virtual-service/#HTTPRedirect
 */
export interface HttpRedirect {
  /**
   * Path to redirect to.
   *
   * @default - the request path
   */
  readonly uri?: string;

  /**
   * Authority (host) to redirect to.
   *
   * @default - the request authority
   */
  readonly authority?: string;

  /**
   * Port to redirect to. Give `port` or `derivePort`, not both.
   *
   * @default - derived from the scheme
   */
  readonly port?: number;

  /**
   * How to derive the port when `port` is not set.
   *
   * @default - Istio's default
   */
  readonly derivePort?: RedirectPortSelection;

  /**
   * Scheme to redirect to.
   *
   * @default - the request scheme
   */
  readonly scheme?: RedirectScheme;

  /**
   * HTTP status of the redirect (3xx).
   *
   * @default 301
   */
  readonly redirectCode?: number;
}

/** Rewrites the path with an RE2 regular expression. */
export interface RegexRewrite {
  /** RE2 regular expression to find in the path. */
  readonly match: string;
  /** Replacement, which may use capture groups (`\1`). */
  readonly rewrite: string;
}

/**
 * Rewrites parts of the request before it is forwarded.
 *
 * @see https://istio.io/latest/docs/reference/config/networking/virtual-service/#HTTPRewrite
 */
export interface HttpRewrite {
  /**
   * Replaces the matched path or prefix. Give `uri` or `uriRegexRewrite`, not both.
   *
   * @default - path unchanged
   */
  readonly uri?: string;

  /**
   * Rewrites the path with a regular expression.
   *
   * @default - path unchanged
   */
  readonly uriRegexRewrite?: RegexRewrite;

  /**
   * Replaces the authority (Host header).
   *
   * @default - authority unchanged
   */
  readonly authority?: string;
}

/** Answers requests directly with a fixed response. */
export interface DirectResponse {
  /** HTTP status of the response. */
  readonly status: number;

  /**
   * Response body (less than 1MB; keep it small).
   *
   * @default - empty body
   */
  readonly body?: string;
}

/** Sends a copy of the traffic to another destination; its responses are discarded. */
export interface MirrorPolicy {
  /** Where to send the copies. */
  readonly destination: Destination;

  /**
   * Share of requests to copy, in percent (0-100).
   *
   * @default 100
   */
  readonly percentage?: number;
}

/** Hands routing for a route to another (delegate) VirtualService, which has no hosts. */
export interface VirtualServiceDelegate {
  /** Name of the delegate VirtualService. */
  readonly name: string;

  /**
   * Namespace of the delegate VirtualService.
   *
   * @default - the namespace of the root VirtualService
   */
  readonly namespace?: string;
}

/**
 * One HTTP routing rule. Each rule needs exactly one of `destinations`, `redirect`,
 * `directResponse` or `delegate`; Envoy rejects a rule without one, and with it every other route
 * on the same listener.
 *
 * @see https://istio.io/latest/docs/reference/config/networking/virtual-service/#HTTPRoute
 */
export interface HttpRouteOptions {
  /**
   * Name of the rule, shown in access logs and error messages.
   *
   * @default - unnamed
   */
  readonly name?: string;

  /**
   * Conditions for the rule; any of them may match. Rules are tried in order, and only the last
   * rule may have no match.
   *
   * @default - matches all requests
   */
  readonly match?: HttpMatch[];

  /**
   * Destinations with weights (Istio's `route`).
   *
   * @default - none; then `redirect`, `directResponse` or `delegate` is needed
   */
  readonly destinations?: HttpRouteDestination[];

  /**
   * Answer with a redirect.
   *
   * @default - no redirect
   */
  readonly redirect?: HttpRedirect;

  /**
   * Answer with a fixed response.
   *
   * @default - no direct response
   */
  readonly directResponse?: DirectResponse;

  /**
   * Hand the rule's routing to a delegate VirtualService.
   *
   * @default - no delegation
   */
  readonly delegate?: VirtualServiceDelegate;

  /**
   * Rewrite the request before forwarding.
   *
   * @default - no rewrite
   */
  readonly rewrite?: HttpRewrite;

  /**
   * Timeout for the whole request, retries included.
   *
   * @default - no timeout (Istio disables the route timeout by default)
   */
  readonly timeout?: Duration;

  /**
   * Retry policy.
   *
   * @default - Istio's default: 2 retries on connect-failure, refused-stream, unavailable, cancelled, retriable-status-codes
   */
  readonly retries?: RetryPolicy;

  /**
   * Fault injection. Istio disables retries and timeouts on a route with faults.
   *
   * @default - no faults
   */
  readonly fault?: FaultInjection;

  /**
   * Mirror traffic to other destinations.
   *
   * @default - no mirroring
   */
  readonly mirrors?: MirrorPolicy[];

  /**
   * CORS policy.
   *
   * @default - no CORS handling
   */
  readonly corsPolicy?: CorsPolicy;

  /**
   * Header changes for requests and responses on this rule.
   *
   * @default - none
   */
  readonly headers?: Headers;
}
