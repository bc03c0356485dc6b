/**
 * A request attribute an authorization condition (`when`) tests. Use the factories for the keys
 * Istio supports; `ConditionKey.of()` takes any other key as written.
 *
 * @see https://istio.io/latest/docs/reference/config/security/conditions/
 */
export class ConditionKey {
  /** The client's IP address as seen by the proxy (the peer of the connection). */
  public static readonly SOURCE_IP = new ConditionKey('source.ip');
  /** The original client IP (from X-Forwarded-For, with `numTrustedProxies`). */
  public static readonly REMOTE_IP = new ConditionKey('remote.ip');
  /** The client workload's namespace (mTLS only). */
  public static readonly SOURCE_NAMESPACE = new ConditionKey('source.namespace');
  /** The client workload's identity, `<trust domain>/ns/<namespace>/sa/<service account>` (mTLS only). */
  public static readonly SOURCE_PRINCIPAL = new ConditionKey('source.principal');
  /** The client workload's service account, `<namespace>/<name>` (mTLS only). */
  public static readonly SOURCE_SERVICE_ACCOUNT = new ConditionKey('source.serviceAccount');
  /** The trust domain of the client workload's identity (mTLS only). */
  public static readonly SOURCE_TRUST_DOMAIN = new ConditionKey('source.trustDomain');
  /** The JWT principal, `<issuer>/<subject>` (needs a RequestAuthentication). */
  public static readonly REQUEST_AUTH_PRINCIPAL = new ConditionKey('request.auth.principal');
  /** The JWT's audiences (`aud`). */
  public static readonly REQUEST_AUTH_AUDIENCES = new ConditionKey('request.auth.audiences');
  /** The JWT's authorized presenter (`azp`). */
  public static readonly REQUEST_AUTH_PRESENTER = new ConditionKey('request.auth.presenter');
  /** The server IP address. */
  public static readonly DESTINATION_IP = new ConditionKey('destination.ip');
  /** The server port. */
  public static readonly DESTINATION_PORT = new ConditionKey('destination.port');
  /** The SNI of the TLS connection. */
  public static readonly CONNECTION_SNI = new ConditionKey('connection.sni');

  /** A request header, e.g. `requestHeader('x-tenant')` for `request.headers[x-tenant]`. */
  public static requestHeader(name: string): ConditionKey {
    return new ConditionKey(`request.headers[${name}]`);
  }

  /**
   * A claim of the request's JWT; several names address a nested claim, e.g.
   * `requestClaim('realm', 'roles')` for `request.auth.claims[realm][roles]`.
   */
  public static requestClaim(...names: string[]): ConditionKey {
    return new ConditionKey(`request.auth.claims${names.map((n) => `[${n}]`).join('')}`);
  }

  /** Any key, as written (checked against Istio's supported keys at synth). */
  public static of(key: string): ConditionKey {
    return new ConditionKey(key);
  }

  private constructor(
    /** The key as Istio writes it. */
    public readonly key: string,
  ) {}
}

/** A condition on a request attribute: the value must be one of `values` and none of `notValues`. */
export interface AuthorizationCondition {
  /** The attribute tested. */
  readonly key: ConditionKey;

  /**
   * Accepted values (exact, prefix `abc*`, suffix `*abc` or `*`; CIDRs for IP keys).
   *
   * @default - any value (then `notValues` must be set)
   */
  readonly values?: string[];

  /**
   * Refused values, in the same forms as `values`.
   *
   * @default - none
   */
  readonly notValues?: string[];
}

/**
 * Who sends the request. Fields are ANDed; the values of one field are ORed. Each `not…` field
 * matches requests whose attribute is none of its values.
 */
