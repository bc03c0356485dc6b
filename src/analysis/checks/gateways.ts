import { hostsOverlap } from '../../validation/names';
import { textOf } from '../../validation/shape';
import { AnalysisContext } from '../context';
import { AnalysisLevel } from '../finding';
import { addTo, Entry } from '../model';

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

/** A server host as the gateway merges it: `./h` is `<gateway namespace>/h`, and `*` + `/h` is `h` (Istio's sanitizeServerHostNamespace). */
function mergedHost(host: unknown, namespace: string): string {
  const h = textOf(host);
  const slash = h.indexOf('/');
  if (slash < 0) return h;
  const ns = h.slice(0, slash);
  if (ns === '.') return `${namespace}${h.slice(slash)}`;
  return ns === '*' ? h.slice(slash + 1) : h;
}

/** Gateways with one workload selector, and their servers' hosts by `port|bind|host`. */
interface SelectorGroup {
  readonly selector: { [key: string]: string };
  readonly gateways: Entry[];
  readonly hosts: Map<string, Set<Entry>>;
  /** Groups whose gateways apply to the same workloads (this one included). */
  readonly related: Set<SelectorGroup>;
}

const serverKey = (server: any, host: string) => `${server?.port?.number ?? 0}|${textOf(server?.bind)}|${host}`;

/** Whether every label of `a` is in `b` with the same value. */
function subsetOf(a: { [key: string]: string }, b: { [key: string]: string }): boolean {
  return Object.entries(a).every(([k, v]) => b[k] === v);
}

/**
 * IST0145 (ConflictingGateways), as Istio's ConflictingGatewayAnalyzer: two Gateways for the same
 * workloads serve the same host on the same port and bind address. Gateways are for the same
 * workloads when their selectors are equal, or when one selector is part of the other and a
 * workload of the analyzed objects has the labels of both. Hosts are compared as the gateway
 * merges servers: exactly (a wildcard host is a host of its own, served beside the specific
 * ones), after resolving the `.` and `*` namespace prefixes.
 *
 * The selectors and hosts are indexed: each gateway looks up its own hosts, so the check is
 * linear in the number of servers (plus, per workload, the pairs of selectors that select it).
 */
export function checkConflictingGateways(ctx: AnalysisContext): void {
  const groups = new Map<string, SelectorGroup>();
  const gateways = ctx.inventory.of('Gateway');
  const groupOf = new Map<Entry, SelectorGroup>();
  for (const gw of gateways) {
    const selector = labelsOf(gw.spec.selector);
    const text = selectorText(selector);
    let group = groups.get(text);
    if (!group) {
      group = { selector, gateways: [], hosts: new Map(), related: new Set() };
      group.related.add(group);
      groups.set(text, group);
    }
    group.gateways.push(gw);
    groupOf.set(gw, group);
    for (const server of serversOf(gw)) {
      for (const h of hostsOf(server)) {
        const key = serverKey(server, mergedHost(h, gw.namespace));
        group.hosts.set(key, (group.hosts.get(key) ?? new Set()).add(gw));
      }
    }
  }
  // Selectors of which one is part of the other are related when some workload has both.
  const selectorsOfWorkload = new Map<Entry, SelectorGroup[]>();
  for (const group of groups.values()) {
    for (const w of ctx.inventory.workloadsSelectedBy(group.selector)) addTo(selectorsOfWorkload, w.entry, group);
  }
  for (const selecting of selectorsOfWorkload.values()) {
    for (let i = 0; i < selecting.length; i++) {
      for (let j = i + 1; j < selecting.length; j++) {
        const [a, b] = [selecting[i], selecting[j]];
        if (subsetOf(a.selector, b.selector) || subsetOf(b.selector, a.selector)) {
          a.related.add(b);
          b.related.add(a);
        }
      }
    }
  }
  for (const gw of gateways) {
    const group = groupOf.get(gw)!;
    for (const server of serversOf(gw)) {
      const conflicts = new Set<string>();
      for (const h of hostsOf(server)) {
        const key = serverKey(server, mergedHost(h, gw.namespace));
        for (const related of group.related) {
          for (const other of related.hosts.get(key) ?? []) if (other !== gw) conflicts.add(`${other.namespace}/${other.name}`);
        }
      }
      if (conflicts.size > 0) {
        const port = server?.port?.number ?? 0;
        ctx.report(gw, 'IST0145', AnalysisLevel.ERROR, `Conflict with gateways ${[...conflicts].sort().join(',')} (workload selector ${selectorText(group.selector)}, `
          + `port ${port}, hosts ${hostsOf(server).join(',')}); serve each host from one Gateway per workload, port and bind address`);
      }
    }
  }
}

/** A selector's labels ({} when absent or not a map). */
function labelsOf(selector: unknown): { [key: string]: string } {
  return selector && typeof selector === 'object' && !Array.isArray(selector) ? selector as { [key: string]: string } : {};
}

function serversOf(gw: Entry): any[] {
  return Array.isArray(gw.spec.servers) ? gw.spec.servers : [];
}

function hostsOf(server: any): string[] {
  return Array.isArray(server?.hosts) ? server.hosts.map((h: unknown) => textOf(h)) : [];
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
