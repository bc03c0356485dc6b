import { isRecord, textOf } from '../../validation/shape';
import { AnalysisContext } from '../context';
import { AnalysisLevel } from '../finding';
import { addTo, Entry, pod, selects } from '../model';
import {
  annotationsOf, goList, hasIstioProxy, INJECTION_LABEL, isIgnoredNamespace, ISTIO_PROXY, labelsOf, REVISION_LABEL, SIDECAR_INJECT,
} from './injection';

/** UID the sidecar proxy runs as; traffic from it bypasses the proxy's redirection. */
const PROXY_UID = 1337;
/** Container Istio's operator runs in (it may run as 1337). */
const ISTIO_OPERATOR = 'istio-operator';
/** Label Istio puts on the objects it deploys for a Gateway API gateway or waypoint. */
const GATEWAY_MANAGED = 'gateway.istio.io/managed';
/** Its value on a waypoint's Deployment and Service. */
const WAYPOINT_CONTROLLER = 'istio.io-mesh-controller';

/** Kinds whose pod template the Service association checks read (Istio reads Deployments; the rule holds for any controller). */
const CONTROLLERS = ['Deployment', 'StatefulSet', 'DaemonSet'];
/** Kinds whose pods the UID check reads. */
const POD_OWNERS = ['Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job'];

/** Whether an object belongs to Istio's control plane (a label `istio`, or `release: istio`), which Istio's analyzers skip. */
export function isIstioControlPlane(entry: Entry): boolean {
  const labels = labelsOf(entry.manifest.metadata);
  return labels.istio !== undefined || labels.release === 'istio';
}

/**
 * Whether a controller's pods get a sidecar, as Istio's analyzer decides it (util.DeploymentInMesh):
 * an istio-proxy container, then `sidecar.istio.io/inject` on the pod template (label, then
 * annotation), then the namespace's `istio-injection=enabled` label. A namespace that is not among
 * the analyzed objects is unknown: not in the mesh. Beyond Istio, a namespace labelled only
 * `istio.io/rev` counts as injected (the revision's injector injects it).
 */
function inMesh(entry: Entry, namespaces: Map<string, Entry>): boolean {
  const { metadata, spec } = pod(entry);
  if (hasIstioProxy(spec.containers)) return true;
  const inject = labelsOf(metadata)[SIDECAR_INJECT] ?? annotationsOf(metadata)[SIDECAR_INJECT];
  if (inject !== undefined) return inject === 'true';
  const namespace = namespaces.get(entry.namespace);
  if (!namespace) return false;
  const labels = labelsOf(namespace.manifest.metadata);
  return labels[INJECTION_LABEL] === 'enabled' || (labels[INJECTION_LABEL] === undefined && !!textOf(labels[REVISION_LABEL]));
}

/** A Service that selects pods, with its selector. */
interface SelectingService {
  readonly entry: Entry;
  readonly selector: { [key: string]: string };
}

/**
 * Istio's ServiceAssociationAnalyzer (deployment.MultiServiceAnalyzer), for the controllers whose
 * pods are in the mesh (not waypoints), over the Services of their namespace that select their pods:
 * - IST0116 (DeploymentAssociatedToMultipleServices): two Services use the same port number
 *   with different protocols (TCP by default): the sidecar has one listener per port;
 * - IST0137 (DeploymentConflictingPorts): Services send different ports to the same targetPort
 *   (the port, when unset).
 * Services are indexed by one label of their selector, so each controller looks up only the
 * Services that may select it.
 */
export function checkServiceAssociation(ctx: AnalysisContext): void {
  const selecting: SelectingService[] = [];
  for (const entry of ctx.inventory.of('Service')) {
    const selector = entry.spec.selector;
    if (isRecord(selector) && Object.keys(selector).length > 0) selecting.push({ entry, selector });
  }
  // Each Service is indexed under the rarest of its selector's labels, so a label many Services
  // share (team=shop) does not make every controller look at all of them.
  const pairKey = (s: SelectingService, k: string) => `${s.entry.namespace}|${k}=${s.selector[k]}`;
  const counts = new Map<string, number>();
  for (const s of selecting) for (const k of Object.keys(s.selector)) counts.set(pairKey(s, k), (counts.get(pairKey(s, k)) ?? 0) + 1);
  const index = new Map<string, SelectingService[]>();
  for (const s of selecting) {
    const keys = Object.keys(s.selector).map((k) => pairKey(s, k));
    addTo(index, keys.reduce((a, b) => (counts.get(b)! < counts.get(a)! ? b : a)), s);
  }
  if (index.size === 0) return;
  const namespaces = new Map(ctx.inventory.of('Namespace').map((n) => [n.name, n]));
  for (const kind of CONTROLLERS) {
    for (const controller of ctx.inventory.of(kind)) {
      if (isIgnoredNamespace(controller.namespace)) continue;
      if (labelsOf(controller.manifest.metadata)[GATEWAY_MANAGED] === WAYPOINT_CONTROLLER) continue;
      const labels = labelsOf(pod(controller).metadata);
      const services = Object.entries(labels).flatMap(([k, v]) => index.get(`${controller.namespace}|${k}=${v}`) ?? [])
        .filter((s) => selects(s.selector, labels));
      if (services.length === 0 || !inMesh(controller, namespaces)) continue;
      checkProtocols(ctx, controller, services);
      checkTargetPorts(ctx, controller, services);
    }
  }
}

