import { Duration } from 'cdk8s';

/**
 * A condition under which Envoy retries a request (`retryOn`).
 *
 * @see https://www.envoyproxy.io/docs/envoy/latest/configuration/http/http_filters/router_filter#x-envoy-retry-on
 */
export class RetryOn {
  /** Any 5xx response, or a connection failure, reset or refused stream. */
  public static readonly FIVE_XX = new RetryOn('5xx');
  /** 502, 503 or 504 responses. */
  public static readonly GATEWAY_ERROR = new RetryOn('gateway-error');
  /** No response at all (disconnect, reset, read timeout). */
  public static readonly RESET = new RetryOn('reset');
  /** A reset before the request was sent upstream (safe for non-idempotent requests). */
  public static readonly RESET_BEFORE_REQUEST = new RetryOn('reset-before-request');
  /** The connection to the upstream could not be made. */
  public static readonly CONNECT_FAILURE = new RetryOn('connect-failure');
  /** Retriable 4xx responses (currently 409). */
  public static readonly RETRIABLE_4XX = new RetryOn('retriable-4xx');
  /** The upstream reset the stream with REFUSED_STREAM. */
  public static readonly REFUSED_STREAM = new RetryOn('refused-stream');
  /** Status codes listed in the `x-envoy-retriable-status-codes` header. */
  public static readonly RETRIABLE_STATUS_CODES = new RetryOn('retriable-status-codes');
  /** Responses carrying a header listed in `x-envoy-retriable-header-names`. */
  public static readonly RETRIABLE_HEADERS = new RetryOn('retriable-headers');
  /** Envoy rate-limited the request (`x-envoy-ratelimited`). */
  public static readonly ENVOY_RATELIMITED = new RetryOn('envoy-ratelimited');
  /** An HTTP/3 request failed after the connection was made. */
  public static readonly HTTP3_POST_CONNECT_FAILURE = new RetryOn('http3-post-connect-failure');
  /** gRPC status CANCELLED. */
  public static readonly GRPC_CANCELLED = new RetryOn('cancelled');
  /** gRPC status DEADLINE_EXCEEDED. */
  public static readonly GRPC_DEADLINE_EXCEEDED = new RetryOn('deadline-exceeded');
  /** gRPC status INTERNAL. */
  public static readonly GRPC_INTERNAL = new RetryOn('internal');
  /** gRPC status RESOURCE_EXHAUSTED. */
  public static readonly GRPC_RESOURCE_EXHAUSTED = new RetryOn('resource-exhausted');
  /** gRPC status UNAVAILABLE. */
  public static readonly GRPC_UNAVAILABLE = new RetryOn('unavailable');

  /** Retry when the upstream answers with this HTTP status code, e.g. 503. */
  public static statusCode(code: number): RetryOn {
    return new RetryOn(String(code));
  }

  /**
   * A policy by its Envoy name, for policies newer than this library. It is checked at synth
   * time against the policies Istio 1.30 accepts.
   */
  public static custom(policy: string): RetryOn {
    return new RetryOn(policy);
  }

  private constructor(
    /** The Envoy policy name, as it appears in `retryOn`. */
    public readonly value: string,
  ) {}
}

/**
 * A retry policy for an HTTP route.
 *
 * When a route has no retry policy, Istio retries twice (`attempts: 2`) on
 * `connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes`.
 *
 * @see https://istio.io/latest/docs/reference/config/networking/virtual-service/#HTTPRetry
 */
export interface RetryPolicy {
  /**
   * Number of retries (not counting the first try). 0 disables retries, and then no other retry
   * setting may be given. Istio's own default, when no policy is set, is 2.
   */
  readonly attempts: number;

  /**
   * Timeout of each try, the first one included. With a route `timeout`, keep
   * `(attempts + 1) × perTryTimeout` within it or the later retries never run.
   *
   * @default - the route timeout
   */
  readonly perTryTimeout?: Duration;

  /**
   * Conditions to retry on.
   *
   * @default - Istio's default: connect-failure, refused-stream, unavailable, cancelled, retriable-status-codes
   */
  readonly retryOn?: RetryOn[];

  /**
   * Whether retries may go to other localities.
   *
   * @default - Istio's default (false)
   */
  readonly retryRemoteLocalities?: boolean;

  /**
   * Whether retries avoid hosts already tried.
   *
   * @default - Istio's default (true)
   */
  readonly retryIgnorePreviousHosts?: boolean;

  /**
   * Base interval between retries (Envoy uses exponential back-off from it).
   *
   * @default 25ms (Envoy's default)
   */
  readonly backoff?: Duration;
}