export interface RequestSource {
  /**
   * Peer identities (mTLS), `<trust domain>/ns/<namespace>/sa/<service account>`. Prefer
   * granting by object (`WorkloadAuthorization.allowFrom()`) to typing these.
   *
   * @default - any
   */
  readonly principals?: string[];
  /**
   * Peer identities that do not match.
   *
   * @default - none
   */
  readonly notPrincipals?: string[];
  /**
   * JWT identities, `<issuer>/<subject>`; `*` for any request with a valid JWT.
   *
   * @default - any
   */
  readonly requestPrincipals?: string[];
  /**
   * JWT identities that do not match.
   *
   * @default - none
   */
  readonly notRequestPrincipals?: string[];
  /**
   * Namespaces of the peer workloads (mTLS).
   *
   * @default - any
   */
  readonly namespaces?: string[];
  /**
   * Peer namespaces that do not match.
   *
   * @default - none
   */
  readonly notNamespaces?: string[];
  /**
   * Service accounts of the peer workloads, `<namespace>/<name>` (mTLS).
   *
   * @default - any
   */
  readonly serviceAccounts?: string[];
  /**
   * Peer service accounts that do not match.
   *
   * @default - none
   */
  readonly notServiceAccounts?: string[];
  /**
   * Trust domains of the peer identities (mTLS).
   *
   * @default - any
   */
  readonly trustDomains?: string[];
  /**
   * Peer trust domains that do not match.
   *
   * @default - none
   */
  readonly notTrustDomains?: string[];
  /**
   * IP addresses or CIDR blocks of the connection's peer.
   *
   * @default - any
   */
  readonly ipBlocks?: string[];
  /**
   * Peer IP addresses or CIDR blocks that do not match.
   *
   * @default - none
   */
  readonly notIpBlocks?: string[];
  /**
   * IP addresses or CIDR blocks of the original client (X-Forwarded-For, `numTrustedProxies`).
   *
   * @default - any
   */
  readonly remoteIpBlocks?: string[];
  /**
   * Original client IP addresses or CIDR blocks that do not match.
   *
   * @default - none
   */
  readonly notRemoteIpBlocks?: string[];
}

/**
 * What the request asks for. Fields are ANDed; the values of one field are ORed. HTTP fields
 * (hosts, methods, paths) apply to HTTP traffic only.
 */
export interface RequestOperation {
  /**
   * Hosts (the `Host`/`:authority` header), exact, prefix or suffix (`*.example.com`).
   *
   * @default - any
   */
  readonly hosts?: string[];
  /**
   * Hosts that do not match.
   *
   * @default - none
   */
  readonly notHosts?: string[];
  /**
   * Ports the workload receives the request on (container ports).
   *
   * @default - any
   */
  readonly ports?: number[];
  /**
   * Ports that do not match.
   *
   * @default - none
   */
  readonly notPorts?: number[];
  /**
   * HTTP methods, e.g. `GET`; for gRPC always `POST`.
   *
   * @default - any
   */
  readonly methods?: string[];
  /**
   * HTTP methods that do not match.
   *
   * @default - none
   */
  readonly notMethods?: string[];
  /**
   * Paths: exact, prefix (`/api/*`), suffix (`*.js`), or Istio's path templates
   * (`/books/{*}/reviews`).
   *
   * @default - any
   */
  readonly paths?: string[];
  /**
   * Paths that do not match.
   *
   * @default - none
   */
  readonly notPaths?: string[];
}

/**
 * One rule of an AuthorizationPolicy: it matches a request when one of the sources, one of the
 * operations and every condition match. A rule without any of them matches every request; write
 * that intent with `AuthorizationPolicy.allowAll()` or `denyAll()` instead.
 */
export interface AuthorizationRule {
  /**
   * Sources, any of which may send the request.
   *
   * @default - any source
   */
  readonly from?: RequestSource[];

  /**
   * Operations, any of which the request may ask for.
   *
   * @default - any operation
   */
  readonly to?: RequestOperation[];

  /**
   * Conditions, all of which must hold.
   *
   * @default - none
   */
  readonly when?: AuthorizationCondition[];
}
