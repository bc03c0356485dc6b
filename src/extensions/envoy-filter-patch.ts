// The value types of an EnvoyFilter's config patches. They mirror the YAML of
// networking.istio.io/v1alpha3 EnvoyFilter field by field, so that a patch from Istio's
// documentation translates one to one; the EnvoyFilter construct checks how they combine.

/** Which kind of Envoy configuration object a patch applies to (`applyTo`). */
export enum EnvoyFilterApplyTo {
  /** A listener (`envoy.config.listener.v3.Listener`). */
  LISTENER = 'LISTENER',
  /** A filter chain of a listener (`envoy.config.listener.v3.FilterChain`). */
  FILTER_CHAIN = 'FILTER_CHAIN',
  /** A network filter of a filter chain (`envoy.config.listener.v3.Filter`). */
  NETWORK_FILTER = 'NETWORK_FILTER',
  /** An HTTP filter of the HTTP connection manager (`...http_connection_manager.v3.HttpFilter`). */
  HTTP_FILTER = 'HTTP_FILTER',
  /** A route configuration (RDS output; `envoy.config.route.v3.RouteConfiguration`). MERGE only. */
  ROUTE_CONFIGURATION = 'ROUTE_CONFIGURATION',
  /** A virtual host of a route configuration (`envoy.config.route.v3.VirtualHost`). */
  VIRTUAL_HOST = 'VIRTUAL_HOST',
  /** A route of the matched virtual host (`envoy.config.route.v3.Route`). */
  HTTP_ROUTE = 'HTTP_ROUTE',
  /** A cluster (CDS output), also to add clusters (`envoy.config.cluster.v3.Cluster`). */
  CLUSTER = 'CLUSTER',
  /** An extension config in ECDS output, for HTTP filters (`envoy.config.core.v3.TypedExtensionConfig`). */
  EXTENSION_CONFIG = 'EXTENSION_CONFIG',
  /** Deprecated by Istio: the proxy's bootstrap configuration (`envoy.config.bootstrap.v3.Bootstrap`). */
  BOOTSTRAP = 'BOOTSTRAP',
  /** A listener filter (`envoy.config.listener.v3.ListenerFilter`). */
  LISTENER_FILTER = 'LISTENER_FILTER',
}

/** Which generated configuration a patch applies to (`match.context`). */
export enum EnvoyFilterContext {
  /** Listeners, routes and clusters of sidecars and gateways alike. */
  ANY = 'ANY',
  /** Inbound listeners, routes and clusters of sidecars. */
  SIDECAR_INBOUND = 'SIDECAR_INBOUND',
  /** Outbound listeners, routes and clusters of sidecars. */
  SIDECAR_OUTBOUND = 'SIDECAR_OUTBOUND',
  /** Listeners, routes and clusters of gateways. */
  GATEWAY = 'GATEWAY',
}

/** How a patch changes the selected configuration (`patch.operation`). */
export enum EnvoyFilterOperation {
  /** Merge the value into the selected object (protobuf merge semantics). */
  MERGE = 'MERGE',
  /**
   * Append the value to a list (listeners, clusters, filter chains, virtual hosts, listener
   * filters). Refused for HTTP and network filters, where it lands after the terminal filter.
   */
  ADD = 'ADD',
  /** Remove the selected object. Relative: needs a priority and a proxy version match. */
  REMOVE = 'REMOVE',
  /** Insert the value before the named filter or route. Relative: needs a priority and a proxy version match. */
  INSERT_BEFORE = 'INSERT_BEFORE',
  /** Insert the value after the named filter or route. Relative: needs a priority and a proxy version match. */
  INSERT_AFTER = 'INSERT_AFTER',
  /** Insert the value first in the list. Positional: needs a priority and a proxy version match. */
  INSERT_FIRST = 'INSERT_FIRST',
  /**
   * Replace the named HTTP or network filter (or the virtual host) with the value. Relative:
   * needs a priority and a proxy version match.
   */
  REPLACE = 'REPLACE',
}

