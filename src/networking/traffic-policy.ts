import { Duration } from 'cdk8s';
import { ClientTlsOptions } from './tls';

/** Simple load-balancing algorithms. */
export enum LoadBalancerAlgorithm {
  /** Round robin. */
  ROUND_ROBIN = 'ROUND_ROBIN',
  /** Least requests (Istio's default). */
  LEAST_REQUEST = 'LEAST_REQUEST',
  /** Random choice. */
  RANDOM = 'RANDOM',
  /** Send to the address the caller asked for (no load balancing). */
  PASSTHROUGH = 'PASSTHROUGH',
}

/** HTTP/2 upgrade policy for connections to the destination. */
export enum H2UpgradePolicy {
  /** Use the mesh-wide default. */
  DEFAULT = 'DEFAULT',
  /** Do not upgrade. */
  DO_NOT_UPGRADE = 'DO_NOT_UPGRADE',
  /** Upgrade HTTP/1.1 connections to HTTP/2. */
  UPGRADE = 'UPGRADE',
}

/** Options of a consistent-hash cookie. */
export interface HashCookieOptions {
  /** Name of the cookie. */
  readonly name: string;

  /**
   * Path of the cookie.
   *
   * @default - none
   */
  readonly path?: string;

  /**
   * Lifetime of the cookie; Envoy creates the cookie when it is missing and a TTL is set.
   *
   * @default - a session cookie, never generated
   */
  readonly ttl?: Duration;
}

/** What a consistent-hash load balancer hashes on (session affinity). */
export class ConsistentHash {
  /** Hash on a request header. */
  public static httpHeader(name: string): ConsistentHash {
    return new ConsistentHash({ httpHeaderName: name });
  }

  /** Hash on a cookie. */
  public static httpCookie(options: HashCookieOptions): ConsistentHash {
    return new ConsistentHash({ httpCookie: { name: options.name, path: options.path, ttl: options.ttl } });
  }

  /** Hash on the source IP address. */
  public static sourceIp(): ConsistentHash {
    return new ConsistentHash({ useSourceIp: true });
  }

  /** Hash on a query parameter. */
  public static queryParameter(name: string): ConsistentHash {
    return new ConsistentHash({ httpQueryParameterName: name });
  }

  private constructor(
    /** @internal */
    public readonly _key: { [field: string]: any },
  ) {}
}

/** Hash ring algorithm of a consistent-hash load balancer. */
export interface HashRingOptions {
  /**
   * Use Maglev with this table size (a prime below 5000011).
   *
   * @default - ring hash
   */
  readonly maglevTableSize?: number;

  /**
   * Minimum ring size for ring hash.
   *
   * @default 1024
   */
  readonly minimumRingSize?: number;
}

/** Shifts traffic between localities by weight. */
export interface LocalityDistribution {
  /** Origin locality: `region/zone/sub-zone`, with `*` wildcards. */
  readonly from: string;
  /** Destination localities and their weights in percent (each 1-100, totalling exactly 100). */
  readonly to: { [locality: string]: number };
}

/** Where traffic fails over when a region has no healthy endpoints. */
export interface LocalityFailover {
  /** Origin region. */
  readonly from: string;
  /** Region to fail over to. */
  readonly to: string;
}

/** Locality-aware load balancing. Give `distribute` or `failover`, not both. */
export interface LocalityLbOptions {
  /**
   * Enable or disable locality load balancing for this destination.
   *
   * @default - mesh-wide setting
   */
  readonly enabled?: boolean;

  /**
   * Weighted distribution between localities.
   *
   * @default - none
   */
  readonly distribute?: LocalityDistribution[];

  /**
   * Failover between regions (needs outlier detection to take effect).
   *
   * @default - none
   */
  readonly failover?: LocalityFailover[];

  /**
   * Labels ordering failover priority, e.g. `topology.kubernetes.io/region`.
   *
   * @default - none
   */
  readonly failoverPriority?: string[];
}

/** Slow start for new endpoints. */
export interface WarmupOptions {
  /** How long a new endpoint is warmed up. */
  readonly duration: Duration;

  /**
   * Traffic share a new endpoint starts with, in percent.
   *
   * @default 10
   */
  readonly minimumPercent?: number;

  /**
   * How fast traffic grows (1 is linear; must be at least 1).
   *
   * @default 1
   */
  readonly aggression?: number;
}

/**
 * Load-balancing policy. Give `algorithm` or `consistentHash`, not both.
 *
 * @see https://istio.io/latest/docs/reference/config/networking/destination-rule/#LoadBalancerSettings
 */
export interface LoadBalancerOptions {
  /**
   * A simple algorithm.
   *
   * @default - LEAST_REQUEST (Istio's default)
   */
  readonly algorithm?: LoadBalancerAlgorithm;

  /**
   * Consistent hashing (session affinity).
   *
   * @default - none
   */
  readonly consistentHash?: ConsistentHash;

  /**
   * Hash ring settings for consistentHash.
   *
   * @default - ring hash with Envoy defaults
   */
  readonly hashRing?: HashRingOptions;

  /**
   * Locality-aware load balancing.
   *
   * @default - mesh-wide setting
   */
  readonly locality?: LocalityLbOptions;

  /**
   * Slow start for new endpoints.
   *
   * @default - none
   */
  readonly warmup?: WarmupOptions;
}

/** TCP keepalive probes. */
export interface TcpKeepaliveOptions {
  /**
   * Unanswered probes before the connection is dropped.
   *
   * @default - the OS default (9 on Linux)
   */
  readonly probes?: number;

  /**
   * Idle time before probes start.
   *
   * @default - the OS default (2 hours on Linux)
   */
  readonly time?: Duration;

