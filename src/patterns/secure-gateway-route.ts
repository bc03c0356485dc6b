import { Duration } from 'cdk8s';
import { GatewayRouteTarget, WeightedRouteTarget } from './gateway-route-target';
import { CorsPolicy } from '../networking/cors';
import { Headers } from '../networking/headers';
import { DirectResponse, HttpRedirect } from '../networking/http-route';
import { RetryPolicy } from '../networking/retry';
import { StringMatch } from '../networking/string-match';

/**
 * A route from the gateway: which requests (host, path, headers, method, query), and what to do
 * with them (forward to one target or split across several, redirect, or answer directly).
 */
export interface SecureGatewayRouteOptions {
  /**
   * Where to send the traffic. Exactly one of `destination`, `destinations`, `redirect` and
   * `directResponse` is needed.
   *
   * @default - none
   */
  readonly destination?: GatewayRouteTarget;

  /**
   * A weighted split across whole services (blue/green), with weights that sum to 100.
   *
   * @default - none
   */
  readonly destinations?: WeightedRouteTarget[];

  /**
   * Answer with a redirect instead of forwarding.
   *
   * @default - no redirect
   */
  readonly redirect?: HttpRedirect;

  /**
   * Answer with a fixed response instead of forwarding.
   *
   * @default - no direct response
   */
  readonly directResponse?: DirectResponse;

  /**
   * Host of the gateway this route serves; one of the gateway's hosts.
   *
   * @default - every host of the gateway
   */
  readonly host?: string;

  /**
   * Request path. Routes are matched in the order they are added, so add more specific paths
   * first. Not used with PASSTHROUGH.
   *
   * @default StringMatch.prefix('/')
   */
  readonly path?: StringMatch;

  /**
   * Request headers that must match too, e.g. `{ 'x-api-version': StringMatch.exact('2') }`.
   *
   * @default - any headers
   */
  readonly matchHeaders?: { [name: string]: StringMatch };

  /**
   * Request method that must match, e.g. `StringMatch.exact('GET')`.
   *
   * @default - any method
   */
  readonly method?: StringMatch;

  /**
   * Query parameters that must match.
   *
   * @default - any query
   */
  readonly queryParams?: { [name: string]: StringMatch };

  /**
   * Replace the matched path prefix before forwarding. Istio replaces exactly the characters
   * matched, so `path: prefix('/nginx')` with `rewriteUri: '/'` turns `/nginx/index.html` into
   * `//index.html`; that combination is refused: use `stripPathPrefix`.
   *
   * @default - path unchanged
   */
  readonly rewriteUri?: string;

  /**
   * Remove the `path` prefix before forwarding, as users usually mean: with
   * `path: prefix('/nginx')`, `/nginx/index.html` is forwarded as `/index.html` and `/nginx` as
   * `/`, while `/nginxfoo` does not match.
   *
   * @default false
   */
  readonly stripPathPrefix?: boolean;

  /**
   * Timeout for requests on this route.
   *
   * @default - the target's policy: a CanaryService's `resilience`, or the ResilientRoute for the
   * target's host; else no timeout (Istio's default)
   */
  readonly timeout?: Duration;

  /**
   * Retry policy on this route.
   *
   * @default - the target's policy: a CanaryService's `resilience`, or the ResilientRoute for the
   * target's host; else Istio's default (2 retries on connection failures)
   */
  readonly retries?: RetryPolicy;

  /**
   * CORS policy for this route.
   *
   * @default - no CORS handling
   */
  readonly corsPolicy?: CorsPolicy;

  /**
   * Header changes for requests and responses on this route.
   *
   * @default - none
   */
  readonly headers?: Headers;
}