/** Where a filter is inserted relative to Istio's own filters (`patch.filterClass`). */
export enum EnvoyFilterClass {
  /** The control plane decides. */
  UNSPECIFIED = 'UNSPECIFIED',
  /** After Istio's authentication filters. */
  AUTHN = 'AUTHN',
  /** After Istio's authorization filters. */
  AUTHZ = 'AUTHZ',
  /** Before Istio's stats filters. */
  STATS = 'STATS',
}

/** The action of a route, for a route match. */
export enum EnvoyRouteAction {
  /** Any action. */
  ANY = 'ANY',
  /** Routes to a cluster or weighted clusters. */
  ROUTE = 'ROUTE',
  /** Redirects. */
  REDIRECT = 'REDIRECT',
  /** Responds directly. */
  DIRECT_RESPONSE = 'DIRECT_RESPONSE',
}

/** A filter inside a network filter (typically an HTTP filter of the HTTP connection manager). */
export interface EnvoySubFilterMatch {
  /** The filter name, e.g. `envoy.filters.http.router`. */
  readonly name: string;
}

/** A network filter of a filter chain. */
export interface EnvoyNetworkFilterMatch {
  /**
   * The filter name, e.g. `envoy.filters.network.http_connection_manager` (the canonical name,
   * not a deprecated one such as `envoy.http_connection_manager`).
   */
  readonly name: string;

  /**
   * A filter inside this one: for HTTP_FILTER patches, the HTTP filter of the HTTP connection
   * manager to patch, or to insert before or after.
   *
   * @default - none: the patch is not about one HTTP filter
   */
  readonly subFilter?: EnvoySubFilterMatch;
}

/** A filter chain of a listener. */
export interface EnvoyFilterChainMatch {
  /**
   * The name of the filter chain.
   *
   * @default - any
   */
  readonly name?: string;

  /**
   * The SNI of the filter chain's match.
   *
   * @default - any
   */
  readonly sni?: string;

  /**
   * The transport protocol (`raw_buffer` or `tls`), for SIDECAR_INBOUND.
   *
   * @default - any
   */
  readonly transportProtocol?: string;

  /**
   * Application protocols, comma-separated (`h2`, `http/1.1`, `http/1.0`), for sidecars.
   *
   * @default - any
   */
  readonly applicationProtocols?: string;

  /**
   * A network filter of the chain (and, for HTTP filters, a filter inside it).
   *
   * @default - the whole filter chain
   */
  readonly filter?: EnvoyNetworkFilterMatch;

  /**
   * The destination port of the filter chain's match.
   *
   * @default - any
   */
  readonly destinationPort?: number;
}

/** A listener, and optionally a filter chain or listener filter of it. */
export interface EnvoyListenerMatch {
  /**
   * The service or gateway port the listener serves.
   *
   * @default - every port
   */
  readonly portNumber?: number;

  /**
   * A filter chain of the listener.
   *
   * @default - every filter chain
   */
  readonly filterChain?: EnvoyFilterChainMatch;

  /**
   * A listener filter by name, for LISTENER_FILTER patches, e.g. `envoy.filters.listener.tls_inspector`.
   *
   * @default - none
   */
  readonly listenerFilter?: string;

  /**
   * The listener's name (Istio names them `IP:port`, or e.g. `virtualInbound`).
   *
   * @default - any
   */
  readonly name?: string;
}

/** A route of a virtual host. */
export interface EnvoyRouteMatch {
  /**
   * The route's name: `default`, or the name of a VirtualService HTTP route.
   *
   * @default - any
   */
  readonly name?: string;

  /**
   * The route's action.
   *
   * @default EnvoyRouteAction.ANY
   */
  readonly action?: EnvoyRouteAction;
}

/** A virtual host of a route configuration. */
export interface EnvoyVirtualHostMatch {
  /**
   * The virtual host's name (Istio names them `host:port`).
   *
   * @default - any
   */
  readonly name?: string;

  /**
   * A domain the virtual host serves.
   *
   * @default - any
   */
  readonly domainName?: string;

  /**
   * A route of the virtual host.
   *
   * @default - every route
   */
  readonly route?: EnvoyRouteMatch;
}

