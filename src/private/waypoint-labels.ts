// The labels that bind Services and namespaces to ambient waypoints (Istio's `istio.io/api` label package).

/** On a Namespace, Service or ServiceEntry: the waypoint its traffic goes through (`none` opts out). */
export const USE_WAYPOINT = 'istio.io/use-waypoint';

/** Next to `istio.io/use-waypoint`: the waypoint's namespace, when not the object's. */
export const USE_WAYPOINT_NAMESPACE = 'istio.io/use-waypoint-namespace';

/** On a waypoint Gateway: the traffic it handles (`service`, `workload`, `all`, `none`). */
export const WAYPOINT_FOR = 'istio.io/waypoint-for';

/** The GatewayClass that makes Istio deploy a waypoint proxy for a Gateway. */
export const WAYPOINT_CLASS = 'istio-waypoint';
