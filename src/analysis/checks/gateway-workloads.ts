import { AnalysisContext } from '../context';
import { AnalysisLevel } from '../finding';
import { addTo, Entry, Inventory, pod, selects, selectorText, Workload } from '../model';

type Labels = { [key: string]: string };

/** A selector's labels ({} when absent or not a map). */
export function gatewaySelector(gw: Entry): Labels {
  const selector = gw.spec.selector;
  return selector && typeof selector === 'object' && !Array.isArray(selector) ? selector : {};
}

/**
 * The gateway workloads each Gateway's selector picks, in any namespace (a Gateway applies to
 * the pods its selector matches wherever they run), computed once per distinct selector.
 */
export function gatewayWorkloads(inventory: Inventory): (gw: Entry) => Workload[] {
  const bySelector = new Map<string, Workload[]>();
  return (gw) => {
    const selector = gatewaySelector(gw);
    const key = selectorText(selector);
    let found = bySelector.get(key);
    if (!found) {
      found = inventory.workloadsSelectedBy(selector);
      bySelector.set(key, found);
    }
    return found;
  };
}

/** The number of a container port named `name` in a workload, if any. */
function namedContainerPort(workload: Workload, name: string): number | undefined {
  const spec = pod(workload.entry).spec;
  for (const c of [...(Array.isArray(spec.containers) ? spec.containers : []), ...(Array.isArray(spec.initContainers) ? spec.initContainers : [])]) {
    for (const p of Array.isArray(c?.ports) ? c.ports : []) if (p?.name === name && typeof p.containerPort === 'number') return p.containerPort;
  }
  return undefined;
}

/**
 * IST0162 (GatewayPortNotDefinedOnService), as Istio's IngressGatewayPortAnalyzer: a Gateway
 * server listens on a port that no TCP port (nor target port) of the Services in front of its
 * workloads exposes, so clients cannot reach it through the gateway Service.
 *
 * Only what the analyzed objects prove is reported: the gateway workloads must be among them
 * (gateways installed outside the app are not known), and so must a Service that selects them
 * (otherwise the Service is defined elsewhere). A Gateway that selects no workload is IST0101,
 * reported by checkGatewaySelectors. Unlike istioctl, which reads YAML files as written, a
 * Service port without `protocol` is TCP (the API server's default), a named target port is
 * resolved to the container port, and a Service without selector selects no pod.
 */
export function checkGatewayServicePorts(ctx: AnalysisContext): void {
  // Services by `namespace|key=value` of each label of their selector.
  const servicesByLabel = new Map<string, Entry[]>();
  for (const svc of ctx.inventory.of('Service')) {
    const selector = svc.spec.selector;
    if (!selector || typeof selector !== 'object') continue;
    for (const [k, v] of Object.entries(selector)) addTo(servicesByLabel, `${svc.namespace}|${k}=${v}`, svc);
  }
  // The ports the Services in front of a workload expose, or undefined when none selects it.
  const exposed = new Map<Entry, Set<number> | undefined>();
  const portsOf = (w: Workload): Set<number> | undefined => {
    if (exposed.has(w.entry)) return exposed.get(w.entry);
    const services = new Set<Entry>();
    for (const [k, v] of Object.entries(w.labels)) {
      for (const svc of servicesByLabel.get(`${w.entry.namespace}|${k}=${v}`) ?? []) if (selects(svc.spec.selector, w.labels)) services.add(svc);
    }
    let ports: Set<number> | undefined;
    for (const svc of services) {
      ports = ports ?? new Set();
      for (const p of Array.isArray(svc.spec.ports) ? svc.spec.ports : []) {
        if ((p?.protocol ?? 'TCP') !== 'TCP') continue;
        if (typeof p.port === 'number') ports.add(p.port);
        const target = typeof p.targetPort === 'string' && /^\d+$/.test(p.targetPort) ? Number(p.targetPort) : p.targetPort;
        const resolved = typeof target === 'string' ? namedContainerPort(w, target) : target;
        if (typeof resolved === 'number') ports.add(resolved);
      }
    }
    exposed.set(w.entry, ports);
    return ports;
  };
  const workloadsOf = gatewayWorkloads(ctx.inventory);
  // The ports open to a Gateway's workloads, per distinct selector.
  const allowedBySelector = new Map<string, Set<number> | undefined>();
  for (const gw of ctx.inventory.of('Gateway')) {
    const selector = selectorText(gatewaySelector(gw));
    if (!allowedBySelector.has(selector)) {
      let ports: Set<number> | undefined;
      for (const w of workloadsOf(gw)) {
        const exposedHere = portsOf(w);
        if (!exposedHere) continue;
        ports = ports ?? new Set();
        for (const p of exposedHere) ports.add(p);
      }
      allowedBySelector.set(selector, ports);
    }
    const allowed = allowedBySelector.get(selector);
    if (!allowed) continue;
    for (const server of Array.isArray(gw.spec.servers) ? gw.spec.servers : []) {
      const port = server?.port?.number;
      if (typeof port !== 'number' || allowed.has(port)) continue;
      ctx.report(gw, 'IST0162', AnalysisLevel.WARNING, `The gateway is listening on a target port (port ${port}) that is not defined in the Service associated with `
        + `its workload instances (Pod selector ${selector}). If you need to access the gateway port through the gateway Service, it will not be available; `
        + `add port ${port} (or a targetPort ${port}) to the gateway Service, or listen on one of its ports [${[...allowed].sort((a, b) => a - b).join(', ')}]`);
    }
  }
}