/** The ports of a Service spec, `[]` when not a list. */
function portsOf(service: Entry): any[] {
  return Array.isArray(service.spec.ports) ? service.spec.ports.filter(isRecord) : [];
}

/** IST0116: one port number, several protocols, across the Services of a controller's pods. */
function checkProtocols(ctx: AnalysisContext, controller: Entry, services: SelectingService[]): void {
  // port → protocol → services
  const ports = new Map<number, Map<string, string[]>>();
  for (const { entry } of services) {
    for (const port of portsOf(entry)) {
      const protocols = ports.get(port.port) ?? new Map<string, string[]>();
      ports.set(port.port, protocols);
      addTo(protocols, textOf(port.protocol) || 'TCP', `${entry.namespace}/${entry.name}`);
    }
  }
  for (const [port, protocols] of [...ports].sort(([a], [b]) => a - b)) {
    if (protocols.size < 2) continue;
    const names = [...protocols.values()].flat().sort();
    ctx.report(controller, 'IST0116', AnalysisLevel.WARNING, `This ${controller.kind.toLowerCase()} ${controller.name} is associated with multiple services `
      + `using port ${port} but different protocols: ${goList(names)}; the sidecar has one listener per port: `
      + `use one protocol for port ${port} in every Service that selects these pods, or another port number`);
  }
}

/** IST0137: several port numbers sent to one targetPort, across the Services of a controller's pods. */
function checkTargetPorts(ctx: AnalysisContext, controller: Entry, services: SelectingService[]): void {
  // targetPort → port → service (the last one listed, as Istio keeps it)
  const targets = new Map<string, Map<number, string>>();
  for (const { entry } of services) {
    for (const port of portsOf(entry)) {
      let target = textOf(port.targetPort);
      if (target === '' || target === '0') target = textOf(port.port);
      const byPort = targets.get(target) ?? new Map<number, string>();
      targets.set(target, byPort);
      byPort.set(port.port, `${entry.namespace}/${entry.name}`);
    }
  }
  for (const [target, byPort] of targets) {
    if (byPort.size < 2) continue;
    const names = [...byPort.values()].sort();
    const ports = [...byPort.keys()].sort((a, b) => a - b);
    ctx.report(controller, 'IST0137', AnalysisLevel.WARNING, `This ${controller.kind.toLowerCase()} ${controller.name} is associated with multiple services `
      + `${goList(names)} using targetPort ${JSON.stringify(target)} but different ports: ${goList(ports)}; Services that send traffic to `
      + 'the same targetPort of these pods must use the same port number: change the Service ports to one number');
  }
}

/**
 * IST0144 (InvalidApplicationUID), as Istio's ApplicationUIDAnalyzer: a pod (Pod, or a
 * controller's pod template; Istio reads Pods and Deployments) whose securityContext, or one of
 * whose containers' (other than istio-proxy and istio-operator), runs as UID 1337, the sidecar's:
 * its traffic would bypass the proxy. Control-plane objects (labelled `istio` or `release: istio`)
 * are skipped. Reported once per object.
 */
export function checkApplicationUid(ctx: AnalysisContext): void {
  for (const kind of POD_OWNERS) {
    for (const entry of ctx.inventory.of(kind)) {
      if (isIgnoredNamespace(entry.namespace) || isIstioControlPlane(entry)) continue;
      const { spec } = pod(entry);
      const prefix = kind === 'Pod' ? 'spec' : 'spec.template.spec';
      const fields: string[] = [];
      if (spec.securityContext?.runAsUser === PROXY_UID) fields.push(`${prefix}.securityContext.runAsUser`);
      (Array.isArray(spec.containers) ? spec.containers : []).forEach((c: any, i: number) => {
        if (c?.name === ISTIO_PROXY || c?.name === ISTIO_OPERATOR) return;
        if (c?.securityContext?.runAsUser === PROXY_UID) fields.push(`${prefix}.containers[${i}].securityContext.runAsUser`);
      });
      if (fields.length === 0) continue;
      ctx.report(entry, 'IST0144', AnalysisLevel.WARNING, `User ID (UID) 1337 is reserved for the sidecar proxy (${fields.join(', ')}); `
        + 'run the application as another UID, or its traffic bypasses the proxy');
    }
  }
}
