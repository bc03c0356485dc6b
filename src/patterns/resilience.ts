import { Duration } from 'cdk8s';
import { RetryPolicy } from '../networking/retry';
import { ConnectionPoolOptions, LoadBalancerOptions, OutlierDetectionOptions } from '../networking/traffic-policy';

/**
 * Timeouts, retries and circuit breaking for calls to a service. Used by `ResilientRoute` and by
 * `CanaryService` (so that one host keeps one VirtualService).
 *
 * The retry budget is checked at synth time: `timeout` must leave room for the first try and
 * every retry, `(attempts + 1) × perTryTimeout`, or the later retries can never run.
 */
export interface ResilienceOptions {
  /**
   * Timeout for a whole request, retries included.
   *
   * @default - no timeout for CanaryService; Duration.seconds(10) for ResilientRoute
   */
  readonly timeout?: Duration;

  /**
   * Retry policy. When no policy is given at all, Istio retries twice on connection failures.
   *
   * @default - Istio's default for CanaryService; 2 retries of at most 3s on connect-failure, refused-stream and gateway-error for ResilientRoute
   */
  readonly retries?: RetryPolicy;

  /**
   * Connection pool limits (circuit breaking).
   *
   * @default - Envoy defaults (effectively unlimited)
   */
  readonly connectionPool?: ConnectionPoolOptions;

  /**
   * Ejection of failing endpoints. Combine it with a connection pool: without one, overload
   * never trips the breaker and only errors eject endpoints.
   *
   * @default - off
   */
  readonly outlierDetection?: OutlierDetectionOptions;

  /**
   * Load balancing.
   *
   * @default - LEAST_REQUEST
   */
  readonly loadBalancer?: LoadBalancerOptions;
}
