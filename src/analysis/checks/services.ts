import { textOf } from '../../validation/shape';
import { AnalysisContext } from '../context';
import { AnalysisLevel } from '../finding';
import { isIstioControlPlane } from './deployments';
import { isIgnoredNamespace, labelsOf } from './injection';

/** Protocols a port name or appProtocol may start with (before the first `-`), compared ignoring case. */
const PROTOCOLS = new Set(['tcp', 'udp', 'grpc', 'grpc-web', 'http', 'http_proxy', 'http2', 'https', 'tls', 'mongo', 'redis', 'mysql']);
/** appProtocol values Kubernetes defines, and the protocol Istio reads them as. */
const KUBERNETES_APP_PROTOCOLS: Record<string, string> = { 'kubernetes.io/h2c': 'http2', 'kubernetes.io/ws': 'http', 'kubernetes.io/wss': 'https' };
/** Ports Istio treats as TCP whatever their name (SMTP, DNS, MySQL, MongoDB): sniffing would break them. */
const WELL_KNOWN_TCP_PORTS = new Set([25, 53, 3306, 27017]);
const GRPC_WEB = 'grpc-web';
/** Values of `gateway.istio.io/managed` on the Services Istio deploys for gateways and waypoints. */
const ISTIO_MANAGED = new Set(['istio.io-gateway-controller', 'istio.io-mesh-controller', 'istio.io-eastwest-controller']);

/**
 * The protocol Istio reads from a Service port (kube.ConvertProtocol), lower case, or undefined
 * when it has none (protocol detection applies): UDP by its `protocol`; otherwise `appProtocol`
 * when set, else the name, up to its first `-` (`grpc-web` whole); a well-known port is TCP.
 */
export function portProtocol(port: any): string | undefined {
  if (port?.protocol === 'UDP') return 'udp';
  let name = textOf(port?.name);
  if (port?.appProtocol !== undefined && port?.appProtocol !== null) {
    name = textOf(port.appProtocol);
    if (KUBERNETES_APP_PROTOCOLS[name]) return KUBERNETES_APP_PROTOCOLS[name];
  }
  if (name.slice(0, GRPC_WEB.length).toLowerCase() === GRPC_WEB) return GRPC_WEB;
  const prefix = (name.includes('-') ? name.slice(0, name.indexOf('-')) : name).toLowerCase();
  if (PROTOCOLS.has(prefix)) return prefix;
  return WELL_KNOWN_TCP_PORTS.has(port?.port) ? 'tcp' : undefined;
}

/**
 * Istio's service.PortNameAnalyzer. IST0118: a Service port whose protocol Istio cannot tell
 * (its name does not start with one, `<protocol>[-<suffix>]`, and no `appProtocol` names one):
 * Istio falls back to protocol detection. IST0150: the same on an ExternalName Service, or a
 * port named `tcp` there. Services of the control plane (labelled `istio` or `release: istio`),
 * those Istio deploys for gateways and waypoints, and those in the namespaces istioctl ignores
 * (kube-system, ...) are skipped.
 */
export function checkServicePorts(ctx: AnalysisContext): void {
  for (const service of ctx.inventory.of('Service')) {
    if (isIgnoredNamespace(service.namespace) || isIstioControlPlane(service)) continue;
    if (ISTIO_MANAGED.has(labelsOf(service.manifest.metadata)['gateway.istio.io/managed'])) continue;
    const externalName = service.spec.type === 'ExternalName';
    for (const port of Array.isArray(service.spec.ports) ? service.spec.ports : []) {
      if (portProtocol(port) !== undefined && !(externalName && port?.name === 'tcp')) continue;
      if (externalName) {
        ctx.report(service, 'IST0150', AnalysisLevel.WARNING, 'Port name for ExternalName service is invalid. Proxy may prevent tcp named ports and unmatched '
          + `traffic for ports serving TCP protocol from being forwarded correctly (port ${port?.port} "${textOf(port?.name)}"); `
          + 'name it after its protocol (e.g. "https" or "http"), not "tcp"');
      } else {
        const target = textOf(port?.targetPort) || textOf(port?.port);
        ctx.report(service, 'IST0118', AnalysisLevel.INFO, `Port name ${textOf(port?.name)} (port: ${port?.port}, targetPort: ${target}) doesn't follow `
          + 'the naming convention of Istio port; Istio falls back to protocol detection for it: name it "<protocol>[-<suffix>]" (e.g. "http-web") '
          + 'or set appProtocol');
      }
    }
  }
}
