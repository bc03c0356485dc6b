import { ApiObject } from 'cdk8s';
import { meshNamespaceObject } from './ambient-namespaces';
import { deployedGatewayAccount } from './gateway-deployment';
import { USE_WAYPOINT, USE_WAYPOINT_NAMESPACE, WAYPOINT_CLASS } from './waypoint-labels';


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
  const serviceAccount = deployedGatewayAccount(name, WAYPOINT_CLASS, gateway?.toJson().metadata?.annotations);
  return { name, namespace: waypointNamespace, serviceAccount };
}

/** Kinds whose pods a Service can select, with where their pod spec is. */
const POD_SPEC_KINDS = ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Pod'];

/** One port of a Service: the port clients (and the waypoint) see, and the pods' port it forwards to. */
export interface ServicePortMapping {
  readonly port: number;
  /** The container port, or its name (resolved through the pods' container port names). */
  readonly targetPort: number | string;
}

/** The ports of a Service's manifest (a targetPort left unset is the port, as in Kubernetes). */
export function servicePortMappings(service: ApiObject): ServicePortMapping[] {
  const ports = service.toJson()?.spec?.ports;
  return (Array.isArray(ports) ? ports : []).filter((p: any) => typeof p?.port === 'number' && p?.protocol !== 'UDP')
    .map((p: any) => ({ port: p.port, targetPort: typeof p.targetPort === 'number' || (typeof p.targetPort === 'string' && p.targetPort !== '') ? p.targetPort : p.port }));
}

/**
 * The container port numbers by name of the app's pods a Service selects (workload objects of the
 * app in its namespace whose pod labels include the Service's selector); empty when none is known.
 */
export function selectedContainerPortNames(service: ApiObject): Map<string, Set<number>> {
  const result = new Map<string, Set<number>>();
  const selector = service.toJson()?.spec?.selector;
  if (!selector || Object.keys(selector).length === 0) return result;
  for (const c of service.node.root.node.findAll()) {
    if (!(c instanceof ApiObject) || !POD_SPEC_KINDS.includes(c.kind) || c.metadata.namespace !== service.metadata.namespace) continue;
    let manifest: any;
    try {
      manifest = c.toJson();
    } catch {
      continue;
    }
    const labels = c.kind === 'Pod' ? manifest.metadata?.labels : manifest.spec?.template?.metadata?.labels;
    if (!labels || !Object.entries(selector).every(([k, v]) => labels[k] === v)) continue;
    const pod = c.kind === 'Pod' ? manifest.spec : manifest.spec?.template?.spec;
    for (const container of [...(pod?.containers ?? []), ...(pod?.initContainers ?? [])]) {
      for (const p of container?.ports ?? []) {
        if (typeof p?.name !== 'string' || typeof p?.containerPort !== 'number') continue;
        let numbers = result.get(p.name);
        if (!numbers) result.set(p.name, numbers = new Set());
        numbers.add(p.containerPort);
      }
    }
  }
  return result;
}

/**
 * The Service ports that forward to container port `containerPort`: a waypoint matches a
 * policy's `to.operation.ports` against the Service port (Istio 1.30.3 listener_waypoint.go
 * builds its inbound chains per Service port, with the Service port as target port).
 */
export function servicePortsForTarget(mappings: ServicePortMapping[], names: Map<string, Set<number>>, containerPort: number): number[] {
  return mappings.filter((m) => (typeof m.targetPort === 'number' ? m.targetPort === containerPort : names.get(m.targetPort)?.has(containerPort)))
    .map((m) => m.port);
}
