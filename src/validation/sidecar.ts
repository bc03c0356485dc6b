import { checkPort, checkSelectorLabels } from './common';
import { Findings } from './findings';
import { checkNamespacedHost } from './gateway';
import { fqdnProblem, isIpAddress } from './names';
import { checkPortName, checkProtocol } from './service-entry';

/** Istio's admission rules for a Sidecar (networking.istio.io/v1), as emitted YAML. */
export function validateSidecarSpec(spec: any): Findings {
  const f = new Findings();
  spec = spec ?? {};
  const selector = spec.workloadSelector;
  if (selector) {
    if (Object.keys(selector.labels ?? {}).length === 0) {
      f.warning('spec.workloadSelector.labels', selector.labels, 'is empty, so the Sidecar applies to every workload in the namespace', 'add labels, or remove workloadSelector');
    }
    checkSelectorLabels(f, 'spec.workloadSelector.labels', selector.labels);
  }
  const egress: any[] = spec.egress ?? [];
  const ingress: any[] = spec.ingress ?? [];
  if (egress.length === 0 && ingress.length === 0 && !spec.outboundTrafficPolicy && !spec.inboundConnectionPool) {
    f.error('spec', spec, 'must configure egress, ingress, outboundTrafficPolicy or inboundConnectionPool', 'add an egress listener or an outbound traffic policy');
  }
  const ports = new Set<number>();
  let catchAll = false;
  egress.forEach((listener, i) => {
    const field = `spec.egress[${i}]`;
    if (!listener.port) {
      if (catchAll) f.error(field, listener, 'must not be a second listener without a port', 'merge the hosts into one catch-all listener');
      else if (i !== egress.length - 1) f.error(field, listener, 'must be last: only the last egress listener may have no port', 'move it to the end');
      catchAll = true;
    } else {
      const port = listener.port;
      if (port.name) checkPortName(f, `${field}.port.name`, port.name);
      checkProtocol(f, `${field}.port.protocol`, port.protocol);
      if (port.number !== 0) checkPort(f, `${field}.port.number`, port.number);
      if (ports.has(port.number)) f.error(`${field}.port.number`, port.number, 'must be unique across egress listeners', 'merge the listeners');
      ports.add(port.number);
      if (listener.bind && !listener.bind.startsWith('unix://') && !isIpAddress(listener.bind)) {
        f.error(`${field}.bind`, listener.bind, 'must be an IP address or unix:// path', 'fix the bind address');
      }
    }
    const hosts: string[] = listener.hosts ?? [];
    if (hosts.length === 0) f.error(`${field}.hosts`, hosts, 'must list at least one host', 'add "<namespace>/<host>" entries such as "istio-system/*"');
    hosts.forEach((h, j) => checkNamespacedHost(f, `${field}.hosts[${j}]`, h, false));
  });
  const policy = spec.outboundTrafficPolicy;
  if (policy?.egressProxy) {
    if ((policy.mode ?? 'ALLOW_ANY') !== 'ALLOW_ANY') {
      f.error('spec.outboundTrafficPolicy.egressProxy', policy.egressProxy.host, 'must only be set with mode ALLOW_ANY', 'use mode ALLOW_ANY or remove egressProxy');
    }
    const problem = fqdnProblem(policy.egressProxy.host ?? '');
    if (problem) f.error('spec.outboundTrafficPolicy.egressProxy.host', policy.egressProxy.host, problem, 'use the egress proxy service name');
    if (!policy.egressProxy.port) f.error('spec.outboundTrafficPolicy.egressProxy.port', undefined, 'is required', 'give the egress proxy port');
    else checkPort(f, 'spec.outboundTrafficPolicy.egressProxy.port.number', policy.egressProxy.port.number);
  }
  return f;
}
