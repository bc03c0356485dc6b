import { ApiObject } from 'cdk8s';
import { meshNamespaceObject } from './ambient-namespaces';

const USE_WAYPOINT = 'istio.io/use-waypoint';
const USE_WAYPOINT_NAMESPACE = 'istio.io/use-waypoint-namespace';
/** Annotation of a Gateway: the service account of the proxies Istio deploys for it. */
const GATEWAY_SERVICE_ACCOUNT = 'gateway.istio.io/service-account';

/** The waypoint a Service's traffic goes through, and the identity its proxies run as. */
export interface WaypointBinding {
  readonly name: string;
  readonly namespace: string;
  readonly serviceAccount: string;
}

/**
 * The waypoint that serves `service` (read at synth): the Service's own `istio.io/use-waypoint`
 * label, else its namespace's (a MeshNamespace of the app); `none` opts out. Istio's deployment
 * controller runs a waypoint as a service account named after the Gateway (class istio-waypoint
 * has no name suffix), unless the Gateway's `gateway.istio.io/service-account` annotation names
 * one; the annotation is read when the app defines the Gateway.
 */
export function waypointServing(service: ApiObject): WaypointBinding | undefined {
  const namespace = service.metadata.namespace;
  if (namespace === undefined) return undefined;
  let labelled: ApiObject | undefined = service;
  if (service.metadata.getLabel(USE_WAYPOINT) === undefined) labelled = meshNamespaceObject(service, namespace);
  const name = labelled?.metadata.getLabel(USE_WAYPOINT);
  if (!labelled || name === undefined || name === '' || name === 'none') return undefined;
  const waypointNamespace = labelled.metadata.getLabel(USE_WAYPOINT_NAMESPACE) || namespace;
  const gateway = service.node.root.node.findAll().find((c): c is ApiObject => c instanceof ApiObject && c.kind === 'Gateway'
    && c.apiVersion.startsWith('gateway.networking.k8s.io/') && c.name === name && c.metadata.namespace === waypointNamespace);
  const serviceAccount = gateway?.toJson().metadata?.annotations?.[GATEWAY_SERVICE_ACCOUNT] || name;
  return { name, namespace: waypointNamespace, serviceAccount };
}
