import { hostsOverlap } from '../../validation/names';
import { textOf } from '../../validation/shape';
import { AnalysisContext } from '../context';
import { AnalysisLevel } from '../finding';
import { Entry, suffixWildcards } from '../model';

const MESH = 'mesh';

/** `name` or `namespace/name` → `namespace/name`, relative to the VirtualService's namespace. */
function gatewayKey(reference: string, namespace: string): string {
  if (typeof reference !== 'string') return textOf(reference);
  return reference.includes('/') ? reference : `${namespace}/${reference}`;
}

/** Server hosts of a Gateway as seen from a VirtualService namespace (Istio's NamesForNamespace). */
function hostsFor(gateway: Entry, vsNamespace: string): string[] {
  const hosts: string[] = [];
  for (const server of gateway.spec.servers ?? []) {
    for (const h of server?.hosts ?? []) {
      const slash = h.indexOf('/');
      if (slash < 0) {
        hosts.push(h);
        continue;
      }
      const ns = h.slice(0, slash);
      const name = h.slice(slash + 1);
      if (ns === '*' || ns === vsNamespace || (ns === '.' && gateway.namespace === vsNamespace)) hosts.push(name);
    }
  }
  return hosts;
}

/**
 * IST0101: a VirtualService names a Gateway that is not there. IST0132: none of the
 * VirtualService's hosts is served by a Gateway it binds to (requests get 404).
 */
export function checkVirtualServiceGateways(ctx: AnalysisContext, external: Set<string>): void {
  const gateways = new Map(ctx.inventory.of('Gateway').map((g) => [`${g.namespace}/${g.name}`, g]));
  for (const vs of ctx.inventory.of('VirtualService')) {
    const references: string[] = [...(vs.spec.gateways ?? [])];
    for (const rule of vs.spec.http ?? []) for (const m of rule?.match ?? []) references.push(...(m?.gateways ?? []));
    for (const reference of new Set(references)) {
      if (reference === MESH) continue;
      const key = gatewayKey(reference, vs.namespace);
      const gateway = gateways.get(key);
      if (!gateway) {
        if (!external.has(key)) {
          ctx.report(vs, 'IST0101', AnalysisLevel.ERROR, `Referenced gateway not found: "${reference}" (looked for Gateway ${key}); `
            + 'define the Gateway, fix the reference, or use Gateway.fromGatewayName() for a gateway defined outside this app');
        }
        continue;
      }
      if (!(vs.spec.gateways ?? []).includes(reference)) continue;
      const served = hostsFor(gateway, vs.namespace);
      const hosts: string[] = vs.spec.hosts ?? [];
      if (!hosts.some((h) => served.some((s) => hostsOverlap(s, h)))) {
        ctx.report(vs, 'IST0132', AnalysisLevel.WARNING, `one or more host [${hosts.join(', ')}] defined in VirtualService ${vs.namespace}/${vs.name} not found in Gateway ${key} `
          + `(it serves [${served.join(', ') || 'none for this namespace'}]); requests get 404 — add the host to the Gateway's servers, or fix the VirtualService hosts`);
      }
    }
  }
}

/** A stable text form of a label selector, as Kubernetes prints it. */
function selectorText(selector: { [key: string]: string } | undefined): string {
  return Object.keys(selector ?? {}).sort().map((k) => `${k}=${selector![k]}`).join(',');
}

/**
 * IST0145: two Gateways with the same workload selector and port serve overlapping hosts.
 * Gateways are grouped by selector and port; within a group, hosts are looked up by exact name
 * and by wildcard suffix, so the check stays linear.
 */
export function checkConflictingGateways(ctx: AnalysisContext): void {
  // selector~port → host → gateways serving it
  const groups = new Map<string, Map<string, Set<Entry>>>();
  const gateways = ctx.inventory.of('Gateway');
  for (const gw of gateways) {
    for (const server of gw.spec.servers ?? []) {
      const key = `${selectorText(gw.spec.selector)}~${server?.port?.number}`;
      const hosts = groups.get(key) ?? new Map<string, Set<Entry>>();
      groups.set(key, hosts);
      for (const h of server?.hosts ?? []) {
        const host = h.includes('/') ? h.slice(h.indexOf('/') + 1) : h;
        hosts.set(host, (hosts.get(host) ?? new Set()).add(gw));
      }
    }
  }
  for (const gw of gateways) {
    for (const server of gw.spec.servers ?? []) {
      const port = server?.port?.number;
      const hosts = groups.get(`${selectorText(gw.spec.selector)}~${port}`)!;
      const conflicts = new Set<string>();
      for (const h of server?.hosts ?? []) {
        const host = h.includes('/') ? h.slice(h.indexOf('/') + 1) : h;
        const covering = [host, ...suffixWildcards(host)];
        // A wildcard server host also overlaps the specific hosts under it.
        const covered = host.startsWith('*') ? [...hosts.keys()].filter((other) => hostsOverlap(host, other)) : [];
        for (const candidate of [...covering, ...covered]) {
          for (const other of hosts.get(candidate) ?? []) {
            if (other !== gw) conflicts.add(`${other.namespace}/${other.name}`);
          }
        }
      }
      if (conflicts.size > 0) {
        ctx.report(gw, 'IST0145', AnalysisLevel.ERROR, `Conflict with gateways ${[...conflicts].sort().join(',')} (workload selector ${selectorText(gw.spec.selector)}, port ${port}, `
          + `hosts ${(server.hosts ?? []).join(',')}); serve each host from one Gateway per workload and port`);
      }
    }
  }
}

/**
 * IST0101 (selector): a Gateway selects no gateway workload, when the app defines gateway
 * workloads (pods labelled `istio: *gateway`, or selected by another Gateway).
 */
export function checkGatewaySelectors(ctx: AnalysisContext): void {
  const gateways = ctx.inventory.of('Gateway');
  const isGatewayWorkload = (labels: { [key: string]: string }) => /gateway$/.test(labels.istio ?? '');
  const hasGatewayWorkloads = ctx.inventory.workloads.some((w) => isGatewayWorkload(w.labels))
    || gateways.some((g) => ctx.inventory.workloadsSelectedBy(g.spec.selector ?? {}).length > 0);
  if (!hasGatewayWorkloads) return;
  for (const gw of gateways) {
    const selector = gw.spec.selector ?? {};
    if (ctx.inventory.workloadsSelectedBy(selector).length === 0) {
      ctx.report(gw, 'IST0101', AnalysisLevel.ERROR, `Referenced selector not found: "${selectorText(selector)}" matches no gateway workload in the app; `
        + 'fix the selector to match the gateway pods\' labels');
    }
  }
}