  /**
   * Time between probes.
   *
   * @default - the OS default (75s on Linux)
   */
  readonly interval?: Duration;
}

/** TCP connection limits (apply to HTTP too). */
export interface TcpConnectionPoolOptions {
  /**
   * Maximum connections to the destination.
   *
   * @default 4294967295
   */
  readonly maxConnections?: number;

  /**
   * Connect timeout.
   *
   * @default 10s
   */
  readonly connectTimeout?: Duration;

  /**
   * TCP keepalive.
   *
   * @default - off
   */
  readonly tcpKeepalive?: TcpKeepaliveOptions;

  /**
   * Maximum lifetime of a connection.
   *
   * @default - unlimited
   */
  readonly maxConnectionDuration?: Duration;

  /**
   * Idle timeout of a connection.
   *
   * @default 1h
   */
  readonly idleTimeout?: Duration;
}

/** HTTP connection and request limits. */
export interface HttpConnectionPoolOptions {
  /**
   * Maximum requests queued while waiting for a connection.
   *
   * @default 4294967295
   */
  readonly http1MaxPendingRequests?: number;

  /**
   * Maximum active requests to the destination.
   *
   * @default 4294967295
   */
  readonly http2MaxRequests?: number;

  /**
   * Maximum requests per connection (1 disables keep-alive).
   *
   * @default - unlimited
   */
  readonly maxRequestsPerConnection?: number;

  /**
   * Maximum retries outstanding to all hosts of the destination at once.
   *
   * @default 4294967295
   */
  readonly maxRetries?: number;

  /**
   * Idle timeout of upstream connections.
   *
   * @default 1h
   */
  readonly idleTimeout?: Duration;

  /**
   * HTTP/2 upgrade policy.
   *
   * @default H2UpgradePolicy.DEFAULT
   */
  readonly h2UpgradePolicy?: H2UpgradePolicy;

  /**
   * Use the client's protocol (HTTP/1.1 or HTTP/2) upstream. Not with UPGRADE.
   *
   * @default false
   */
  readonly useClientProtocol?: boolean;

  /**
   * Maximum concurrent streams per HTTP/2 connection.
   *
   * @default 2147483647
   */
  readonly maxConcurrentStreams?: number;
}

/** Connection pool limits (circuit breaking). Give `tcp`, `http` or both. */
export interface ConnectionPoolOptions {
  /**
   * TCP limits.
   *
   * @default - Envoy defaults
   */
  readonly tcp?: TcpConnectionPoolOptions;

  /**
   * HTTP limits.
   *
   * @default - Envoy defaults
   */
  readonly http?: HttpConnectionPoolOptions;
}

/**
 * Ejection of unhealthy endpoints from the load-balancing pool.
 *
 * @see https://istio.io/latest/docs/reference/config/networking/destination-rule/#OutlierDetection
 */
export interface OutlierDetectionOptions {
  /**
   * 5xx responses in a row that eject an endpoint.
   *
   * @default 5
   */
  readonly consecutive5xxErrors?: number;

  /**
   * 502/503/504 responses in a row that eject an endpoint.
   *
   * @default - off
   */
  readonly consecutiveGatewayErrors?: number;

  /**
   * Locally originated failures in a row that eject an endpoint (needs
   * `splitExternalLocalOriginErrors`).
   *
   * @default 5
   */
  readonly consecutiveLocalOriginFailures?: number;

  /**
   * Count local-origin failures (timeouts, resets) separately from upstream errors.
   *
   * @default false
   */
  readonly splitExternalLocalOriginErrors?: boolean;

  /**
   * Time between ejection sweeps.
   *
   * @default 10s
   */
  readonly interval?: Duration;

  /**
   * Minimum ejection time (multiplied by the number of ejections).
   *
   * @default 30s
   */
  readonly baseEjectionTime?: Duration;

  /**
   * Largest share of endpoints that may be ejected, in percent.
   *
   * @default 10
   */
  readonly maxEjectionPercent?: number;

  /**
   * Outlier detection stops when fewer endpoints than this percentage are healthy.
   *
   * @default 0
   */
  readonly minHealthPercent?: number;
}

/** Settings for one port of the destination. */
export interface PortTrafficPolicy {
  /** The port number. */
  readonly port: number;

  /**
   * Load balancing for the port.
   *
   * @default - the policy's setting
   */
  readonly loadBalancer?: LoadBalancerOptions;

  /**
   * Connection pool for the port.
   *
   * @default - the policy's setting
   */
  readonly connectionPool?: ConnectionPoolOptions;

  /**
   * Outlier detection for the port.
   *
   * @default - the policy's setting
   */
  readonly outlierDetection?: OutlierDetectionOptions;

  /**
   * TLS for the port.
   *
   * @default - the policy's setting
   */
  readonly tls?: ClientTlsOptions;
}

/**
 * Traffic policy of a destination (or of one subset).
 *
 * @see https://istio.io/latest/docs/reference/config/networking/destination-rule/#TrafficPolicy
 */
export interface TrafficPolicy {
  /**
   * Load balancing.
   *
   * @default - LEAST_REQUEST
   */
  readonly loadBalancer?: LoadBalancerOptions;

  /**
   * Connection pool limits (circuit breaking).
   *
   * @default - Envoy defaults
   */
  readonly connectionPool?: ConnectionPoolOptions;

  /**
   * Outlier detection.
   *
   * @default - off
   */
  readonly outlierDetection?: OutlierDetectionOptions;

  /**
   * TLS to the destination.
   *
   * @default - Istio's auto mTLS (ISTIO_MUTUAL to mesh workloads)
   */
  readonly tls?: ClientTlsOptions;

  /**
   * Per-port settings, overriding the above for one port.
   *
   * @default - none
   */
  readonly portLevelSettings?: PortTrafficPolicy[];
}
