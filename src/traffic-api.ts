/**
 * The API the patterns (CanaryService, SecureGateway, ResilientRoute) write their routing in.
 * Set it for a whole App or Chart with `MeshSettings.setTrafficApi()`, or per construct with
 * its `trafficApi` prop; the two can be mixed in one app (one host in one API).
 */
export enum TrafficApi {
  /** Istio's networking API: Gateway, VirtualService, DestinationRule subsets. */
  ISTIO = 'ISTIO',
  /**
   * The Kubernetes Gateway API (gateway.networking.k8s.io/v1, standard channel): Gateway and
   * HTTPRoute, with mesh routes attached to Services (GAMMA). Istio DestinationRules still
   * carry connection pools, outlier detection and client TLS.
   */
  GATEWAY_API = 'GATEWAY_API',
}