/** A route configuration, and optionally a virtual host and route of it. */
export interface EnvoyRouteConfigurationMatch {
  /**
   * The service or gateway server port the route configuration was made for.
   *
   * @default - every port
   */
  readonly portNumber?: number;

  /**
   * The gateway server port name (GATEWAY context only).
   *
   * @default - any
   */
  readonly portName?: string;

  /**
   * The Gateway the route configuration was made for, as `namespace/name` (GATEWAY context only).
   *
   * @default - any
   */
  readonly gateway?: string;

  /**
   * A virtual host of the route configuration.
   *
   * @default - every virtual host
   */
  readonly vhost?: EnvoyVirtualHostMatch;

  /**
   * The route configuration's name, e.g. `http_proxy`.
   *
   * @default - any
   */
  readonly name?: string;
}

/** A cluster. */
export interface EnvoyClusterMatch {
  /**
   * The service port the cluster was made for (the target port for inbound clusters).
   *
   * @default - every port
   */
  readonly portNumber?: number;

  /**
   * The service's fully qualified name (or ServiceEntry host).
   *
   * @default - every service
   */
  readonly service?: string;

  /**
   * The DestinationRule subset.
   *
   * @default - any subset
   */
  readonly subset?: string;

  /**
   * The cluster's exact name, e.g. `PassthroughCluster` (leave the other fields unset then).
   *
   * @default - any
   */
  readonly name?: string;
}

/** What a patch applies to. At most one of `listener`, `routeConfiguration` and `cluster`. */
export interface EnvoyConfigMatch {
  /**
   * Which generated configuration: sidecar inbound or outbound, gateway, or any.
   *
   * @default EnvoyFilterContext.ANY
   */
  readonly context?: EnvoyFilterContext;

  /**
   * An RE2 regular expression that the proxy's Istio version must match, e.g. `'^1\\.30\\.'`.
   * Patches that depend on the names and order of Istio's generated filters (INSERT_*,
   * REPLACE, REMOVE) must have one, here or as the EnvoyFilter's `proxyVersion`, so that an
   * upgrade does not apply them unchanged to configuration they were not written for.
   *
   * @default - the EnvoyFilter's `proxyVersion`
   */
  readonly proxyVersion?: string;

  /**
   * Node metadata the proxy must have (exact values).
   *
   * @default - none
   */
  readonly proxyMetadata?: { [key: string]: string };

  /**
   * A listener (for LISTENER, FILTER_CHAIN, NETWORK_FILTER, HTTP_FILTER and LISTENER_FILTER).
   *
   * @default - none
   */
  readonly listener?: EnvoyListenerMatch;

  /**
   * A route configuration (for ROUTE_CONFIGURATION, VIRTUAL_HOST and HTTP_ROUTE).
   *
   * @default - none
   */
  readonly routeConfiguration?: EnvoyRouteConfigurationMatch;

  /**
   * A cluster (for CLUSTER).
   *
   * @default - none
   */
  readonly cluster?: EnvoyClusterMatch;
}

/** How to change the selected object. */
export interface EnvoyPatch {
  /** The operation. */
  readonly operation: EnvoyFilterOperation;

  /**
   * The Envoy configuration (JSON, as the v3 xDS API spells it) to merge, add or insert.
   * Required except for REMOVE, which takes none.
   *
   * @default - none (REMOVE only)
   */
  readonly value?: { [key: string]: any };

  /**
   * Where to insert the filter relative to Istio's own filters. Istio 1.30's control plane
   * does not read it (the filter lands where the operation puts it), so setting it draws a
   * warning; place filters with INSERT_BEFORE / INSERT_AFTER instead.
   *
   * @default - unset
   */
  readonly filterClass?: EnvoyFilterClass;
}

/** One config patch: what it applies to, where, and how. */
export interface EnvoyConfigPatch {
  /** The kind of Envoy object the patch applies to. */
  readonly applyTo: EnvoyFilterApplyTo;

  /**
   * Which objects of that kind.
   *
   * @default - every object of the kind, in every context
   */
  readonly match?: EnvoyConfigMatch;

  /** The change. */
  readonly patch: EnvoyPatch;
}
